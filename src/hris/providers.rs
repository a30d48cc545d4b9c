//! Where the HRIS clients are built: the operator's base-URL overrides, the transport settings
//! and the deployment-wide rate limiter, shared by every company's sync in the deployment.

use std::sync::Arc;

use crate::hris::personio::Offered;
use url::Url;

use super::{
    FetchError, Provider, Snapshot, Transport, TransportConfig,
    kiwihr::{KiwiClient, KiwiCredentials, KiwiEndpoint},
    pacing::{Pacer, SharedBudget},
    personio::{PersonioClient, PersonioCredentials, PersonioLimits},
    public_address::PublicOnly,
    secret::Secret,
};

/// Credentials for one provider, as a company manager enters them.
#[derive(Debug, Clone)]
pub enum Credentials {
    Personio {
        client_id: String,
        client_secret: Secret,
    },
    Kiwihr {
        api_key: Secret,
        endpoint: KiwiEndpoint,
    },
}

impl Credentials {
    pub fn provider(&self) -> Provider {
        match self {
            Credentials::Personio { .. } => Provider::Personio,
            Credentials::Kiwihr { .. } => Provider::Kiwihr,
        }
    }

    /// What the Integrations panel may show: never the secret, only enough to recognise it.
    pub fn hint(&self) -> String {
        let tail = |s: &str| {
            s.chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        };
        match self {
            Credentials::Personio { client_id, .. } => {
                format!("Client ID ends with …{}", tail(client_id))
            }
            Credentials::Kiwihr { endpoint, .. } => format!("URL {}", endpoint.as_str()),
        }
    }

    /// The plaintext to encrypt. Never logged.
    pub fn to_json(&self) -> Vec<u8> {
        let v = match self {
            Credentials::Personio {
                client_id,
                client_secret,
            } => serde_json::json!({
                "provider": "personio", "client_id": client_id, "client_secret": client_secret.expose(),
            }),
            Credentials::Kiwihr { api_key, endpoint } => serde_json::json!({
                "provider": "kiwihr", "api_key": api_key.expose(), "url": endpoint.as_str(),
            }),
        };
        serde_json::to_vec(&v).expect("JSON of strings")
    }

    /// Reads decrypted credentials; the kiwiHR URL is validated again (stored data can be old).
    pub fn from_json(bytes: &[u8]) -> anyhow::Result<Credentials> {
        let v: serde_json::Value = serde_json::from_slice(bytes)?;
        let s = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .map(str::to_string)
                .unwrap_or_default()
        };
        match s("provider").as_str() {
            "personio" => Ok(Credentials::Personio {
                client_id: s("client_id"),
                client_secret: Secret::new(s("client_secret")),
            }),
            "kiwihr" => Ok(Credentials::Kiwihr {
                api_key: Secret::new(s("api_key")),
                endpoint: KiwiEndpoint::parse(&s("url")).map_err(|e| anyhow::anyhow!("{e}"))?,
            }),
            other => anyhow::bail!("stored credentials name an unknown provider {other:?}"),
        }
    }
}

/// What Connect learns from the provider.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Things the company manager should know (attributes Personio will not share, …).
    pub warnings: Vec<String>,
}

/// Builds clients. One per process; cheap to clone.
#[derive(Clone, Debug)]
pub struct Providers {
    personio_base: Url,
    kiwihr_override: Option<Url>,
    /// Resolves customer kiwiHR hosts to public addresses only (no operator override).
    kiwihr_resolver: PublicOnly,
    transport: TransportConfig,
    /// Personio's per-server-IP budget, spent by every company synced in the deployment: shared
    /// through the database once [`Providers::with_personio_budget`] is given one.
    personio_deployment: Arc<Pacer>,
    /// Tests and benchmarks against a local fake do not pace.
    unpaced: bool,
    page_size: Option<u32>,
    /// Personio limits to use instead of the documented ones (benchmarks).
    personio_limits: Option<PersonioLimits>,
}

impl Providers {
    pub fn new(personio_base: Option<Url>, kiwihr_override: Option<Url>) -> Providers {
        if let Some(u) = &personio_base {
            tracing::warn!(url = %u, "ROSTER_PERSONIO_BASE_URL is set: every Personio call goes there");
        }
        if let Some(u) = &kiwihr_override {
            tracing::warn!(url = %u, "ROSTER_KIWIHR_ENDPOINT is set: every kiwiHR call goes there");
        }
        Providers {
            personio_base: personio_base
                .unwrap_or_else(|| Url::parse("https://api.personio.de").expect("literal URL")),
            kiwihr_override,
            kiwihr_resolver: PublicOnly::default(),
            transport: TransportConfig::default(),
            personio_deployment: PersonioLimits::deployment_default(),
            unpaced: false,
            page_size: None,
            personio_limits: None,
        }
    }

