//! Group rules, groups and apps: created and deleted.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{json, Map};

use super::{Res, RuleCreated, SimRng};
use crate::events::{app_target, group_target, Txn};
use crate::generate::{app_credentials, app_settings, okta_id, APP_TEMPLATES, DEPTS, TEAMS};
use crate::model::*;
use crate::rules;

impl Org {
    /// Creates an ACTIVE group rule that puts the users matching `expression` (`user.attr=="value"`
    /// clauses joined by ` AND `) into the OKTA_GROUP; the users it adds are logged by Okta's system actor
    /// (`group.user_membership.add` each, with their app assignments as in [`Org::add_group_member`]).
    ///
    /// Okta's event type catalog has no event for creating or activating a group rule (only
    /// `group.user_membership.rule.*` events about evaluation, exclusions and errors), so none is written.
    pub fn create_rule(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, expression: &str) -> Res<RuleCreated> {
        self.okta_group(group_id)?;
        let clauses = rules::parse_expression(expression).ok_or_else(|| format!("unsupported rule expression {expression:?}"))?;
        let r = &mut rng.0;
        let rule = GroupRule {
            kind: "group_rule".into(),
            id: okta_id(r, "0pr"),
            status: "ACTIVE".into(),
            name: format!("Rule {}", clauses.iter().map(|c| c.value.as_str()).collect::<Vec<_>>().join(" / ")),
            created: now,
            last_updated: now,
            conditions: json!({"expression": {"value": rules::expression(&clauses), "type": "urn:okta:expression:1.0"}}),
            actions: json!({"assignUserToGroups": {"groupIds": [group_id]}}),
            all_groups_valid: true,
        };
        let rule_id = rule.id.clone();
        self.group_rules.put(rule);
        let added: Vec<String> = self
            .users
            .values()
            .filter(|u| rules::clauses_match(&clauses, u) && !self.is_member(group_id, &u.id))
            .map(|u| u.id.clone())
            .collect();
        if !added.is_empty() {
            let tx = self.system_txn(r, now, &format!("/api/v1/groups/rules/{rule_id}/lifecycle/activate"));
            for uid in &added {
                self.member_add(r, &tx, group_id, uid);
            }
        }
        Ok(RuleCreated { rule_id, added })
    }

    /// Deletes a group rule; the members it added stay (Okta's `removeUsers` defaults to false). No
    /// event: the catalog has none for a rule's deactivation or deletion.
    pub fn delete_rule(&mut self, rule_id: &str) -> Res<()> {
        self.group_rules.0.remove(rule_id).map(|_| ()).ok_or_else(|| format!("no group rule {rule_id}"))
    }

    /// Creates an empty OKTA_GROUP (`group.lifecycle.create`). Returns its id.
    pub fn create_group(&mut self, rng: &mut SimRng, now: DateTime<Utc>) -> String {
        let r = &mut rng.0;
        let base = format!("{} - {}", DEPTS[r.gen_range(0..DEPTS.len())], TEAMS[r.gen_range(0..TEAMS.len())]);
        let taken = |n: &str| self.groups.values().any(|g| g.profile.name == n);
        let name = (1..).map(|k| if k == 1 { base.clone() } else { format!("{base} {k}") }).find(|n| !taken(n)).expect("a free name");
        let id = okta_id(r, "00g");
        self.groups.put(Group {
            id: id.clone(),
            created: now,
            last_updated: now,
            last_membership_updated: now,
            object_class: vec!["okta:user_group".into()],
            kind: "OKTA_GROUP".into(),
            profile: GroupProfile { description: Some(format!("Members of {name}")), name, extra: Map::new() },
            source: None,
        });
        self.group_members.insert(id.clone(), Default::default());
        let tx = self.admin_txn(r, now, "/api/v1/groups");
        self.emit(r, &tx, "group.lifecycle.create", vec![group_target(&self.groups[&id])]);
        id
    }

