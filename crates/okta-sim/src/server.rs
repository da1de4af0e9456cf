//! HTTP side of the simulator: auth, per-bucket rate limits, concurrency limit, faults, headers,
//! and the OAuth 2.0 token endpoint.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::{oneshot, RwLock};
use tokio::task::JoinHandle;

use super::api::{self, ApiErr, Ctx};
use super::generate::alnum;
use super::{ChurnReport, Faults, Org, SimOptions};

/// Counters kept by the server (see [`SimServer::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimStats {
    /// Every API request received (token endpoint excluded).
    pub requests_total: u64,
    /// Requests per rate-limit bucket: `users`, `groups`, `apps`, `logs`, `other`.
    pub requests_by_bucket: BTreeMap<String, u64>,
    /// 429s sent because a per-minute bucket was spent.
    pub rate_limited_429: u64,
    /// 429s sent for concurrency (real over-limit, or the injected `concurrency_429_rate`).
    pub concurrency_429: u64,
    /// Faults injected (5xx, slow, drop, malformed, concurrency 429, fail_paths).
    pub faults_injected: u64,
    pub faults_by_kind: BTreeMap<String, u64>,
    pub unauthorized_401: u64,
    pub forbidden_403: u64,
    pub not_found_404: u64,
    /// Calls to `POST /oauth2/v1/token`, and how many issued a token.
    pub token_requests: u64,
    pub tokens_issued: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    Users,
    Groups,
    Apps,
    Logs,
    Other,
}

