//! kiwiHR addresses are checked after DNS resolution: a customer's `acme.kiwihr.com` that resolves
//! to a loopback, private, link-local or otherwise internal address is refused, so a form cannot
//! point the server at itself or its network (SSRF by DNS).
//!
//! [`PublicOnly`] is the kiwiHR client's DNS resolver: it resolves, drops every internal address
//! and hands reqwest only the public ones, so the connection is made to an address that was
//! checked (no second lookup that could answer differently). That client ignores proxy settings
//! for the same reason. The operator override `ROSTER_KIWIHR_ENDPOINT` (tests, the demo, an
//! on-premises mirror) does not use it.
//!
//! Why hand-written: `IpAddr::is_global` is still unstable in std, and no small maintained crate
//! covers the IANA special-purpose registries with IPv4-mapped and NAT64 forms; the list below
//! follows RFC 6890 and the IANA registries and is tested case by case.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The refusal, found by the transport in reqwest's error chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} resolves only to internal addresses ({addresses}); Roster connects to kiwiHR only at public addresses"
)]
pub struct InternalAddress {
    pub host: String,
    pub addresses: String,
}

impl InternalAddress {
    /// The resolver's refusal inside a reqwest error, if that is what failed.
    pub fn in_error(e: &reqwest::Error) -> Option<&InternalAddress> {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(err) = source {
            if let Some(found) = err.downcast_ref::<InternalAddress>() {
                return Some(found);
            }
            source = err.source();
        }
        None
    }
}

/// A resolver that answers only public addresses (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct PublicOnly {
    /// Names answered without DNS (tests: `acme.kiwihr.com` → 127.0.0.1); still filtered.
    fixed: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl PublicOnly {
    pub fn with_fixed(fixed: HashMap<String, Vec<IpAddr>>) -> PublicOnly {
        PublicOnly {
            fixed: Arc::new(fixed),
        }
    }

    /// The public addresses of `host`, or why there are none.
    pub async fn lookup(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let all: Vec<IpAddr> = match self.fixed.get(host) {
            Some(ips) => ips.clone(),
            None => tokio::net::lookup_host((host, 0))
                .await?
                .map(|a| a.ip())
                .collect(),
        };
        let public: Vec<SocketAddr> = all
            .iter()
            .filter(|ip| is_public(**ip))
            .map(|ip| SocketAddr::new(*ip, 0))
            .collect();
        if public.is_empty() {
            let addresses = all
                .iter()
                .map(IpAddr::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Box::new(InternalAddress {
                host: host.to_string(),
                addresses,
            }));
        }
        Ok(public)
    }
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Whether `ip` is a public unicast address: not loopback, private, shared, link-local,
/// documentation, benchmarking, reserved, multicast or unspecified, in IPv4 or IPv6, including
/// IPv4 addresses carried inside IPv6 (mapped, compatible, NAT64, 6to4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    let embedded_v4 = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        // ::/96: unspecified, loopback and the deprecated IPv4-compatible form.
        return !ip.is_unspecified() && !ip.is_loopback() && is_public_v4(embedded_v4(s[6], s[7]));
    }
    if s[0] == 0x64 && s[1] == 0xff9b {
        // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48).
        return s[2] == 0 && is_public_v4(embedded_v4(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        // 6to4 carries the IPv4 address in the next 32 bits.
        return is_public_v4(embedded_v4(s[1], s[2]));
    }
    !(ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x3fff && s[1] < 0x1000) // documentation 3fff::/20
        || (s[0] == 0x2001 && s[1] < 0x0200) // IETF protocol assignments, Teredo, benchmarking
        || s[0] == 0x0100 && s[1..4] == [0, 0, 0] // discard-only 100::/64
        || (s[0] & 0xe000) != 0x2000) // outside global unicast 2000::/3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
            "3fff::1",
            "::ffff:0.0.0.0",
        ] {
            let ip: IpAddr = internal.parse().unwrap();
            assert!(!is_public(ip), "{internal} must be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "198.20.0.1",
            "52.28.0.10",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2a00:1450:4001:80b::200e",
            "2606:4700::1111",
        ] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(is_public(ip), "{public} is public");
        }
    }

    #[tokio::test]
    async fn the_resolver_keeps_only_public_addresses_and_names_what_it_refused() {
        let fixed = HashMap::from([
            (
                "mixed.kiwihr.com".to_string(),
                vec!["10.0.0.1".parse().unwrap(), "8.8.4.4".parse().unwrap()],
            ),
            (
                "inside.kiwihr.com".to_string(),
                vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
            ),
        ]);
        let r = PublicOnly::with_fixed(fixed);
        let ok = r.lookup("mixed.kiwihr.com").await.unwrap();
        assert_eq!(ok, vec!["8.8.4.4:0".parse::<SocketAddr>().unwrap()]);
        let err = r.lookup("inside.kiwihr.com").await.unwrap_err();
        let refused = err.downcast_ref::<InternalAddress>().expect("the refusal");
        assert_eq!(refused.addresses, "127.0.0.1, ::1");
        assert!(
            err.to_string().contains("only to internal addresses"),
            "{err}"
        );
        // localhost through the system resolver is refused too.
        let err = r.lookup("localhost").await.unwrap_err();
        assert!(err.downcast_ref::<InternalAddress>().is_some(), "{err}");
    }
}
