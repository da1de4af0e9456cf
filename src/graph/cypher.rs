//! Every Cypher statement oktagraph runs, loaded from `cypher/*.cypher` so users can read and reuse them,
//! and the per-type statements generated from the templates and the kinds table.

use crate::model::kinds::{is_identifier, NodeKind, RelKind};

pub(crate) const SCHEMA: &str = include_str!("../../cypher/schema.cypher");
pub(crate) const UPSERT_NODES: &str = include_str!("../../cypher/upsert_nodes.cypher");
pub(crate) const UPSERT_EDGES: &str = include_str!("../../cypher/upsert_edges.cypher");
pub(crate) const SWEEP_NODES: &str = include_str!("../../cypher/sweep_nodes.cypher");
pub(crate) const SWEEP_EDGES: &str = include_str!("../../cypher/sweep_edges.cypher");
pub(crate) const PURGE_NODES: &str = include_str!("../../cypher/purge.cypher");
pub(crate) const PURGE_EDGES: &str = include_str!("../../cypher/purge_edges.cypher");
pub(crate) const SYNC_RUN_START: &str = include_str!("../../cypher/sync_run_start.cypher");
pub(crate) const SYNC_RUN_FINISH: &str = include_str!("../../cypher/sync_run_finish.cypher");
pub(crate) const SWEEP_CUTOFF: &str = include_str!("../../cypher/sweep_cutoff.cypher");
pub(crate) const LOCK_ACQUIRE: &str = include_str!("../../cypher/lock/acquire.cypher");
pub(crate) const LOCK_RENEW: &str = include_str!("../../cypher/lock/renew.cypher");
pub(crate) const LOCK_RELEASE: &str = include_str!("../../cypher/lock/release.cypher");
pub(crate) const SWEEP_EDGES_WINDOW: &str = include_str!("../../cypher/graph/sweep_edges_window.cypher");
pub(crate) const SERVER_INFO: &str = include_str!("../../cypher/graph/server_info.cypher");
pub(crate) const ACCOUNTS_NAMED: &str = include_str!("../../cypher/accounts/named.cypher");
pub(crate) const ACCOUNTS_ALL: &str = include_str!("../../cypher/accounts/all.cypher");
pub(crate) const ACCOUNT_STORED_PROPS: &str = include_str!("../../cypher/accounts/stored_props.cypher");
pub(crate) const ALERT_STATE_READ: &str = include_str!("../../cypher/alert_state/read.cypher");
pub(crate) const ALERT_STATE_WRITE: &str = include_str!("../../cypher/alert_state/write.cypher");
pub(crate) const EXPORT_NODES: &str = include_str!("../../cypher/export/nodes.cypher");
pub(crate) const EXPORT_SHARED_NODES: &str = include_str!("../../cypher/export/shared_nodes.cypher");
pub(crate) const EXPORT_EDGES: &str = include_str!("../../cypher/export/edges.cypher");
pub(crate) const KNOWN_USERS: &str = include_str!("../../cypher/incremental/known_users.cypher");
pub(crate) const KNOWN_GROUPS: &str = include_str!("../../cypher/incremental/known_groups.cypher");
pub(crate) const KNOWN_APPS: &str = include_str!("../../cypher/incremental/known_apps.cypher");
pub(crate) const AWS_ASSIGNMENTS: &str = include_str!("../../cypher/incremental/aws_assignments.cypher");
pub(crate) const GROUPS_NEAR: &str = include_str!("../../cypher/incremental/groups_near.cypher");
pub(crate) const SYNC_RUN_REFUSED: &str = include_str!("../../cypher/sync_run_refused.cypher");
pub(crate) const ACCOUNTS_SAME_ORG: &str = include_str!("../../cypher/accounts/same_org.cypher");
pub(crate) const SYNC_RUN_PREVIOUS: &str = include_str!("../../cypher/sync_run_previous.cypher");
pub(crate) const RECONCILE_EDGES_FROM: &str = include_str!("../../cypher/reconcile/edges_from.cypher");
pub(crate) const RECONCILE_EDGES_TO: &str = include_str!("../../cypher/reconcile/edges_to.cypher");
pub(crate) const RECONCILE_NODES: &str = include_str!("../../cypher/reconcile/nodes.cypher");
pub(crate) const RECONCILE_OWNED_NODES: &str = include_str!("../../cypher/reconcile/owned_nodes.cypher");
pub(crate) const RECONCILE_ORPHAN_NODES: &str = include_str!("../../cypher/reconcile/orphan_nodes.cypher");

