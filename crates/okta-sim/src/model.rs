//! Plain-data model of a simulated Okta org.
//!
//! The structs mirror the JSON Okta returns (field names, nullability), minus `_links`/`_embedded`,
//! which the server renders at request time from its own base URL. The same structs are the dump /
//! fixture format (see [`Org::dump_json`]).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Okta timestamps: ISO-8601 with milliseconds and `Z`, e.g. `2021-03-25T13:00:33.000Z`.
pub(crate) fn fmt_ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Parses any RFC 3339 timestamp (with or without fraction).
pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

pub(crate) mod ts {
    use super::*;
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fmt_ts(t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_ts(&s).ok_or_else(|| serde::de::Error::custom(format!("bad timestamp {s:?}")))
    }
}

pub(crate) mod opt_ts {
    use super::*;
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&fmt_ts(t)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) => parse_ts(&s).map(Some).ok_or_else(|| serde::de::Error::custom(format!("bad timestamp {s:?}"))),
        }
    }
}

/// Objects stored in an [`IdMap`] know their own id.
pub trait HasId {
    fn id(&self) -> &str;
}

/// A map from id to object, ordered by id (which is also the paging order and the `after` cursor).
/// Serialized as a JSON array of the objects.
#[derive(Debug, Clone, PartialEq)]
pub struct IdMap<T>(pub BTreeMap<String, T>);

impl<T> Default for IdMap<T> {
    fn default() -> Self {
        IdMap(BTreeMap::new())
    }
}
impl<T> Deref for IdMap<T> {
    type Target = BTreeMap<String, T>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
impl<T> DerefMut for IdMap<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
impl<T: HasId> IdMap<T> {
    /// Inserts (or replaces) an object under its own id.
    pub fn put(&mut self, v: T) {
        self.0.insert(v.id().to_string(), v);
    }
}
impl<T: HasId> FromIterator<T> for IdMap<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        IdMap(iter.into_iter().map(|v| (v.id().to_string(), v)).collect())
    }
}
impl<T: Serialize> Serialize for IdMap<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.values())
    }
}
impl<'de, T: Deserialize<'de> + HasId> Deserialize<'de> for IdMap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<T>::deserialize(d)?;
        Ok(v.into_iter().collect())
    }
}

macro_rules! has_id {
    ($($t:ty),*) => { $(impl HasId for $t { fn id(&self) -> &str { &self.id } })* };
}
has_id!(User, Group, GroupRule, App, AppUser, AppGroup, Factor, RoleAssignment);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdRef {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub status: String,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "opt_ts", default)]
    pub activated: Option<DateTime<Utc>>,
    #[serde(with = "opt_ts", default)]
    pub status_changed: Option<DateTime<Utc>>,
    #[serde(with = "opt_ts", default)]
    pub last_login: Option<DateTime<Utc>>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    #[serde(with = "opt_ts", default)]
    pub password_changed: Option<DateTime<Utc>>,
    #[serde(rename = "type")]
    pub user_type: IdRef,
    pub profile: UserProfile,
    pub credentials: UserCredentials,
}

