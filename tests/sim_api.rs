//! Black-box tests of the Okta simulator over loopback HTTP.

use std::collections::HashSet;
use std::time::Duration;

use okta_sim::*;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

async fn start(users: usize, opts: SimOptions) -> SimServer {
    let org = Org::generate(&OrgSpec { users, seed: 11 }, "http://127.0.0.1:0");
    SimServer::start(org, opts).await.expect("server starts")
}

fn no_limits() -> SimOptions {
    SimOptions { rate_limits: false, ..SimOptions::default() }
}

async fn get(s: &SimServer, token: &str, path_and_query: &str) -> Response {
    let url = if path_and_query.starts_with("http") { path_and_query.to_string() } else { format!("{}{}", s.base_url(), path_and_query) };
    Client::new().get(url).header("Authorization", format!("SSWS {token}")).send().await.expect("request")
}

fn header(r: &Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

/// (self, next) from a comma-joined link header.
fn links(r: &Response) -> (Option<String>, Option<String>) {
    let mut out = (None, None);
    if let Some(l) = header(r, "link") {
        for part in l.split(", <") {
            let url = part.trim_start_matches('<').split('>').next().unwrap().to_string();
            if part.contains("rel=\"self\"") {
                out.0 = Some(url);
            } else if part.contains("rel=\"next\"") {
                out.1 = Some(url);
            }
        }
    }
    out
}

async fn page_all(s: &SimServer, first: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut url = first.to_string();
    let mut pages = 0;
    loop {
        let r = get(s, &s.super_admin_token(), &url).await;
        assert_eq!(r.status(), 200);
        let (_, next) = links(&r);
        let body: Vec<Value> = r.json().await.unwrap();
        items.extend(body);
        pages += 1;
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    (items, pages)
}

#[tokio::test]
async fn users_paginate_exactly_once_and_hide_deprovisioned() {
    let s = start(230, no_limits()).await;
    let (items, pages) = page_all(&s, "/api/v1/users?limit=50").await;
    assert_eq!(pages, 5);
    let ids: Vec<String> = items.iter().map(|u| u["id"].as_str().unwrap().to_string()).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no user twice");
    let org = s.org();
    let org = org.read().await;
    let expected: HashSet<&String> = org.users.values().filter(|u| u.status != "DEPROVISIONED").map(|u| &u.id).collect();
    assert_eq!(unique, expected);
    assert!(items.iter().all(|u| u["status"] != "DEPROVISIONED"));
    let deprov = org.users.values().filter(|u| u.status == "DEPROVISIONED").count();
    assert!(deprov > 0);
    drop(org);

    for q in ["filter=status+eq+%22DEPROVISIONED%22", "search=status%20eq%20%22DEPROVISIONED%22"] {
        let (items, _) = page_all(&s, &format!("/api/v1/users?{q}")).await;
        assert_eq!(items.len(), deprov, "{q}");
        assert!(items.iter().all(|u| u["status"] == "DEPROVISIONED"));
    }
    let (items, _) = page_all(&s, "/api/v1/users?filter=status+eq+%22ACTIVE%22+or+status+eq+%22DEPROVISIONED%22").await;
    assert!(items.iter().any(|u| u["status"] == "ACTIVE") && items.iter().any(|u| u["status"] == "DEPROVISIONED"));
    let (items, _) = page_all(&s, "/api/v1/users?filter=lastUpdated+gt+%222000-01-01T00:00:00.000Z%22").await;
    assert_eq!(items.len(), 230);

    // user shape
    let u = &items[0];
    for k in [
        "id",
        "status",
        "created",
        "activated",
        "statusChanged",
        "lastLogin",
        "lastUpdated",
        "passwordChanged",
        "type",
        "profile",
        "credentials",
        "_links",
    ] {
        assert!(u.get(k).is_some(), "user has {k}");
    }
    assert!(u["_links"]["self"]["href"].as_str().unwrap().starts_with(&s.base_url()));
    s.shutdown().await;
}

#[tokio::test]
async fn default_and_max_limits() {
    let s = start(300, no_limits()).await;
    let tok = s.super_admin_token();
    let r = get(&s, &tok, "/api/v1/users").await;
    let (self_link, next) = links(&r);
    assert!(self_link.unwrap().ends_with("/api/v1/users?limit=200"));
    assert!(next.unwrap().contains("after="));
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 200);

    let r = get(&s, &tok, "/api/v1/users?limit=1000").await;
    assert!(links(&r).0.unwrap().contains("limit=200"));
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 200);

    let r = get(&s, &tok, "/api/v1/apps").await;
    assert!(links(&r).0.unwrap().contains("limit=20"));
    let apps: Vec<Value> = r.json().await.unwrap();
    assert_eq!(apps.len(), 6); // clamp(300/50, 5, 300)
    let aws = apps.iter().find(|a| a["name"] == "amazon_aws").expect("aws app");
    assert_eq!(aws["settings"]["app"]["identityProviderArn"], "arn:aws:iam::123456789012:saml-provider/Okta");
    let aws_id = aws["id"].as_str().unwrap();

    let r = get(&s, &tok, &format!("/api/v1/apps/{aws_id}/users")).await;
    let (self_link, next) = links(&r);
    assert!(self_link.unwrap().contains("limit=50"));
    assert!(next.is_some());
    let page: Vec<Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 50);
    assert!(page.iter().any(|au| au["profile"]["samlRoles"].is_array() || au["profile"]["role"].is_string()));
    let r = get(&s, &tok, &format!("/api/v1/apps/{aws_id}/users?limit=9999")).await;
    assert!(links(&r).0.unwrap().contains("limit=500"));

    let r = get(&s, &tok, &format!("/api/v1/apps/{aws_id}/groups")).await;
    assert!(links(&r).0.unwrap().contains("limit=20"));
    let groups: Vec<Value> = r.json().await.unwrap();
    assert!(groups.iter().all(|g| g["profile"]["samlRoles"].is_array()));

    let r = get(&s, &tok, "/api/v1/groups/rules").await;
    assert!(links(&r).0.unwrap().contains("limit=50"));
    s.shutdown().await;
}

