//! The Okta client (`oktagraph::okta`) against the Okta simulator (`okta_sim`): each was
//! tested alone against tiny fake servers or raw HTTP; here they prove each other (issue #3).
//!
//! Every list is compared item by item with the simulator's own org (`server.org()`), so "every
//! item once" means: the same id set, and as many items as ids.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use okta_sim::{BucketLimits, Faults, Org, OrgSpec, SimOptions, SimServer};
use oktagraph::okta::{Bucket, ClientConfig, Credentials, OAuthConfig, OktaClient, OktaError, SecretString};
use serde_json::Value;

const RSA_PRIV: &str = include_str!("fixtures/sim/rsa_private.pem");
const RSA_PUB: &str = include_str!("fixtures/sim/rsa_public.pem");
const EC_PRIV: &str = include_str!("fixtures/sim/ec_private.pem");
const EC_PUB: &str = include_str!("fixtures/sim/ec_public.pem");

const READ_SCOPES: &[&str] = oktagraph::okta::DEFAULT_SCOPES;

async fn start(users: usize, seed: u64, opts: SimOptions) -> SimServer {
    let org = Org::generate(&OrgSpec { users, seed }, "http://127.0.0.1:0");
    SimServer::start(org, opts).await.expect("simulator starts")
}

fn no_limits() -> SimOptions {
    SimOptions { rate_limits: false, ..SimOptions::default() }
}

fn config(s: &SimServer, credentials: Credentials) -> ClientConfig {
    let mut c = ClientConfig::new(s.base_url(), credentials);
    c.request_timeout = Duration::from_secs(10);
    c
}

fn ssws(token: String) -> Credentials {
    Credentials::Ssws(SecretString::from(token))
}

fn client(s: &SimServer) -> OktaClient {
    OktaClient::new(config(s, ssws(s.super_admin_token()))).expect("client")
}

fn oauth(client_id: &str, pem: &str, scopes: &[&str]) -> Credentials {
    let mut o = OAuthConfig::new(client_id, SecretString::from(pem.to_owned()));
    o.scopes = scopes.iter().map(|s| s.to_string()).collect();
    Credentials::OAuth(o)
}

fn id_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_else(|| panic!("item without {key}: {v}")).to_owned()
}

/// Every item of a `Link`-paged list, and how many pages it took.
async fn list_ids(c: &OktaClient, path: &str, key: &str) -> (Vec<String>, usize) {
    let pages: Vec<Vec<Value>> = c.list_pages::<Value>(path).try_collect().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let n = pages.len();
    (pages.iter().flatten().map(|v| id_of(v, key)).collect(), n)
}

