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
    /// The user's `type.id` (its user type), when listed; the user_type_assignments step links it.
    pub type_id: Option<String>,
}

impl UserInfo {
    /// From one item of `GET /api/v1/users`.
    pub(crate) fn from_user(u: &Value) -> Option<UserInfo> {
        Some(UserInfo {
            id: object_id(u)?.to_string(),
            deprovisioned: s(u, &["status"]) == Some(USER_DEPROVISIONED),
            type_id: s(u, &["type", "id"]).map(String::from),
        })
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
            everyone: GroupInfo::is_everyone(s(g, &["type"]), s(g, &["profile", "name"])),
        })
    }

    /// Whether a group of this Okta `type` and name is the built-in `Everyone` group.
    pub(crate) fn is_everyone(group_type: Option<&str>, name: Option<&str>) -> bool {
        group_type == Some(GROUP_TYPE_BUILT_IN) && name == Some(EVERYONE_GROUP_NAME)
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
    use super::super::fixtures::{fixture, without};
    use super::super::{account, Context, Prop};
    use super::*;
    use serde_json::json;

    #[test]
    fn users_are_deprovisioned_by_status() {
        let mut user = fixture("user");
        user["status"] = json!("DEPROVISIONED");
        let u = UserInfo::from_user(&user).unwrap();
        assert_eq!(u, UserInfo { id: "00u2ot2iur46vIUsV4x7".into(), deprovisioned: true, type_id: Some("otys5to4jqDf0Ws0W4x6".into()) });
        assert!(!UserInfo::from_user(&fixture("user")).unwrap().deprovisioned);
        assert!(!UserInfo::from_user(&without(fixture("user"), "status")).unwrap().deprovisioned);
        assert_eq!(UserInfo::from_user(&without(fixture("user"), "id")), None);
    }

    #[test]
    fn group_stats_and_everyone() {
        let g = GroupInfo::from_group(&fixture("group_everyone")).unwrap();
        assert_eq!((g.id.as_str(), g.kind.type_name), ("00gs5to49AhMBaJNU4x6", "okta_user_group"));
        assert_eq!((g.users_count, g.has_admin, g.everyone), (Some(12), false, true));

        // Only the BUILT_IN group is Everyone, whatever another group is called.
        let mut app_group = fixture("group_app_ad");
        app_group["profile"]["name"] = json!("Everyone");
        let g = GroupInfo::from_group(&app_group).unwrap();
        assert_eq!(g.kind.type_name, "okta_app_user_group");
        assert_eq!((g.users_count, g.has_admin, g.everyone), (Some(0), true, false));

        // Without stats (a group read without expand=stats): members unknown (so they are read) and roles
        // assumed (so they are read).
        let bare = GroupInfo::from_group(&fixture("group_okta")).unwrap();
        assert_eq!((bare.users_count, bare.has_admin, bare.everyone), (None, true, false));
        assert!(GroupInfo::from_group(&without(fixture("group_okta"), "id")).is_none());
    }

    #[test]
    fn ids_of_listed_objects() {
        assert_eq!(object_id(&fixture("user")), Some("00u2ot2iur46vIUsV4x7"));
        let mut null_id = fixture("group_okta");
        null_id["id"] = serde_json::Value::Null;
        assert_eq!(object_id(&null_id), None);
        assert_eq!(object_id(&without(fixture("group_okta"), "id")), None);
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

        let mut org = fixture("org");
        org["companyName"] = json!("Acme Two");
        let mut support_unread = account(&ctx, Some(&org), None);
        carry_over_unread(&mut support_unread, true, false, &previous);
        assert_eq!(support_unread.props.get("companyName"), Some(&Prop::from("Acme Two")));
        assert_eq!(support_unread.props.get("supportEnabled"), Some(&Prop::Bool(true)));

        let mut support = fixture("org_okta_support");
        support["support"] = json!("DISABLED");
        let mut org_unread = account(&ctx, None, Some(&support));
        carry_over_unread(&mut org_unread, false, true, &previous);
        assert_eq!(org_unread.props.get("companyName"), Some(&Prop::from("Acme Inc")));
        assert_eq!(org_unread.props.get("supportEnabled"), Some(&Prop::Bool(false)));

        let mut all_read = account(&ctx, Some(&org), None);
        carry_over_unread(&mut all_read, true, true, &previous);
        assert!(!all_read.props.contains_key("supportEnabled"));
    }
}
