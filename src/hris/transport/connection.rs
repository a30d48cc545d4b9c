//! A failed connection in words: the kind of failure for pages, runs and mail, the whole cause
//! chain for the log.

/// A short cause for a failed connection, without the URL (which may carry a path an operator
/// typed, but never a secret: secrets go in headers and bodies).
pub(super) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    // The whole chain (OS error codes, resolver and TLS detail) goes to the log; pages, runs and
    // mail get the kind of failure in words.
    tracing::warn!(error = %error_chain(e), "HRIS request failed");
    let mut io_kind = None;
    let mut text = String::new();
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        text.push_str(&s.to_string().to_lowercase());
        text.push(' ');
        src = s.source();
    }
    use std::io::ErrorKind as K;
    let words = match io_kind {
        Some(K::ConnectionRefused) => "the connection was refused",
        Some(K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof) => {
            "the connection was cut off"
        }
        Some(K::TimedOut) => "the connection timed out",
        Some(K::HostUnreachable | K::NetworkUnreachable | K::NetworkDown) => {
            "the network path to it is down"
        }
        _ if text.contains("dns") || text.contains("lookup address") => {
            "its address could not be found (DNS)"
        }
        _ if text.contains("certificate") || text.contains("tls") || text.contains("handshake") => {
            "the secure connection (TLS) could not be set up"
        }
        _ if e.is_connect() => "no connection could be made",
        _ => "the connection broke off",
    };
    words.to_owned()
}

/// Every message of `e`'s chain, for the log.
fn error_chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}