/// The listed ids are exactly `expected`, each once.
fn assert_once(what: &str, got: &[String], expected: &BTreeSet<String>) {
    let set: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(set.len(), got.len(), "{what}: duplicates in {} items", got.len());
    let missing: Vec<_> = expected.difference(&set).take(5).collect();
    let extra: Vec<_> = set.difference(expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: {} listed, {} expected; missing e.g. {missing:?}, extra e.g. {extra:?}",
        got.len(),
        expected.len()
    );
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The org as the lists should show it.
struct Expected {
    active_users: BTreeSet<String>,
    deprovisioned: BTreeSet<String>,
    /// (group id, members) of the largest group.
    big_group: (String, BTreeSet<String>),
    /// (app id, assigned user ids) of the app with the most users.
    big_app: (String, BTreeSet<String>),
    assignees: BTreeSet<String>,
    factors: BTreeMap<String, usize>,
}

async fn expected(s: &SimServer) -> Expected {
    let org = s.org();
    let org = org.read().await;
    let (active, deprov): (Vec<_>, Vec<_>) = org.users.values().partition(|u| u.status != "DEPROVISIONED");
    let big_group = org.group_members.iter().max_by_key(|(_, m)| m.len()).map(|(g, m)| (g.clone(), m.clone())).expect("groups");
    let big_app = org.app_users.iter().max_by_key(|(_, m)| m.len()).map(|(a, m)| (a.clone(), m.keys().cloned().collect())).expect("apps");
    let assignees = org
        .roles
        .iter()
        .filter(|r| r.assignment_type == "USER" && org.users.contains_key(&r.assignee))
        .map(|r| r.assignee.clone())
        .collect();
    let factors = org.users.keys().map(|id| (id.clone(), org.factors.get(id).map_or(0, Vec::len))).collect();
    Expected {
        active_users: active.iter().map(|u| u.id.clone()).collect(),
        deprovisioned: deprov.iter().map(|u| u.id.clone()).collect(),
        big_group,
        big_app,
        assignees,
        factors,
    }
}

const DEPROVISIONED: &str = "/api/v1/users?limit=200&filter=status%20eq%20%22DEPROVISIONED%22";

/// Users (both lists), the largest group's members, the largest app's users, the assignees (body
/// paging) and the factors of `factor_users` users, each checked against the org.
async fn check_lists(c: &OktaClient, e: &Expected, factor_users: usize) {
    let (users, pages) = list_ids(c, "/api/v1/users?limit=200", "id").await;
    assert_once("users", &users, &e.active_users);
    assert_eq!(pages, e.active_users.len().div_ceil(200), "users pages");

    let (dep, _) = list_ids(c, DEPROVISIONED, "id").await;
    assert!(!e.deprovisioned.is_empty(), "the org has DEPROVISIONED users");
    assert_once("DEPROVISIONED users", &dep, &e.deprovisioned);

    let (gid, members) = &e.big_group;
    let (got, pages) = list_ids(c, &format!("/api/v1/groups/{gid}/users?limit=200"), "id").await;
    assert_once("group members", &got, members);
    assert!(pages > 1, "group members span pages ({} members)", members.len());

    let (aid, app_users) = &e.big_app;
    let (got, pages) = list_ids(c, &format!("/api/v1/apps/{aid}/users?limit=20"), "id").await;
    assert_once("app users", &got, app_users);
    assert!(pages > 1, "app users span pages ({} users)", app_users.len());

    let got: Vec<String> = c
        .list_body_paged::<Value>("/api/v1/iam/assignees/users?limit=3")
        .map_ok(|v| id_of(&v, "id"))
        .try_collect()
        .await
        .expect("assignees");
    assert!(e.assignees.len() > 3, "assignees span pages");
    assert_once("iam assignees", &got, &e.assignees);

    let ids: Vec<String> = e.factors.keys().take(factor_users).cloned().collect();
    let counts: Vec<(String, usize)> = futures::stream::iter(ids)
        .map(|id| async move {
            let f: Vec<Value> = c.get_json(&format!("/api/v1/users/{id}/factors")).await?;
            Ok::<_, OktaError>((id, f.len()))
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .expect("factors");
    for (id, n) in counts {
        assert_eq!(n, e.factors[&id], "factors of {id}");
    }
}

/// Pagination over 1,000 users: each list comes back complete, each item once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_item_of_every_paged_list_once() {
    let s = start(1000, 3, no_limits()).await;
    let c = client(&s);
    let e = expected(&s).await;
    assert!(e.active_users.len() > 800, "{}", e.active_users.len());
    check_lists(&c, &e, 50).await;

    // A bounded System Log query (since + until) pages until the last event and stops.
    let now = chrono::Utc::now();
    let (since, until) = (now - chrono::Duration::days(80), now - chrono::Duration::days(1));
    let want: BTreeSet<String> = {
        let org = s.org();
        let org = org.read().await;
        org.logs
            .iter()
            .filter(|ev| {
                let ms = okta_sim::model::log_key(ev).0;
                ms >= since.timestamp_millis() && ms < until.timestamp_millis()
            })
            .map(|ev| id_of(ev, "uuid"))
            .collect()
    };
    let path = format!("/api/v1/logs?since={}&until={}&limit=100", iso(since), iso(until));
    let (got, pages) = list_ids(&c, &path, "uuid").await;
    assert!(want.len() > 100, "logs span pages ({})", want.len());
    assert_once("bounded logs", &got, &want);
    assert_eq!(pages, want.len().div_ceil(100).max(1));

    let st = c.stats().total();
    assert_eq!((st.retries, st.errors, st.rate_limited), (0, 0, 0), "{st:?}");
    s.shutdown().await;
}

/// What spending a users window with raw requests took.
struct Burn {
    /// Requests sent, the final 429 included.
    requests: u64,
    /// The end of the spent window on the simulator's clock (`X-Sim-Rate-Limit-Reset-Ms` of the 429): the
    /// simulator serves no users request of this token before it.
    refused_until_ms: i64,
}

/// Spend the rest of the token's users window with raw requests (traffic the client cannot see), up to and
/// including the first 429.
async fn burn_users_window(s: &SimServer, token: &str, user_id: &str) -> Burn {
    let http = reqwest::Client::new();
    for n in 1..=1000 {
        let r = http
            .get(format!("{}/api/v1/users/{user_id}", s.base_url()))
            .header("Authorization", format!("SSWS {token}"))
            .send()
            .await
            .expect("raw request");
        if r.status() == 429 {
            let reset = r.headers().get("x-sim-rate-limit-reset-ms").expect("a 429 names its reset");
            let refused_until_ms = reset.to_str().unwrap().parse().expect("reset ms");
            return Burn { requests: n, refused_until_ms };
        }
    }
    panic!("the users bucket never ran out");
}

/// Now on the simulator's clock (it reads the same system clock).
fn sim_now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// 429s (the bucket spent by traffic the client cannot see) are waited out and the listing
/// resumes where it stopped: nothing lost, nothing repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_429s_are_waited_out_without_losing_items() {
    let opts = SimOptions {
        // 3 s windows: the client's request right after a burn falls in the spent window even when a loaded
        // machine stalls the test for a moment.
        time_scale: 20.0,
        limits: BucketLimits { users: 20, ..BucketLimits::default() },
        ..SimOptions::default()
    };
    let s = start(150, 5, opts).await;
    let e = expected(&s).await;
    let token = s.super_admin_token();
    let probe = e.active_users.iter().next().unwrap().clone();
    let mut cfg = config(&s, ssws(token.clone()));
    cfg.rate_limit_share = 1.0;
    let c = OktaClient::new(cfg).unwrap();

    let first_burn = burn_users_window(&s, &token, &probe).await;
    let mut pages = Box::pin(c.list_pages::<Value>("/api/v1/users?limit=25"));
    let mut got: Vec<String> = Vec::new();
    let first = pages.next().await.expect("a page").expect("first page after a 429");
    // The simulator refuses this token's users requests until the window ends: the page came after it.
    assert!(sim_now_ms() >= first_burn.refused_until_ms, "the first page came before the spent window ended");
    got.extend(first.iter().map(|v| id_of(v, "id")));
    // The client now believes most of the new window is left; take it away again.
    let second_burn = burn_users_window(&s, &token, &probe).await;
    while let Some(page) = pages.next().await {
        got.extend(page.expect("page").iter().map(|v| id_of(v, "id")));
    }
    assert!(sim_now_ms() >= second_burn.refused_until_ms, "the listing ended before the second spent window did");
    assert_once("users under 429s", &got, &e.active_users);

    let users = c.stats().bucket(Bucket::Users);
    let sim = s.stats();
    println!("429 test: client users bucket {users:?}, sim rate_limited_429 {}", sim.rate_limited_429);
    // Each burn saw exactly one 429; every other 429 went to the client, which counted it and waited it out.
    assert!(users.rate_limited >= 2, "the client met both spent windows: {users:?}");
    assert_eq!(users.rate_limited, sim.rate_limited_429 - 2, "client and simulator agree on the 429s");
    assert_eq!(users.requests + first_burn.requests + second_burn.requests, sim.requests_by_bucket["users"]);
    assert_eq!(users.errors, 0);
    s.shutdown().await;
}

/// 5xx (JSON and HTML bodies), dropped connections and truncated JSON are retried; every list still
/// comes back complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_with_complete_results() {
    let opts = SimOptions {
        faults: Faults { error_5xx_rate: 0.2, drop_rate: 0.1, malformed_rate: 0.1, seed: 42, ..Faults::default() },
        ..no_limits()
    };
    let s = start(600, 9, opts).await;
    let e = expected(&s).await;
    let mut cfg = config(&s, ssws(s.super_admin_token()));
    // About a third of attempts fail: keep the pauses short and the budget deep enough that 13
    // failures in a row (p ≈ 1e-6 per call) are needed to lose a call.
    cfg.backoff_base = Duration::from_millis(5);
    cfg.backoff_cap = Duration::from_millis(80);
    cfg.max_retries = 12;
    let c = OktaClient::new(cfg).unwrap();
    check_lists(&c, &e, 120).await;

    let sim = s.stats();
    let st = c.stats().total();
    println!("faults: injected {:?}; client {st:?}", sim.faults_by_kind);
    for kind in ["5xx", "drop", "malformed"] {
        assert!(sim.faults_by_kind.get(kind).copied().unwrap_or(0) > 0, "{kind} was injected: {:?}", sim.faults_by_kind);
    }
    assert_eq!(st.errors, 0);
    assert_eq!(st.retries, sim.faults_injected, "one retry per injected fault");
    s.shutdown().await;
}

