//! Slow or stuck clients are cut off (ROSTER_HTTP_*_TIMEOUT_SECS, here 1–2 s): one that sends its
//! request head a byte at a time is disconnected, an idle kept-alive connection is closed, and a
//! request whose handling runs past the request timeout is answered 503. Bounds below are loop
//! limits, not timed assertions.

use std::time::Duration;

use roster::fake::personio::FakePersonio;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::*;

/// Whether the server has closed `stream` (a read sees the end, or the socket failed).
fn closed(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 64];
    match stream.try_read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(_) => true,
    }
}

/// Sends a request head one byte every 50 ms (600 bytes: half a minute); returns how many
/// bytes were sent when the server closed the connection, or `None` if it never did.
async fn trickle(addr: std::net::SocketAddr) -> Option<usize> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: roster\r\nX-Slow: {}\r\n\r\n",
        "x".repeat(550)
    );
    for (i, byte) in head.bytes().enumerate() {
        if closed(&stream) || stream.write_all(&[byte]).await.is_err() {
            return Some(i);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

async fn scenario(backend: Backend) {
    let fake = FakePersonio::builder().people(5).seed(3).start().await;
    let base = url::Url::parse(fake.base_url()).unwrap();
    let app = TestApp::spawn_with(backend, |c| {
        c.personio_base_url = Some(base);
        c.http_header_timeout_secs = 1;
        c.http_idle_timeout_secs = 2;
        c.http_request_timeout_secs = 1;
    })
    .await;

    // A client that keeps to the rules is served, on a kept-alive connection too.
    let m = app.manager().await;
    assert_eq!(m.get("/people").await.status, 200);

    // Twenty clients sending their heads a byte at a time are all cut off before they finish.
    let slow = (0..20).map(|_| tokio::spawn(trickle(app.addr)));
    for cut in futures::future::join_all(slow).await {
        let sent = cut.unwrap().expect("a slow client was never disconnected");
        assert!(sent < 600, "{sent}");
    }

    // An idle kept-alive connection is closed by the server.
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: roster\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let end = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await;
    assert!(
        matches!(end, Ok(Ok(0)) | Ok(Err(_))),
        "the idle connection stayed open: {end:?}"
    );

    // A request whose handling takes too long (Preview waiting on a slow HRIS) is answered 503.
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&app.ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    fake.add_fault(Fault::new(
        Target::AnyPage,
        FaultKind::Slow(Duration::from_secs(5)),
    ));
    let res = m.get("/settings/integrations/preview").await;
    assert_eq!(res.status, 503, "{}", res.body);
    assert!(res.body.contains("took longer than 1 s"), "{}", res.body);
    // The server still serves the next request.
    assert_eq!(m.get("/people").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_disconnected_and_slow_requests_stopped_sqlite() {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_disconnected_and_slow_requests_stopped_postgres() {
    scenario(Backend::Postgres).await
}
