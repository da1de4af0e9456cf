//! The sync steps: which Okta calls, in what order, and whether each step got everything it needed.
//!
//! Steps run concurrently as soon as the steps they depend on have finished, so every rate-limit bucket
//! stays busy (users-bucket work such as factors starts while the apps bucket is still listing
//! assignments). Each step maps what it reads with [`crate::model`] and sends the records to the graph
//! writer over a bounded channel, so memory stays flat however large the org is: only ids are kept.

pub mod steps;

pub use steps::{step, step_by_name, step_names, StepDef, StepId, STEPS};

use crate::model::{self, kinds, AppInfo, Context, NodeKind, Records};
use crate::okta::{OktaClient, OktaError};
use chrono::{DateTime, Duration, FixedOffset};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};

/// Progress events for whoever shows them (the CLI draws bars; tests ignore them).
pub trait Reporter: Send + Sync {
    fn step_started(&self, _step: &str) {}
    /// `items` read so far by the step; `api` is the client's running totals (calls, waits) for context.
    fn step_items(&self, _step: &str, _items: u64, _api: &crate::okta::BucketStats) {}
    fn step_finished(&self, _step: &str, _outcome: &StepOutcome) {}
}

/// A reporter that shows nothing.
pub struct Silent;
impl Reporter for Silent {}

/// How one step ended.
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    pub name: &'static str,
    /// Every call the step needed succeeded (objects deleted mid-sync excepted): its types may be swept.
    pub complete: bool,
    /// Skipped for lack of permission (a warning, not a failure).
    pub forbidden: bool,
    /// Okta refused the credentials.
    pub auth_failed: bool,
    pub items: u64,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

/// What the collector was asked to do.
pub struct CollectOptions {
    /// Steps to run; the others are neither collected nor swept.
    pub enabled: BTreeSet<StepId>,
    /// Concurrent per-object calls within a step.
    pub concurrency: usize,
    /// The sync's time; the System Log window is the 90 days before it.
    pub now: DateTime<FixedOffset>,
    /// The account node's current properties in the graph: what the token cannot read this time (support
    /// status, org settings) is carried over from here instead of being erased (SPEC §4 rule 5).
    pub previous_account: crate::model::Props,
}

/// Everything a finished collection reports.
pub struct CollectResult {
    pub outcomes: BTreeMap<StepId, StepOutcome>,
    /// The start of the System Log window this sync read.
    pub window_start: DateTime<FixedOffset>,
}

/// What later steps need from earlier ones: ids and a few attributes, never whole objects.
#[derive(Default)]
struct Shared {
    users: Vec<(String, bool)>, // (id, deprovisioned)
    groups: Vec<GroupBrief>,
    apps: Vec<AppInfo>,
    group_kinds: HashMap<String, &'static NodeKind>,
}

#[derive(Clone)]
struct GroupBrief {
    id: String,
    kind: &'static NodeKind,
    users_count: Option<i64>,
    has_admin: bool,
    everyone: bool,
}

pub struct Collector {
    client: OktaClient,
    ctx: Context,
    tx: mpsc::Sender<Records>,
    cancel: watch::Receiver<bool>,
    reporter: Arc<dyn Reporter>,
    opts: CollectOptions,
    shared: Mutex<Shared>,
    done: HashMap<StepId, watch::Sender<Option<bool>>>,
}

/// System Log retention (SPEC §4 rule 4).
pub const LOG_WINDOW_DAYS: i64 = 90;

type StepResult = Result<(), StepFailure>;

/// Why a step could not complete.
enum StepFailure {
    Okta(OktaError),
    Interrupted,
    WriterGone,
    Dependency(Vec<&'static str>),
}

impl Collector {
    pub fn new(
        client: OktaClient,
        ctx: Context,
        tx: mpsc::Sender<Records>,
        cancel: watch::Receiver<bool>,
        reporter: Arc<dyn Reporter>,
        opts: CollectOptions,
    ) -> Collector {
        let done = STEPS.iter().map(|s| (s.id, watch::channel(None).0)).collect();
        Collector { client, ctx, tx, cancel, reporter, opts, shared: Mutex::new(Shared::default()), done }
    }