/// 401 (bad token, token revoked mid-listing), 403 (read-only admin on roles and oktaSupport) and
/// 404 (factors of an unknown user) come back as typed errors, without retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_permission_and_not_found_errors_are_typed() {
    let s = start(120, 2, SimOptions::default()).await;
    let uid = {
        let org = s.org();
        let org = org.read().await;
        org.users.keys().next().unwrap().clone()
    };

    let bad = OktaClient::new(config(&s, ssws(format!("00{}", "x".repeat(40))))).unwrap();
    let err = bad.get_json::<Vec<Value>>("/api/v1/users").await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.error_code(), Some("E0000011"));

    // Revoked between two pages: the page already listed stays, the next one fails with 401.
    let token = s.super_admin_token();
    let c = OktaClient::new(config(&s, ssws(token.clone()))).unwrap();
    let mut pages = Box::pin(c.list_pages::<Value>("/api/v1/users?limit=20"));
    let first = pages.next().await.unwrap().expect("first page");
    assert_eq!(first.len(), 20);
    s.revoke_token(&token);
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert!(pages.next().await.is_none(), "the stream ends after the error");
    assert!(!err.to_string().contains(&token));

    let ro = OktaClient::new(config(&s, ssws(s.readonly_token()))).unwrap();
    for path in [format!("/api/v1/users/{uid}/roles"), "/api/v1/org/privacy/oktaSupport".to_string()] {
        let err = ro.get_json::<Value>(&path).await.unwrap_err();
        assert!(err.is_forbidden(), "{path}: {err:?}");
        assert_eq!(err.error_code(), Some("E0000006"));
    }
    // ...while the same token may read users.
    ro.get_json::<Vec<Value>>("/api/v1/users?limit=5").await.unwrap();

    let err = ro.get_json::<Vec<Value>>("/api/v1/users/00uNOSUCHUSER0000000/factors").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.error_code(), Some("E0000007"));

    for st in [bad.stats().total(), c.stats().total(), ro.stats().total()] {
        assert_eq!(st.retries, 0, "typed errors are not retried: {st:?}");
    }
    let sim = s.stats();
    assert_eq!((sim.unauthorized_401, sim.forbidden_403, sim.not_found_404), (2, 2, 1));
    s.shutdown().await;
}

