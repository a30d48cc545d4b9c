//! `roster serve`, `web`, `worker` and `demo`: the long-running processes, stopped by Ctrl-C or
//! SIGTERM.

use crate::{app::App, config::Config, worker::WorkerSettings};

/// Runs the web server and/or the worker until a stop signal.
pub async fn serve(config: Config, with_web: bool, with_worker: bool) -> anyhow::Result<()> {
    config.mail.check()?;
    let app = App::build(config).await?;
    let server = match with_web {
        true => {
            let server = app.bind().await?;
            let url = format!("http://{}", server.local_addr());
            tracing::info!(%url, worker = with_worker, "Roster is listening");
            println!("Roster is running at {url}");
            Some(server)
        }
        false => None,
    };
    let worker = with_worker.then(WorkerSettings::from_env);
    app.run(server, worker, shutdown_signal()).await
}

/// `roster demo`: fake HRIS servers on loopback, the demo company seeded once, then `serve`.
pub async fn demo(mut config: Config) -> anyhow::Result<()> {
    config.mail.check()?;
    let (fakes, hris) = crate::demo::start_fakes(&mut config).await?;
    let app = App::build(config).await?;
    let demo = crate::demo::seed(&app.db).await?;
    let server = app.bind().await?;
    let url = format!("http://{}", server.local_addr());
    tracing::info!(%url, worker = true, "Roster is listening");
    println!("\nRoster demo is running at {url}\n");
    println!(
        "  Company manager: {}  password: {}",
        demo.manager_email, demo.password
    );
    println!(
        "  Employee:        {}  password: {}\n",
        demo.employee_email, demo.password
    );
    for line in &hris {
        println!("  {line}");
    }
    if app.config.mail.smtp_url.is_some() {
        println!("  Mail is sent through ROSTER_SMTP_URL.\n");
    } else {
        println!(
            "  No ROSTER_SMTP_URL: mail (invitations, password resets, sync alerts) stays in the outbox;\n  read it and open its links with `roster mail list` and `roster mail show ID`.\n"
        );
    }
    println!(
        "Stop it with Ctrl-C. Data lives in the data folder; running `demo` again reuses it.\n"
    );
    let result = app
        .run(
            Some(server),
            Some(WorkerSettings::from_env()),
            shutdown_signal(),
        )
        .await;
    drop(fakes);
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