#[tokio::test]
async fn error_bodies() {
    let s = start(40, no_limits()).await;
    let c = Client::new();
    let r = c.get(format!("{}/api/v1/users", s.base_url())).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errorCode"], "E0000011");
    assert_eq!(b["errorSummary"], "Invalid token provided");
    assert_eq!(b["errorLink"], "E0000011");
    assert!(b["errorId"].as_str().unwrap().starts_with("oae"));
    assert_eq!(b["errorCauses"], json!([]));
    let r = get(&s, "00bogus", "/api/v1/users").await;
    assert_eq!(r.status(), 401);

    let r = get(&s, &s.super_admin_token(), "/api/v1/users/thisisafakekey/factors").await;
    assert_eq!(r.status(), 404);
    assert!(header(&r, "x-rate-limit-limit").is_some());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errorCode"], "E0000007");
    assert_eq!(b["errorSummary"], "Not found: Resource not found: thisisafakekey (User)");

    let uid = s.org().read().await.users.keys().next().unwrap().clone();
    let ro = s.readonly_token();
    for p in [format!("/api/v1/users/{uid}/roles"), "/api/v1/org/privacy/oktaSupport".into(), "/api/v1/iam/assignees/users".into()] {
        let r = get(&s, &ro, &p).await;
        assert_eq!(r.status(), 403, "{p}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["errorCode"], "E0000006");
        assert_eq!(b["errorSummary"], "You do not have permission to perform the requested action");
    }
    // the read-only admin can still read everything else
    assert_eq!(get(&s, &ro, "/api/v1/users").await.status(), 200);
    assert_eq!(get(&s, &ro, &format!("/api/v1/users/{uid}/factors")).await.status(), 200);
    // Okta's standard admin roles table: a Read-Only Administrator may "View System Log" (issue 13).
    assert_eq!(get(&s, &ro, "/api/v1/logs?limit=1").await.status(), 200);
    assert_eq!(get(&s, &s.super_admin_token(), &format!("/api/v1/users/{uid}/roles")).await.status(), 200);

    // revoked tokens
    s.revoke_token(&ro);
    let r = get(&s, &ro, "/api/v1/users").await;
    assert_eq!(r.status(), 401);
    assert_eq!(s.stats().unauthorized_401, 3);
    s.shutdown().await;
}

#[tokio::test]
async fn standard_headers_and_unpaged_endpoints() {
    let s = start(40, SimOptions::default()).await;
    let tok = s.super_admin_token();
    let uid = s.org().read().await.users.keys().next().unwrap().clone();
    let before_ms = now_ms();
    let r = get(&s, &tok, &format!("/api/v1/users/{uid}/factors")).await;
    let after_ms = now_ms();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "link").is_none(), "factors are not paged");
    let date = header(&r, "date").unwrap();
    assert!(date.ends_with(" GMT"), "{date}");
    assert!(header(&r, "x-okta-request-id").is_some());
    assert_eq!(header(&r, "content-type").unwrap(), "application/json");
    assert_eq!(header(&r, "x-rate-limit-limit").unwrap(), "600");
    // The token's first users request opened a 60 s window while the request was under way; the reset is
    // its end, in seconds (rounded up) and, for the simulator's client, in milliseconds.
    let reset_ms = reset_ms(&r);
    assert!((before_ms + 60_000..=after_ms + 60_001).contains(&reset_ms), "reset {reset_ms} ms, request {before_ms}..{after_ms} ms");
    let reset: i64 = header(&r, "x-rate-limit-reset").unwrap().parse().unwrap();
    assert_eq!(reset, (reset_ms + 999).div_euclid(1000), "the reset in seconds is the millisecond reset rounded up");

    let r = get(&s, &tok, "/api/v1/org").await;
    let b: Value = r.json().await.unwrap();
    assert!(b["id"].as_str().unwrap().starts_with("00o"));
    let r = get(&s, &tok, "/api/v1/org/privacy/oktaSupport").await;
    let b: Value = r.json().await.unwrap();
    assert!(b["support"] == "ENABLED" || b["support"] == "DISABLED");
    s.shutdown().await;
}