    /// Runs every enabled step, each as soon as its dependencies are done.
    pub async fn run(self) -> CollectResult {
        let window_start = self.opts.now - Duration::days(LOG_WINDOW_DAYS);
        let this = &self;
        let futures = STEPS.iter().filter(|s| this.opts.enabled.contains(&s.id)).map(|s| async move {
            let outcome = this.run_step(s, window_start).await;
            (s.id, outcome)
        });
        let outcomes: BTreeMap<StepId, StepOutcome> = futures::future::join_all(futures).await.into_iter().collect();
        CollectResult { outcomes, window_start }
    }

    async fn run_step(&self, s: &'static StepDef, window_start: DateTime<FixedOffset>) -> StepOutcome {
        let mut outcome = StepOutcome { name: s.name, ..Default::default() };
        // Wait for dependencies (only those enabled: a disabled step's data comes from nowhere).
        let mut failed_deps = Vec::new();
        for d in s.depends_on {
            if !self.opts.enabled.contains(d) {
                continue;
            }
            let mut rx = self.done[d].subscribe();
            let ok = loop {
                if let Some(ok) = *rx.borrow_and_update() {
                    break ok;
                }
                if rx.changed().await.is_err() {
                    break false;
                }
            };
            if !ok {
                failed_deps.push(step(*d).name);
            }
        }
        self.reporter.step_started(s.name);
        let mut warnings = Vec::new();
        let result = if *self.cancel.borrow() {
            Err(StepFailure::Interrupted)
        } else {
            let r = self.collect(s.id, window_start, &mut outcome.items, &mut warnings).await;
            match (r, failed_deps.is_empty()) {
                (Ok(()), false) => Err(StepFailure::Dependency(failed_deps)),
                (r, _) => r,
            }
        };
        outcome.warnings = warnings;
        match result {
            Ok(()) => outcome.complete = true,
            Err(StepFailure::Okta(e)) if e.is_forbidden() && s.privileged => {
                outcome.forbidden = true;
                outcome.warnings.push(format!(
                    "{}: skipped, the token lacks permission ({}); existing data left as it was",
                    s.name,
                    e
                ));
            }
            Err(StepFailure::Okta(e)) => {
                outcome.auth_failed = e.is_auth();
                outcome.error = Some(e.to_string());
            }
            Err(StepFailure::Interrupted) => outcome.error = Some("interrupted".into()),
            Err(StepFailure::WriterGone) => outcome.error = Some("the graph writer stopped".into()),
            Err(StepFailure::Dependency(deps)) => {
                outcome.error = Some(format!("incomplete because {} did not complete", deps.join(", ")))
            }
        }
        let _ = self.done[&s.id].send(Some(outcome.complete));
        self.reporter.step_finished(s.name, &outcome);
        outcome
    }

    fn progress(&self, step: &str, items: u64) {
        self.reporter.step_items(step, items, &self.client.stats().total());
    }

    async fn send(&self, records: Records) -> StepResult {
        if records.is_empty() {
            return Ok(());
        }
        self.tx.send(records).await.map_err(|_| StepFailure::WriterGone)
    }

    fn check_cancel(&self) -> StepResult {
        if *self.cancel.borrow() {
            Err(StepFailure::Interrupted)
        } else {
            Ok(())
        }
    }

    async fn collect(&self, id: StepId, window_start: DateTime<FixedOffset>, items: &mut u64, warnings: &mut Vec<String>) -> StepResult {
        match id {
            StepId::Account => self.account(warnings).await,
            StepId::Users => self.users(items).await,
            StepId::Employees => Ok(()), // produced with the users, from the same list
            StepId::Groups => self.groups(items).await,
            StepId::Memberships => self.memberships(items).await,
            StepId::Applications => self.applications(items).await,
            StepId::AppAssignments => self.app_assignments(items).await,
            StepId::Factors => self.factors(items).await,
            StepId::Roles => self.roles(items).await,
            StepId::Rules => self.rules(items).await,
            StepId::SystemLog => self.system_log(window_start, items).await,
        }
    }

    /// Lists every page of a Link-paged endpoint, mapping and sending each page as it arrives, and reports
    /// the step's progress after each page.
    async fn each_page(&self, path: &str, step: &str, items: &mut u64, f: impl FnMut(&Value) -> Records) -> StepResult {
        self.pages(path, Some((step, items)), f).await.map(|_| ())
    }

    /// One object's sub-list (a group's members, an app's users or groups), page by page: each page becomes
    /// records and is sent before the next is read, so a 100,000-member group is never held whole. Returns
    /// the items seen. What was sent before an error stays written: it exists in Okta, and the failed step
    /// is incomplete, so nothing is swept on its account.
    async fn each_sub_page(&self, path: &str, f: impl FnMut(&Value) -> Records) -> Result<u64, StepFailure> {
        self.pages(path, None, f).await
    }