impl Bucket {
    fn of(path: &str) -> Bucket {
        let p = path.strip_prefix("/api/v1").unwrap_or(path);
        let seg = p.trim_start_matches('/').split('/').next().unwrap_or("");
        match seg {
            "users" => Bucket::Users,
            "groups" => Bucket::Groups,
            "apps" => Bucket::Apps,
            "logs" => Bucket::Logs,
            _ => Bucket::Other,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Bucket::Users => "users",
            Bucket::Groups => "groups",
            Bucket::Apps => "apps",
            Bucket::Logs => "logs",
            Bucket::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
struct TokenInfo {
    super_admin: bool,
    /// `None` for SSWS tokens (all read scopes), the granted scopes for OAuth access tokens.
    scopes: Option<Vec<String>>,
    expires_ms: Option<i64>,
}

#[derive(Debug, Clone)]
struct OAuthClient {
    public_key_pem: String,
    scopes: Vec<String>,
    super_admin: bool,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    end_ms: f64,
    count: u32,
}

#[derive(Debug, Clone, Copy)]
struct RateInfo {
    limit: u32,
    remaining: u32,
    reset_ms: f64,
}

struct Shared {
    org: Arc<RwLock<Org>>,
    base_url: String,
    opts: SimOptions,
    faults: Mutex<Faults>,
    rng: Mutex<StdRng>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
    revoked: Mutex<std::collections::HashSet<String>>,
    clients: Mutex<HashMap<String, OAuthClient>>,
    windows: Mutex<HashMap<(String, Bucket), Window>>,
    inflight: AtomicUsize,
    stats: Mutex<SimStats>,
}

/// A running simulator bound to 127.0.0.1.
pub struct SimServer {
    shared: Arc<Shared>,
    super_token: String,
    readonly_token: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

fn ssws_token(rng: &mut impl Rng) -> String {
    format!("00{}", alnum(rng, 40))
}

impl SimServer {
    /// Binds 127.0.0.1:`opts.port` and serves `org` until [`SimServer::shutdown`].
    pub async fn start(mut org: Org, opts: SimOptions) -> std::io::Result<SimServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let port = listener.local_addr()?.port();
        let base_url = format!("http://127.0.0.1:{port}");
        org.base_url = base_url.clone();
        org.sort_logs();
        let mut rng = StdRng::from_entropy();
        let super_token = ssws_token(&mut rng);
        let readonly_token = ssws_token(&mut rng);
        let mut tokens = HashMap::new();
        tokens.insert(super_token.clone(), TokenInfo { super_admin: true, scopes: None, expires_ms: None });
        tokens.insert(readonly_token.clone(), TokenInfo { super_admin: false, scopes: None, expires_ms: None });
        let shared = Arc::new(Shared {
            org: Arc::new(RwLock::new(org)),
            base_url,
            faults: Mutex::new(opts.faults.clone()),
            rng: Mutex::new(StdRng::seed_from_u64(opts.faults.seed)),
            opts,
            tokens: Mutex::new(tokens),
            revoked: Mutex::new(Default::default()),
            clients: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
            inflight: AtomicUsize::new(0),
            stats: Mutex::new(SimStats::default()),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(SimServer { shared, super_token, readonly_token, shutdown: Some(tx), task })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// SSWS token of a super admin (every endpoint).
    pub fn super_admin_token(&self) -> String {
        self.super_token.clone()
    }

    /// SSWS token of a read-only admin: 403 E0000006 on roles endpoints and oktaSupport.
    pub fn readonly_token(&self) -> String {
        self.readonly_token.clone()
    }

    /// The live org; mutate it between syncs.
    pub fn org(&self) -> Arc<RwLock<Org>> {
        self.shared.org.clone()
    }

    /// Replaces the fault configuration (and reseeds the fault RNG with `f.seed`).
    pub fn set_faults(&self, f: Faults) {
        *self.shared.rng.lock().expect("rng") = StdRng::seed_from_u64(f.seed);
        *self.shared.faults.lock().expect("faults") = f;
    }

    /// Later calls with `token` (SSWS or Bearer) get 401 E0000011.
    pub fn revoke_token(&self, token: &str) {
        self.shared.revoked.lock().expect("revoked").insert(token.to_string());
    }

    /// [`Org::churn`] on the served org at the current time, as `POST /sim/churn` does.
    pub async fn churn(&self, fraction: f64, seed: u64) -> ChurnReport {
        self.shared.org.write().await.churn(fraction, seed, Utc::now())
    }

    pub fn stats(&self) -> SimStats {
        self.shared.stats.lock().expect("stats").clone()
    }

    /// Registers an OAuth service app that authenticates with `private_key_jwt` (RS256/ES256 key in
    /// PEM, SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`) and may be granted `scopes`.
    pub fn register_oauth_client(&self, client_id: &str, public_key_pem: &str, scopes: Vec<String>, super_admin: bool) {
        self.shared
            .clients
            .lock()
            .expect("clients")
            .insert(client_id.to_string(), OAuthClient { public_key_pem: public_key_pem.to_string(), scopes, super_admin });
    }

    /// Stops accepting connections and waits (at most 5 s) for in-flight ones.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        self.task.abort();
    }
}

struct InflightGuard<'a>(&'a AtomicUsize);
impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn error_body(code: &str, summary: &str) -> Value {
    let mut rng = rand::thread_rng();
    json!({
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": format!("oae{}", alnum(&mut rng, 22)),
        "errorCauses": [],
    })
}

fn http_date() -> String {
    Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

struct Out {
    status: u16,
    body: Body,
    content_type: &'static str,
    link: Option<String>,
    rate: Option<RateInfo>,
}

impl Out {
    fn json(status: u16, v: &Value) -> Out {
        Out { status, body: Body::from(v.to_string()), content_type: "application/json", link: None, rate: None }
    }
    fn err(e: &ApiErr) -> Out {
        Out::json(e.status, &error_body(e.code, &e.summary))
    }
}

fn finish(out: Out, request_id: &str, rate_headers: bool) -> Response {
    let mut resp = Response::new(out.body);
    *resp.status_mut() = StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    let mut put = |k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    put("date", &http_date());
    put("content-type", out.content_type);
    put("x-okta-request-id", request_id);
    if let Some(l) = &out.link {
        put("link", l);
    }
    if let (Some(r), true) = (out.rate, rate_headers) {
        put("x-rate-limit-limit", &r.limit.to_string());
        put("x-rate-limit-remaining", &r.remaining.to_string());
        put("x-rate-limit-reset", &((r.reset_ms / 1000.0).ceil() as i64).to_string());
        put("x-sim-rate-limit-reset-ms", &(r.reset_ms.ceil() as i64).to_string());
    }
    resp
}

impl Shared {
    fn bump(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut self.stats.lock().expect("stats"));
    }

    fn fault(&self, kind: &str) {
        self.bump(|s| {
            s.faults_injected += 1;
            *s.faults_by_kind.entry(kind.to_string()).or_default() += 1;
        });
    }

    /// Counts a request against (token, bucket); `Err` when the window's budget is spent.
    fn rate_limit(&self, token: &str, bucket: Bucket) -> Result<RateInfo, RateInfo> {
        let window_ms = 60_000.0 / self.opts.time_scale.max(1e-6);
        let now = now_ms();
        let mut ws = self.windows.lock().expect("windows");
        let w = ws.entry((token.to_string(), bucket)).or_insert(Window { end_ms: 0.0, count: 0 });
        if now >= w.end_ms {
            *w = Window { end_ms: now + window_ms, count: 0 };
        }
        let limit = if self.opts.rate_limits {
            let l = &self.opts.limits;
            let org_limit = match bucket {
                Bucket::Users => l.users,
                Bucket::Groups => l.groups,
                Bucket::Apps => l.apps,
                Bucket::Logs => l.logs,
                Bucket::Other => l.other,
            };
            ((org_limit as f64) * self.opts.token_share).floor().max(0.0) as u32
        } else {
            1_000_000
        };
        if w.count >= limit {
            return Err(RateInfo { limit, remaining: 0, reset_ms: w.end_ms });
        }
        w.count += 1;
        Ok(RateInfo { limit, remaining: limit - w.count, reset_ms: w.end_ms })
    }
}

fn parse_params(q: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.unwrap_or("").as_bytes()).into_owned().collect()
}

/// Scope a Bearer token needs for `path`, and whether a super admin is required.
fn access_for(path: &str) -> (&'static str, bool) {
    let p = path.strip_prefix("/api/v1").unwrap_or(path);
    let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["users", _, "roles", ..] | ["groups", _, "roles", ..] => ("okta.roles.read", true),
        ["iam", ..] => ("okta.roles.read", true),
        ["authenticators", ..] => ("okta.authenticators.read", false),
        ["devices", ..] => ("okta.devices.read", false),
        ["org", "privacy", "oktaSupport", ..] => ("okta.orgs.read", true),
        ["org", ..] => ("okta.orgs.read", false),
        ["users", ..] => ("okta.users.read", false),
        ["groups", ..] => ("okta.groups.read", false),
        ["apps", ..] => ("okta.apps.read", false),
        ["logs", ..] => ("okta.logs.read", false),
        ["policies", ..] => ("okta.policies.read", false),
        ["idps", ..] => ("okta.idps.read", false),
        ["trustedOrigins", ..] => ("okta.trustedOrigins.read", false),
        ["zones", ..] => ("okta.networkZones.read", false),
        ["meta", "types", "user", ..] => ("okta.userTypes.read", false),
        // Okta: API tokens, log streaming and event hooks are super admin only.
        ["api-tokens", ..] => ("okta.apiTokens.read", true),
        ["logStreams", ..] => ("okta.logStreams.read", true),
        ["eventHooks", ..] => ("okta.eventHooks.read", true),
        _ => ("okta.orgs.read", false),
    }
}

async fn handle(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    let request_id = {
        let mut rng = rand::thread_rng();
        alnum(&mut rng, 27)
    };
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    if path == "/oauth2/v1/token" {
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
        sh.bump(|s| s.token_requests += 1);
        let out = if parts.method == Method::POST {
            oauth_token(&sh, &bytes)
        } else {
            Out::json(405, &json!({"error": "invalid_request", "error_description": "Use POST."}))
        };
        let mut resp = finish(out, &request_id, false);
        resp.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
        return resp;
    }
    if path == "/sim/churn" {
        return sim_churn(&sh, &parts, body, &request_id).await;
    }
    let params = parse_params(parts.uri.query());
    let bucket = Bucket::of(&path);
    sh.bump(|s| {
        s.requests_total += 1;
        *s.requests_by_bucket.entry(bucket.name().to_string()).or_default() += 1;
    });
    let faults = sh.faults.lock().expect("faults").clone();
    let rate_headers = !faults.missing_rate_limit_headers;

    // concurrency limit
    let n = sh.inflight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InflightGuard(&sh.inflight);
    let conc_429 = |sh: &Shared| {
        sh.bump(|s| s.concurrency_429 += 1);
        let mut out = Out::json(429, &error_body("E0000047", "API call exceeded rate limit due to too many requests."));
        out.rate = Some(RateInfo { limit: 0, remaining: 0, reset_ms: now_ms() + 1000.0 });
        finish(out, &request_id, rate_headers)
    };
    if n > sh.opts.concurrency_limit {
        return conc_429(&sh);
    }

    // authentication
    let token = match authenticate(&sh, &parts.headers) {
        Some(t) => t,
        None => {
            sh.bump(|s| s.unauthorized_401 += 1);
            return finish(Out::err(&ApiErr::unauthorized()), &request_id, false);
        }
    };

    // per-minute rate limit per (token, bucket)
    let rate = match sh.rate_limit(&token.0, bucket) {
        Ok(r) => r,
        Err(r) => {
            sh.bump(|s| s.rate_limited_429 += 1);
            let mut out = Out::json(429, &error_body("E0000047", "API call exceeded rate limit due to too many requests."));
            out.rate = Some(r);
            return finish(out, &request_id, rate_headers);
        }
    };

    // faults, each drawn independently
    let (r_fail, r_kind, r_conc, r_slow, r_drop, r_mal) = {
        let mut rng = sh.rng.lock().expect("rng");
        (rng.gen::<f64>(), rng.gen::<f64>(), rng.gen::<f64>(), rng.gen::<f64>(), rng.gen::<f64>(), rng.gen::<f64>())
    };
    let with_rate = |mut o: Out| {
        o.rate = Some(rate);
        o
    };
    if faults.fail_paths.iter().any(|p| path.starts_with(p.as_str())) {
        sh.fault("fail_path");
        let out = Out::json(500, &error_body("E0000009", "Internal Server Error"));
        return finish(with_rate(out), &request_id, rate_headers);
    }
    if r_conc < faults.concurrency_429_rate {
        sh.fault("concurrency_429");
        return conc_429(&sh);
    }
    if r_fail < faults.error_5xx_rate {
        sh.fault("5xx");
        let out = if r_kind < 0.7 {
            Out::json(500, &error_body("E0000009", "Internal Server Error"))
        } else {
            let (code, text) = if r_kind < 0.85 { (502, "Bad Gateway") } else { (503, "Service Unavailable") };
            Out {
                status: code,
                body: Body::from(format!("<html><head><title>{code} {text}</title></head><body><h1>{text}</h1></body></html>")),
                content_type: "text/html",
                link: None,
                rate: None,
            }
        };
        return finish(with_rate(out), &request_id, rate_headers);
    }
    if r_slow < faults.slow_rate {
        sh.fault("slow");
        tokio::time::sleep(faults.slow_delay).await;
    }

    if parts.method != Method::GET {
        let e = ApiErr::new(405, "E0000022", "The endpoint does not support the provided HTTP method");
        return finish(with_rate(Out::err(&e)), &request_id, rate_headers);
    }

    // authorization
    let (scope, needs_super) = access_for(&path);
    let allowed = token.1.scopes.as_ref().is_none_or(|s| s.iter().any(|x| x == scope)) && (!needs_super || token.1.super_admin);
    if !allowed {
        sh.bump(|s| s.forbidden_403 += 1);
        return finish(with_rate(Out::err(&ApiErr::forbidden())), &request_id, rate_headers);
    }

    let result = {
        let org = sh.org.read().await;
        let ctx = Ctx { org: &org, base: &sh.base_url, path: &path, params: &params, now: Utc::now() };
        api::route(&ctx).map(|ok| (ok.body.to_string(), ok.link))
    };
    let (body, link) = match result {
        Ok(x) => x,
        Err(e) => {
            if e.status == 404 {
                sh.bump(|s| s.not_found_404 += 1);
            }
            return finish(with_rate(Out::err(&e)), &request_id, rate_headers);
        }
    };

    if r_drop < faults.drop_rate {
        sh.fault("drop");
        let head = bytes::Bytes::copy_from_slice(&body.as_bytes()[..body.len().min(16)]);
        // send the headers and a few bytes, then fail the body so hyper aborts the connection
        let stream = futures::stream::unfold(0u8, move |st| {
            let head = head.clone();
            async move {
                match st {
                    0 => Some((Ok::<_, std::io::Error>(head), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        Some((Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "simulated connection drop")), 2))
                    }
                    _ => None,
                }
            }
        });
        let out = Out { status: 200, body: Body::from_stream(stream), content_type: "application/json", link, rate: Some(rate) };
        return finish(out, &request_id, rate_headers);
    }
    if r_mal < faults.malformed_rate {
        sh.fault("malformed");
        let cut = body.len() / 2;
        let mut cut_at = cut.max(1).min(body.len());
        while !body.is_char_boundary(cut_at) {
            cut_at -= 1;
        }
        let out =
            Out { status: 200, body: Body::from(body[..cut_at].to_string()), content_type: "application/json", link, rate: Some(rate) };
        return finish(out, &request_id, rate_headers);
    }
    let out = Out { status: 200, body: Body::from(body), content_type: "application/json", link, rate: Some(rate) };
    finish(out, &request_id, rate_headers)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChurnRequest {
    #[serde(default = "default_fraction")]
    fraction: f64,
    #[serde(default = "default_seed")]
    seed: u64,
}

fn default_fraction() -> f64 {
    0.01
}
fn default_seed() -> u64 {
    1
}

/// `POST /sim/churn` (simulator control, not an Okta endpoint): [`Org::churn`] on the served org now.
/// Super-admin SSWS token only; neither rate limited, faulted nor counted in [`SimStats`].
async fn sim_churn(sh: &Shared, parts: &Parts, body: Body, request_id: &str) -> Response {
    let Some((_, token)) = authenticate(sh, &parts.headers) else {
        return finish(Out::err(&ApiErr::unauthorized()), request_id, false);
    };
    if !token.super_admin || token.scopes.is_some() {
        return finish(Out::err(&ApiErr::forbidden()), request_id, false);
    }
    if parts.method != Method::POST {
        let e = ApiErr::new(405, "E0000022", "The endpoint does not support the provided HTTP method");
        return finish(Out::err(&e), request_id, false);
    }
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let req = if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(ChurnRequest { fraction: default_fraction(), seed: default_seed() })
    } else {
        // an object only (serde would also read a struct from an array)
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => serde_json::from_value::<ChurnRequest>(v).map_err(|e| ApiErr::bad(format!("body: {e}"))),
            Ok(_) => Err(ApiErr::bad("body: a JSON object is expected")),
            Err(e) => Err(ApiErr::bad(format!("body: {e}"))),
        }
    };
    let req = match req {
        Ok(r) if r.fraction > 0.0 && r.fraction <= 1.0 => r,
        Ok(r) => return finish(Out::err(&ApiErr::bad(format!("fraction: {} is not in (0, 1]", r.fraction))), request_id, false),
        Err(e) => return finish(Out::err(&e), request_id, false),
    };
    let report = sh.org.write().await.churn(req.fraction, req.seed, Utc::now());
    finish(Out::json(200, &serde_json::to_value(report).expect("report serializes")), request_id, false)
}

