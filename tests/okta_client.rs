//! Integration tests of the Okta client against tiny servers on 127.0.0.1 written here.
//! No test touches the real network.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use futures::{StreamExt, TryStreamExt};
use oktagraph::okta::{Bucket, ClientConfig, Credentials, OAuthConfig, OktaClient, OktaError, SecretString, TransportKind};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---------------------------------------------------------------------------------------------
// Harness

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

const TOKEN: &str = "ssws-TOPSECRET-0123456789";

fn config(base: &str, creds: Credentials) -> ClientConfig {
    let mut c = ClientConfig::new(base, creds);
    c.backoff_base = Duration::from_millis(10);
    c.backoff_cap = Duration::from_millis(100);
    c.request_timeout = Duration::from_secs(5);
    c
}

fn ssws_client(base: &str) -> OktaClient {
    OktaClient::new(config(base, Credentials::Ssws(SecretString::from(TOKEN)))).unwrap()
}

fn http_date_now() -> String {
    chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn respond(status: u16, headers: &[(&str, String)], body: impl Into<String>) -> Response {
    let mut b = Response::builder().status(status).header("content-type", "application/json");
    // A test that computes a reset from the same instant passes its own Date; otherwise it is now.
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("date")) {
        b = b.header("date", http_date_now());
    }
    for (k, v) in headers {
        b = b.header(*k, v);
    }
    b.body(axum::body::Body::from(body.into())).unwrap()
}

fn ok_headers(remaining: u32) -> Vec<(&'static str, String)> {
    let reset = chrono::Utc::now().timestamp() + 60;
    vec![
        ("x-rate-limit-limit", "600".into()),
        ("x-rate-limit-remaining", remaining.to_string()),
        ("x-rate-limit-reset", reset.to_string()),
        ("x-okta-request-id", format!("req-{remaining}")),
    ]
}

/// A paged `/api/v1/users` of `total` items, `limit` per page, cursor `after=<index>`, with one
/// comma-joined `Link` header (self + next) as real Okta sends. `hook` may replace a response.
#[derive(Clone)]
struct Paged {
    base: Arc<Mutex<String>>,
    total: usize,
    limit: usize,
    calls: Arc<AtomicUsize>,
    seen_headers: Arc<Mutex<Vec<HeaderMap>>>,
    hook: Arc<dyn Fn(usize, usize) -> Option<Response> + Send + Sync>,
}

async fn paged_users(State(s): State<Paged>, Query(q): Query<HashMap<String, String>>, headers: HeaderMap) -> Response {
    let n = s.calls.fetch_add(1, SeqCst);
    s.seen_headers.lock().unwrap().push(headers.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("SSWS {TOKEN}")) {
        return respond(
            401,
            &[],
            r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"x","errorCauses":[]}"#,
        );
    }
    let after: usize = q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    if let Some(r) = (s.hook)(n, after) {
        return r;
    }
    let end = (after + s.limit).min(s.total);
    let items: Vec<Value> =
        (after..end).map(|i| json!({"id": format!("00u{i}"), "profile": {"login": format!("u{i}@example.com")}})).collect();
    let base = s.base.lock().unwrap().clone();
    let mut link = format!("<{base}/api/v1/users?limit={}&after={after}>; rel=\"self\"", s.limit);
    if end < s.total {
        link.push_str(&format!(", <{base}/api/v1/users?limit={}&after={end}>; rel=\"next\"", s.limit));
    }
    let mut h = ok_headers(500);
    h.push(("link", link));
    respond(200, &h, serde_json::to_string(&items).unwrap())
}

async fn paged_server(
    total: usize,
    limit: usize,
    hook: impl Fn(usize, usize) -> Option<Response> + Send + Sync + 'static,
) -> (String, Paged) {
    let state = Paged {
        base: Arc::new(Mutex::new(String::new())),
        total,
        limit,
        calls: Arc::new(AtomicUsize::new(0)),
        seen_headers: Arc::new(Mutex::new(Vec::new())),
        hook: Arc::new(hook),
    };
    let app = Router::new().route("/api/v1/users", get(paged_users)).with_state(state.clone());
    let base = serve(app).await;
    *state.base.lock().unwrap() = base.clone();
    (base, state)
}