/// OAuth `private_key_jwt`: one token for many concurrent calls (RSA and EC keys); a token without
/// the needed scope, or of an app without an admin role, gets 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_token_is_fetched_once_and_scopes_are_enforced() {
    let s = start(100, 4, SimOptions::default()).await;
    let all: Vec<String> = READ_SCOPES.iter().map(|s| s.to_string()).collect();
    s.register_oauth_client("0oaRSA", RSA_PUB, all.clone(), true);
    s.register_oauth_client("0oaEC", EC_PUB, all, false);
    s.register_oauth_client("0oaUSERS", RSA_PUB, vec!["okta.users.read".into()], true);
    let e = expected(&s).await;
    let ids: Vec<String> = e.active_users.iter().take(60).cloned().collect();

    let c = OktaClient::new(config(&s, oauth("0oaRSA", RSA_PRIV, READ_SCOPES))).unwrap();
    let results = futures::future::join_all(ids.iter().map(|id| {
        let (c, path) = (c.clone(), format!("/api/v1/users/{id}"));
        async move { c.get_json::<Value>(&path).await }
    }))
    .await;
    for (id, r) in ids.iter().zip(results) {
        assert_eq!(id_of(&r.expect("user"), "id"), *id);
    }
    let (users, _) = list_ids(&c, "/api/v1/users?limit=30", "id").await;
    assert_once("users over OAuth", &users, &e.active_users);
    c.get_json::<Vec<Value>>(&format!("/api/v1/users/{}/roles", ids[0])).await.expect("super-admin app reads roles");
    assert_eq!(c.stats().token_requests, 1);
    assert_eq!((s.stats().token_requests, s.stats().tokens_issued), (1, 1));

    // EC key; the app has no super-admin role: users yes, roles 403.
    let ec = OktaClient::new(config(&s, oauth("0oaEC", EC_PRIV, READ_SCOPES))).unwrap();
    let res = futures::future::join_all((0..20).map(|_| ec.get_json::<Vec<Value>>("/api/v1/users?limit=2"))).await;
    assert!(res.iter().all(Result::is_ok));
    let err = ec.get_json::<Vec<Value>>(&format!("/api/v1/users/{}/roles", ids[0])).await.unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
    assert_eq!(ec.stats().token_requests, 1);

    // A token granted only okta.users.read: users yes, groups 403 E0000006.
    let narrow = OktaClient::new(config(&s, oauth("0oaUSERS", RSA_PRIV, &["okta.users.read"]))).unwrap();
    narrow.get_json::<Vec<Value>>("/api/v1/users?limit=2").await.unwrap();
    let err = narrow.get_json::<Vec<Value>>("/api/v1/groups").await.unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
    assert_eq!(err.error_code(), Some("E0000006"));

    // Asking for a scope the app was not granted fails at the token endpoint, as an auth error.
    let greedy = OktaClient::new(config(&s, oauth("0oaUSERS", RSA_PRIV, READ_SCOPES))).unwrap();
    let err = greedy.get_json::<Vec<Value>>("/api/v1/users").await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(s.stats().token_requests, 4);
    s.shutdown().await;
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