    /// For tests against local fakes: short timeouts, no pacing, and an optional small page size.
    pub fn for_tests(
        personio_base: Option<Url>,
        kiwihr_override: Option<Url>,
        page_size: Option<u32>,
    ) -> Providers {
        Providers {
            transport: TransportConfig::fast_for_tests(),
            unpaced: true,
            page_size,
            ..Providers::new(personio_base, kiwihr_override)
        }
    }

    /// Answers these kiwiHR host names without DNS (still only public addresses pass): tests
    /// check the resolved-address refusal without a DNS server.
    pub fn with_kiwihr_addresses(
        mut self,
        fixed: std::collections::HashMap<String, Vec<std::net::IpAddr>>,
    ) -> Providers {
        self.kiwihr_resolver = PublicOnly::with_fixed(fixed);
        self
    }

    /// Takes Personio's per-IP budget from `budget`, which every process of the deployment
    /// shares (the database), instead of from this process alone.
    pub fn with_personio_budget(mut self, budget: Arc<dyn SharedBudget>) -> Providers {
        self.personio_deployment = PersonioLimits::deployment_shared(budget);
        self
    }

    /// Paces every Personio client with `limits` (shared), e.g. scaled-up limits against a fake.
    pub fn with_personio_limits(mut self, limits: PersonioLimits) -> Providers {
        self.personio_limits = Some(limits);
        self
    }

    fn personio(&self, client_id: &str, secret: &Secret) -> Result<PersonioClient, FetchError> {
        let limits = if let Some(l) = &self.personio_limits {
            l.clone()
        } else if self.unpaced {
            PersonioLimits::unlimited()
        } else {
            PersonioLimits::personio_defaults(self.personio_deployment.clone())
        };
        let creds = PersonioCredentials {
            client_id: client_id.to_string(),
            client_secret: secret.clone(),
        };
        let client = PersonioClient::new(
            self.personio_base.clone(),
            creds,
            Transport::new(Provider::Personio, self.transport.clone())?,
            limits,
        )?;
        Ok(match self.page_size {
            Some(n) => client.with_options(super::personio::PersonioOptions {
                page_size: n,
                ..Default::default()
            }),
            None => client,
        })
    }

    fn kiwihr(&self, api_key: &Secret, endpoint: &KiwiEndpoint) -> Result<KiwiClient, FetchError> {
        let (endpoint, transport) = match &self.kiwihr_override {
            Some(u) => (
                KiwiEndpoint::operator_override(u.clone()).map_err(|e| FetchError::Config {
                    provider: Provider::Kiwihr,
                    detail: e.to_string(),
                })?,
                Transport::new(Provider::Kiwihr, self.transport.clone())?,
            ),
            // A customer's address: connect only where it resolves publicly.
            None => (
                endpoint.clone(),
                Transport::public_only(
                    Provider::Kiwihr,
                    self.transport.clone(),
                    self.kiwihr_resolver.clone(),
                )?,
            ),
        };
        let creds = KiwiCredentials {
            api_key: api_key.clone(),
        };
        match self.page_size {
            Some(n) => KiwiClient::with_options(
                endpoint,
                creds,
                transport,
                super::kiwihr::KiwiOptions {
                    page_size: n,
                    ..Default::default()
                },
            ),
            None => KiwiClient::new(endpoint, creds, transport),
        }
    }

    /// Every page or an error.
    pub async fn fetch(&self, creds: &Credentials) -> Result<Snapshot, FetchError> {
        match creds {
            Credentials::Personio {
                client_id,
                client_secret,
            } => self.personio(client_id, client_secret)?.fetch().await,
            Credentials::Kiwihr { api_key, endpoint } => {
                self.kiwihr(api_key, endpoint)?.fetch().await
            }
        }
    }

    /// The attributes the provider offers for rules: for Personio those the credential may read
    /// (its attributes endpoint, custom attributes included); for kiwiHR its fixed user fields.
    pub async fn attributes(&self, creds: &Credentials) -> Result<Vec<Offered>, FetchError> {
        match creds {
            Credentials::Personio {
                client_id,
                client_secret,
            } => self.personio(client_id, client_secret)?.attributes().await,
            Credentials::Kiwihr { .. } => Ok(super::kiwihr::fields::listing()
                .into_iter()
                .map(|info| Offered {
                    info,
                    options: Vec::new(),
                    universal_id: None,
                })
                .collect()),
        }
    }

    /// The cheapest call that proves the credentials work.
    pub async fn verify(&self, creds: &Credentials) -> Result<Verified, FetchError> {
        match creds {
            Credentials::Personio {
                client_id,
                client_secret,
            } => {
                let v = self.personio(client_id, client_secret)?.verify().await?;
                Ok(Verified {
                    warnings: v.warnings(),
                })
            }
            Credentials::Kiwihr { api_key, endpoint } => {
                self.kiwihr(api_key, endpoint)?.verify().await?;
                Ok(Verified::default())
            }
        }
    }
}