async fn collect_ids(client: &OktaClient, path: &str) -> Result<Vec<String>, OktaError> {
    client.list::<Value>(path).map_ok(|v| v["id"].as_str().unwrap().to_owned()).try_collect().await
}

fn assert_each_once(ids: &[String], total: usize) {
    assert_eq!(ids.len(), total, "{ids:?}");
    let expected: Vec<String> = (0..total).map(|i| format!("00u{i}")).collect();
    assert_eq!(ids, expected.as_slice());
}

// ---------------------------------------------------------------------------------------------
// Pagination

#[tokio::test]
async fn multi_page_list_returns_every_item_exactly_once() {
    let (base, state) = paged_server(10, 3, |_, _| None).await;
    let client = ssws_client(&base);
    let ids = collect_ids(&client, "/api/v1/users?limit=3").await.unwrap();
    assert_each_once(&ids, 10);
    assert_eq!(state.calls.load(SeqCst), 4);

    let pages: Vec<Vec<Value>> = client.list_pages::<Value>("/api/v1/users?limit=3").try_collect().await.unwrap();
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![3, 3, 3, 1]);

    let stats = client.stats();
    assert_eq!(stats.bucket(Bucket::Users).requests, 8);
    assert_eq!(stats.total().errors, 0);
    assert_eq!(stats.total().retries, 0);
    serde_json::to_string(&stats).unwrap();
}

#[tokio::test]
async fn separate_link_headers_body_paging_and_non_paged_arrays() {
    async fn groups(Query(q): Query<HashMap<String, String>>) -> Response {
        let page = q.get("after").cloned().unwrap_or_default();
        let mut b = Response::builder().status(200).header("content-type", "application/json");
        b = b.header("link", "</api/v1/groups>; rel=\"self\"");
        let body = if page.is_empty() {
            // A relative next link, in a separate header line, with a comma inside the URL.
            b = b.header("link", "</api/v1/groups?after=a,b>; rel=next");
            r#"[{"id":"g1"}]"#
        } else {
            assert_eq!(page, "a,b");
            r#"[{"id":"g2"}]"#
        };
        b.body(axum::body::Body::from(body)).unwrap()
    }
    async fn assignees(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
        let host = headers.get("host").unwrap().to_str().unwrap().to_owned();
        if q.contains_key("after") {
            respond(200, &[], r#"{"value":[{"id":"u3"}],"_links":{}}"#)
        } else {
            respond(
                200,
                &[],
                format!(
                    r#"{{"value":[{{"id":"u1"}},{{"id":"u2"}}],"_links":{{"next":{{"href":"http://{host}/api/v1/iam/assignees/users?after=u2"}}}}}}"#
                ),
            )
        }
    }
    async fn factors() -> Response {
        respond(200, &[], r#"[{"id":"f1","factorType":"push"},{"id":"f2","factorType":"sms"}]"#)
    }
    let app = Router::new()
        .route("/api/v1/groups", get(groups))
        .route("/api/v1/iam/assignees/users", get(assignees))
        .route("/api/v1/users/u1/factors", get(factors));
    let base = serve(app).await;
    let client = ssws_client(&base);

    let groups: Vec<Value> = client.list("/api/v1/groups").try_collect().await.unwrap();
    assert_eq!(groups, vec![json!({"id":"g1"}), json!({"id":"g2"})]);

    let users: Vec<Value> = client.list_body_paged("/api/v1/iam/assignees/users").try_collect().await.unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["u1", "u2", "u3"]);

    let factors: Vec<Value> = client.get_json("/api/v1/users/u1/factors").await.unwrap();
    assert_eq!(factors.len(), 2);
}

#[tokio::test]
async fn log_polling_stops_on_an_empty_page_that_links_to_itself() {
    async fn logs(headers: HeaderMap) -> Response {
        let host = headers.get("host").unwrap().to_str().unwrap().to_owned();
        let link = format!("<http://{host}/api/v1/logs?after=1_1>; rel=\"self\", <http://{host}/api/v1/logs?after=1_1>; rel=\"next\"");
        respond(200, &[("link", link)], "[]")
    }
    let base = serve(Router::new().route("/api/v1/logs", get(logs))).await;
    let client = ssws_client(&base);
    let events: Vec<Value> = client.list("/api/v1/logs?after=1_1").try_collect().await.unwrap();
    assert!(events.is_empty());
    assert_eq!(client.stats().bucket(Bucket::Logs).requests, 1);
}

#[tokio::test]
async fn next_link_to_another_host_is_refused() {
    async fn users() -> Response {
        respond(200, &[("link", "<http://127.0.0.2:1/api/v1/users?after=x>; rel=\"next\"".into())], r#"[{"id":"00u0"}]"#)
    }
    let base = serve(Router::new().route("/api/v1/users", get(users))).await;
    let client = ssws_client(&base);
    let results: Vec<Result<Value, OktaError>> = client.list("/api/v1/users").collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(OktaError::ForeignLink { .. })), "{:?}", results[1]);
}

