//! Why reconcile decides what it decides, in the words the history shows: reconcile knows the
//! reason when it plans a change, so no page has to guess it afterwards.

use time::Date;

use crate::directory::attributes::show_date;
use crate::hris::{HrisPerson, Provider};

/// Why a synced person is (or stays) active or not: the provider's status, or the contract end.
pub(super) fn status(hp: &HrisPerson, today: Date, provider: Provider) -> String {
    let label = provider.label();
    if let Some(end) = hp.end_date.filter(|&d| d < today) {
        return format!("contract ended on {} in {label}", show_date(end));
    }
    match (&hp.status, hp.active) {
        (Some(s), _) => format!("status {} in {label}", capitalized(s.trim())),
        (None, Some(false)) => format!("deactivated in {label}"),
        (None, _) => format!("active in {label}"),
    }
}

/// Why a person linked to the provider is deactivated although the snapshot does not list them.
pub(super) fn gone(provider: Provider) -> String {
    format!("no longer returned by {}", provider.label())
}

/// Why a person's manager changes: the provider's word for the manager changed or was removed.
pub(super) fn manager(provider: Provider, removed: bool) -> String {
    let word = match provider {
        Provider::Personio => "supervisor",
        Provider::Kiwihr => "manager",
    };
    let how = if removed { "removed" } else { "changed" };
    format!("{word} {how} in {}", provider.label())
}

/// Why a person made by hand (or by the other HRIS) is now linked to this one.
pub(super) fn adopted(provider: Provider) -> String {
    format!("same e-mail as in {}", provider.label())
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reasons_read_as_the_provider_says_it() {
        let mut hp = HrisPerson {
            status: Some("inactive".into()),
            active: Some(false),
            ..HrisPerson::default()
        };
        let today = date!(2026 - 12 - 03);
        assert_eq!(
            status(&hp, today, Provider::Personio),
            "status Inactive in Personio"
        );
        hp.status = None;
        hp.end_date = Some(date!(2026 - 12 - 02));
        assert_eq!(
            status(&hp, today, Provider::Kiwihr),
            "contract ended on 2 Dec 2026 in kiwiHR"
        );
        assert_eq!(gone(Provider::Personio), "no longer returned by Personio");
        assert_eq!(
            manager(Provider::Personio, false),
            "supervisor changed in Personio"
        );
    }
}