/// User profile: the base attributes plus a few custom ones; anything else lands in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub second_email: Option<String>,
    pub login: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_contractor: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    #[serde(rename = "github.username", default, skip_serializing_if = "Option::is_none")]
    pub github_username: Option<String>,
    /// Any other (custom) attributes, kept in order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserCredentials {
    /// `{}` for users with an Okta password; absent for federated users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Value>,
    #[serde(default)]
    pub emails: Vec<CredentialEmail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_question: Option<RecoveryQuestion>,
    pub provider: Provider,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialEmail {
    pub value: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryQuestion {
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_membership_updated: DateTime<Utc>,
    pub object_class: Vec<String>,
    /// `BUILT_IN`, `OKTA_GROUP` or `APP_GROUP`.
    #[serde(rename = "type")]
    pub kind: String,
    pub profile: GroupProfile,
    /// APP_GROUP only: the app the group was imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<IdRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupProfile {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRule {
    #[serde(rename = "type", default = "group_rule_type")]
    pub kind: String,
    pub id: String,
    pub status: String,
    pub name: String,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    pub conditions: Value,
    pub actions: Value,
    #[serde(default = "yes")]
    pub all_groups_valid: bool,
}

fn group_rule_type() -> String {
    "group_rule".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub id: String,
    pub name: String,
    pub label: String,
    pub status: String,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub accessibility: Value,
    #[serde(default)]
    pub visibility: Value,
    #[serde(default)]
    pub features: Vec<String>,
    pub sign_on_mode: String,
    #[serde(default)]
    pub credentials: Value,
    #[serde(default)]
    pub settings: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUser {
    pub id: String,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    /// `USER` (direct) or `GROUP` (via a group assignment).
    pub scope: String,
    pub status: String,
    #[serde(with = "opt_ts", default)]
    pub status_changed: Option<DateTime<Utc>>,
    #[serde(with = "opt_ts", default)]
    pub password_changed: Option<DateTime<Utc>>,
    pub sync_state: String,
    #[serde(with = "opt_ts", default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<DateTime<Utc>>,
    #[serde(default)]
    pub credentials: Option<Value>,
    #[serde(default = "empty_object")]
    pub profile: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGroup {
    pub id: String,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    #[serde(default)]
    pub priority: i64,
    #[serde(default = "empty_object")]
    pub profile: Value,
}

pub(crate) fn empty_object() -> Value {
    Value::Object(Map::new())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    pub id: String,
    pub factor_type: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_name: Option<String>,
    pub status: String,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    #[serde(default = "empty_object")]
    pub profile: Value,
}

/// One admin role assignment, to a user (`assignmentType: USER`) or a group (`GROUP`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub role_type: String,
    pub status: String,
    #[serde(with = "ts")]
    pub created: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_updated: DateTime<Utc>,
    /// `USER` or `GROUP`.
    pub assignment_type: String,
    /// The user id or group id holding the role (not part of Okta's JSON; rendered as `_links.assignee`).
    pub assignee: String,
    /// CUSTOM roles: the custom role id (`cr0…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// CUSTOM roles: the resource set id.
    #[serde(rename = "resource-set", default, skip_serializing_if = "Option::is_none")]
    pub resource_set: Option<String>,
}

/// The whole org. This is also the dump / fixture format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Org {
    /// Base URL the org is served from (the server overwrites it with its real address on start).
    #[serde(default)]
    pub base_url: String,
    /// `GET /api/v1/org` body, without `_links`.
    #[serde(default = "empty_object")]
    pub org: Value,
    /// `GET /api/v1/org/privacy/oktaSupport` body, without `_links`.
    #[serde(default = "default_support")]
    pub okta_support: Value,
    #[serde(default)]
    pub users: IdMap<User>,
    #[serde(default)]
    pub groups: IdMap<Group>,
    /// group id → member user ids (every member, any status; rule-added members included).
    #[serde(default)]
    pub group_members: BTreeMap<String, BTreeSet<String>>,
    #[serde(default)]
    pub group_rules: IdMap<GroupRule>,
    #[serde(default)]
    pub apps: IdMap<App>,
    /// app id → `/apps/{id}/users` items.
    #[serde(default)]
    pub app_users: BTreeMap<String, IdMap<AppUser>>,
    /// app id → `/apps/{id}/groups` items.
    #[serde(default)]
    pub app_groups: BTreeMap<String, IdMap<AppGroup>>,
    /// user id → enrolled factors.
    #[serde(default)]
    pub factors: BTreeMap<String, Vec<Factor>>,
    /// Admin role assignments to users and groups.
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
    /// System Log events, exactly as Okta returns them, in persistence order: sorted by `published` when
    /// an org is generated, loaded or served ([`Org::sort_logs`]); mutations append (a late one out of
    /// `published` order). Polling queries page in this order.
    #[serde(default)]
    pub logs: Vec<Value>,
    /// Okta Identity Engine (true) or Classic Engine (false) org: a Classic org answers the Identity Engine policy types with 400 E0000002, and `/api/v1/authenticators` and `/api/v1/devices` with 404.
    #[serde(default = "identity_engine_default")]
    pub identity_engine: bool,
    /// Policies of every type, as `GET /api/v1/policies?type=...` lists them, without `_links`.
    #[serde(default)]
    pub policies: Vec<Value>,
    /// policy id → its rules in priority order, as `/policies/{id}/rules` lists them, without `_links`.
    #[serde(default)]
    pub policy_rules: BTreeMap<String, Vec<Value>>,
    /// app id → the id of the app sign-in (ACCESS_POLICY) policy it uses (Identity Engine only).
    #[serde(default)]
    pub app_access_policies: BTreeMap<String, String>,
    /// Role assignment id → its group and app targets (standard roles limited to some groups or apps).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_targets: BTreeMap<String, crate::scopes::RoleTargets>,
    /// Resource set id → its resources (by ORN).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_sets: BTreeMap<String, Vec<crate::scopes::ResourceSetResource>>,
    /// Custom role id → its permissions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_roles: BTreeMap<String, Vec<String>>,
    /// `GET /api/v1/authenticators` items, without `_links`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authenticators: Vec<Value>,
    /// The device inventory, in id order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<crate::scopes::SimDevice>,
    /// Simulator bookkeeping, not Okta data: the change kinds [`Org::churn`] has still to deal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub churn_deck: Vec<String>,
    /// Identity providers, trusted origins, network zones, API tokens, user types, log streams and event hooks
    /// ([`crate::catalog`]).
    #[serde(default)]
    pub catalog: crate::catalog::Catalog,
}

fn identity_engine_default() -> bool {
    true
}

fn default_support() -> Value {
    serde_json::json!({"support": "DISABLED", "expiration": null})
}

impl Org {
    /// Looks a user up by id or (case-insensitive) login, like `/users/{idOrLogin}`.
    pub(crate) fn find_user(&self, id_or_login: &str) -> Option<&User> {
        if let Some(u) = self.users.get(id_or_login) {
            return Some(u);
        }
        if id_or_login.contains('@') {
            return self.users.values().find(|u| u.profile.login.eq_ignore_ascii_case(id_or_login));
        }
        None
    }

    /// Deletes a user the way Okta does: it leaves every list that named it (group members, app
    /// assignments, enrolled factors, admin role assignments). System Log events about it stay.
    pub fn remove_user(&mut self, user_id: &str) {
        self.users.0.remove(user_id);
        for members in self.group_members.values_mut() {
            members.remove(user_id);
        }
        for assigned in self.app_users.values_mut() {
            assigned.0.remove(user_id);
        }
        self.factors.remove(user_id);
        self.roles.retain(|r| r.assignee != user_id);
        // Nor do the policies and policy rules that named the user keep a dangling id.
        let drop_user = |v: &mut Value| {
            for side in ["include", "exclude"] {
                if let Some(ids) = v.pointer_mut(&format!("/conditions/people/users/{side}")).and_then(Value::as_array_mut) {
                    ids.retain(|id| id.as_str() != Some(user_id));
                }
            }
        };
        self.policies.iter_mut().for_each(drop_user);
        self.policy_rules.values_mut().flatten().for_each(drop_user);
    }

    /// Checks that references point at existing objects (used for fixtures).
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (gid, members) in &self.group_members {
            if !self.groups.contains_key(gid) {
                return Err(format!("group_members: unknown group {gid}"));
            }
            if let Some(u) = members.iter().find(|u| !self.users.contains_key(*u)) {
                return Err(format!("group_members[{gid}]: unknown user {u}"));
            }
        }
        for (aid, items) in &self.app_users {
            if !self.apps.contains_key(aid) {
                return Err(format!("app_users: unknown app {aid}"));
            }
            if let Some(u) = items.keys().find(|u| !self.users.contains_key(*u)) {
                return Err(format!("app_users[{aid}]: unknown user {u}"));
            }
        }
        for (aid, items) in &self.app_groups {
            if !self.apps.contains_key(aid) {
                return Err(format!("app_groups: unknown app {aid}"));
            }
            if let Some(g) = items.keys().find(|g| !self.groups.contains_key(*g)) {
                return Err(format!("app_groups[{aid}]: unknown group {g}"));
            }
        }
        for uid in self.factors.keys() {
            if !self.users.contains_key(uid) {
                return Err(format!("factors: unknown user {uid}"));
            }
        }
        for r in &self.roles {
            let ok = match r.assignment_type.as_str() {
                "USER" => self.users.contains_key(&r.assignee),
                "GROUP" => self.groups.contains_key(&r.assignee),
                _ => false,
            };
            if !ok {
                return Err(format!("roles: {} has bad assignee {} ({})", r.id, r.assignee, r.assignment_type));
            }
        }
        for (i, e) in self.logs.iter().enumerate() {
            let p = e.get("published").and_then(Value::as_str).and_then(parse_ts);
            if p.is_none() {
                return Err(format!("logs[{i}]: missing or bad `published`"));
            }
        }
        Ok(())
    }

    /// Sorts log events by (`published`, `uuid`), the order bounded queries page in. Called when an org is
    /// generated, loaded or served, never after that: later events are appended in persistence order.
    pub fn sort_logs(&mut self) {
        self.logs.sort_by_cached_key(log_key);
    }
}

/// (published epoch ms, uuid) of a log event; the log paging order.
pub fn log_key(e: &Value) -> (i64, String) {
    let ms = e.get("published").and_then(Value::as_str).and_then(parse_ts).map(|t| t.timestamp_millis()).unwrap_or(0);
    let uuid = e.get("uuid").and_then(Value::as_str).unwrap_or("").to_string();
    (ms, uuid)
}
