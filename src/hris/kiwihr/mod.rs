//! kiwiHR (Tellent HR) client: validated endpoint, GraphQL paging, mapping onto [`Snapshot`].

mod endpoint;
mod parse;

pub use endpoint::{EXPECTED_SHAPE, EndpointError, KiwiEndpoint, OverrideError};
pub use parse::{ReplyError, UsersPage, graphql_errors, parse_users_page};
