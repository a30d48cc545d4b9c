//! The kiwiHR GraphQL endpoint a customer typed into a form, validated so the server can only ever
//! be pointed at `https://<one label>.kiwihr.com/api/graphql` (no SSRF into internal addresses).
//!
//! Validation runs when the URL is saved and again before every sync, since stored data may be
//! old or edited by hand. Tests and the demo point the client elsewhere only through
//! [`KiwiEndpoint::operator_override`], which no web form can reach.

use std::fmt;

use url::{Host, Url};

/// What every validation message starts with: the shape the customer should type.
pub const EXPECTED_SHAPE: &str =
    "The URL must look like https://yourcompany.kiwihr.com/api/graphql";

const PATH: &str = "/api/graphql";
const DOMAIN: &str = ".kiwihr.com";

/// A kiwiHR GraphQL URL that is safe to fetch: either a validated customer URL in canonical form,
/// or an operator-configured override.
#[derive(Clone, PartialEq, Eq)]
pub struct KiwiEndpoint {
    url: Url,
    operator_override: bool,
}

/// Why a customer-typed URL was refused. `Display` is a sentence for the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("{EXPECTED_SHAPE}. The URL is empty.")]
    Empty,
    #[error("{EXPECTED_SHAPE}. This is not a valid URL.")]
    NotAUrl,
    #[error("{EXPECTED_SHAPE}. It must start with https:// (found “{0}://”).")]
    Scheme(String),
    #[error("{EXPECTED_SHAPE}. It must not contain a user name or password.")]
    UserInfo,
    #[error("{EXPECTED_SHAPE}. It must not contain a port (found {0}).")]
    Port(u16),
    #[error("{EXPECTED_SHAPE}. It must not contain a query (the part after “?”).")]
    Query,
    #[error("{EXPECTED_SHAPE}. It must not contain a fragment (the part after “#”).")]
    Fragment,
    #[error("{EXPECTED_SHAPE}. An IP address is not allowed; use your company's kiwiHR address.")]
    IpAddress,
    #[error(
        "{EXPECTED_SHAPE}. The host must be your company's kiwiHR address (yourcompany.kiwihr.com), not “{0}”."
    )]
    Host(String),
    #[error("{EXPECTED_SHAPE}. The path must be /api/graphql, not “{0}”.")]
    Path(String),
}

/// Why an operator override was refused (a configuration error, not a form error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The kiwiHR endpoint override must be an http(s) URL without user info, query or fragment: {0}"
)]
pub struct OverrideError(String);

impl KiwiEndpoint {
    /// Validates a URL typed by a customer and returns it in canonical form
    /// (`https://<label>.kiwihr.com/api/graphql`). A bare origin gets the path added, as the
    /// vendor's own article has customers append it by hand.
    pub fn parse(customer_input: &str) -> Result<KiwiEndpoint, EndpointError> {
        let raw = customer_input.trim();
        if raw.is_empty() {
            return Err(EndpointError::Empty);
        }
        // A bare address ("acme.kiwihr.com", as the browser's address bar shows it) gets https://.
        let with_scheme;
        let raw = if raw.contains("://") {
            raw
        } else {
            with_scheme = format!("https://{raw}");
            &with_scheme
        };
        let url = Url::parse(raw).map_err(|_| EndpointError::NotAUrl)?;
        if url.scheme() != "https" {
            return Err(EndpointError::Scheme(
                url.scheme().chars().take(20).collect(),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::UserInfo);
        }
        // `Url` drops the scheme's default port, so only a non-443 port is left here.
        if let Some(port) = url.port().filter(|p| *p != 443) {
            return Err(EndpointError::Port(port));
        }
        if url.query().is_some() {
            return Err(EndpointError::Query);
        }
        if url.fragment().is_some() {
            return Err(EndpointError::Fragment);
        }
        let host = match url.host() {
            Some(Host::Domain(d)) => d.to_ascii_lowercase(),
            Some(Host::Ipv4(_)) | Some(Host::Ipv6(_)) => return Err(EndpointError::IpAddress),
            None => return Err(EndpointError::NotAUrl),
        };
        let host = host.strip_suffix('.').unwrap_or(&host).to_string();
        if !is_tenant_host(&host) {
            return Err(EndpointError::Host(host.chars().take(100).collect()));
        }
        match url.path() {
            "" | "/" | PATH | "/api/graphql/" => {}
            other => return Err(EndpointError::Path(other.chars().take(100).collect())),
        }
        let canonical = format!("https://{host}{PATH}");
        let url = Url::parse(&canonical).map_err(|_| EndpointError::NotAUrl)?;
        Ok(KiwiEndpoint {
            url,
            operator_override: false,
        })
    }

    /// An endpoint set by the operator (config file or environment), e.g. a local fake server at
    /// `http://127.0.0.1:PORT/api/graphql`. Never build this from anything a customer typed.
    pub fn operator_override(url: Url) -> Result<KiwiEndpoint, OverrideError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OverrideError(format!("scheme “{}”", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(OverrideError("user info".into()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(OverrideError("query or fragment".into()));
        }
        if url.host().is_none() {
            return Err(OverrideError("no host".into()));
        }
        Ok(KiwiEndpoint {
            url,
            operator_override: true,
        })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The canonical form, as stored.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// Whether this came from the operator rather than a validated customer URL.
    pub fn is_operator_override(&self) -> bool {
        self.operator_override
    }
}

impl fmt::Display for KiwiEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

impl fmt::Debug for KiwiEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.operator_override {
            " (operator override)"
        } else {
            ""
        };
        write!(f, "KiwiEndpoint({}{kind})", self.url)
    }
}

/// `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.kiwihr\.com$`, without a regex dependency.
fn is_tenant_host(host: &str) -> bool {
    let Some(label) = host.strip_suffix(DOMAIN) else {
        return false;
    };
    let bytes = label.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && alnum(&bytes[0])
        && alnum(&bytes[bytes.len() - 1])
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

#[cfg(test)]
mod tests;
