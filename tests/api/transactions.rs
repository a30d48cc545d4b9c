//! A transaction the database ended by itself is never reported committed: SQLite rolls back on
//! its own after some errors (a full disk) and runs later statements outside any transaction;
//! PostgreSQL answers COMMIT of a failed transaction with a silent ROLLBACK. `Tx::commit` checks
//! first and fails, and nothing of the transaction is stored.

use roster::db::{Tx, audit};

use crate::backends;

backends! {
    async fn a_transaction_the_database_ended_is_not_committed(app) {
        let mut tx = app.db.begin().await.unwrap();
        audit::record(&mut tx, app.company_id, None, "test", "written inside the transaction").await.unwrap();
        match &mut tx {
            // As SQLite does by itself on a full disk.
            Tx::Sqlite(t) => {
                sqlx::query("rollback").execute(&mut **t).await.unwrap();
            }
            // A statement fails; the caller ignores the error.
            Tx::Postgres(t) => {
                assert!(sqlx::query("select 1 / 0").execute(&mut **t).await.is_err());
            }
        }
        let err = tx.commit().await.expect_err("a commit of nothing must fail");
        assert!(err.to_string().contains("ended the transaction before COMMIT"), "{err}");
        let events = audit::recent(&app.db, app.company_id, 10).await.unwrap();
        assert!(events.iter().all(|e| e.action != "test"), "nothing of it was stored");

        // The pool hands out working connections afterwards.
        for _ in 0..5 {
            let mut tx = app.db.begin().await.unwrap();
            audit::record(&mut tx, app.company_id, None, "test", "committed").await.unwrap();
            tx.commit().await.unwrap();
        }
        let events = audit::recent(&app.db, app.company_id, 10).await.unwrap();
        assert_eq!(events.iter().filter(|e| e.action == "test").count(), 5);
    }
}
