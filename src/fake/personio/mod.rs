//! A fake Personio (API v1) that behaves like the real one as far as we know it
//! (`shared/hris/personio.md` §9): auth with JSON or form bodies, stable or rotating tokens,
//! item-offset pagination with a limit cap, attribute envelopes, whitelisting, rate limits and
//! injectable faults.
//!
//! ```ignore
//! let fake = FakePersonio::builder().people(30).seed(7).credentials("cid", "secret").start().await;
//! let base = fake.base_url();            // http://127.0.0.1:<port>
//! fake.add_fault(Fault::new(Target::Page(2), FaultKind::Status(500)));
//! let calls = fake.requests();           // everything it received
//! ```

mod attributes;
mod builder;
mod employees;
mod per_ip;
mod server;

use std::sync::Arc;
use std::sync::atomic::Ordering;

pub use builder::FakePersonioBuilder;
use server::Inner;

use super::people::{FakePerson, FakeStatus};
use super::{Fault, Faults, RecordedRequest, Recorder, Target};

/// Every attribute key the fake can send, in the order it sends them.
pub const ALL_KEYS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "gender",
    "status",
    "position",
    "department",
    "office",
    "supervisor",
    "hire_date",
    "termination_date",
    "employment_type",
    "weekly_working_hours",
    "dynamic_70112",
    "dynamic_70113",
    "dynamic_70114",
    "dynamic_70115",
    // Date of birth: a custom attribute Personio names by `universal_id`, as real accounts do.
    "dynamic_70116",
];

/// The fake's date-of-birth attribute and its Personio-wide name.
const BIRTH_DATE_KEY: &str = "dynamic_70116";

/// What the fake does with `limit` above the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    /// 400 with the v1 error envelope.
    Reject,
    /// Serve `max_limit` items and echo the clamped limit.
    Clamp,
}

/// A running fake Personio. Stops when dropped.
pub struct FakePersonio {
    base_url: String,
    inner: Arc<Inner>,
    recorder: Recorder,
    faults: Faults,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FakePersonio {
    pub fn builder() -> FakePersonioBuilder {
        FakePersonioBuilder::default()
    }
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    pub fn client_id(&self) -> &str {
        &self.inner.cfg.client_id
    }
    pub fn client_secret(&self) -> &str {
        &self.inner.cfg.client_secret
    }
    /// Every request received so far, in order.
    /// How many 429 answers this fake has sent.
    pub fn throttled(&self) -> u64 {
        self.inner.throttled.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.recorder.all()
    }
    /// Requests received for one path.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
    pub fn clear_requests(&self) {
        self.recorder.clear();
    }
    pub fn add_fault(&self, f: Fault) {
        self.faults.add(f);
    }
    pub fn clear_faults(&self) {
        self.faults.clear();
    }
    /// The people as currently served (ordered by id).
    pub fn people(&self) -> Vec<FakePerson> {
        self.inner.people().clone()
    }
    /// Changes one person; false if there is none with that id.
    pub fn update(&self, id: u64, f: impl FnOnce(&mut FakePerson)) -> bool {
        let mut people = self.inner.people();
        match people.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                f(p);
                true
            }
            None => false,
        }
    }
    pub fn set_status(&self, id: u64, status: FakeStatus) -> bool {
        self.update(id, |p| p.status = status)
    }
    pub fn remove(&self, id: u64) -> bool {
        let mut people = self.inner.people();
        let before = people.len();
        people.retain(|p| p.id != id);
        people.len() != before
    }
    /// Adds a person (kept in id order).
    pub fn add(&self, person: FakePerson) {
        let mut people = self.inner.people();
        people.push(person);
        people.sort_by_key(|p| p.id);
    }
    /// Gives `id` the same email as `other` (a duplicate email in the HRIS).
    pub fn duplicate_email(&self, id: u64, other: u64) -> bool {
        let Some(email) = self
            .people()
            .into_iter()
            .find(|p| p.id == other)
            .map(|p| p.email)
        else {
            return false;
        };
        self.update(id, |p| p.email = email)
    }
    /// Sends `id` with an empty email.
    pub fn drop_email(&self, id: u64) -> bool {
        self.update(id, |p| p.email = None)
    }
    /// Points `id`'s supervisor at an id nobody has.
    pub fn dangling_supervisor(&self, id: u64) -> bool {
        self.update(id, |p| p.supervisor_id = Some(999_999_999))
    }
    /// Makes `a` and `b` each other's supervisor.
    pub fn manager_loop(&self, a: u64, b: u64) -> bool {
        self.update(a, |p| p.supervisor_id = Some(b))
            && self.update(b, |p| p.supervisor_id = Some(a))
    }
    /// Invalidates every token issued so far (the next data call gets 401).
    pub fn expire_tokens(&self) {
        let mut t = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        t.valid.clear();
        t.current = None;
    }
    /// Invalidates every token just before the next request to `target` is checked (a token
    /// expiring in the middle of a run).
    pub fn expire_tokens_before(&self, target: Target) {
        self.inner
            .expire_on
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(target);
    }
    /// Changes what the credential may read from now on (`id` is always sent), as when a company
    /// edits the credential's readable attributes in Personio.
    pub fn set_readable_attributes(&self, keys: &[&str]) {
        *self
            .inner
            .readable
            .lock()
            .unwrap_or_else(|e| e.into_inner()) =
            Some(keys.iter().map(|k| k.to_string()).collect());
    }
    /// Tokens issued by `/v1/auth` so far.
    pub fn tokens_issued(&self) -> u64 {
        self.inner.counter.load(Ordering::SeqCst)
    }
}

/// printing its address and credentials (for `roster fake-hris`).
pub async fn run_personio(port: u16, people: usize, seed: u64) -> anyhow::Result<()> {
    let secret = format!("sec_demo_{seed:x}");
    let fake = FakePersonio::builder()
        .people(people)
        .seed(seed)
        .credentials("cid_demo", &secret)
        .personio_rate_limits()
        .start_on(port)
        .await
        .map_err(|e| anyhow::anyhow!("could not listen on 127.0.0.1:{port}: {e}"))?;
    println!("Fake Personio listening on {}", fake.base_url());
    println!("  base URL:      {}", fake.base_url());
    println!("  client ID:     {}", fake.client_id());
    println!("  client secret: {}", fake.client_secret());
    println!("  people:        {people} (seed {seed})");
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    drop(fake);
    Ok(())
}