// ---------------------------------------------------------------------------------------------
// Rate limits

fn too_many(extra: &[(&str, String)]) -> Response {
    respond(
        429,
        extra,
        r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oae429","errorCauses":[]}"#,
    )
}

#[tokio::test]
async fn a_429_with_the_simulator_header_is_waited_out_and_retried() {
    // When the 429 says the window resets, and when the retry arrived: the retry must not come earlier.
    let reset_at = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let retry_arrived = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let (reset_at_w, retry_arrived_w) = (reset_at.clone(), retry_arrived.clone());
    let (base, state) = paged_server(7, 3, move |n, _| {
        if n == 2 {
            retry_arrived_w.store(chrono::Utc::now().timestamp_millis(), SeqCst);
        }
        (n == 1).then(|| {
            let at = chrono::Utc::now().timestamp_millis() + 300;
            reset_at_w.store(at, SeqCst);
            too_many(&[
                ("x-rate-limit-limit", "600".into()),
                ("x-rate-limit-remaining", "0".into()),
                ("x-rate-limit-reset", (at / 1000 + 60).to_string()),
                ("x-sim-rate-limit-reset-ms", at.to_string()),
                ("x-okta-request-id", "req-429".into()),
            ])
        })
    })
    .await;
    let client = ssws_client(&base);
    let ids = collect_ids(&client, "/api/v1/users?limit=3").await.unwrap();
    assert_each_once(&ids, 7);
    // Load-independent: compared on the server's clock, never against a wall-clock bound.
    let (at, arrived) = (reset_at.load(SeqCst), retry_arrived.load(SeqCst));
    assert!(at > 0 && arrived >= at, "the retry came {} ms before the reset", at - arrived);

    let seen = state.seen_headers.lock().unwrap();
    assert_eq!(seen.len(), 4);
    assert!(seen[1].get("x-okta-retry-for").is_none());
    assert_eq!(seen[2].get("x-okta-retry-for").unwrap(), "req-429");
    assert_eq!(seen[2].get("x-okta-retry-count").unwrap(), "1");
    assert!(seen[3].get("x-okta-retry-for").is_none());

    let users = client.stats().bucket(Bucket::Users);
    assert_eq!(users.rate_limited, 1);
    assert_eq!(users.retries, 1);
    assert_eq!(users.errors, 0);
}

#[tokio::test]
async fn a_429_is_waited_until_reset_against_the_date_header() {
    let (base, _state) = paged_server(4, 2, |n, _| {
        (n == 0).then(|| {
            // Reset one second ahead of the server's Date, both from one instant: the client waits
            // reset − Date + 1 s = 2 s whatever the load.
            let now = chrono::Utc::now();
            let reset = now.timestamp() + 1;
            too_many(&[
                ("date", now.format("%a, %d %b %Y %H:%M:%S GMT").to_string()),
                ("x-rate-limit-limit", "600".into()),
                ("x-rate-limit-remaining", "0".into()),
                ("x-rate-limit-reset", reset.to_string()),
            ])
        })
    })
    .await;
    let client = ssws_client(&base);
    let t0 = Instant::now();
    let ids = collect_ids(&client, "/api/v1/users").await.unwrap();
    assert_each_once(&ids, 4);
    let waited = t0.elapsed();
    // A lower bound only: the wait is fixed by the headers, and a loaded machine can only add to it.
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
}

