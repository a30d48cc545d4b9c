//! HRIS clients: each turns its provider's JSON into our own [`Snapshot`] and knows nothing of the
//! database. A client returns every page or an error, never a part.

mod attribute_list;
pub mod clean;
pub mod kiwihr;
pub mod ownership;
pub mod pacing;
pub mod personio;
pub mod providers;
pub mod public_address;
pub mod secret;
mod snapshot;
pub mod transport;

pub use attribute_list::{Attr, AttributeList};
pub use snapshot::{
    AttributeInfo, Field, HrisAttribute, HrisPerson, ManagerRef, Provider, Snapshot, kind_words,
};
pub use transport::{FetchError, Transport, TransportConfig};
