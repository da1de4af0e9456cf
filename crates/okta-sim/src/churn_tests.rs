//! Churn: determinism, coverage of every kind, and that every change it makes is announced in the log.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::model::fmt_ts;
use super::mutate_tests::{later, org, targets};
use super::*;

type Pairs = BTreeSet<(String, String)>;

fn members(o: &Org) -> Pairs {
    o.group_members.iter().flat_map(|(g, m)| m.iter().map(move |u| (g.clone(), u.clone()))).collect()
}
fn app_users(o: &Org) -> Pairs {
    o.app_users.iter().flat_map(|(a, m)| m.keys().map(move |u| (a.clone(), u.clone()))).collect()
}
fn app_groups(o: &Org) -> Pairs {
    o.app_groups.iter().flat_map(|(a, m)| m.keys().map(move |g| (a.clone(), g.clone()))).collect()
}
fn factors(o: &Org) -> Pairs {
    o.factors.iter().flat_map(|(u, fs)| fs.iter().map(move |f| (u.clone(), f.id.clone()))).collect()
}
fn roles(o: &Org) -> Pairs {
    o.roles.iter().map(|r| (r.assignee.clone(), r.id.clone())).collect()
}
fn keys<T>(m: &model::IdMap<T>) -> BTreeSet<String> {
    m.keys().cloned().collect()
}

/// The events appended by one round, as (eventType, target ids).
struct Announced(Vec<(String, Vec<String>)>);

impl Announced {
    fn new(events: &[Value]) -> Announced {
        Announced(
            events.iter().map(|e| (e["eventType"].as_str().unwrap().to_string(), targets(e).into_iter().map(|t| t.1).collect())).collect(),
        )
    }
    /// An event of one of `types` whose targets name every id.
    fn has(&self, types: &[&str], ids: &[&str]) -> bool {
        self.0.iter().any(|(t, ts)| types.contains(&t.as_str()) && ids.iter().all(|id| ts.iter().any(|x| x == id)))
    }
}