    async fn pages(&self, path: &str, mut progress: Option<(&str, &mut u64)>, mut f: impl FnMut(&Value) -> Records) -> Result<u64, StepFailure> {
        let mut pages = std::pin::pin!(self.client.list_pages::<Value>(path));
        let mut n = 0;
        while let Some(page) = pages.next().await {
            self.check_cancel()?;
            let page = page.map_err(StepFailure::Okta)?;
            let mut recs = Records::default();
            for item in &page {
                recs.extend(f(item));
            }
            n += page.len() as u64;
            if let Some((step, items)) = progress.as_mut() {
                **items += page.len() as u64;
                self.progress(step, **items);
            }
            self.send(recs).await?;
        }
        Ok(n)
    }

    async fn account(&self, warnings: &mut Vec<String>) -> StepResult {
        let org = match self.client.get_json::<Value>("/api/v1/org").await {
            Ok(v) => Some(v),
            Err(e) if e.is_forbidden() => {
                warnings.push(format!("account: org settings not readable ({e})"));
                None
            }
            Err(e) => return Err(StepFailure::Okta(e)),
        };
        let support = match self.client.get_json::<Value>("/api/v1/org/privacy/oktaSupport").await {
            Ok(v) => Some(v),
            Err(e) if e.is_forbidden() => {
                warnings.push(format!(
                    "account: Okta support access not readable without a super admin token ({e}); supportEnabled left as it was"
                ));
                None
            }
            Err(e) => return Err(StepFailure::Okta(e)),
        };
        let mut recs = model::services(&self.ctx);
        let mut account = model::account(&self.ctx, org.as_ref(), support.as_ref());
        let unread: &[&str] = match (org.is_none(), support.is_none()) {
            (true, true) => &[model::ORG_PROPS, model::SUPPORT_PROPS].concat(),
            (true, false) => model::ORG_PROPS,
            (false, true) => model::SUPPORT_PROPS,
            (false, false) => &[],
        };
        for k in unread {
            if let Some(v) = self.opts.previous_account.get(*k) {
                account.props.insert((*k).to_string(), v.clone());
            }
        }
        recs.nodes.insert(0, account);
        self.send(recs).await
    }

    async fn users(&self, items: &mut u64) -> StepResult {
        let mut ids = Vec::new();
        let employees = self.opts.enabled.contains(&StepId::Employees);
        let ctx = &self.ctx;
        // A plain list omits DEPROVISIONED users; a filtered list returns exactly them.
        for path in ["/api/v1/users?limit=200", "/api/v1/users?limit=200&filter=status%20eq%20%22DEPROVISIONED%22"] {
            self.each_page(path, "users", items, |u| {
                let Some(mut r) = model::user(ctx, u) else { return Records::default() };
                if let Some(id) = u.get("id").and_then(Value::as_str) {
                    ids.push((id.to_string(), u.get("status").and_then(Value::as_str) == Some("DEPROVISIONED")));
                }
                if !employees {
                    r.nodes.retain(|n| n.kind != &kinds::EMPLOYEE);
                    r.edges.retain(|e| e.kind != &kinds::USER_IS_EMPLOYEE);
                }
                r
            })
            .await?;
        }
        ids.sort();
        ids.dedup_by(|a, b| a.0 == b.0);
        self.shared.lock().expect("shared state").users = ids;
        Ok(())
    }

    async fn groups(&self, items: &mut u64) -> StepResult {
        let mut briefs = Vec::new();
        let ctx = &self.ctx;
        self.each_page("/api/v1/groups?limit=200&expand=stats", "groups", items, |g| {
            let Some(r) = model::group(ctx, g) else { return Records::default() };
            let stats = g.pointer("/_embedded/stats");
            briefs.push(GroupBrief {
                id: r.nodes[0].key.clone(),
                kind: r.nodes[0].kind,
                users_count: stats.and_then(|s| s.get("usersCount")).and_then(Value::as_i64),
                has_admin: stats.and_then(|s| s.get("hasAdminPrivlege")).and_then(Value::as_bool).unwrap_or(true),
                everyone: g.get("type").and_then(Value::as_str) == Some("BUILT_IN")
                    && g.pointer("/profile/name").and_then(Value::as_str) == Some("Everyone"),
            });
            r
        })
        .await?;
        let mut shared = self.shared.lock().expect("shared state");
        shared.group_kinds = briefs.iter().map(|b| (b.id.clone(), b.kind)).collect();
        shared.groups = briefs;
        Ok(())
    }

