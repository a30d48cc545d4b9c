//! Who is synced: include/exclude rules on HRIS attributes, stored per company and provider
//! (`db::sync_rules`) and applied inside [`reconcile`](super::reconcile()). Pure data and pure
//! decisions: a person is kept when every include rule matches and no exclude rule does.
//!
//! A person a rule leaves out is treated like one who left the HRIS: never created, deactivated if
//! they were synced before (through the same guard and review), with the rule as the reason.
//! A person whose attribute the provider did not send cannot be judged: they are skipped (nothing
//! about them changes) rather than left out, so a credential that stops sharing an attribute
//! empties and deactivates no one.

use serde::{Deserialize, Serialize};

use crate::hris::HrisPerson;

/// Whether a rule keeps only the matching people or leaves the matching people out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    Include,
    Exclude,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Include => "include",
            Effect::Exclude => "exclude",
        }
    }
    pub fn parse(s: &str) -> Option<Effect> {
        match s {
            "include" => Some(Effect::Include),
            "exclude" => Some(Effect::Exclude),
            _ => None,
        }
    }
}

/// One rule: "`label` is one of `values`" keeps (include) or leaves out (exclude) people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub effect: Effect,
    /// The provider's attribute key (Personio `employment_type`, `dynamic_70112`; kiwiHR `location`).
    pub key: String,
    /// The attribute's label when the rule was saved, for reasons and pages.
    pub label: String,
    /// Compared trimmed and case-insensitively with the person's value, or with any item of a
    /// list value ("German, English").
    pub values: Vec<String>,
}

impl Rule {
    /// The rule in words, as the history gives it: "Employment type is external".
    pub fn describe(&self) -> String {
        let values = self.values.join(" or ");
        match self.effect {
            Effect::Exclude => format!("{} is {values}", self.label),
            Effect::Include => format!("{} is not {values}", self.label),
        }
    }

    fn matches(&self, value: &str) -> bool {
        let value = value.trim();
        let eq = |v: &str| self.values.iter().any(|w| w.trim().eq_ignore_ascii_case(v));
        eq(value) || (value.contains(", ") && value.split(", ").any(|item| eq(item.trim())))
    }
}

/// What the rules say about one HRIS person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Keep,
    /// The reason, as the history shows it.
    LeaveOut(String),
    /// The provider did not send an attribute a rule reads: the person is skipped, with this message.
    Undecided(String),
}

/// The rules of one company for one provider; empty means everyone is synced (as before rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub rules: Vec<Rule>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn decide(&self, hp: &HrisPerson) -> Decision {
        for rule in &self.rules {
            let Some(attr) = hp.attribute(&rule.key) else {
                return Decision::Undecided(format!(
                    "The HRIS did not send {} for this person, which the rule \"{}\" reads: left unchanged.",
                    rule.label,
                    rule.describe()
                ));
            };
            let hit = rule.matches(attr.value);
            let left_out = match rule.effect {
                Effect::Exclude => hit,
                Effect::Include => !hit,
            };
            if left_out {
                return Decision::LeaveOut(format!("left out by the rule: {}", rule.describe()));
            }
        }
        Decision::Keep
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::hris::{AttributeInfo, HrisAttribute};

    fn person(attrs: &[(&str, &str)]) -> HrisPerson {
        HrisPerson {
            attributes: attrs
                .iter()
                .map(|(k, v)| HrisAttribute {
                    info: Arc::new(AttributeInfo {
                        key: k.to_string(),
                        label: k.to_string(),
                        kind: "standard".into(),
                    }),
                    value: v.to_string(),
                })
                .collect(),
            ..HrisPerson::default()
        }
    }

    fn rule(effect: Effect, key: &str, label: &str, values: &[&str]) -> Rule {
        Rule {
            effect,
            key: key.into(),
            label: label.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn exclude_and_include_rules_decide_with_a_reason() {
        let sel = Selection {
            rules: vec![
                rule(
                    Effect::Exclude,
                    "employment_type",
                    "Employment type",
                    &["External"],
                ),
                rule(
                    Effect::Include,
                    "department",
                    "Department",
                    &["Sales", "Support"],
                ),
            ],
        };
        let keep = person(&[("employment_type", "internal"), ("department", " sales ")]);
        assert_eq!(sel.decide(&keep), Decision::Keep);
        let external = person(&[("employment_type", "external"), ("department", "Sales")]);
        assert_eq!(
            sel.decide(&external),
            Decision::LeaveOut("left out by the rule: Employment type is External".into())
        );
        let elsewhere = person(&[("employment_type", "internal"), ("department", "")]);
        assert_eq!(
            sel.decide(&elsewhere),
            Decision::LeaveOut("left out by the rule: Department is not Sales or Support".into())
        );
        let unshared = person(&[("department", "Sales")]);
        assert!(
            matches!(sel.decide(&unshared), Decision::Undecided(m) if m.contains("Employment type"))
        );
        assert_eq!(Selection::default().decide(&unshared), Decision::Keep);
    }

    #[test]
    fn list_values_match_by_item() {
        let sel = Selection {
            rules: vec![rule(Effect::Include, "teams", "Teams", &["web"])],
        };
        assert_eq!(
            sel.decide(&person(&[("teams", "Design, Web")])),
            Decision::Keep
        );
        assert!(matches!(
            sel.decide(&person(&[("teams", "Webshop")])),
            Decision::LeaveOut(_)
        ));
    }
}