/// Returns (token, info) for a valid, unrevoked, unexpired SSWS or Bearer token.
fn authenticate(sh: &Shared, headers: &HeaderMap) -> Option<(String, TokenInfo)> {
    let h = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, tok) = h.split_once(' ')?;
    let tok = tok.trim();
    let is_ssws = scheme.eq_ignore_ascii_case("SSWS");
    let is_bearer = scheme.eq_ignore_ascii_case("Bearer");
    if !is_ssws && !is_bearer {
        return None;
    }
    if sh.revoked.lock().expect("revoked").contains(tok) {
        return None;
    }
    let info = sh.tokens.lock().expect("tokens").get(tok).cloned()?;
    // SSWS tokens have no scopes list; Bearer tokens do. Do not accept one kind under the other scheme.
    if is_ssws != info.scopes.is_none() {
        return None;
    }
    if let Some(exp) = info.expires_ms {
        if (now_ms() as i64) >= exp {
            return None;
        }
    }
    Some((tok.to_string(), info))
}

fn oauth_err(status: u16, error: &str, desc: &str) -> Out {
    Out::json(status, &json!({"error": error, "error_description": desc}))
}

#[derive(serde::Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    exp: Option<i64>,
}

fn oauth_token(sh: &Shared, body: &[u8]) -> Out {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_err(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].",
        );
    }
    if form.get("client_assertion_type").map(String::as_str) != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return oauth_err(
            400,
            "invalid_request",
            "The client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
        );
    }
    let Some(assertion) = form.get("client_assertion") else {
        return oauth_err(400, "invalid_request", "The client_assertion parameter is required.");
    };
    let header = match jsonwebtoken::decode_header(assertion) {
        Ok(h) => h,
        Err(_) => return oauth_err(401, "invalid_client", "The client_assertion token is malformed."),
    };
    use jsonwebtoken::Algorithm::*;
    if !matches!(header.alg, RS256 | RS384 | RS512 | ES256 | ES384) {
        return oauth_err(401, "invalid_client", "The client_assertion signature algorithm is not supported.");
    }
    let claims: AssertionClaims = match jsonwebtoken::dangerous::insecure_decode::<AssertionClaims>(assertion) {
        Ok(d) => d.claims,
        Err(_) => return oauth_err(401, "invalid_client", "The client_assertion token is malformed."),
    };
    let Some(client_id) = claims.iss.clone() else {
        return oauth_err(401, "invalid_client", "The client_assertion token must have an iss claim.");
    };
    if let Some(cid) = form.get("client_id") {
        if *cid != client_id {
            return oauth_err(401, "invalid_client", "The client_id does not match the client_assertion issuer.");
        }
    }
    if claims.sub.as_deref() != Some(client_id.as_str()) {
        return oauth_err(401, "invalid_client", "The client_assertion token 'sub' claim must equal its 'iss' claim.");
    }
    let Some(client) = sh.clients.lock().expect("clients").get(&client_id).cloned() else {
        return oauth_err(401, "invalid_client", "The client_assertion token has an invalid issuer (unknown client).");
    };
    let key = match header.alg {
        ES256 | ES384 => jsonwebtoken::DecodingKey::from_ec_pem(client.public_key_pem.as_bytes()),
        _ => jsonwebtoken::DecodingKey::from_rsa_pem(client.public_key_pem.as_bytes()),
    };
    let Ok(key) = key else {
        return oauth_err(401, "invalid_client", "The client has no usable public key for this algorithm.");
    };
    let aud = format!("{}/oauth2/v1/token", sh.base_url);
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.set_audience(&[aud.as_str()]);
    v.set_issuer(&[client_id.as_str()]);
    v.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    v.leeway = 30;
    if let Err(e) = jsonwebtoken::decode::<Value>(assertion, &key, &v) {
        use jsonwebtoken::errors::ErrorKind as K;
        let desc = match e.kind() {
            K::ExpiredSignature => "The client_assertion token is expired.",
            K::InvalidAudience => "The audience claim for client_assertion must be the endpoint invoked for the request.",
            K::InvalidIssuer => "The issuer claim is invalid.",
            K::InvalidSignature => "The client_assertion signature is invalid.",
            _ => "The client_assertion token is invalid.",
        };
        return oauth_err(401, "invalid_client", desc);
    }
    let now_s = (now_ms() / 1000.0) as i64;
    if claims.exp.is_some_and(|exp| exp > now_s + 3600 + 30) {
        return oauth_err(401, "invalid_client", "The client_assertion token has an expiration too far in the future.");
    }
    let requested: Vec<String> = form.get("scope").map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    if requested.is_empty() {
        return oauth_err(
            400,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    let not_granted: Vec<&String> = requested.iter().filter(|s| !client.scopes.contains(s)).collect();
    if !not_granted.is_empty() {
        let list: Vec<&str> = not_granted.iter().map(|s| s.as_str()).collect();
        return oauth_err(400, "invalid_scope", &format!("The following scopes were requested, but not granted: {}", list.join(" ")));
    }
    let access_token = {
        let mut rng = rand::thread_rng();
        format!("eyJ{}", alnum(&mut rng, 80))
    };
    sh.tokens.lock().expect("tokens").insert(
        access_token.clone(),
        TokenInfo { super_admin: client.super_admin, scopes: Some(requested.clone()), expires_ms: Some(now_ms() as i64 + 3_600_000) },
    );
    sh.bump(|s| s.tokens_issued += 1);
    Out::json(200, &json!({"token_type": "Bearer", "expires_in": 3600, "access_token": access_token, "scope": requested.join(" ")}))
}