    fn group_kind(&self, id: &str) -> &'static NodeKind {
        self.shared.lock().expect("shared state").group_kinds.get(id).copied().unwrap_or(&kinds::USER_GROUP)
    }

    async fn memberships(&self, items: &mut u64) -> StepResult {
        let (groups, users) = {
            let s = self.shared.lock().expect("shared state");
            (s.groups.clone(), s.users.iter().map(|u| u.0.clone()).collect::<Vec<_>>())
        };
        // The BUILT_IN Everyone group holds every user: its edges come from the user list, without a call.
        for g in groups.iter().filter(|g| g.everyone) {
            for chunk in users.chunks(5000) {
                let edges = chunk.iter().map(|u| model::membership(&self.ctx, g.kind, &g.id, u)).collect();
                *items += chunk.len() as u64;
                self.send(Records { nodes: vec![], edges }).await?;
            }
        }
        // Groups whose stats say they are empty need no call.
        let todo: Vec<GroupBrief> = groups.into_iter().filter(|g| !g.everyone && g.users_count != Some(0)).collect();
        let ctx = &self.ctx;
        let mut stream = futures::stream::iter(todo)
            .map(|g| async move {
                let path = format!("/api/v1/groups/{}/users?limit=1000", g.id);
                let r = self
                    .each_sub_page(&path, |u| match u.get("id").and_then(Value::as_str) {
                        Some(uid) => Records { nodes: vec![], edges: vec![model::membership(ctx, g.kind, &g.id, uid)] },
                        None => Records::default(),
                    })
                    .await;
                (g, r)
            })
            .buffer_unordered(self.opts.concurrency);
        while let Some((g, r)) = stream.next().await {
            self.check_cancel()?;
            match r {
                Ok(n) => *items += n,
                Err(StepFailure::Okta(e)) if e.is_not_found() => {
                    tracing::debug!(group = %g.id, "group deleted during the sync; skipped");
                    continue;
                }
                Err(e) => return Err(e),
            }
            self.progress("memberships", *items);
        }
        Ok(())
    }

    async fn applications(&self, items: &mut u64) -> StepResult {
        let mut apps = Vec::new();
        let ctx = &self.ctx;
        self.each_page("/api/v1/apps?limit=200", "applications", items, |a| {
            if let Some(info) = AppInfo::from_app(a) {
                apps.push(info);
            }
            model::application(ctx, a).unwrap_or_default()
        })
        .await?;
        self.shared.lock().expect("shared state").apps = apps;
        Ok(())
    }

    async fn app_assignments(&self, items: &mut u64) -> StepResult {
        let apps = self.shared.lock().expect("shared state").apps.clone();
        let ctx = &self.ctx;
        let mut stream = futures::stream::iter(apps)
            .map(|app| async move {
                let r = async {
                    let users = format!("/api/v1/apps/{}/users?limit=500", app.id);
                    let mut n = self.each_sub_page(&users, |au| model::app_user(ctx, &app, au).unwrap_or_default()).await?;
                    let groups = format!("/api/v1/apps/{}/groups?limit=200", app.id);
                    n += self
                        .each_sub_page(&groups, |ag| {
                            let gid = ag.get("id").and_then(Value::as_str).unwrap_or_default();
                            model::app_group(ctx, &app, self.group_kind(gid), ag).unwrap_or_default()
                        })
                        .await?;
                    Ok::<u64, StepFailure>(n)
                }
                .await;
                (app, r)
            })
            .buffer_unordered(self.opts.concurrency);
        while let Some((app, r)) = stream.next().await {
            self.check_cancel()?;
            match r {
                Ok(n) => *items += n,
                Err(StepFailure::Okta(e)) if e.is_not_found() => {
                    tracing::debug!(app = %app.id, "application deleted during the sync; skipped");
                    continue;
                }
                Err(e) => return Err(e),
            }
            self.progress("app_assignments", *items);
        }
        Ok(())
    }

