//! What later sync steps need to know about an object, read from its Okta JSON: ids and a few attributes,
//! never whole objects, so the collector's memory stays flat however large the org is.

use super::kinds::{self, NodeKind};
use super::map::{aws_account_id, group_kind, is_aws_app, s};
use super::value::Props;
use super::{NodeRecord, ORG_PROPS, SUPPORT_PROPS};
use serde_json::Value;

/// The `status` Okta gives a deprovisioned user. A plain `GET /api/v1/users` omits these users; a list
/// filtered on this status returns exactly them.
pub(crate) const USER_DEPROVISIONED: &str = "DEPROVISIONED";

/// The group `type` of Okta's own groups, `Everyone` among them.
const GROUP_TYPE_BUILT_IN: &str = "BUILT_IN";

/// The name of the built-in group that holds every user.
const EVERYONE_GROUP_NAME: &str = "Everyone";

/// The `id` of any Okta object (a listed user, group member, app-group assignment, role assignee).
pub(crate) fn object_id(v: &Value) -> Option<&str> {
    s(v, &["id"])
}

/// A user as later steps need it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UserInfo {
    pub id: String,
    /// Deprovisioned users have no factors to read.
    pub deprovisioned: bool,
}

impl UserInfo {
    /// From one item of `GET /api/v1/users`.
    pub(crate) fn from_user(u: &Value) -> Option<UserInfo> {
        Some(UserInfo { id: object_id(u)?.to_string(), deprovisioned: s(u, &["status"]) == Some(USER_DEPROVISIONED) })
    }
}

/// A group as later steps need it.
#[derive(Debug, Clone)]
pub(crate) struct GroupInfo {
    pub id: String,
    pub kind: &'static NodeKind,
    /// `_embedded.stats.usersCount` when listed with `expand=stats`: a group known to be empty needs no
    /// member call.
    pub users_count: Option<i64>,
    /// `_embedded.stats.hasAdminPrivlege` (Okta's spelling). Without stats it is assumed true, so the
    /// group's roles are read rather than missed.
    pub has_admin: bool,
    /// The built-in `Everyone` group, which holds every user: its members need no call.
    pub everyone: bool,
}

impl GroupInfo {
    /// From one item of `GET /api/v1/groups?expand=stats`.
    pub(crate) fn from_group(g: &Value) -> Option<GroupInfo> {
        let id = object_id(g)?.to_string();
        let stats = g.pointer("/_embedded/stats");
        Some(GroupInfo {
            id,
            kind: group_kind(s(g, &["type"])),
            users_count: stats.and_then(|s| s.get("usersCount")).and_then(Value::as_i64),
            has_admin: stats.and_then(|s| s.get("hasAdminPrivlege")).and_then(Value::as_bool).unwrap_or(true),
            everyone: s(g, &["type"]) == Some(GROUP_TYPE_BUILT_IN) && s(g, &["profile", "name"]) == Some(EVERYONE_GROUP_NAME),
        })
    }
}

/// What assignment mapping needs to know about the application.
#[derive(Debug, Clone)]
pub struct AppInfo {
    pub id: String,
    pub aws: bool,
    pub aws_account_id: Option<String>,
}

impl AppInfo {
    pub fn from_app(a: &Value) -> Option<AppInfo> {
        Some(AppInfo {
            id: object_id(a)?.to_string(),
            aws: is_aws_app(a),
            aws_account_id: s(a, &["settings", "app", "identityProviderArn"]).and_then(aws_account_id).map(String::from),
        })
    }
}