/// Asserts that every difference between `before` and `after` (one churn round) is announced by an
/// event of the round, and that stamps moved where state changed. Group rules are the exception: Okta
/// writes no event for their lifecycle.
fn assert_announced(before: &Org, after: &Org) {
    assert_eq!(&after.logs[..before.logs.len()], &before.logs[..], "old events stay as they were, in place");
    let ev = Announced::new(&after.logs[before.logs.len()..]);
    let deleted_user = |u: &str| ev.has(&["user.lifecycle.delete.completed"], &[u]);
    let deleted_group = |g: &str| ev.has(&["group.lifecycle.delete"], &[g]);
    let deleted_app = |a: &str| ev.has(&["application.lifecycle.delete"], &[a]);

    let (ub, ua) = (keys(&before.users), keys(&after.users));
    for u in ua.difference(&ub) {
        assert!(ev.has(&["user.lifecycle.create"], &[u]), "created user {u}");
    }
    for u in ub.difference(&ua) {
        assert!(deleted_user(u), "deleted user {u}");
    }
    for u in ua.intersection(&ub) {
        let (x, y) = (&before.users[u], &after.users[u]);
        if x != y {
            let user_events = ["user.lifecycle.deactivate", "user.lifecycle.reactivate", "user.account.update_profile"];
            assert!(ev.has(&user_events, &[u]), "changed user {u}");
            assert!(y.last_updated > x.last_updated, "user {u}: lastUpdated moved");
        }
    }
    let (gb, ga) = (keys(&before.groups), keys(&after.groups));
    for g in ga.difference(&gb) {
        assert!(ev.has(&["group.lifecycle.create"], &[g]), "created group {g}");
    }
    for g in gb.difference(&ga) {
        assert!(deleted_group(g), "deleted group {g}");
    }
    let everyone = after.groups.values().find(|g| g.kind == "BUILT_IN").map(|g| g.id.clone()).unwrap_or_default();
    let (mb, ma) = (members(before), members(after));
    for (g, u) in ma.difference(&mb) {
        let announced = ev.has(&["group.user_membership.add"], &[u, g]) || (*g == everyone && ev.has(&["user.lifecycle.create"], &[u]));
        assert!(announced, "user {u} joined group {g}");
    }
    for (g, u) in mb.difference(&ma) {
        assert!(ev.has(&["group.user_membership.remove"], &[u, g]) || deleted_user(u) || deleted_group(g), "user {u} left group {g}");
    }
    let moved: BTreeSet<&String> = ma.symmetric_difference(&mb).map(|(g, _)| g).collect();
    for g in moved.into_iter().filter(|g| before.groups.contains_key(*g) && after.groups.contains_key(*g)) {
        assert!(
            after.groups[g].last_membership_updated > before.groups[g].last_membership_updated,
            "group {g}: lastMembershipUpdated moved"
        );
    }
    let (ab, aa) = (app_users(before), app_users(after));
    for (a, u) in aa.difference(&ab) {
        assert!(ev.has(&["application.user_membership.add"], &[u, a]), "user {u} assigned to app {a}");
    }
    for (a, u) in ab.difference(&aa) {
        assert!(
            ev.has(&["application.user_membership.remove"], &[u, a]) || deleted_user(u) || deleted_app(a),
            "user {u} unassigned from app {a}"
        );
    }
    let (agb, aga) = (app_groups(before), app_groups(after));
    for (a, g) in aga.difference(&agb) {
        assert!(ev.has(&["group.application_assignment.add"], &[g, a]), "group {g} assigned to app {a}");
    }
    for (a, g) in agb.difference(&aga) {
        assert!(ev.has(&["group.application_assignment.remove"], &[g, a]) || deleted_app(a), "group {g} unassigned from app {a}");
    }
    let (fb, fa) = (factors(before), factors(after));
    for (u, _) in fa.difference(&fb) {
        assert!(ev.has(&["user.mfa.factor.activate"], &[u]), "factor enrolled for {u}");
    }
    for (u, _) in fb.difference(&fa) {
        assert!(ev.has(&["user.mfa.factor.reset_all"], &[u]) || deleted_user(u), "factors reset for {u}");
    }
    let (rb, ra) = (roles(before), roles(after));
    for (who, _) in ra.difference(&rb) {
        assert!(ev.has(&["user.account.privilege.grant", "group.privilege.grant"], &[who]), "role granted to {who}");
    }
    for (who, _) in rb.difference(&ra) {
        let revoked = ev.has(&["user.account.privilege.revoke", "group.privilege.revoke"], &[who]);
        assert!(revoked || deleted_user(who) || deleted_group(who), "role revoked from {who}");
    }
    let (pb, pa) = (keys(&before.apps), keys(&after.apps));
    for a in pa.difference(&pb) {
        assert!(ev.has(&["application.lifecycle.create"], &[a]), "created app {a}");
    }
    for a in pb.difference(&pa) {
        assert!(deleted_app(a), "deleted app {a}");
    }
}

fn assert_report(r: &ChurnReport, o: &Org, events_before: usize, now: DateTime<Utc>) {
    assert_eq!(r.changes, r.changed.len());
    assert_eq!(r.changes, r.by_kind.values().sum::<usize>());
    assert_eq!(r.events, o.logs.len() - events_before);
    assert_eq!(r.late, r.changed.iter().filter(|c| c.late).count());
    for c in &r.changed {
        let at = model::parse_ts(&c.published).unwrap();
        assert_eq!(c.late, c.published < fmt_ts(&now), "{c:?}");
        assert!(at >= now - Duration::seconds(60) && at <= now);
        assert!(churn_kinds().contains(&c.kind.as_str()));
        assert!(!c.ids.is_empty());
    }
    for e in &o.logs[events_before..] {
        let p = model::parse_ts(e["published"].as_str().unwrap()).unwrap();
        assert!(p >= now - Duration::seconds(60) && p <= now, "published {p}");
        assert!(r.changed.iter().any(|c| c.published == e["published"].as_str().unwrap()));
        assert!(!e["target"].as_array().unwrap().is_empty());
    }
}