#[tokio::test]
async fn a_concurrency_429_backs_off_and_missing_headers_do_not_break() {
    let (base, state) = paged_server(2, 5, |n, _| {
        (n < 2).then(|| {
            too_many(&[
                ("x-rate-limit-limit", "0".into()),
                ("x-rate-limit-remaining", "0".into()),
                ("x-rate-limit-reset", (chrono::Utc::now().timestamp() + 50).to_string()),
            ])
        })
    })
    .await;
    let client = ssws_client(&base);
    let t0 = Instant::now();
    let ids = collect_ids(&client, "/api/v1/users").await.unwrap();
    assert_each_once(&ids, 2);
    // Exponential backoff (10 ms base), not the 50 s reset estimate: a bound far from both, so load cannot
    // cross it.
    assert!(t0.elapsed() < Duration::from_secs(40), "{:?}", t0.elapsed());
    assert_eq!(state.seen_headers.lock().unwrap()[2].get("x-okta-retry-count").unwrap(), "2");

    // A bare 429 without any rate-limit headers also just backs off.
    let (base, _) = paged_server(1, 5, |n, _| (n == 0).then(|| too_many(&[]))).await;
    let ids = collect_ids(&ssws_client(&base), "/api/v1/users").await.unwrap();
    assert_each_once(&ids, 1);
}

