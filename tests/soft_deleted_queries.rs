//! Issue 10.3: every shipped query and alert ignores soft-deleted relationships. For each, a small graph
//! is written whose result (a row, or for the "without" queries the absence of one) depends on exactly one
//! relationship; the test checks the result with that relationship live, soft-deletes it the way the sweep
//! does, and checks the result flips. A new shipped query or alert must be added here (or to the list of
//! those that follow no relationship), or the coverage test fails.

use crate::util;
use oktagraph::graph::Graph;
use std::collections::{BTreeMap, BTreeSet};

/// The nodes every fixture may use, under account `$a` with keys prefixed `$p`: an active user without
/// factors, a suspended one, a group, a rule, an app, an admin role, an AWS role (shared: no account) and
/// a person (shared).
const NODES: &str = "
CREATE (:okta_user:User {_key: $p + 'u', _type: 'okta_user', _accountKey: $a, _deleted: false,
        login: $p + 'u@example.com', email: $p + 'u@example.com', status: 'ACTIVE', userType: 'employee'})
CREATE (:okta_user:User {_key: $p + 's', _type: 'okta_user', _accountKey: $a, _deleted: false,
        login: $p + 's@example.com', status: 'SUSPENDED'})
CREATE (:okta_user_group:UserGroup {_key: $p + 'g', _type: 'okta_user_group', _accountKey: $a, _deleted: false, name: $p + 'group'})
CREATE (:okta_rule:Configuration {_key: $p + 'r', _type: 'okta_rule', _accountKey: $a, _deleted: false, name: $p + 'rule', status: 'ACTIVE'})
CREATE (:okta_application:Application {_key: $p + 'app', _type: 'okta_application', _accountKey: $a, _deleted: false, label: $p + 'app', status: 'ACTIVE'})
CREATE (:okta_role:AccessRole {_key: $p + 'role', _type: 'okta_role', _accountKey: $a, _deleted: false, roleType: 'SUPER_ADMIN'})
CREATE (:aws_iam_role:AccessRole {_key: $p + 'aws', _type: 'aws_iam_role', _deleted: false, roleName: $p + 'aws'})
CREATE (:employee:Person {_key: $p + 'person', _type: 'employee', _deleted: false, email: $p + 'u@example.com'})
CREATE (:mfa_device:Key:AccessKey {_key: $p + 'f', _type: 'mfa_device', _accountKey: $a, _deleted: false, status: 'ACTIVE'})
CREATE (:okta_service:Service:Control {_key: $p + 'mfa', _type: 'okta_service', _accountKey: $a, _deleted: false, name: 'MFA'})
CREATE (:okta_policy:Policy {_key: $p + 'pol', _type: 'okta_policy', _accountKey: $a, _deleted: false, name: $p + 'policy',
        type: 'OKTA_SIGN_ON', status: 'ACTIVE'})
CREATE (:okta_policy_rule:Configuration {_key: $p + 'pr', _type: 'okta_policy_rule', _accountKey: $a, _deleted: false,
        name: $p + 'prule', status: 'ACTIVE', access: 'ALLOW', requiresMfa: true})
CREATE (:okta_policy_rule:Configuration {_key: $p + 'pri', _type: 'okta_policy_rule', _accountKey: $a, _deleted: false,
        name: $p + 'pirule', status: 'ACTIVE', access: 'ALLOW', requiresMfa: true, includedGroupIds: [$p + 'g']})
CREATE (:okta_policy:Policy {_key: $p + 'apol', _type: 'okta_policy', _accountKey: $a, _deleted: false, name: $p + 'apolicy',
        type: 'ACCESS_POLICY', status: 'ACTIVE'})
CREATE (:okta_policy_rule:Configuration {_key: $p + 'apr', _type: 'okta_policy_rule', _accountKey: $a, _deleted: false,
        name: $p + 'aprule', status: 'ACTIVE', access: 'ALLOW', factorMode: '1FA', allowsPasswordOnly: true})
