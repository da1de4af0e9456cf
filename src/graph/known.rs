//! What an incremental sync needs to know of the graph it updates (docs/graph.md#incremental-sync): the live
//! users, groups and applications of the account as the last sync left them, and the sync runs that decide
//! whether the delta can be trusted.

use super::{cypher, query_with, Graph, GraphError};
use crate::model::{group_kind, kinds, AppInfo, GroupInfo, UserInfo};
use chrono::{DateTime, FixedOffset};
use neo4rs::{BoltList, BoltType};
use std::collections::{BTreeSet, HashMap};

/// The account's objects as the graph holds them.
#[derive(Debug, Default)]
pub(crate) struct Known {
    pub users: Vec<UserInfo>,
    pub groups: Vec<GroupInfo>,
    pub apps: Vec<AppInfo>,
    /// Application id → users assigned to it.
    pub app_users: HashMap<String, u64>,
}

pub(crate) async fn load(graph: &Graph, account_key: &str) -> Result<Known, GraphError> {
    let params = || vec![("accountKey", BoltType::from(account_key))];
    let users = graph.rows(query_with(cypher::KNOWN_USERS, params()), "read known users").await?;
    let groups = graph.rows(query_with(cypher::KNOWN_GROUPS, params()), "read known groups").await?;
    let apps = graph.rows(query_with(cypher::KNOWN_APPS, params()), "read known applications").await?;
    let text = |r: &neo4rs::Row, c: &str| r.get::<Option<String>>(c).ok().flatten();
    Ok(Known {
        users: users
            .iter()
            .filter_map(|r| {
                let id = text(r, "id")?;
                Some(UserInfo { id, deprovisioned: text(r, "status").as_deref() == Some(crate::model::USER_DEPROVISIONED), type_id: None })
            })
            .collect(),
        groups: groups
            .iter()
            .filter_map(|r| {
                let kind = if text(r, "nodeType").as_deref() == Some(kinds::APP_USER_GROUP.type_name) {
                    group_kind(Some("APP_GROUP"))
                } else {
                    group_kind(None)
                };
                let everyone = GroupInfo::is_everyone(text(r, "groupType").as_deref(), text(r, "name").as_deref());
                // Unknown stats count as holding admin roles, so the group's roles are read rather than missed.
                let has_admin = r.get::<Option<bool>>("hasAdmin").ok().flatten().unwrap_or(true);
                Some(GroupInfo { id: text(r, "id")?, kind, users_count: None, has_admin, everyone })
            })
            .collect(),
        app_users: apps.iter().filter_map(|r| Some((text(r, "id")?, r.get::<i64>("users").unwrap_or(0).max(0) as u64))).collect(),
        apps: apps
            .iter()
            .filter_map(|r| Some(AppInfo { id: text(r, "id")?, aws: r.get::<bool>("aws").unwrap_or(false), aws_account_id: None }))
            .collect(),
    })
}

/// The groups linked to these users and applications (their member and app counts change with them).
pub(crate) async fn groups_near(
    graph: &Graph,
    account_key: &str,
    users: &BTreeSet<String>,
    apps: &BTreeSet<String>,
) -> Result<BTreeSet<String>, GraphError> {
    if users.is_empty() && apps.is_empty() {
        return Ok(BTreeSet::new());
    }
    let list = |s: &BTreeSet<String>| BoltType::List(BoltList { value: s.iter().map(|v| BoltType::from(v.as_str())).collect() });
    let params = vec![("accountKey", BoltType::from(account_key)), ("users", list(users)), ("apps", list(apps))];
    let rows = graph.rows(query_with(cypher::GROUPS_NEAR, params), "read groups near deleted objects").await?;
    Ok(rows.iter().filter_map(|r| r.get::<String>("id").ok()).collect())
}

/// The AWS applications each of these users and groups is assigned to, by id.
pub(crate) async fn aws_assignments(
    graph: &Graph,
    account_key: &str,
    ids: &BTreeSet<String>,
) -> Result<HashMap<String, BTreeSet<String>>, GraphError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = BoltType::List(BoltList { value: ids.iter().map(|v| BoltType::from(v.as_str())).collect() });
    let params = vec![("accountKey", BoltType::from(account_key)), ("ids", list)];
    let rows = graph.rows(query_with(cypher::AWS_ASSIGNMENTS, params), "read AWS assignments").await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.get::<String>("id").ok()?, r.get::<Vec<String>>("apps").unwrap_or_default().into_iter().collect())))
        .collect())
}

/// The account's latest run before this one, and its latest successful full sync.
#[derive(Debug, Clone, Default)]
pub(crate) struct PreviousRuns {
    /// `None` when the account was never synced.
    pub last: Option<LastRun>,
    pub last_full_sync: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone)]
pub(crate) struct LastRun {
    pub status: String,
    pub started: DateTime<FixedOffset>,
    /// The System Log change feed's cursor it left (a path with its query), if any.
    pub cursor: Option<String>,
    /// The steps it ran (complete or, in a successful run, skipped for lack of permission).
    pub steps_run: Vec<String>,
}

pub(crate) async fn previous_runs(graph: &Graph, account_key: &str, run_key: &str) -> Result<PreviousRuns, GraphError> {
    let params = vec![("accountKey", BoltType::from(account_key)), ("runKey", BoltType::from(run_key))];
    let rows = graph.rows(query_with(cypher::SYNC_RUN_PREVIOUS, params), "read previous runs").await?;
    let Some(r) = rows.first() else { return Ok(PreviousRuns::default()) };
    let time = |c: &str| r.get::<Option<DateTime<FixedOffset>>>(c).ok().flatten();
    let last = match (r.get::<Option<String>>("status").ok().flatten(), time("startedOn")) {
        (Some(status), Some(started)) => Some(LastRun {
            status,
            started,
            cursor: r.get::<Option<String>>("cursor").ok().flatten(),
            steps_run: r.get::<Vec<String>>("stepsRun").unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(PreviousRuns { last, last_full_sync: time("lastFullSync") })
}
