//! System Log events that record who created an application, and the CREATED edges they give.

use super::kinds;
use super::map::{edge, get, s};
use super::value::{parse_okta_time, Prop};
use super::{Context, EdgeRecord};
use chrono::{DateTime, FixedOffset};
use serde_json::Value;
use std::collections::BTreeMap;

const CREATE_EVENT: &str = "application.lifecycle.create";
const UPDATE_EVENT: &str = "application.lifecycle.update";

/// The System Log event types that can record an application's creation (see [`is_app_creation`]): the
/// collector asks the System Log for these only.
pub(crate) const APP_CREATION_EVENT_TYPES: [&str; 2] = [CREATE_EVENT, UPDATE_EVENT];

/// Whether a System Log event records the creation of an application: `application.lifecycle.create`, or
/// an `application.lifecycle.update` whose request URI ends in `_new_` (the admin console's way).
pub fn is_app_creation(event: &Value) -> bool {
    match s(event, &["eventType"]) {
        Some(CREATE_EVENT) => true,
        Some(UPDATE_EVENT) => {
            let uri = s(event, &["debugContext", "debugData", "requestUri"]).unwrap_or_default();
            uri.trim_end_matches('/').ends_with("_new_")
        }
        _ => false,
    }
}

/// Who created which application, and when.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppCreation {
    /// The creating user's id.
    pub actor: String,
    pub app_id: String,
    pub published: DateTime<FixedOffset>,
}

/// An application-creation event by a user, when it names both the user and the app.
pub fn app_creation(event: &Value) -> Option<AppCreation> {
    if !is_app_creation(event) {
        return None;
    }
    if s(event, &["actor", "type"]).is_some_and(|t| t != "User") {
        return None;
    }
    let actor = s(event, &["actor", "id"])?;
    let targets = get(event, &["target"])?.as_array()?;
    let app = targets.iter().find(|t| s(t, &["type"]) == Some("AppInstance"))?;
    let app_id = s(app, &["id"])?;
    let published = s(event, &["published"]).and_then(parse_okta_time)?;
    Some(AppCreation { actor: actor.to_string(), app_id: app_id.to_string(), published })
}

/// The CREATED edge for one application-creation event.
pub fn created_edge(ctx: &Context, actor: &str, app_id: &str, published: DateTime<FixedOffset>) -> EdgeRecord {
    let mut e = edge(ctx, &kinds::USER_CREATED_APPLICATION, actor, app_id);
    e.props.insert("createdOn".into(), Prop::DateTime(published));
    e
}

/// A user and an application they created.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CreatorOfApp {
    actor: String,
    app_id: String,
}

/// The earliest creation event per (user, application) among System Log events read page by page: the same
/// user can create, delete and re-create an app within the window, and the edge records the first time.
#[derive(Debug, Default)]
pub(crate) struct EarliestCreations {
    first: BTreeMap<CreatorOfApp, DateTime<FixedOffset>>,
}

impl EarliestCreations {
    /// Takes one System Log event into account (events that record no app creation are ignored).
    pub(crate) fn add(&mut self, event: &Value) {
        if let Some(c) = app_creation(event) {
            let key = CreatorOfApp { actor: c.actor, app_id: c.app_id };
            self.first.entry(key).and_modify(|w| *w = (*w).min(c.published)).or_insert(c.published);
        }
    }

    /// The CREATED edges of the applications `wanted` accepts, ordered by user then application.
    pub(crate) fn edges_for(&self, ctx: &Context, wanted: impl Fn(&str) -> bool) -> Vec<EdgeRecord> {
        self.first.iter().filter(|(k, _)| wanted(&k.app_id)).map(|(k, when)| created_edge(ctx, &k.actor, &k.app_id, *when)).collect()
    }

    /// One CREATED edge per (user, application), ordered by user then application.
    pub(crate) fn into_edges(self, ctx: &Context) -> Vec<EdgeRecord> {
        self.first.into_iter().map(|(k, when)| created_edge(ctx, &k.actor, &k.app_id, when)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::fixture;
    use super::*;
    use serde_json::json;

    /// The System Log's `application.lifecycle.create` event, by `actor` for `app` at `published`.
    fn event(actor: &str, app: &str, published: &str) -> Value {
        let mut e = fixture("log_event_app_create");
        e["actor"]["id"] = json!(actor);
        e["target"][0]["id"] = json!(app);
        e["published"] = json!(published);
        e
    }

    #[test]
    fn the_earliest_creation_per_user_and_app_wins() {
        let ctx = Context::new("https://acme.okta.com", "acme.okta.com", "acme");
        let mut c = EarliestCreations::default();
        c.add(&event("00uB", "0oa1", "2026-10-03T00:00:00.000Z"));
        c.add(&event("00uA", "0oa1", "2026-10-02T00:00:00.000Z"));
        c.add(&event("00uA", "0oa1", "2026-10-01T00:00:00.000Z"));
        c.add(&event("00uA", "0oa1", "2026-10-05T00:00:00.000Z"));
        let mut sign_in = event("00uA", "0oa1", "2026-09-30T00:00:00.000Z");
        sign_in["eventType"] = json!("user.session.start");
        c.add(&sign_in);
        let edges = c.into_edges(&ctx);
        let got: Vec<_> = edges
            .iter()
            .map(|e| match e.props.get("createdOn") {
                Some(Prop::DateTime(t)) => (e.from.as_str(), e.to.as_str(), t.to_rfc3339()),
                other => panic!("createdOn is {other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![("00uA", "0oa1", "2026-10-01T00:00:00+00:00".to_string()), ("00uB", "0oa1", "2026-10-03T00:00:00+00:00".to_string())]
        );
        assert!(edges.iter().all(|e| e.kind.type_name == "okta_user_created_application"));
    }

    #[test]
    fn the_filtered_event_types_are_the_ones_recognised() {
        for t in APP_CREATION_EVENT_TYPES {
            let mut e = event("00uA", "0oa1", "2026-10-01T00:00:00.000Z");
            e["eventType"] = json!(t);
            e["debugContext"]["debugData"]["requestUri"] = json!("/admin/app/x/instance/_new_/");
            assert!(is_app_creation(&e), "{t}");
        }
    }
}
