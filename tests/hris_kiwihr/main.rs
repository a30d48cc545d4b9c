//! The kiwiHR client against the fake kiwiHR server, over real HTTP on 127.0.0.1.

mod fields;
mod helpers;
mod paging;
mod rejections;
mod requests;
mod transport;