CREATE (:okta_user:User {_key: $p + 'x', _type: 'okta_user', _accountKey: $a, _deleted: false,
        login: $p + 'x@example.com', status: 'DEPROVISIONED'})
CREATE (:okta_device:Device {_key: $p + 'dev', _type: 'okta_device', _accountKey: $a, _deleted: false, displayName: $p + 'device', status: 'ACTIVE'})
CREATE (:okta_api_token:AccessKey {_key: $p + 'tok', _type: 'okta_api_token', _accountKey: $a, _deleted: false, name: $p + 'token',
        tokenWindow: 'P30D', expiresAt: datetime() + duration('P20D')})
";

/// One relationship of a fixture: `(from)-[class]->(to)` by key suffix. The first one of a case is the one
/// that is soft-deleted; the others (if any) complete the path.
struct Edge(&'static str, &'static str, &'static str);

struct Case {
    /// Shipped query or alert name.
    name: &'static str,
    edges: &'static [Edge],
    /// The column and the value (with `$p` replaced by the prefix) of the result that depends on the edge.
    column: &'static str,
    value: &'static str,
    /// The result is there while the edge is live (true), or only once it is soft-deleted (false: the
    /// "users without X" queries, where the edge is what keeps the user out).
    present_while_live: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "users-not-people",
        edges: &[Edge("u", "IS", "person")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "users-without-mfa",
        edges: &[Edge("u", "ASSIGNED", "f")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "admins-without-mfa",
        edges: &[Edge("u", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admins-without-mfa",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admins-without-mfa",
        edges: &[Edge("g", "ASSIGNED", "role"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "super-admins",
        edges: &[Edge("u", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "super-admins",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "super-admins",
        edges: &[Edge("g", "ASSIGNED", "role"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "inactive-users-with-apps",
        edges: &[Edge("s", "ASSIGNED", "app")],
        column: "login",
        value: "$ps@example.com",
        present_while_live: true,
    },
    Case {
        name: "dormant-users-with-apps",
        edges: &[Edge("u", "ASSIGNED", "app")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "aws-role-access",
        edges: &[Edge("u", "ASSIGNED", "aws")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "aws-role-access",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "aws")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "aws-role-access",
        edges: &[Edge("g", "ASSIGNED", "aws"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "apps-and-creators",
        edges: &[Edge("u", "CREATED", "app")],
        column: "createdBy",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "users-added-by-rules",
        edges: &[Edge("r", "MANAGES", "g"), Edge("g", "HAS", "u")],
        column: "user",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "users-added-by-rules",
        edges: &[Edge("g", "HAS", "u"), Edge("r", "MANAGES", "g")],
        column: "user",
        value: "$pu@example.com",
        present_while_live: true,
    },
    // Policies: a user is covered by an MFA-enforcing rule of a sign-on policy that reaches them.
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("mfa", "ENFORCES", "pr"), Edge("pol", "HAS", "pr")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("pol", "HAS", "pr"), Edge("mfa", "ENFORCES", "pr")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("pri", "APPLIES_TO", "g"), Edge("g", "HAS", "u"), Edge("pol", "HAS", "pri"), Edge("mfa", "ENFORCES", "pri")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("g", "HAS", "u"), Edge("pri", "APPLIES_TO", "g"), Edge("pol", "HAS", "pri"), Edge("mfa", "ENFORCES", "pri")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("pr", "EXCLUDES", "u"), Edge("pol", "HAS", "pr"), Edge("mfa", "ENFORCES", "pr")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "users-without-mfa-sign-on",
        edges: &[Edge("pol", "EXCLUDES", "g"), Edge("g", "HAS", "u"), Edge("pol", "HAS", "pr"), Edge("mfa", "ENFORCES", "pr")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "password-only-apps",
        edges: &[Edge("apol", "ASSIGNED", "app"), Edge("apol", "HAS", "apr")],
        column: "app",
        value: "$papp",
        present_while_live: true,
    },
    Case {
        name: "password-only-apps",
        edges: &[Edge("apol", "HAS", "apr"), Edge("apol", "ASSIGNED", "app")],
        column: "app",
        value: "$papp",
        present_while_live: true,
    },
    // Alerts.
    Case { name: "policy-rule-loosened", edges: &[Edge("pol", "HAS", "pr")], column: "rule", value: "$pprule", present_while_live: true },
    Case {
        name: "policy-rule-loosened",
        edges: &[Edge("mfa", "ENFORCES", "pr"), Edge("pol", "HAS", "pr")],
        column: "rule",
        value: "$pprule",
        present_while_live: false,
    },
    Case {
        name: "admin-without-mfa",
        edges: &[Edge("u", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admin-without-mfa",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admin-without-mfa",
        edges: &[Edge("g", "ASSIGNED", "role"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admin-without-mfa",
        edges: &[Edge("u", "ASSIGNED", "f"), Edge("u", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "new-super-admin",
        edges: &[Edge("u", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "new-super-admin",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "role")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "new-super-admin",
        edges: &[Edge("g", "ASSIGNED", "role"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "user-added-by-rule",
        edges: &[Edge("r", "MANAGES", "g"), Edge("g", "HAS", "u")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "user-added-by-rule",
        edges: &[Edge("g", "HAS", "u"), Edge("r", "MANAGES", "g")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "user-effective-access",
        edges: &[Edge("u", "ASSIGNED", "app")],
        column: "target",
        value: "$papp",
        present_while_live: true,
    },
    Case {
        name: "user-effective-access",
        edges: &[Edge("g", "HAS", "u"), Edge("g", "ASSIGNED", "app")],
        column: "target",
        value: "$papp",
        present_while_live: true,
    },
    Case {
        name: "user-effective-access",
        edges: &[Edge("g", "ASSIGNED", "app"), Edge("g", "HAS", "u")],
        column: "target",
        value: "$papp",
        present_while_live: true,
    },
    Case {
        name: "admins-of-super-admins",
        edges: &[Edge("u", "ADMINISTERS", "g"), Edge("g", "HAS", "s"), Edge("s", "ASSIGNED", "role")],
        column: "admin",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "admins-of-super-admins",
        edges: &[Edge("g", "HAS", "s"), Edge("u", "ADMINISTERS", "g"), Edge("s", "ASSIGNED", "role")],
        column: "admin",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "devices-of-deprovisioned-users",
        edges: &[Edge("x", "HAS", "dev")],
        column: "login",
        value: "$px@example.com",
        present_while_live: true,
    },
    Case {
        name: "new-admin-scope-on-super-admin-group",
        edges: &[Edge("u", "ADMINISTERS", "g"), Edge("g", "HAS", "s"), Edge("s", "ASSIGNED", "role")],
        column: "holder",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "new-admin-scope-on-super-admin-group",
        edges: &[Edge("s", "ASSIGNED", "role"), Edge("u", "ADMINISTERS", "g"), Edge("g", "HAS", "s")],
        column: "holder",
        value: "$pu@example.com",
        present_while_live: true,
    },
    Case {
        name: "mfa-factor-reset",
        edges: &[Edge("u", "ASSIGNED", "f")],
        column: "login",
        value: "$pu@example.com",
        present_while_live: false,
    },
    Case {
        name: "stale-api-tokens",
        edges: &[Edge("s", "OWNS", "tok")],
        column: "owner",
        value: "$ps@example.com",
        present_while_live: true,
    },
    Case { name: "new-api-token", edges: &[Edge("u", "OWNS", "tok")], column: "owner", value: "$pu@example.com", present_while_live: true },
];

/// Shipped queries and alerts whose results follow no relationship (account properties, run records,
/// nodes on their own): nothing for a soft-deleted relationship to hide.
const NO_RELATIONSHIP: &[&str] = &[
    "support-access",
    "last-sync-changes",
    "new-application",
    "support-access-enabled",
    "new-user",
    "user-deprovisioned-or-suspended",
    "new-identity-provider",
    "trusted-origins-cors-redirect",
];

#[test]
fn every_shipped_query_and_alert_is_covered() {
    let shipped: BTreeSet<String> =
        oktagraph::queries::shipped_queries().into_iter().chain(oktagraph::queries::shipped_alerts()).map(|q| q.name).collect();
    let covered: BTreeSet<String> = CASES.iter().map(|c| c.name).chain(NO_RELATIONSHIP.iter().copied()).map(String::from).collect();
    assert_eq!(shipped, covered, "every shipped query and alert needs a soft-deleted-relationship case (or a reason it has none)");
}

/// Runs a shipped query or alert for `account` and returns the values of `column`.
async fn values(g: &Graph, name: &str, account: &str, prefix: &str, column: &str) -> Vec<Option<String>> {
    let rows = if let Some(q) = oktagraph::queries::shipped_queries().into_iter().find(|q| q.name == name) {
        let mut params = BTreeMap::from([("account".to_string(), account.to_string())]);
        // A query about one user asks for the fixture's active user.
        if q.params.iter().any(|(p, _)| p == "login") {
            params.insert("login".to_string(), format!("{prefix}u@example.com"));
        }
        let r = oktagraph::queries::run(g, &q, &params).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        r.objects().into_iter().map(|o| o[column].as_str().map(String::from)).collect()
    } else {
        let a = oktagraph::queries::shipped_alerts().into_iter().find(|q| q.name == name).expect("a shipped alert");
        let rows = g.rows(neo4rs::query(&a.text).param("account", account), name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        rows.iter().map(|r| r.get::<Option<String>>(column).ok().flatten()).collect()
    };
    rows
}

#[tokio::test]
async fn a_soft_deleted_relationship_on_the_only_path_changes_every_result() {
    let g = util::graph().await;
    for (i, case) in CASES.iter().enumerate() {
        let ctx = util::unique_context("softdel");
        let account = ctx.account_key.clone();
        let prefix = format!("{}-{i}-", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        g.run(neo4rs::query(NODES).param("a", account.as_str()).param("p", prefix.as_str()), "fixture nodes").await.expect("fixture nodes");
        for (j, Edge(from, class, to)) in case.edges.iter().enumerate() {
            // Relationship types cannot be parameters; the class comes from the table above.
            let q = format!(
                "MATCH (x {{_key: $p + $from}}), (y {{_key: $p + $to}})
                 CREATE (x)-[:{class} {{_key: $p + 'e' + $j, _type: $type, _accountKey: $a, _deleted: false}}]->(y)"
            );
            let q = neo4rs::query(&q)
                .param("p", prefix.as_str())
                .param("from", *from)
                .param("to", *to)
                .param("j", j.to_string())
                .param("type", format!("{from}_{}_{to}", class.to_lowercase()))
                .param("a", account.as_str());
            g.run(q, "fixture edge").await.expect("fixture edge");
        }
        let want = Some(case.value.replace("$p", &prefix));
        let live = values(&g, case.name, &account, &prefix, case.column).await;
        assert_eq!(live.contains(&want), case.present_while_live, "case {i} ({}): with the relationship live: {live:?}", case.name);

        let deleted = util::count(
            &g,
            "MATCH ()-[r]->() WHERE r._key = $k SET r._deleted = true, r._deletedOn = datetime() RETURN count(r) AS n",
            &[("k", &format!("{prefix}e0"))],
        )
        .await;
        assert_eq!(deleted, 1);
        let after = values(&g, case.name, &account, &prefix, case.column).await;
        assert_eq!(
            after.contains(&want),
            !case.present_while_live,
            "case {i} ({}): with the relationship soft-deleted: {after:?}",
            case.name
        );

        g.run(neo4rs::query("MATCH (n) WHERE n._key STARTS WITH $p DETACH DELETE n").param("p", prefix.as_str()), "cleanup")
            .await
            .expect("cleanup");
    }
}