#[tokio::test]
async fn rate_limit_counts_down_then_429() {
    // 60 s windows: the counting below happens within one window however slow the machine.
    let limits = BucketLimits { users: 5, groups: 4, apps: 3, logs: 2, other: 10 };
    let s = start(20, SimOptions { limits, ..SimOptions::default() }).await;
    let tok = s.super_admin_token();
    let mut remaining = vec![];
    for _ in 0..5 {
        let r = get(&s, &tok, "/api/v1/users?limit=2").await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "x-rate-limit-limit").unwrap(), "5");
        remaining.push(header(&r, "x-rate-limit-remaining").unwrap().parse::<u32>().unwrap());
    }
    assert_eq!(remaining, vec![4, 3, 2, 1, 0]);
    let r = get(&s, &tok, "/api/v1/users/anything/factors").await; // same bucket
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&r, "x-rate-limit-remaining").unwrap(), "0");
    assert!(header(&r, "x-rate-limit-reset").is_some());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errorCode"], "E0000047");
    assert_eq!(b["errorSummary"], "API call exceeded rate limit due to too many requests.");
    // other buckets and other tokens are independent
    assert_eq!(get(&s, &tok, "/api/v1/groups").await.status(), 200);
    assert_eq!(get(&s, &s.readonly_token(), "/api/v1/users").await.status(), 200);
    let st = s.stats();
    assert_eq!(st.rate_limited_429, 1);
    assert_eq!(st.requests_by_bucket["users"], 7);
    s.shutdown().await;
}