    async fn factors(&self, items: &mut u64) -> StepResult {
        let users: Vec<String> =
            self.shared.lock().expect("shared state").users.iter().filter(|u| !u.1).map(|u| u.0.clone()).collect();
        let mut stream = futures::stream::iter(users)
            .map(|uid| async move {
                let r = self.client.get_json::<Vec<Value>>(&format!("/api/v1/users/{uid}/factors")).await;
                (uid, r)
            })
            .buffer_unordered(self.opts.concurrency);
        let mut recs = Records::default();
        while let Some((uid, r)) = stream.next().await {
            self.check_cancel()?;
            match r {
                Ok(factors) => {
                    for f in &factors {
                        recs.extend(model::factor(&self.ctx, &uid, f).unwrap_or_default());
                    }
                }
                Err(e) if e.is_not_found() => tracing::debug!(user = %uid, "user deleted during the sync; skipped"),
                Err(e) => return Err(StepFailure::Okta(e)),
            }
            *items += 1;
            if recs.len() >= 2000 {
                self.progress("factors", *items);
                self.send(std::mem::take(&mut recs)).await?;
            }
        }
        self.progress("factors", *items);
        self.send(recs).await
    }

    async fn roles(&self, items: &mut u64) -> StepResult {
        // Only users with role assignments: the IAM assignees list names them (paged in the body).
        let assignees: Vec<String> = self
            .client
            .list_body_paged::<Value>("/api/v1/iam/assignees/users?limit=100")
            .map_ok(|v| v.get("id").and_then(Value::as_str).unwrap_or_default().to_string())
            .try_collect()
            .await
            .map_err(StepFailure::Okta)?;
        let mut recs = Records::default();
        for uid in assignees.iter().filter(|u| !u.is_empty()) {
            self.check_cancel()?;
            match self.client.get_json::<Vec<Value>>(&format!("/api/v1/users/{uid}/roles")).await {
                Ok(roles) => {
                    for r in &roles {
                        recs.extend(model::role_assignment(&self.ctx, &kinds::USER, uid, r).unwrap_or_default());
                    }
                    *items += roles.len() as u64;
                }
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(StepFailure::Okta(e)),
            }
        }
        let groups: Vec<GroupBrief> =
            self.shared.lock().expect("shared state").groups.iter().filter(|g| g.has_admin).cloned().collect();
        for g in groups {
            self.check_cancel()?;
            match self.client.get_json::<Vec<Value>>(&format!("/api/v1/groups/{}/roles", g.id)).await {
                Ok(roles) => {
                    for r in &roles {
                        recs.extend(model::role_assignment(&self.ctx, g.kind, &g.id, r).unwrap_or_default());
                    }
                    *items += roles.len() as u64;
                }
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(StepFailure::Okta(e)),
            }
        }
        self.progress("roles", *items);
        self.send(recs).await
    }

    async fn rules(&self, items: &mut u64) -> StepResult {
        let ctx = &self.ctx;
        self.each_page("/api/v1/groups/rules?limit=200", "rules", items, |r| {
            model::rule(ctx, r, |gid| self.group_kind(gid)).unwrap_or_default()
        })
        .await
    }

    async fn system_log(&self, window_start: DateTime<FixedOffset>, items: &mut u64) -> StepResult {
        // A bounded query (since and until) over the retention window: it ends, unlike a polling query.
        let since = window_start.to_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let until = self.opts.now.to_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let filter = "eventType eq \"application.lifecycle.create\" or eventType eq \"application.lifecycle.update\"";
        let path = format!(
            "/api/v1/logs?since={}&until={}&filter={}&limit=1000&sortOrder=ASCENDING",
            url_encode(&since),
            url_encode(&until),
            url_encode(filter)
        );
        // The earliest creation event per (actor, app) wins.
        let mut created: BTreeMap<(String, String), DateTime<FixedOffset>> = BTreeMap::new();
        let mut pages = std::pin::pin!(self.client.list_pages::<Value>(&path));
        while let Some(page) = pages.next().await {
            self.check_cancel()?;
            let page = page.map_err(StepFailure::Okta)?;
            *items += page.len() as u64;
            for e in &page {
                if let Some((actor, app, when)) = model::app_creation(e) {
                    created.entry((actor, app)).and_modify(|w| *w = (*w).min(when)).or_insert(when);
                }
            }
            self.progress("system_log", *items);
        }
        let edges = created.into_iter().map(|((actor, app), when)| model::created_edge(&self.ctx, &actor, &app, when)).collect();
        self.send(Records { nodes: vec![], edges }).await
    }
}

/// Percent-encodes a query parameter value.
pub fn url_encode(s: &str) -> String {
    // RFC 3986 unreserved characters stay as they are; every other byte is percent-encoded.
    const RESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}