/// Carries over from the account node's `previous` properties what this sync could not read (the org
/// settings when `org_read` is false, the support status when `support_read` is false), instead of erasing
/// it (docs/graph.md#permissions).
pub(crate) fn carry_over_unread(account: &mut NodeRecord, org_read: bool, support_read: bool, previous: &Props) {
    debug_assert!(account.kind == &kinds::ACCOUNT);
    let unread = [(org_read, ORG_PROPS), (support_read, SUPPORT_PROPS)];
    for key in unread.iter().filter(|(read, _)| !read).flat_map(|(_, keys)| keys.iter()) {
        if let Some(v) = previous.get(*key) {
            account.props.insert((*key).to_string(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{account, Context, Prop};
    use super::*;
    use serde_json::json;

    #[test]
    fn users_are_deprovisioned_by_status() {
        let u = UserInfo::from_user(&json!({"id": "00u1", "status": "DEPROVISIONED"})).unwrap();
        assert_eq!(u, UserInfo { id: "00u1".into(), deprovisioned: true });
        assert!(!UserInfo::from_user(&json!({"id": "00u2", "status": "ACTIVE"})).unwrap().deprovisioned);
        assert!(!UserInfo::from_user(&json!({"id": "00u3"})).unwrap().deprovisioned);
        assert_eq!(UserInfo::from_user(&json!({"status": "ACTIVE"})), None);
    }

    #[test]
    fn group_stats_and_everyone() {
        let everyone = json!({"id": "00gE", "type": "BUILT_IN", "profile": {"name": "Everyone"},
            "_embedded": {"stats": {"usersCount": 3, "hasAdminPrivlege": false}}});
        let g = GroupInfo::from_group(&everyone).unwrap();
        assert_eq!((g.id.as_str(), g.kind.type_name), ("00gE", "okta_user_group"));
        assert_eq!((g.users_count, g.has_admin, g.everyone), (Some(3), false, true));

        let app_group = json!({"id": "00gA", "type": "APP_GROUP", "profile": {"name": "Everyone"},
            "_embedded": {"stats": {"usersCount": 0, "hasAdminPrivlege": true}}});
        let g = GroupInfo::from_group(&app_group).unwrap();
        assert_eq!(g.kind.type_name, "okta_app_user_group");
        assert_eq!((g.users_count, g.has_admin, g.everyone), (Some(0), true, false));

        // Without stats: members unknown (so they are read) and roles assumed (so they are read).
        let bare = GroupInfo::from_group(&json!({"id": "00gB", "type": "OKTA_GROUP"})).unwrap();
        assert_eq!((bare.users_count, bare.has_admin, bare.everyone), (None, true, false));
        assert!(GroupInfo::from_group(&json!({"type": "OKTA_GROUP"})).is_none());
    }

    #[test]
    fn ids_of_listed_objects() {
        assert_eq!(object_id(&json!({"id": "00u1", "profile": {}})), Some("00u1"));
        assert_eq!(object_id(&json!({"id": null})), None);
        assert_eq!(object_id(&json!({"_links": {}})), None);
    }

    #[test]
    fn unread_account_settings_are_carried_over() {
        let ctx = Context::new("https://acme.okta.com", "acme.okta.com", "acme");
        let previous: Props = [
            ("companyName".to_string(), Prop::from("Acme Inc")),
            ("supportEnabled".to_string(), Prop::Bool(true)),
            ("accountName".to_string(), Prop::from("old")),
        ]
        .into_iter()
        .collect();

        let mut both_unread = account(&ctx, None, None);
        carry_over_unread(&mut both_unread, false, false, &previous);
        assert_eq!(both_unread.props.get("companyName"), Some(&Prop::from("Acme Inc")));
        assert_eq!(both_unread.props.get("supportEnabled"), Some(&Prop::Bool(true)));
        // Only the unread settings: what this sync wrote itself is never replaced.
        assert_eq!(both_unread.props.get("accountName"), Some(&Prop::from("acme")));

        let org = json!({"companyName": "Acme Two"});
        let mut support_unread = account(&ctx, Some(&org), None);
        carry_over_unread(&mut support_unread, true, false, &previous);
        assert_eq!(support_unread.props.get("companyName"), Some(&Prop::from("Acme Two")));
        assert_eq!(support_unread.props.get("supportEnabled"), Some(&Prop::Bool(true)));

        let mut org_unread = account(&ctx, None, Some(&json!({"support": "DISABLED"})));
        carry_over_unread(&mut org_unread, false, true, &previous);
        assert_eq!(org_unread.props.get("companyName"), Some(&Prop::from("Acme Inc")));
        assert_eq!(org_unread.props.get("supportEnabled"), Some(&Prop::Bool(false)));

        let mut all_read = account(&ctx, Some(&org), None);
        carry_over_unread(&mut all_read, true, true, &previous);
        assert!(!all_read.props.contains_key("supportEnabled"));
    }
}