    /// Deletes an OKTA_GROUP that no app is assigned to and no rule targets (`group.lifecycle.delete`):
    /// the group, its members list and its GROUP role assignments go.
    pub fn delete_group(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str) -> Res<()> {
        self.okta_group(group_id)?;
        if let Some(aid) = self.app_groups.iter().find(|(_, ag)| ag.contains_key(group_id)).map(|(a, _)| a) {
            return Err(format!("group {group_id} is assigned to app {aid}"));
        }
        if let Some(rule) = self.group_rules.values().find(|rule| rules::target_groups(rule).iter().any(|g| g == group_id)) {
            return Err(format!("rule {} targets group {group_id}", rule.id));
        }
        let target = group_target(&self.groups[group_id]);
        self.groups.0.remove(group_id);
        self.group_members.remove(group_id);
        self.roles.retain(|r| !(r.assignment_type == "GROUP" && r.assignee == group_id));
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/groups/{group_id}"));
        self.emit(r, &tx, "group.lifecycle.delete", vec![target]);
        Ok(())
    }

    /// Creates an ACTIVE app from one of the generator's non-AWS templates (`application.lifecycle.create`).
    /// Returns its id.
    pub fn create_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>) -> String {
        let r = &mut rng.0;
        let templates: Vec<_> = APP_TEMPLATES.iter().filter(|t| t.name != "amazon_aws").collect();
        let t = templates[r.gen_range(0..templates.len())];
        let id = okta_id(r, "0oa");
        let credentials = app_credentials(r, t.mode, &id);
        let settings = app_settings(t, r, self.apps.len());
        let features: Vec<String> = match t.mode {
            "SAML_2_0" if r.gen_bool(0.5) => vec!["PUSH_NEW_USERS".into(), "PUSH_USER_DEACTIVATION".into(), "GROUP_PUSH".into()],
            _ => vec![],
        };
        let taken = |l: &str| self.apps.values().any(|a| a.label == l);
        let label = (2..).map(|k| format!("{} {k}", t.label)).find(|l| !taken(l)).expect("a free label");
        self.apps.put(App {
            id: id.clone(),
            name: t.name.to_string(),
            label,
            status: "ACTIVE".into(),
            last_updated: now,
            created: now,
            accessibility: json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null}),
            visibility: json!({"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {}}),
            features,
            sign_on_mode: t.mode.to_string(),
            credentials,
            settings,
        });
        self.app_users.insert(id.clone(), IdMap::default());
        self.app_groups.insert(id.clone(), IdMap::default());
        let tx = self.admin_txn(r, now, "/api/v1/apps");
        self.emit(r, &tx, "application.lifecycle.create", vec![app_target(&self.apps[&id])]);
        id
    }

    /// Deletes a non-AWS app that no group was imported from. Okta deletes only inactive apps, so an
    /// ACTIVE one is deactivated first (`application.lifecycle.deactivate`, then
    /// `application.lifecycle.delete`); its user and group assignments go with it.
    pub fn delete_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str) -> Res<()> {
        let app = self.app(app_id)?;
        if app.name == "amazon_aws" {
            return Err(format!("app {app_id} is an AWS app"));
        }
        if self.groups.values().any(|g| g.source.as_ref().is_some_and(|s| s.id == app_id)) {
            return Err(format!("groups were imported from app {app_id}"));
        }
        let r = &mut rng.0;
        let active = app.status == "ACTIVE";
        let target = app_target(app);
        let deactivate = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/lifecycle/deactivate"));
        if active {
            self.emit(r, &deactivate, "application.lifecycle.deactivate", vec![target.clone()]);
        }
        self.apps.0.remove(app_id);
        self.app_users.remove(app_id);
        self.app_groups.remove(app_id);
        let delete = Txn::new(r, deactivate.actor.clone(), now, &format!("/api/v1/apps/{app_id}"));
        self.emit(r, &delete, "application.lifecycle.delete", vec![target]);
        Ok(())
    }

    pub(crate) fn group(&self, group_id: &str) -> Res<&Group> {
        self.groups.get(group_id).ok_or_else(|| format!("no group {group_id}"))
    }

    pub(crate) fn okta_group(&self, group_id: &str) -> Res<&Group> {
        let g = self.group(group_id)?;
        if g.kind != "OKTA_GROUP" {
            return Err(format!("group {group_id} is {}, not OKTA_GROUP", g.kind));
        }
        Ok(g)
    }

    pub(crate) fn app(&self, app_id: &str) -> Res<&App> {
        self.apps.get(app_id).ok_or_else(|| format!("no app {app_id}"))
    }
}
