//! Customer-typed kiwiHR URLs: the canonical form and what is completed or normalised is accepted;
//! lookalike hosts, IP literals, other ports, user info, queries, fragments and wrong paths are
//! refused with the expected shape in the message. The operator override takes a local URL.

use super::*;

fn refused(input: &str) -> EndpointError {
    KiwiEndpoint::parse(input).expect_err(input)
}

fn accepted(input: &str) -> String {
    KiwiEndpoint::parse(input)
        .expect(input)
        .as_str()
        .to_string()
}

#[test]
fn the_canonical_url_is_accepted_as_is() {
    assert_eq!(
        accepted("https://acme.kiwihr.com/api/graphql"),
        "https://acme.kiwihr.com/api/graphql"
    );
}

#[test]
fn a_bare_origin_is_completed_with_the_path() {
    assert_eq!(
        accepted("https://acme.kiwihr.com"),
        "https://acme.kiwihr.com/api/graphql"
    );
    assert_eq!(
        accepted("https://acme.kiwihr.com/"),
        "https://acme.kiwihr.com/api/graphql"
    );
}

#[test]
fn a_bare_address_is_completed_with_https_and_the_path() {
    assert_eq!(
        accepted("acme.kiwihr.com"),
        "https://acme.kiwihr.com/api/graphql"
    );
    assert_eq!(
        accepted(" Acme.kiwihr.com/api/graphql "),
        "https://acme.kiwihr.com/api/graphql"
    );
    assert!(matches!(
        refused("acme.example.com"),
        EndpointError::Host(_)
    ));
}

#[test]
fn a_trailing_slash_on_the_path_is_normalised() {
    assert_eq!(
        accepted("https://acme.kiwihr.com/api/graphql/"),
        "https://acme.kiwihr.com/api/graphql"
    );
}

#[test]
fn an_uppercase_host_and_a_trailing_dot_are_normalised() {
    assert_eq!(
        accepted("  HTTPS://ACME-Gmbh.KiwiHR.com./api/graphql "),
        "https://acme-gmbh.kiwihr.com/api/graphql"
    );
}

#[test]
fn an_explicit_port_443_is_allowed() {
    assert_eq!(
        accepted("https://acme.kiwihr.com:443/api/graphql"),
        "https://acme.kiwihr.com/api/graphql"
    );
}

#[test]
fn plain_http_is_refused() {
    assert_eq!(
        refused("http://acme.kiwihr.com/api/graphql"),
        EndpointError::Scheme("http".into())
    );
}

#[test]
fn lookalike_hosts_are_refused() {
    for host in [
        "kiwihr.com.evil.io",
        "evilkiwihr.com",
        "a.b.kiwihr.com",
        "kiwihr.com",
        "-acme.kiwihr.com",
        "acme-.kiwihr.com",
        "acme.kiwihr.com..",
    ] {
        let err = refused(&format!("https://{host}/api/graphql"));
        assert!(matches!(err, EndpointError::Host(_)), "{host}: {err:?}");
    }
}

#[test]
fn a_label_longer_than_63_characters_is_refused() {
    let long = "a".repeat(64);
    assert!(matches!(
        refused(&format!("https://{long}.kiwihr.com/api/graphql")),
        EndpointError::Host(_)
    ));
    let max = "a".repeat(63);
    accepted(&format!("https://{max}.kiwihr.com/api/graphql"));
}

#[test]
fn ip_literals_are_refused() {
    assert_eq!(
        refused("https://127.0.0.1/api/graphql"),
        EndpointError::IpAddress
    );
    assert_eq!(
        refused("https://[::1]/api/graphql"),
        EndpointError::IpAddress
    );
    assert_eq!(
        refused("https://169.254.169.254/api/graphql"),
        EndpointError::IpAddress
    );
}

#[test]
fn any_other_port_is_refused() {
    assert_eq!(
        refused("https://acme.kiwihr.com:8443/api/graphql"),
        EndpointError::Port(8443)
    );
}

#[test]
fn user_info_is_refused() {
    assert_eq!(
        refused("https://user:pw@acme.kiwihr.com/api/graphql"),
        EndpointError::UserInfo
    );
    assert_eq!(
        refused("https://evil.io@acme.kiwihr.com/api/graphql"),
        EndpointError::UserInfo
    );
}

#[test]
fn query_and_fragment_are_refused() {
    assert_eq!(
        refused("https://acme.kiwihr.com/api/graphql?x=1"),
        EndpointError::Query
    );
    assert_eq!(
        refused("https://acme.kiwihr.com/api/graphql#x"),
        EndpointError::Fragment
    );
}

#[test]
fn a_wrong_path_is_refused() {
    for path in [
        "/api",
        "/api/graphql/public",
        "/graphql",
        "/api/graphql/../../admin",
        "/API/GRAPHQL",
    ] {
        let err = refused(&format!("https://acme.kiwihr.com{path}"));
        assert!(matches!(err, EndpointError::Path(_)), "{path}: {err:?}");
    }
}

#[test]
fn nonsense_is_refused_with_the_expected_shape_in_the_message() {
    for input in ["", "acme", "acme.kiwihr", "file:///etc/passwd"] {
        let msg = refused(input).to_string();
        assert!(msg.starts_with(EXPECTED_SHAPE), "{input}: {msg}");
    }
}

#[test]
fn the_operator_override_accepts_a_local_http_url() {
    let url = Url::parse("http://127.0.0.1:4567/api/graphql").unwrap();
    let endpoint = KiwiEndpoint::operator_override(url).unwrap();
    assert!(endpoint.is_operator_override());
    assert_eq!(endpoint.as_str(), "http://127.0.0.1:4567/api/graphql");
    assert!(KiwiEndpoint::operator_override(Url::parse("ftp://x/").unwrap()).is_err());
}