thread_local! {
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A process-wide subscriber that records, at every level, the events of threads that asked for
/// it. Global rather than `set_default`: with a thread-local default, a callsite first reached by
/// another test thread can cache "never" interest and silently drop our events (seen here: the
/// OAuth line went missing when the tests ran in parallel), which would hide a leak.
fn capture_this_thread() -> Captured {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    static CAPTURE: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    let buf = CAPTURE
        .get_or_init(|| {
            let buf = Captured::default();
            let w = buf.clone();
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || w.clone())
                // Per event, never cached per callsite: a callsite first reached on a thread that is not
                // capturing must not be remembered as "never" (the "okta request" line went missing so).
                .with_filter(
                    tracing_subscriber::filter::DynFilterFn::new(|_, _| CAPTURING.with(std::cell::Cell::get))
                        .with_callsite_filter(|_| tracing::subscriber::Interest::sometimes()),
                );
            // Also installs the `log` bridge, so reqwest's `log` records are captured too.
            tracing_subscriber::registry().with(layer).try_init().expect("no other global subscriber in this test binary");
            buf
        })
        .clone();
    CAPTURING.with(|c| c.set(true));
    buf
}

/// At trace level, with retries, 429s and an OAuth token fetch, no log line carries the SSWS token,
/// an OAuth access token or a client assertion (both are JWT-like `eyJ...`), or key material.
/// Current-thread runtime: every event of the client, the simulator and hyper is on this thread.
#[tokio::test(flavor = "current_thread")]
async fn no_token_in_any_trace_log_line() {
    let buf = capture_this_thread();

    let opts = SimOptions {
        time_scale: 120.0, // 0.5 s windows
        limits: BucketLimits { users: 6, ..BucketLimits::default() },
        faults: Faults { error_5xx_rate: 0.2, drop_rate: 0.1, malformed_rate: 0.1, seed: 7, ..Faults::default() },
        ..SimOptions::default()
    };
    let s = start(120, 8, opts).await;
    s.register_oauth_client("0oaLOG", RSA_PUB, READ_SCOPES.iter().map(|s| s.to_string()).collect(), true);
    let e = expected(&s).await;
    let token = s.super_admin_token();
    let mut cfg = config(&s, ssws(token.clone()));
    cfg.backoff_base = Duration::from_millis(5);
    cfg.backoff_cap = Duration::from_millis(50);
    cfg.max_retries = 12;
    cfg.rate_limit_share = 1.0;
    let c = OktaClient::new(cfg.clone()).unwrap();
    // Another client on the same token spends the window behind the first one's back → 429s.
    let rival = OktaClient::new(cfg.clone()).unwrap();
    let (mine, theirs) = tokio::join!(list_ids(&c, "/api/v1/users?limit=10", "id"), list_ids(&rival, "/api/v1/users?limit=10", "id"),);
    assert_once("users (traced)", &mine.0, &e.active_users);
    assert_once("users (traced, rival)", &theirs.0, &e.active_users);
    cfg.credentials = oauth("0oaLOG", RSA_PRIV, READ_SCOPES);
    let oc = OktaClient::new(cfg).unwrap();
    let (groups, _) = list_ids(&oc, "/api/v1/groups?limit=5", "id").await;
    assert!(!groups.is_empty());
    assert_eq!(oc.stats().token_requests, 1);
    let st = c.stats().total();
    let rst = rival.stats().total();
    s.shutdown().await;
    CAPTURING.with(|c| c.set(false));

    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(st.retries + rst.retries > 0, "retries happened: {st:?} {rst:?}");
    assert!(st.rate_limited + rst.rate_limited > 0, "429s happened: {st:?} {rst:?}");
    for needle in ["okta request", "retrying", "429 received", "obtained an OAuth access token"] {
        assert!(
            log.contains(needle),
            "the capture works: {needle:?} missing; {}",
            log.lines().filter(|l| l.contains("okta")).take(30).collect::<Vec<_>>().join("\n")
        );
    }
    assert!(log.contains("TRACE"), "trace-level lines were captured");
    assert!(!log.contains(&token), "the SSWS token leaked into the log");
    assert!(!log.contains(&token[2..22]), "part of the SSWS token leaked into the log");
    let jwt_like = log.match_indices("eyJ").count();
    assert_eq!(jwt_like, 0, "an access token or client assertion leaked: {}", {
        let i = log.find("eyJ").unwrap();
        log[i.saturating_sub(200)..(i + 100).min(log.len())].to_string()
    });
    let key_line = RSA_PRIV.lines().nth(1).unwrap();
    assert!(!log.contains(key_line), "private key material leaked");
    println!("trace log: {} lines, {} bytes, no secrets", log.lines().count(), log.len());
}