/// A window ends at its announced reset: the next request opens a new one with the whole budget. Waits for
/// the reset on the simulator's clock (the same system clock), not for a guessed duration.
#[tokio::test]
async fn rate_limit_window_resets_at_its_announced_end() {
    let limits = BucketLimits { users: 5, ..BucketLimits::default() };
    let s = start(20, SimOptions { limits, time_scale: 60.0, ..SimOptions::default() }).await; // 1 s windows
    let tok = s.super_admin_token();
    let r = get(&s, &tok, "/api/v1/users?limit=2").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-rate-limit-remaining").unwrap(), "4");
    let first_end = reset_ms(&r);
    wait_until_ms(first_end, Duration::from_secs(2)).await;
    let r = get(&s, &tok, "/api/v1/users").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-rate-limit-remaining").unwrap(), "4", "a new window, not the old one's last 3");
    assert!(reset_ms(&r) >= first_end + 1000, "the new window ends a window after the old one: {} vs {first_end}", reset_ms(&r));
    s.shutdown().await;
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The end of the response's rate-limit window, in epoch milliseconds on the simulator's clock.
fn reset_ms(r: &Response) -> i64 {
    header(r, "x-sim-rate-limit-reset-ms").expect("x-sim-rate-limit-reset-ms").parse().unwrap()
}

/// Returns once the system clock reaches `epoch_ms`, which must be at most `horizon` away (a reset further
/// off is a bug, not a slow machine).
async fn wait_until_ms(epoch_ms: i64, horizon: Duration) {
    let mut left = epoch_ms - now_ms();
    assert!(left <= horizon.as_millis() as i64, "{epoch_ms} is {left} ms away, more than {horizon:?}");
    while left > 0 {
        tokio::time::sleep(Duration::from_millis(left as u64)).await;
        left = epoch_ms - now_ms();
    }
}

#[tokio::test]
async fn token_share_and_disabled_limits() {
    let s = start(10, SimOptions { token_share: 0.5, ..SimOptions::default() }).await;
    let r = get(&s, &s.super_admin_token(), "/api/v1/logs").await;
    assert_eq!(header(&r, "x-rate-limit-limit").unwrap(), "60");
    s.shutdown().await;
    let s = start(10, no_limits()).await;
    let r = get(&s, &s.super_admin_token(), "/api/v1/apps").await;
    assert!(header(&r, "x-rate-limit-limit").unwrap().parse::<u64>().unwrap() >= 100_000);
    s.shutdown().await;
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[tokio::test]
async fn system_log_semantics() {
    let s = start(100, no_limits()).await;
    let tok = s.super_admin_token();
    let now = chrono::Utc::now();
    let since = iso(now - chrono::Duration::days(100));
    let until = iso(now);
    let filter = "eventType eq \"application.lifecycle.create\" or eventType eq \"application.lifecycle.update\"";
    let q = |extra: &str| {
        format!("/api/v1/logs?since={}&until={}&filter={}&limit=2{}", urlencode(&since), urlencode(&until), urlencode(filter), extra)
    };
    let (events, pages) = page_all(&s, &q("")).await;
    assert!(pages >= 2 || events.len() <= 2);
    let cutoff = now - chrono::Duration::days(90);
    let org = s.org();
    let all_creates = org.read().await.logs.iter().filter(|e| e["eventType"] == "application.lifecycle.create").count();
    let mut last = String::new();
    for e in &events {
        let p = e["published"].as_str().unwrap().to_string();
        let t = chrono::DateTime::parse_from_rfc3339(&p).unwrap();
        assert!(t > cutoff, "retention: {p}");
        assert!(p >= last, "sorted by published");
        last = p;
        assert!(e["eventType"].as_str().unwrap().starts_with("application.lifecycle."));
        assert_eq!(e["version"], "0");
    }
    let creates = events.iter().filter(|e| e["eventType"] == "application.lifecycle.create").count();
    assert!(creates <= all_creates);
    // (the org has create events older than 90 days only by chance, so just check we never exceed)

    // since > 180 days back
    let r = get(&s, &tok, &format!("/api/v1/logs?since={}", urlencode(&iso(now - chrono::Duration::days(181))))).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000053");

    // polling: always a next link, even on an empty page
    let r = get(&s, &tok, &format!("/api/v1/logs?since={}&limit=1000", urlencode(&iso(now - chrono::Duration::days(1))))).await;
    let (_, next) = links(&r);
    let next = next.expect("polling has next");
    let _ = r.json::<Vec<Value>>().await.unwrap();
    let r = get(&s, &tok, &next).await;
    let (_, next2) = links(&r);
    assert!(next2.is_some());
    let body: Vec<Value> = r.json().await.unwrap();
    assert!(body.is_empty());
    // a new event shows up on the stored next link
    {
        let mut o = org.write().await;
        let mut e = o.logs[0].clone();
        e["published"] = json!(iso(chrono::Utc::now()));
        e["uuid"] = json!("ffffffff-0000-4000-8000-000000000000");
        e["eventType"] = json!("user.session.start");
        o.logs.push(e);
    }
    let r = get(&s, &tok, &next2.unwrap()).await;
    let body: Vec<Value> = r.json().await.unwrap();
    assert_eq!(body.len(), 1);
    assert_eq!(body[0]["uuid"], "ffffffff-0000-4000-8000-000000000000");
    s.shutdown().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn groups_stats_roles_and_assignees() {
    let s = start(200, no_limits()).await;
    let tok = s.super_admin_token();
    let r = get(&s, &tok, "/api/v1/groups?expand=stats").await;
    let groups: Vec<Value> = r.json().await.unwrap();
    let org = s.org();
    let org = org.read().await;
    assert_eq!(groups.len(), org.groups.len());
    for g in &groups {
        let id = g["id"].as_str().unwrap();
        let st = &g["_embedded"]["stats"];
        assert_eq!(st["usersCount"].as_u64().unwrap() as usize, org.group_members.get(id).map(|m| m.len()).unwrap_or(0));
        let admin = org.roles.iter().any(|r| r.assignment_type == "GROUP" && r.assignee == id);
        assert_eq!(st["hasAdminPrivlege"].as_bool().unwrap(), admin);
    }
    let everyone = groups.iter().find(|g| g["type"] == "BUILT_IN").unwrap();
    let (members, _) = {
        let id = everyone["id"].as_str().unwrap().to_string();
        drop(org);
        page_all(&s, &format!("/api/v1/groups/{id}/users?limit=64")).await
    };
    assert_eq!(members.len(), 200, "Everyone includes DEPROVISIONED users");
    let r = get(&s, &tok, "/api/v1/groups?filter=type+eq+%22OKTA_GROUP%22").await;
    let okta: Vec<Value> = r.json().await.unwrap();
    assert_eq!(okta.len(), 10);

    // group roles and user roles (including the group-inherited ones)
    let org = s.org();
    let org = org.read().await;
    let gr = org.roles.iter().find(|r| r.assignment_type == "GROUP").unwrap().clone();
    let member = org.group_members[&gr.assignee].iter().next().unwrap().clone();
    drop(org);
    let r = get(&s, &tok, &format!("/api/v1/groups/{}/roles", gr.assignee)).await;
    let roles: Vec<Value> = r.json().await.unwrap();
    assert!(roles.iter().all(|r| r["assignmentType"] == "GROUP"));
    let r = get(&s, &tok, &format!("/api/v1/users/{member}/roles")).await;
    let roles: Vec<Value> = r.json().await.unwrap();
    assert!(roles.iter().any(|r| r["assignmentType"] == "GROUP" && r["type"] == gr.role_type.as_str()));

    // assignees, paged in the body
    let mut url = format!("{}/api/v1/iam/assignees/users?limit=2", s.base_url());
    let mut ids = Vec::new();
    loop {
        let b: Value = get(&s, &tok, &url).await.json().await.unwrap();
        for v in b["value"].as_array().unwrap() {
            ids.push(v["id"].as_str().unwrap().to_string());
            assert!(v["orn"].as_str().unwrap().starts_with("orn:okta:directory:"));
        }
        match b["_links"]["next"]["href"].as_str() {
            Some(n) => url = n.to_string(),
            None => break,
        }
    }
    let org = s.org();
    let expected: HashSet<String> =
        org.read().await.roles.iter().filter(|r| r.assignment_type == "USER").map(|r| r.assignee.clone()).collect();
    assert_eq!(ids.len(), expected.len());
    assert_eq!(ids.into_iter().collect::<HashSet<_>>(), expected);
    s.shutdown().await;
}

#[tokio::test]
async fn faults_5xx_drop_malformed_and_fail_paths() {
    let faults = Faults { error_5xx_rate: 1.0, seed: 3, ..Faults::default() };
    let s = start(20, SimOptions { faults, rate_limits: false, ..SimOptions::default() }).await;
    let tok = s.super_admin_token();
    for _ in 0..6 {
        let r = get(&s, &tok, "/api/v1/users").await;
        assert!(r.status().is_server_error());
        if r.status() == 500 {
            assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000009");
        }
    }
    s.set_faults(Faults { drop_rate: 1.0, ..Faults::default() });
    let r = Client::new().get(format!("{}/api/v1/users", s.base_url())).header("Authorization", format!("SSWS {tok}")).send().await;
    match r {
        Ok(r) => assert!(r.bytes().await.is_err(), "dropped body must fail"),
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    s.set_faults(Faults { malformed_rate: 1.0, ..Faults::default() });
    let r = get(&s, &tok, "/api/v1/users").await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());
    s.set_faults(Faults { fail_paths: vec!["/api/v1/groups".into()], missing_rate_limit_headers: true, ..Faults::default() });
    let r = get(&s, &tok, "/api/v1/groups").await;
    assert_eq!(r.status(), 500);
    assert!(header(&r, "x-rate-limit-limit").is_none());
    assert_eq!(get(&s, &tok, "/api/v1/users").await.status(), 200);
    s.set_faults(Faults { concurrency_429_rate: 1.0, ..Faults::default() });
    let r = get(&s, &tok, "/api/v1/users").await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-rate-limit-limit").unwrap(), "0");
    let st = s.stats();
    assert_eq!(st.faults_injected, 10);
    assert_eq!(st.concurrency_429, 1);
    s.shutdown().await;
}

#[tokio::test]
async fn concurrency_limit_answers_429_with_zero_limit() {
    let faults = Faults { slow_rate: 1.0, slow_delay: Duration::from_millis(300), ..Faults::default() };
    let s = start(10, SimOptions { faults, concurrency_limit: 2, rate_limits: false, ..SimOptions::default() }).await;
    let tok = s.super_admin_token();
    let futs = (0..4).map(|_| get(&s, &tok, "/api/v1/users"));
    let rs = futures::future::join_all(futs).await;
    let statuses: Vec<u16> = rs.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    let r429 = rs.iter().find(|r| r.status() == 429).unwrap();
    assert_eq!(header(r429, "x-rate-limit-limit").unwrap(), "0");
    assert_eq!(header(r429, "x-rate-limit-remaining").unwrap(), "0");
    assert_eq!(s.stats().concurrency_429, 2);
    s.shutdown().await;
}

// ---------- OAuth ----------

const RSA_PRIV: &str = include_str!("fixtures/sim/rsa_private.pem");
const RSA_PUB: &str = include_str!("fixtures/sim/rsa_public.pem");
const RSA_OTHER_PRIV: &str = include_str!("fixtures/sim/rsa_other_private.pem");
const EC_PRIV: &str = include_str!("fixtures/sim/ec_private.pem");
const EC_PUB: &str = include_str!("fixtures/sim/ec_public.pem");

fn assertion(alg: jsonwebtoken::Algorithm, pem: &str, client: &str, aud: &str, exp_offset: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"iss": client, "sub": client, "aud": aud, "iat": now, "exp": now + exp_offset, "jti": uuid::Uuid::new_v4().to_string()});
    let key = match alg {
        jsonwebtoken::Algorithm::ES256 => jsonwebtoken::EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        _ => jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    };
    jsonwebtoken::encode(&jsonwebtoken::Header::new(alg), &claims, &key).unwrap()
}

async fn token_request(s: &SimServer, assertion: &str, scope: &str) -> Response {
    Client::new()
        .post(format!("{}/oauth2/v1/token", s.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn oauth_private_key_jwt() {
    use jsonwebtoken::Algorithm::{ES256, RS256};
    let s = start(20, no_limits()).await;
    let scopes: Vec<String> = ["okta.users.read", "okta.groups.read", "okta.roles.read"].iter().map(|s| s.to_string()).collect();
    s.register_oauth_client("0oaRSA", RSA_PUB, scopes.clone(), false);
    s.register_oauth_client("0oaEC", EC_PUB, scopes, true);
    let aud = format!("{}/oauth2/v1/token", s.base_url());

    let r = token_request(&s, &assertion(RS256, RSA_PRIV, "0oaRSA", &aud, 300), "okta.users.read").await;
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 3600);
    assert_eq!(b["scope"], "okta.users.read");
    let at = b["access_token"].as_str().unwrap().to_string();
    let bearer = |p: &str| Client::new().get(format!("{}{p}", s.base_url())).bearer_auth(&at).send();
    assert_eq!(bearer("/api/v1/users").await.unwrap().status(), 200);
    let r = bearer("/api/v1/groups").await.unwrap();
    assert_eq!(r.status(), 403, "scope not granted to this token");
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000006");

    let r = token_request(&s, &assertion(ES256, EC_PRIV, "0oaEC", &aud, 3600), "okta.users.read okta.roles.read").await;
    assert_eq!(r.status(), 200);

    // failures
    let cases = [
        (
            "wrong aud",
            assertion(RS256, RSA_PRIV, "0oaRSA", "http://127.0.0.1:1/oauth2/v1/token", 300),
            "okta.users.read",
            401,
            "invalid_client",
        ),
        ("expired", assertion(RS256, RSA_PRIV, "0oaRSA", &aud, -600), "okta.users.read", 401, "invalid_client"),
        ("bad signature", assertion(RS256, RSA_OTHER_PRIV, "0oaRSA", &aud, 300), "okta.users.read", 401, "invalid_client"),
        ("too far ahead", assertion(RS256, RSA_PRIV, "0oaRSA", &aud, 7200), "okta.users.read", 401, "invalid_client"),
        ("unknown client", assertion(RS256, RSA_PRIV, "0oaNOPE", &aud, 300), "okta.users.read", 401, "invalid_client"),
        ("scope not granted", assertion(RS256, RSA_PRIV, "0oaRSA", &aud, 300), "okta.logs.read", 400, "invalid_scope"),
    ];
    for (what, a, scope, status, err) in cases {
        let r = token_request(&s, &a, scope).await;
        assert_eq!(r.status().as_u16(), status, "{what}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["error"], err, "{what}");
        assert!(b["error_description"].is_string());
    }
    s.shutdown().await;
}

#[tokio::test]
async fn serves_hand_written_fixture() {
    let org = Org::from_fixture_json(include_str!("fixtures/sim/small_org.json")).expect("fixture");
    assert_eq!(org.users["00u1alice00000000001"].profile.extra["favoriteColor"], "teal");
    let s = SimServer::start(org, no_limits()).await.unwrap();
    let tok = s.super_admin_token();
    let users: Vec<Value> = get(&s, &tok, "/api/v1/users").await.json().await.unwrap();
    assert_eq!(users.len(), 2);
    let alice = users.iter().find(|u| u["id"] == "00u1alice00000000001").unwrap();
    assert_eq!(alice["profile"]["github.username"], "alice-a");
    assert_eq!(alice["profile"]["favoriteColor"], "teal");
    let r = get(&s, &tok, "/api/v1/users/alice@example.com").await;
    assert_eq!(r.json::<Value>().await.unwrap()["id"], "00u1alice00000000001");
    let members: Vec<Value> = get(&s, &tok, "/api/v1/groups/00g1admins0000000002/users").await.json().await.unwrap();
    assert_eq!(members.len(), 2);
    let roles: Vec<Value> = get(&s, &tok, "/api/v1/users/00u1alice00000000001/roles").await.json().await.unwrap();
    let kinds: HashSet<(String, String)> =
        roles.iter().map(|r| (r["type"].as_str().unwrap().to_string(), r["assignmentType"].as_str().unwrap().to_string())).collect();
    assert!(kinds.contains(&("SUPER_ADMIN".into(), "USER".into())));
    assert!(kinds.contains(&("HELP_DESK_ADMIN".into(), "GROUP".into())));
    let grp = roles.iter().find(|r| r["assignmentType"] == "GROUP").unwrap();
    assert!(grp["_links"]["assignee"]["href"].as_str().unwrap().ends_with("/api/v1/groups/00g1admins0000000002"));
    let factors: Vec<Value> = get(&s, &tok, "/api/v1/users/00u1alice00000000001/factors").await.json().await.unwrap();
    assert_eq!(factors.len(), 2);
    let au: Vec<Value> = get(&s, &tok, "/api/v1/apps/0oa1aws0000000000001/users").await.json().await.unwrap();
    assert_eq!(au[0]["profile"]["samlRoles"][1], "Prod -- ReadOnly");
    // the fixture's only log event is from 2000: beyond retention
    let since = iso(chrono::Utc::now() - chrono::Duration::days(150));
    let logs: Vec<Value> = get(&s, &tok, &format!("/api/v1/logs?since={}", urlencode(&since))).await.json().await.unwrap();
    assert!(logs.is_empty());
    let support: Value = get(&s, &tok, "/api/v1/org/privacy/oktaSupport").await.json().await.unwrap();
    assert_eq!(support["support"], "DISABLED");
    assert!(support["_links"]["grant"].is_object());
    s.shutdown().await;
}