#[tokio::test]
async fn limiter_keeps_our_share_of_the_bucket() {
    // The server says: limit 4, window resets in 1 s (not shorter: on a loaded machine a sub-second window
    // can end between the client reading it and using it). With share 0.5 the client may spend 2 per
    // window and must never drive `remaining` below the reserve (and never see a 429).
    #[derive(Clone, Default)]
    struct W {
        state: Arc<Mutex<(i64, u32)>>, // (window end ms, used)
        min_remaining: Arc<Mutex<u32>>,
    }
    async fn h(State(w): State<W>) -> Response {
        let now = chrono::Utc::now().timestamp_millis();
        let (end, used) = {
            let mut s = w.state.lock().unwrap();
            if now >= s.0 {
                *s = (now + 1000, 0);
            }
            s.1 += 1;
            *s
        };
        let remaining = 4u32.saturating_sub(used);
        let mut m = w.min_remaining.lock().unwrap();
        *m = (*m).min(remaining);
        let hdrs = [
            ("x-rate-limit-limit", "4".to_string()),
            ("x-rate-limit-remaining", remaining.to_string()),
            ("x-rate-limit-reset", (end / 1000 + 1).to_string()),
            ("x-sim-rate-limit-reset-ms", end.to_string()),
        ];
        if used > 4 {
            return too_many(&hdrs);
        }
        respond(200, &hdrs, r#"{"id":"00o1"}"#)
    }
    let w = W { min_remaining: Arc::new(Mutex::new(u32::MAX)), ..Default::default() };
    let base = serve(Router::new().route("/api/v1/org", get(h)).with_state(w.clone())).await;
    let client = ssws_client(&base);
    let calls = (0..6).map(|_| {
        let c = client.clone();
        async move { c.get_json::<Value>("/api/v1/org").await }
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    let other = client.stats().bucket(Bucket::Other);
    assert_eq!(other.rate_limited, 0, "{other:?}");
    assert_eq!(other.requests, 6);
    assert!(*w.min_remaining.lock().unwrap() >= 2, "remaining went to {}", w.min_remaining.lock().unwrap());
    assert!(other.rate_limit_wait_ms > 0);
}

#[tokio::test]
async fn in_flight_requests_are_bounded() {
    #[derive(Clone, Default)]
    struct C {
        now: Arc<AtomicUsize>,
        max: Arc<AtomicUsize>,
    }
    async fn h(State(c): State<C>) -> Response {
        let n = c.now.fetch_add(1, SeqCst) + 1;
        c.max.fetch_max(n, SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        c.now.fetch_sub(1, SeqCst);
        respond(200, &[], "[]")
    }
    let c = C::default();
    let base = serve(Router::new().route("/api/v1/users/{id}/factors", get(h)).with_state(c.clone())).await;
    let mut cfg = config(&base, Credentials::Ssws(SecretString::from(TOKEN)));
    cfg.max_in_flight = 3;
    let client = OktaClient::new(cfg).unwrap();
    let calls = (0..12).map(|i| {
        let client = client.clone();
        async move { client.get_json::<Vec<Value>>(&format!("/api/v1/users/u{i}/factors")).await }
    });
    assert!(futures::future::join_all(calls).await.iter().all(Result::is_ok));
    let max = c.max.load(SeqCst);
    assert!((2..=3).contains(&max), "max concurrent requests {max}");
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn server_errors_are_retried() {
    let (base, state) = paged_server(5, 2, |n, _| match n {
        1 => Some(respond(503, &[], "<html>Service Unavailable</html>")),
        2 => Some(respond(500, &[], r#"{"errorCode":"E0000009","errorSummary":"Internal Server Error"}"#)),
        _ => None,
    })
    .await;
    let client = ssws_client(&base);
    assert_each_once(&collect_ids(&client, "/api/v1/users").await.unwrap(), 5);
    assert_eq!(state.calls.load(SeqCst), 5);
    assert_eq!(client.stats().bucket(Bucket::Users).retries, 2);
}

#[tokio::test]
async fn persistent_server_errors_exhaust_the_budget() {
    let (base, state) = paged_server(5, 2, |_, _| Some(respond(502, &[], "bad gateway"))).await;
    let mut cfg = config(&base, Credentials::Ssws(SecretString::from(TOKEN)));
    cfg.max_retries = 2;
    let client = OktaClient::new(cfg).unwrap();
    let err = client.get_json::<Value>("/api/v1/users").await.unwrap_err();
    assert!(matches!(err, OktaError::Api { status: 502, .. }), "{err:?}");
    assert_eq!(state.calls.load(SeqCst), 3);
    assert_eq!(client.stats().bucket(Bucket::Users).errors, 1);
}

#[tokio::test]
async fn a_truncated_json_page_is_retried() {
    let (base, state) = paged_server(6, 3, |n, _| (n == 1).then(|| respond(200, &ok_headers(499), r#"[{"id":"00u3"},{"id":"#))).await;
    let client = ssws_client(&base);
    assert_each_once(&collect_ids(&client, "/api/v1/users").await.unwrap(), 6);
    assert_eq!(state.calls.load(SeqCst), 3);
}

#[tokio::test]
async fn a_wrong_shape_is_a_decode_error_naming_path_and_url() {
    let (base, _) = paged_server(3, 3, |_, _| Some(respond(200, &[], r#"[{"id":"a"},{"id":7}]"#))).await;
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct U {
        id: String,
    }
    let err = ssws_client(&base).list::<U>("/api/v1/users?limit=3").try_collect::<Vec<_>>().await.unwrap_err();
    match &err {
        OktaError::Decode { path, url, .. } => {
            assert_eq!(path, "[1].id");
            assert!(url.ends_with("/api/v1/users?limit=3"), "{url}");
        }
        other => panic!("{other:?}"),
    }
}

/// Reads one HTTP request head from a raw socket.
async fn read_head(sock: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await.unwrap();
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_retried() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let conns = Arc::new(AtomicUsize::new(0));
    let c2 = conns.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let n = c2.fetch_add(1, SeqCst);
            read_head(&mut sock).await;
            if n == 0 {
                // Promise 200 bytes, send a few, then close the socket.
                sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n[{\"id\":\"00u0\"},")
                    .await
                    .unwrap();
                sock.flush().await.unwrap();
                drop(sock);
            } else {
                let body = r#"[{"id":"00u0"},{"id":"00u1"}]"#;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                sock.write_all(resp.as_bytes()).await.unwrap();
                sock.shutdown().await.ok();
            }
        }
    });
    let client = ssws_client(&format!("http://{addr}"));
    assert_each_once(&collect_ids(&client, "/api/v1/users").await.unwrap(), 2);
    assert_eq!(conns.load(SeqCst), 2);
    assert_eq!(client.stats().bucket(Bucket::Users).retries, 1);
}

#[tokio::test]
async fn timeouts_are_retried_and_unreachable_hosts_are_transport_errors() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let app = Router::new().route(
        "/api/v1/org",
        get(move || {
            let n = c2.fetch_add(1, SeqCst);
            async move {
                if n == 0 {
                    // Far beyond the client's timeout, which is itself far beyond a quick answer on a loaded
                    // machine: only this answer times out.
                    tokio::time::sleep(Duration::from_secs(120)).await;
                }
                respond(200, &[], r#"{"id":"00o1"}"#)
            }
        }),
    );
    let base = serve(app).await;
    let mut cfg = config(&base, Credentials::Ssws(SecretString::from(TOKEN)));
    cfg.request_timeout = Duration::from_secs(3);
    let org: Value = OktaClient::new(cfg).unwrap().get_json("/api/v1/org").await.unwrap();
    assert_eq!(org["id"], "00o1");
    assert_eq!(calls.load(SeqCst), 2);

    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = config(&format!("http://127.0.0.1:{port}"), Credentials::Ssws(SecretString::from(TOKEN)));
    cfg.max_retries = 1;
    let err = OktaClient::new(cfg).unwrap().get_json::<Value>("/api/v1/org").await.unwrap_err();
    match &err {
        OktaError::Transport { kind, attempts, .. } => {
            assert_eq!(*kind, TransportKind::Connect);
            assert_eq!(*attempts, 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

// ---------------------------------------------------------------------------------------------
// Typed errors

#[tokio::test]
async fn status_errors_are_typed_and_not_retried() {
    async fn h(axum::extract::Path(id): axum::extract::Path<String>) -> Response {
        match id.as_str() {
            "forbidden" => respond(
                403,
                &[],
                r#"{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorLink":"E0000006","errorId":"oae403","errorCauses":[]}"#,
            ),
            "missing" => respond(
                404,
                &[],
                r#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: missing (User)","errorId":"oae404","errorCauses":{"errorSummary":"gone"}}"#,
            ),
            "unauth" => respond(
                401,
                &[],
                r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae401","errorCauses":[]}"#,
            ),
            "bad" => respond(400, &[], "not json at all"),
            _ => respond(200, &[], "{}"),
        }
    }
    let base = serve(Router::new().route("/api/v1/users/{id}/roles", get(h))).await;
    let client = ssws_client(&base);

    let e = client.get_json::<Value>("/api/v1/users/forbidden/roles").await.unwrap_err();
    assert!(e.is_forbidden(), "{e:?}");
    assert_eq!(e.error_code(), Some("E0000006"));
    let e = client.get_json::<Value>("/api/v1/users/missing/roles").await.unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(matches!(&e, OktaError::NotFound { error_id: Some(id), .. } if id == "oae404"));
    assert!(e.to_string().contains("gone"));
    let e = client.get_json::<Value>("/api/v1/users/unauth/roles").await.unwrap_err();
    assert!(e.is_auth() && matches!(e, OktaError::Unauthorized { .. }), "{e:?}");
    let e = client.get_json::<Value>("/api/v1/users/bad/roles").await.unwrap_err();
    assert!(matches!(&e, OktaError::Api { status: 400, error_summary, .. } if error_summary == "not json at all"), "{e:?}");
    assert!(!format!("{e} {e:?}").contains(TOKEN));
    let users = client.stats().bucket(Bucket::Users);
    assert_eq!(users.requests, 4);
    assert_eq!(users.retries, 0);
    assert_eq!(users.errors, 4);
}

// ---------------------------------------------------------------------------------------------
// OAuth

const RSA_PRIVATE: &str = include_str!("fixtures/okta/rsa_private.pem");
const RSA_PUBLIC: &str = include_str!("fixtures/okta/rsa_public.pem");
const EC_PRIVATE: &str = include_str!("fixtures/okta/ec_private.pem");
const EC_PUBLIC: &str = include_str!("fixtures/okta/ec_public.pem");
const ACCESS_TOKEN: &str = "oauth-ACCESS-TOKEN-secret-987654";

#[derive(Clone)]
struct OAuthServer {
    base: Arc<Mutex<String>>,
    public_pem: &'static str,
    alg: jsonwebtoken::Algorithm,
    kid: Option<&'static str>,
    token_requests: Arc<AtomicUsize>,
    api_calls: Arc<AtomicUsize>,
    /// Answer the first API call with 401, as if the token had been revoked.
    revoke_first: bool,
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    iat: i64,
    exp: i64,
    jti: String,
}

async fn token_endpoint(State(s): State<OAuthServer>, Form(form): Form<HashMap<String, String>>) -> Response {
    let n = s.token_requests.fetch_add(1, SeqCst);
    // Slow enough that concurrent callers would pile up on a non-single-flight cache.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert_eq!(
        form["scope"],
        "okta.users.read okta.groups.read okta.apps.read okta.roles.read okta.logs.read okta.orgs.read okta.policies.read"
    );
    let aud = format!("{}/oauth2/v1/token", s.base.lock().unwrap());
    let key = match s.alg {
        jsonwebtoken::Algorithm::RS256 => jsonwebtoken::DecodingKey::from_rsa_pem(s.public_pem.as_bytes()).unwrap(),
        _ => jsonwebtoken::DecodingKey::from_ec_pem(s.public_pem.as_bytes()).unwrap(),
    };
    let mut v = jsonwebtoken::Validation::new(s.alg);
    v.set_audience(&[aud.as_str()]);
    v.set_issuer(&["client-123"]);
    let data = match jsonwebtoken::decode::<Claims>(&form["client_assertion"], &key, &v) {
        Ok(d) => d,
        Err(e) => return respond(401, &[], format!(r#"{{"error":"invalid_client","error_description":"{e}"}}"#)),
    };
    assert_eq!(data.header.kid.as_deref(), s.kid);
    let c = data.claims;
    assert_eq!((c.iss.as_str(), c.sub.as_str(), c.aud.as_str()), ("client-123", "client-123", aud.as_str()));
    assert!((c.exp - c.iat - 300).abs() <= 1, "exp should be iat + 5 min");
    assert!(!c.jti.is_empty());
    respond(
        200,
        &[],
        json!({"token_type":"Bearer","expires_in":3600,"access_token": format!("{ACCESS_TOKEN}-{n}"),"scope":form["scope"]}).to_string(),
    )
}

async fn oauth_api(State(s): State<OAuthServer>, headers: HeaderMap) -> Response {
    let n = s.api_calls.fetch_add(1, SeqCst);
    let auth = headers.get("authorization").unwrap().to_str().unwrap();
    assert!(auth.starts_with(&format!("Bearer {ACCESS_TOKEN}-")), "{auth}");
    if s.revoke_first && n == 0 {
        return respond(401, &[], r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided"}"#);
    }
    respond(200, &ok_headers(550), r#"[{"id":"00u1"},{"id":"00u2"}]"#)
}

async fn oauth_server(
    public_pem: &'static str,
    alg: jsonwebtoken::Algorithm,
    kid: Option<&'static str>,
    revoke_first: bool,
) -> (String, OAuthServer) {
    let s = OAuthServer {
        base: Arc::new(Mutex::new(String::new())),
        public_pem,
        alg,
        kid,
        token_requests: Arc::new(AtomicUsize::new(0)),
        api_calls: Arc::new(AtomicUsize::new(0)),
        revoke_first,
    };
    let app = Router::new().route("/oauth2/v1/token", post(token_endpoint)).route("/api/v1/users", get(oauth_api)).with_state(s.clone());
    let base = serve(app).await;
    *s.base.lock().unwrap() = base.clone();
    (base, s)
}

fn oauth_client(base: &str, pem: &str, kid: Option<&str>) -> OktaClient {
    let mut o = OAuthConfig::new("client-123", SecretString::from(pem));
    o.key_id = kid.map(str::to_owned);
    OktaClient::new(config(base, Credentials::OAuth(o))).unwrap()
}

#[tokio::test]
async fn oauth_token_is_fetched_once_and_reused_across_concurrent_calls() {
    let (base, s) = oauth_server(RSA_PUBLIC, jsonwebtoken::Algorithm::RS256, Some("key-1"), false).await;
    let client = oauth_client(&base, RSA_PRIVATE, Some("key-1"));
    let calls = (0..12).map(|_| {
        let c = client.clone();
        async move { c.get_json::<Value>("/api/v1/users").await }
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.unwrap().as_array().unwrap().len(), 2);
    }
    let items: Vec<Value> = client.list("/api/v1/users").try_collect().await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(s.token_requests.load(SeqCst), 1);
    assert_eq!(s.api_calls.load(SeqCst), 13);
    assert_eq!(client.stats().token_requests, 1);
}

#[tokio::test]
async fn oauth_with_an_ec_key_signs_es256_and_renews_after_a_401() {
    let (base, s) = oauth_server(EC_PUBLIC, jsonwebtoken::Algorithm::ES256, None, true).await;
    let client = oauth_client(&base, EC_PRIVATE, None);
    let v: Value = client.get_json("/api/v1/users").await.unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(s.token_requests.load(SeqCst), 2);
    assert_eq!(s.api_calls.load(SeqCst), 2);
}

#[tokio::test]
async fn oauth_refusal_is_a_typed_error_and_a_bad_key_fails_at_construction() {
    // The server verifies with the RSA public key; an EC-signed assertion is refused.
    let (base, _s) = oauth_server(RSA_PUBLIC, jsonwebtoken::Algorithm::RS256, None, false).await;
    let client = oauth_client(&base, EC_PRIVATE, None);
    let e = client.get_json::<Value>("/api/v1/users").await.unwrap_err();
    assert!(matches!(&e, OktaError::OAuth { status: Some(401), error, .. } if error == "invalid_client"), "{e:?}");
    assert!(e.is_auth());

    let o = OAuthConfig::new("client-123", SecretString::from("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"));
    let e = OktaClient::new(config(&base, Credentials::OAuth(o))).unwrap_err();
    assert!(matches!(e, OktaError::Config(_)), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Secrets never leak into logs or errors

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// Current-thread runtime: the thread-local subscriber then sees every task, including
// reqwest's and hyper's connection tasks.
#[tokio::test(flavor = "current_thread")]
async fn tokens_never_appear_in_trace_output_or_errors() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut errors: Vec<OktaError> = Vec::new();

    // SSWS: a paged list with a 429, a 5xx and a truncated page along the way, then typed errors.
    let (base, _) = paged_server(5, 2, |n, _| match n {
        1 => Some(too_many(&[("x-sim-rate-limit-reset-ms", (chrono::Utc::now().timestamp_millis() + 50).to_string())])),
        2 => Some(respond(500, &[], "oops")),
        3 => Some(respond(200, &[], "[{")),
        _ => None,
    })
    .await;
    let client = ssws_client(&base);
    assert_each_once(&collect_ids(&client, "/api/v1/users").await.unwrap(), 5);
    let mut bad = config(&base, Credentials::Ssws(SecretString::from("ssws-WRONG-TOKEN-SECRET")));
    bad.max_retries = 0;
    errors.push(OktaClient::new(bad).unwrap().get_json::<Value>("/api/v1/users").await.unwrap_err());
    errors.push(client.get_json::<Value>("/api/v1/nothing-here").await.unwrap_err());

    // OAuth: token fetch, use, 401 renewal.
    let (obase, _) = oauth_server(RSA_PUBLIC, jsonwebtoken::Algorithm::RS256, None, true).await;
    let oclient = oauth_client(&obase, RSA_PRIVATE, None);
    let _: Value = oclient.get_json("/api/v1/users").await.unwrap();
    errors.push(oclient.get_json::<Value>("/api/v1/missing").await.unwrap_err());
    errors.push(oauth_client(&obase, EC_PRIVATE, None).get_json::<Value>("/api/v1/users").await.unwrap_err());

    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("okta request"), "the capture must have worked:\n{log}");
    assert!(log.contains("status=429"));
    let key_line = RSA_PRIVATE.lines().nth(1).unwrap();
    for secret in [TOKEN, "ssws-WRONG-TOKEN-SECRET", ACCESS_TOKEN, key_line, "client_assertion="] {
        assert!(!log.contains(secret), "{secret:?} leaked into the trace output");
        for e in &errors {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(secret), "{secret:?} leaked into {shown}");
        }
        let debug = format!("{client:?} {oclient:?}");
        assert!(!debug.contains(secret), "{secret:?} leaked into Debug of the client");
    }
}
