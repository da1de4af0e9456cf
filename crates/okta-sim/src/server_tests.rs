//! Over HTTP: `POST /sim/churn`, System Log polling across churn, the single app assignment endpoints and
//! the `lastUpdated` filters an incremental sync uses.

use chrono::{Duration, Utc};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use super::model::fmt_ts;
use super::mutate_tests::org;
use super::*;

async fn start(users: usize, seed: u64, opts: SimOptions) -> SimServer {
    SimServer::start(org(users, seed), opts).await.unwrap()
}

fn no_limits() -> SimOptions {
    SimOptions { rate_limits: false, ..SimOptions::default() }
}

async fn get(s: &SimServer, path_or_url: &str) -> Response {
    let url = if path_or_url.starts_with("http") { path_or_url.to_string() } else { format!("{}{path_or_url}", s.base_url()) };
    let r = reqwest::Client::new().get(url).header("Authorization", format!("SSWS {}", s.super_admin_token())).send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_client_error(), "{}", r.status());
    r
}

async fn json(s: &SimServer, path_or_url: &str) -> Value {
    let r = get(s, path_or_url).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn post_churn(s: &SimServer, auth: Option<&str>, body: &str) -> Response {
    let mut req = reqwest::Client::new().post(format!("{}/sim/churn", s.base_url())).body(body.to_string());
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    req.send().await.unwrap()
}

fn next_link(r: &Response) -> Option<String> {
    let h = r.headers().get("link")?.to_str().ok()?;
    h.split(", <").find(|p| p.ends_with("rel=\"next\"")).map(|p| p.trim_start_matches('<').split('>').next().unwrap().to_string())
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Follows a polling `next` link until an empty page; returns the events and the link to keep.
async fn poll_all(s: &SimServer, mut next: String) -> (Vec<Value>, String) {
    let mut events = Vec::new();
    loop {
        let r = get(s, &next).await;
        assert_eq!(r.status(), StatusCode::OK);
        let link = next_link(&r).expect("polling pages always have a next link");
        let page: Vec<Value> = r.json().await.unwrap();
        if page.is_empty() {
            assert_eq!(link, next, "an empty polling page links to itself");
            return (events, link);
        }
        events.extend(page);
        next = link;
    }
}

fn uuids(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| e["uuid"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn sim_churn_needs_a_super_admin_and_a_valid_body() {
    let limits = BucketLimits { users: 1, groups: 1, apps: 1, logs: 1, other: 1 };
    let s = start(200, 31, SimOptions { limits, ..SimOptions::default() }).await;
    let sup = format!("SSWS {}", s.super_admin_token());
    let err =
        |r: Response| async move { (r.status().as_u16(), r.json::<Value>().await.unwrap()["errorCode"].as_str().unwrap().to_string()) };
    assert_eq!(err(post_churn(&s, None, "{}").await).await, (401, "E0000011".into()));
    assert_eq!(err(post_churn(&s, Some("SSWS 00nope"), "{}").await).await, (401, "E0000011".into()));
    assert_eq!(err(post_churn(&s, Some(&format!("SSWS {}", s.readonly_token())), "{}").await).await, (403, "E0000006".into()));
    for bad in [
        "{",
        "[]",
        r#"{"fraction": 0}"#,
        r#"{"fraction": 1.5}"#,
        r#"{"fraction": -0.1}"#,
        r#"{"fraction": "x"}"#,
        r#"{"seed": -1}"#,
        r#"{"fractoin": 0.1}"#,
    ] {
        assert_eq!(err(post_churn(&s, Some(&sup), bad).await).await, (400, "E0000001".into()), "{bad}");
    }
    let stats = s.stats();
    let events_before = s.org().read().await.logs.len();
    // defaults: 1 % of 200 users, seed 1; never rate limited (every bucket allows one call a minute here)
    let mut total_events = 0;
    for _ in 0..3 {
        let r = post_churn(&s, Some(&sup), "").await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["changes"], 2);
        total_events += v["events"].as_u64().unwrap() as usize;
    }
    let r = post_churn(&s, Some(&sup), r#"{"fraction": 0.05, "seed": 3}"#).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["changes"], 10);
    assert_eq!(v["byKind"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum::<u64>(), 10);
    assert_eq!(v["changed"].as_array().unwrap().len(), 10);
    assert!(v["changed"][0]["kind"].is_string() && v["changed"][0]["ids"].is_array() && v["late"].is_u64());
    total_events += v["events"].as_u64().unwrap() as usize;
    assert_eq!(s.org().read().await.logs.len(), events_before + total_events);
    assert_eq!(s.stats(), stats, "churn calls are not API requests");
    let r = reqwest::Client::new().get(format!("{}/sim/churn", s.base_url())).header("Authorization", &sup).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    // the Rust API does the same
    let report = s.churn(0.05, 4).await;
    assert_eq!(report.changes, 10);
    s.org().read().await.validate().unwrap();
    s.shutdown().await;
}

#[tokio::test]
async fn polling_returns_exactly_what_churn_appended_late_events_included() {
    let s = start(200, 32, no_limits()).await;
    let since = fmt_ts(&(Utc::now() - Duration::days(100)));
    let first = format!("{}/api/v1/logs?since={}&limit=50", s.base_url(), enc(&since));
    let (old, mut next) = poll_all(&s, first).await;
    assert!(!old.is_empty());
    assert!(next.contains("after=") && next.contains("since="), "Okta keeps since in its next links: {next}");
    let mut newest_read = old.iter().map(|e| e["published"].as_str().unwrap().to_string()).max().unwrap();
    let mut late_older_than_read = 0;
    for seed in 1..=12 {
        let before = s.org().read().await.logs.len();
        let report = s.churn(0.05, seed).await;
        let appended = s.org().read().await.logs[before..].to_vec();
        assert_eq!(appended.len(), report.events);
        let (got, link) = poll_all(&s, next).await;
        assert_eq!(uuids(&got), uuids(&appended), "round {seed}: the events appended since the stored link, in persistence order");
        late_older_than_read += got.iter().filter(|e| e["published"].as_str().unwrap() < newest_read.as_str()).count();
        newest_read = newest_read.max(got.iter().map(|e| e["published"].as_str().unwrap().to_string()).max().unwrap_or_default());
        next = link;
        if late_older_than_read > 0 && seed >= 3 {
            break;
        }
    }
    assert!(late_older_than_read > 0, "a late event older than events already read came through the stored link");

    // with `after`, `since` does not apply: a later since on the same cursor returns the same page
    s.churn(0.05, 99).await;
    let moved_since = next.replace(&enc(&since), &enc(&fmt_ts(&(Utc::now() + Duration::minutes(1)))));
    assert_ne!(moved_since, next);
    let (a, b) = (json(&s, &next).await, json(&s, &moved_since).await);
    assert!(!a.as_array().unwrap().is_empty());
    assert_eq!(a, b);

    // a bounded query still pages by published time
    let until = fmt_ts(&(Utc::now() + Duration::seconds(1)));
    let url = format!("/api/v1/logs?since={}&until={}&limit=1000", enc(&since), enc(&until));
    let bounded: Vec<Value> = json(&s, &url).await.as_array().unwrap().clone();
    let published: Vec<&str> = bounded.iter().map(|e| e["published"].as_str().unwrap()).collect();
    assert!(published.windows(2).all(|w| w[0] <= w[1]));
    s.shutdown().await;
}

#[tokio::test]
async fn single_app_user_and_app_group_are_the_list_items() {
    let s = start(200, 33, no_limits()).await;
    let (app, user, group, stranger) = {
        let o = s.org();
        let o = o.read().await;
        let (app, ag) = o.app_groups.iter().find(|(_, m)| !m.is_empty()).unwrap();
        let user = o.app_users[app].keys().next().unwrap().clone();
        let stranger = o.users.keys().find(|u| !o.app_users[app].contains_key(*u)).unwrap().clone();
        (app.clone(), user, ag.keys().next().unwrap().clone(), stranger)
    };
    let list = json(&s, &format!("/api/v1/apps/{app}/users?limit=500")).await;
    let item = list.as_array().unwrap().iter().find(|v| v["id"] == user.as_str()).unwrap().clone();
    assert_eq!(json(&s, &format!("/api/v1/apps/{app}/users/{user}")).await, item);
    let one = json(&s, &format!("/api/v1/apps/{app}/users/{user}?expand=user")).await;
    assert_eq!(one["_embedded"]["user"]["id"], user.as_str());
    let r = get(&s, &format!("/api/v1/apps/{app}/users/{stranger}")).await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    let list = json(&s, &format!("/api/v1/apps/{app}/groups?limit=200")).await;
    let item = list.as_array().unwrap().iter().find(|v| v["id"] == group.as_str()).unwrap().clone();
    assert_eq!(json(&s, &format!("/api/v1/apps/{app}/groups/{group}")).await, item);
    let r = get(&s, &format!("/api/v1/apps/{app}/groups/00gnope")).await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(get(&s, &format!("/api/v1/apps/0oanope/users/{user}")).await.status().as_u16(), 404);
    s.shutdown().await;
}

#[tokio::test]
async fn last_updated_filters_find_what_churn_changed() {
    let s = start(200, 34, no_limits()).await;
    let t = Utc::now() - Duration::seconds(120);
    for seed in 1..=3 {
        s.churn(0.05, seed).await;
    }
    let since = fmt_ts(&t);
    let mut users = Vec::new();
    let mut next = Some(format!("/api/v1/users?limit=20&filter={}", enc(&format!("lastUpdated gt \"{since}\""))));
    while let Some(url) = next {
        let r = get(&s, &url).await;
        next = next_link(&r);
        users.extend(r.json::<Vec<Value>>().await.unwrap().into_iter().map(|u| u["id"].as_str().unwrap().to_string()));
    }
    let groups: Vec<String> =
        json(&s, &format!("/api/v1/groups?filter={}", enc(&format!("lastUpdated gt \"{since}\" or lastMembershipUpdated gt \"{since}\""))))
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_str().unwrap().to_string())
            .collect();
    let o = s.org();
    let o = o.read().await;
    let want_users: Vec<String> = o.users.values().filter(|u| u.last_updated > t).map(|u| u.id.clone()).collect();
    let want_groups: Vec<String> =
        o.groups.values().filter(|g| g.last_updated > t || g.last_membership_updated > t).map(|g| g.id.clone()).collect();
    assert!(!want_users.is_empty() && !want_groups.is_empty());
    assert!(o.users.values().any(|u| u.last_updated > t && u.status == "DEPROVISIONED"), "deactivated users are in the filter's answer");
    assert_eq!(users, want_users);
    assert_eq!(groups, want_groups);
}
