//! The HTTP server loop: the router on hyper, with the timeouts `axum::serve` does not offer, so a
//! slow or stuck client cannot hold a connection (and its memory) for ever:
//!
//! - **header**: a request's head (request line and headers) must arrive within this time of its
//!   first byte, or of the connection being opened; a client sending it a byte at a time is cut off.
//! - **idle**: a kept-alive connection with no request for this long is closed.
//! - **request**: a request whose handling (its body included) takes longer is answered 503.
//!
//! Each connection has a watchdog that knows whether a request is being handled (then only the
//! request timeout applies). On shutdown no connection is accepted any more, idle ones close,
//! and the ones handling a request finish it first. The watchdog is in `watchdog`.

mod watchdog;

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo, response::IntoResponse};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto::Builder,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};
use tower::Service;

use watchdog::{Activity, Watched};

/// How long a client may take; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub header: Duration,
    pub idle: Duration,
    pub request: Duration,
}

/// Serves `router` on `listener` until `shutdown` resolves and every open request is answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every connection task holds a receiver; the sender sees them all gone.
    let (open_tx, open_rx) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = connection(stream, addr, router.clone(), timeouts, stop_rx.clone());
        let open = open_rx.clone();
        tokio::spawn(async move {
            conn.await;
            drop(open);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(open_rx);
    open_tx.closed().await;
}

async fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    router: Router,
    timeouts: Timeouts,
    mut stop: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new(timeouts));
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let mut router = router.clone();
            let busy = activity.begin();
            async move {
                req.extensions_mut().insert(ConnectInfo(addr));
                let handled = async {
                    std::future::poll_fn(|cx| {
                        <Router as Service<hyper::Request<Incoming>>>::poll_ready(&mut router, cx)
                    })
                    .await?;
                    router.call(req).await
                };
                let response = match tokio::time::timeout(timeouts.request, handled).await {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => too_slow(timeouts.request),
                };
                drop(busy);
                Ok::<_, Infallible>(response)
            }
        })
    };
    let builder = Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(conn);
    let expired = activity.expired();
    tokio::pin!(expired);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%addr, error = %e, "connection ended with an error");
                }
                return;
            }
            why = &mut expired => {
                // Dropping the connection closes the socket; no request is being handled.
                tracing::debug!(%addr, "closing a connection: {why}");
                return;
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

fn too_slow(limit: Duration) -> axum::response::Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "The request took longer than {} s and was stopped. Try again.",
            limit.as_secs()
        ),
    )
        .into_response()
}
