//! Tests of the alert wording: every failure kind says what happened, what Roster did and what
//! to do; one problem keeps one key; the recovery mail says what was wrong and what changed.

use super::*;

fn alert(problem: Problem, attempts: i64) -> SyncAlert {
    SyncAlert {
        company: "Acme".into(),
        provider: Provider::Personio,
        run_id: 9,
        problem,
        when: "Thursday 3 December 2026 at 05:00 (Europe/Berlin)".into(),
        attempts,
        to: Audience::Manager { person_id: 4 },
    }
}

#[test]
fn every_kind_says_what_happened_what_roster_did_and_what_to_do() {
    let links = Links::new("https://roster.acme.example/".parse().unwrap());
    for kind in FailureKind::ALL {
        for problem in [
            Problem::Failed { kind: *kind },
            Problem::Refused { kind: *kind },
        ] {
            let c = alert(problem, 4).render(&links);
            let text = c.text();
            assert!(
                c.subject.starts_with("Acme: the Personio sync "),
                "{}",
                c.subject
            );
            for part in [
                "What happened: ",
                "What Roster did: Nothing was changed",
                "What to do: ",
            ] {
                assert!(text.contains(part), "{kind}: {text}");
            }
            assert!(text.contains("Roster tried 4 times"), "{text}");
            assert!(
                text.contains(
                    "Open the sync: https://roster.acme.example/settings/integrations/history/9"
                ),
                "{text}"
            );
            assert!(
                text.contains("https://roster.acme.example/people/4"),
                "{text}"
            );
        }
    }
    let paused = alert(
        Problem::Paused {
            would_deactivate: 7,
            active: 20,
        },
        1,
    )
    .render(&links);
    assert_eq!(
        paused.subject,
        "Acme: the Personio sync paused for your review"
    );
    assert!(
        paused
            .text()
            .contains("would deactivate 7 of the 20 active people")
    );
    assert!(
        !paused.text().contains("tried"),
        "one attempt is not worth a word"
    );
}

#[test]
fn the_same_problem_has_the_same_key() {
    let a = Problem::Paused {
        would_deactivate: 3,
        active: 10,
    };
    let b = Problem::Paused {
        would_deactivate: 5,
        active: 10,
    };
    assert_eq!(a.key(), b.key());
    let unreachable = Problem::Failed {
        kind: FailureKind::Unreachable,
    };
    assert_eq!(unreachable.key(), "failed:unreachable");
    assert_ne!(
        unreachable.key(),
        Problem::Refused {
            kind: FailureKind::Unreachable
        }
        .key()
    );
}

#[test]
fn recovered_says_what_the_problem_was_and_what_changed() {
    let links = Links::new("https://roster.acme.example/".parse().unwrap());
    let m = SyncRecovered {
        company: "Acme".into(),
        provider: Provider::Kiwihr,
        run_id: 12,
        was: Problem::Failed {
            kind: FailureKind::CredentialsRejected,
        },
        when: "Friday 4 December 2026 at 05:00 (Europe/Berlin)".into(),
        created: 2,
        updated: 0,
        deactivated: 1,
        reactivated: 0,
        to: Audience::Address,
    }
    .render(&links);
    assert_eq!(m.subject, "Acme: the kiwiHR sync works again");
    let text = m.text();
    assert!(
        text.contains("(the sync failed: kiwiHR rejected the credentials) is over"),
        "{text}"
    );
    assert!(text.contains("People 2 created, 1 deactivated."), "{text}");
    assert!(
        text.contains("https://roster.acme.example/settings/company"),
        "{text}"
    );
}