/// "A run against the simulator with rate limits on receives almost no 429s": all users plus the
/// factors of every user of a 500-user org, 16 requests in flight, with per-token limits that
/// take several windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limiter_keeps_ahead_of_429s() {
    // 1 s windows; org users bucket 320/min → 160 per token (share 0.5, as Okta); the client keeps
    // half of what it is shown for others → ~80 calls per window, ~505 calls → 6-7 windows.
    let opts = SimOptions {
        time_scale: 60.0,
        token_share: 0.5,
        limits: BucketLimits { users: 320, ..BucketLimits::default() },
        ..SimOptions::default()
    };
    let s = start(500, 12, opts).await;
    let e = expected(&s).await;
    let c = client(&s);
    let (users, _) = list_ids(&c, "/api/v1/users?limit=200", "id").await;
    let (dep, _) = list_ids(&c, DEPROVISIONED, "id").await;
    assert_once("users", &users, &e.active_users);
    assert_once("deprovisioned", &dep, &e.deprovisioned);
    let counts: Vec<(String, usize)> = futures::stream::iter(users.into_iter().chain(dep))
        .map(|id| {
            let c = c.clone();
            async move {
                let f: Vec<Value> = c.get_json(&format!("/api/v1/users/{id}/factors")).await?;
                Ok::<_, OktaError>((id, f.len()))
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .expect("factors");
    assert_eq!(counts.len(), e.factors.len());
    for (id, n) in counts {
        assert_eq!(n, e.factors[&id], "factors of {id}");
    }
    let st = c.stats().total();
    let sim = s.stats();
    let calls = sim.requests_total;
    let received = sim.rate_limited_429 + sim.concurrency_429;
    println!("429s received: {received} of {calls} calls (client {st:?})");
    assert_eq!(st.rate_limited, received, "client and simulator agree");
    assert_eq!(st.requests, calls);
    assert!(received * 100 <= calls, "429s received: {received} of {calls} calls (more than 1%)");
    // The simulator serves at most 160 users calls of a token per window: more than three windows' worth
    // served means the run spread over at least four windows, so the few 429s are the limiter's doing.
    let served = sim.requests_by_bucket["users"] - received;
    assert!(served > 3 * 160, "the budget forced several windows: {served} users calls served");
    s.shutdown().await;
}

/// Kills the child when the test ends, also on panic.
struct Child(tokio::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// `oktagraph simulate --users 50 --port 0` as a process: its url and tokens work with the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_command_serves_the_client() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = Child(
        tokio::process::Command::new(env!("CARGO_BIN_EXE_oktagraph"))
            .args(["simulate", "--users", "50", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn oktagraph simulate"),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut kv = BTreeMap::new();
    for want in ["url", "token", "readonly_token"] {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("simulate prints its lines in time")
            .expect("stdout")
            .expect("a line");
        let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
        assert_eq!(k, want, "{line:?}");
        kv.insert(k.to_owned(), v.to_owned());
    }
    assert!(kv["url"].starts_with("http://127.0.0.1:"), "{kv:?}");
    let mut cfg = ClientConfig::new(kv["url"].clone(), ssws(kv["token"].clone()));
    cfg.request_timeout = Duration::from_secs(10);
    let c = OktaClient::new(cfg).unwrap();
    let users: Vec<Value> = c.list("/api/v1/users?limit=20").try_collect().await.expect("users from the simulate process");
    let dep: Vec<Value> = c.list(DEPROVISIONED).try_collect().await.unwrap();
    assert_eq!(users.len() + dep.len(), 50);
    let ro = OktaClient::new(ClientConfig::new(kv["url"].clone(), ssws(kv["readonly_token"].clone()))).unwrap();
    let err = ro.get_json::<Value>("/api/v1/org/privacy/oktaSupport").await.unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
    child.0.kill().await.expect("kill simulate");
}

/// Concurrency 429s (`X-Rate-Limit-Limit: 0`; the org's in-flight cap is below the client's) are
/// backed off and retried; with no reserve (`rate_limit_share` 1.0) the limiter spends the whole
/// per-token budget and still gets no per-minute 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_429s_and_full_share() {
    let opts = SimOptions {
        time_scale: 120.0, // 0.5 s windows
        limits: BucketLimits { users: 40, ..BucketLimits::default() },
        concurrency_limit: 4,
        faults: Faults { slow_rate: 1.0, slow_delay: Duration::from_millis(20), ..Faults::default() },
        ..SimOptions::default()
    };
    let s = start(150, 12, opts).await;
    let e = expected(&s).await;
    let mut cfg = config(&s, ssws(s.super_admin_token()));
    cfg.rate_limit_share = 1.0;
    cfg.backoff_base = Duration::from_millis(20);
    cfg.backoff_cap = Duration::from_millis(200);
    let c = OktaClient::new(cfg).unwrap();
    let t0 = Instant::now();
    let counts: Vec<(String, usize)> = futures::stream::iter(e.factors.keys().cloned())
        .map(|id| {
            let c = c.clone();
            async move {
                let f: Vec<Value> = c.get_json(&format!("/api/v1/users/{id}/factors")).await?;
                Ok::<_, OktaError>((id, f.len()))
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .expect("factors");
    assert_eq!(counts.len(), e.factors.len());
    for (id, n) in counts {
        assert_eq!(n, e.factors[&id], "factors of {id}");
    }
    let sim = s.stats();
    let st = c.stats().total();
    println!(
        "concurrency: {:?}; sim 429s {} per-minute, {} concurrency, of {} calls; client {st:?}",
        t0.elapsed(),
        sim.rate_limited_429,
        sim.concurrency_429,
        sim.requests_total
    );
    assert!(sim.concurrency_429 > 0, "the in-flight cap was hit");
    assert_eq!(sim.rate_limited_429, 0, "full share, still ahead of the window");
    assert_eq!(st.rate_limited, sim.concurrency_429);
    assert_eq!(st.errors, 0);
    s.shutdown().await;
}