/// Splits a `.cypher` file into statements: `;` ends a statement, `//` lines are comments.
pub(crate) fn statements(file: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in file.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") || trimmed.is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if trimmed.ends_with(';') {
            let stmt = cur.trim().trim_end_matches(';').trim().to_string();
            if !stmt.is_empty() {
                out.push(stmt);
            }
            cur.clear();
        }
    }
    let rest = cur.trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

fn label(s: &str) -> &str {
    // Labels come from the static kinds table; this guard keeps a future typo from becoming injection.
    assert!(is_identifier(s), "not a Cypher identifier: {s}");
    s
}

fn strip_comments(t: &str) -> String {
    t.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

pub(crate) fn upsert_nodes(kind: &NodeKind) -> String {
    let classes: String = kind.classes.iter().map(|c| format!(":{}", label(c))).collect();
    let set = if kind.account_scoped { "=" } else { "+=" };
    strip_comments(UPSERT_NODES).replace("{{TYPE}}", label(kind.type_name)).replace("{{CLASSES}}", &classes).replace("{{SET}}", set)
}

pub(crate) fn upsert_edges(kind: &RelKind) -> String {
    strip_comments(UPSERT_EDGES)
        .replace("{{FROM}}", label(kind.from.type_name))
        .replace("{{TO}}", label(kind.to.type_name))
        .replace("{{CLASS}}", label(kind.class))
}

pub(crate) fn sweep_nodes(kind: &NodeKind) -> String {
    strip_comments(SWEEP_NODES).replace("{{TYPE}}", label(kind.type_name))
}

pub(crate) fn sweep_edges(kind: &RelKind) -> String {
    let window = if kind.windowed { strip_comments(SWEEP_EDGES_WINDOW) } else { String::new() };
    strip_comments(SWEEP_EDGES)
        .replace("{{FROM}}", label(kind.from.type_name))
        .replace("{{TO}}", label(kind.to.type_name))
        .replace("{{CLASS}}", label(kind.class))
        .replace("{{WINDOW}}", window.trim())
}

/// A per-relationship-type statement from a template with {{FROM}}, {{CLASS}} and {{TO}}.
pub(crate) fn for_rel(template: &str, kind: &RelKind) -> String {
    strip_comments(template)
        .replace("{{FROM}}", label(kind.from.type_name))
        .replace("{{TO}}", label(kind.to.type_name))
        .replace("{{CLASS}}", label(kind.class))
}

/// A per-node-type statement from a template with {{TYPE}}.
pub(crate) fn for_node(template: &str, kind: &NodeKind) -> String {
    strip_comments(template).replace("{{TYPE}}", label(kind.type_name))
}

pub(crate) fn purge_edges(class: &str) -> String {
    strip_comments(PURGE_EDGES).replace("{{CLASS}}", label(class))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::{NODE_KINDS, REL_KINDS};

    #[test]
    fn schema_covers_every_node_label() {
        let stmts = statements(SCHEMA);
        for k in NODE_KINDS {
            let want = format!("FOR (n:{}) REQUIRE n._key IS UNIQUE", k.type_name);
            assert!(stmts.iter().any(|s| s.contains(&want)), "no constraint for {}", k.type_name);
            if k.account_scoped && k.type_name != "okta_account" {
                let idx = format!("FOR (n:{}) ON (n._accountKey)", k.type_name);
                assert!(stmts.iter().any(|s| s.contains(&idx)), "no account index for {}", k.type_name);
            }
        }
        assert!(stmts.iter().all(|s| s.contains("IF NOT EXISTS")));
    }

    #[test]
    fn generated_statements_have_no_placeholders_left() {
        for k in NODE_KINDS {
            for q in [upsert_nodes(k), sweep_nodes(k), for_node(RECONCILE_NODES, k), for_node(RECONCILE_ORPHAN_NODES, k)] {
                assert!(!q.contains("{{"), "{q}");
            }
        }
        for r in REL_KINDS {
            let reconcile = [RECONCILE_EDGES_FROM, RECONCILE_EDGES_TO, RECONCILE_OWNED_NODES].map(|t| for_rel(t, r));
            for q in [upsert_edges(r), sweep_edges(r), purge_edges(r.class)].into_iter().chain(reconcile) {
                assert!(!q.contains("{{"), "{q}");
            }
        }
        assert!(upsert_nodes(&crate::model::kinds::USER).contains("SET n:User"));
        assert!(upsert_nodes(&crate::model::kinds::AWS_IAM_ROLE).contains("SET n += row.props"));
        assert!(sweep_edges(&crate::model::kinds::USER_CREATED_APPLICATION).contains("$windowStart"));
    }
}