#[test]
fn twenty_rounds_keep_the_org_valid_and_announce_every_change() {
    let mut o = org(200, 21);
    let start = later();
    for round in 0..20u64 {
        let now = start + Duration::minutes(10 * round as i64);
        let before = o.clone();
        let r = o.churn(0.05, round, now);
        assert_eq!(r.changes, 10, "round {round}: {r:?}");
        o.validate().unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_report(&r, &o, before.logs.len(), now);
        assert_announced(&before, &o);
    }
    // the org survives a dump and reload (the deck included)
    let back = Org::from_fixture_json(&o.dump_json()).unwrap();
    assert_eq!(back.churn_deck, o.churn_deck);
}

#[test]
fn the_same_seed_gives_the_same_changes() {
    let now = later();
    let (mut a, mut b) = (org(200, 21), org(200, 21));
    let (ra, rb) = (a.churn(0.05, 7, now), b.churn(0.05, 7, now));
    assert_eq!(ra, rb);
    assert_eq!(a.dump_json(), b.dump_json());
    let mut c = org(200, 21);
    assert_ne!(c.churn(0.05, 8, now), ra, "another seed, other changes");
    // the size of a call
    assert_eq!(org(200, 21).churn(0.01, 1, now).changes, 2);
    assert_eq!(org(20, 21).churn(0.001, 1, now).changes, 1);
    assert_eq!(org(0, 21).churn(1.0, 1, now).changes, 1);
}

#[test]
fn every_kind_and_every_hard_case_happens_within_eight_rounds() {
    for org_seed in [1, 2, 3] {
        let mut o = org(200, org_seed);
        let start = later();
        let mut seen = BTreeSet::new();
        let (mut late, mut rule_adds, mut late_and_older) = (0, 0, 0);
        let mut newest_published = String::new();
        for round in 0..8u64 {
            let now = start + Duration::seconds(20 * round as i64);
            let r = o.churn(0.05, round + 1, now);
            for c in &r.changed {
                seen.insert(c.kind.clone());
                if c.kind == "rule.create" && c.ids.len() > 2 {
                    rule_adds += 1;
                }
                if c.late && c.published < newest_published {
                    late_and_older += 1;
                }
            }
            late += r.late;
            newest_published = newest_published.max(r.changed.iter().map(|c| c.published.clone()).max().unwrap_or_default());
        }
        let missing: Vec<&str> = churn_kinds().into_iter().filter(|k| !seen.contains(*k)).collect();
        assert!(missing.is_empty(), "org seed {org_seed}: never happened: {missing:?}");
        assert!(late > 0 && rule_adds > 0, "org seed {org_seed}");
        assert!(late_and_older > 0, "org seed {org_seed}: a late change older than an earlier round's");
        o.validate().unwrap();
    }
}

#[test]
fn late_changes_are_appended_out_of_published_order() {
    let mut o = org(200, 4);
    let now = later();
    let n = o.logs.len();
    let first = o.churn(0.05, 1, now);
    let newest = first.changed.iter().map(|c| c.published.clone()).max().unwrap();
    let mut found = None;
    for seed in 2..30 {
        let r = o.churn(0.05, seed, now + Duration::milliseconds(seed as i64));
        if let Some(c) = r.changed.into_iter().find(|c| c.late && c.published < newest) {
            found = Some(c);
            break;
        }
    }
    let late = found.expect("a late change older than the first call's changes");
    let pos = o.logs.iter().rposition(|e| e["published"] == late.published.as_str()).unwrap();
    let first_end = n + first.events;
    assert!(pos >= first_end, "appended after the first call's events, not inserted by time");
    assert!(o.logs[n..first_end].iter().any(|e| e["published"].as_str().unwrap() > late.published.as_str()));
    // a bounded query still sees everything in published order (the server sorts); Org::logs keeps persistence order
    let mut sorted = o.logs.clone();
    sorted.sort_by_cached_key(model::log_key);
    assert_ne!(sorted, o.logs);
}
