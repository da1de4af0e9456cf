//! Size and load checks for the simulator, run with the suite. They assert what does not depend on the
//! machine's speed (heap bytes, every request answered); the speed itself (generation time, requests per
//! second) is printed for a reader (`--nocapture`) and never asserted: timing belongs to the benchmark.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use okta_sim::*;

/// Counts live heap bytes so the test can weigh the org.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(n, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        System.dealloc(p, l)
    }
}
#[global_allocator]
static A: Counting = Counting;

/// The allocator counts the whole process: the tests take turns so one never weighs the other's bytes.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn mb(n: usize) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}

/// Users of the weighed org, and the most heap it may take: 10,000 users weighed 89 MB when this budget was
/// set (seed 1, the same in debug and release); the budget leaves 50% headroom, so a change that makes every
/// user much heavier fails here before it makes a 100k-user demo swap.
const USERS: usize = 10_000;
const HEAP_BUDGET: usize = 130_000_000;

#[test]
fn a_generated_org_stays_within_its_heap_budget() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Ordering::Relaxed);
    let t = Instant::now();
    let org = Org::generate(&OrgSpec { users: USERS, seed: 1 }, "http://127.0.0.1:0");
    let el = t.elapsed();
    let heap = LIVE.load(Ordering::Relaxed) - base;
    let memberships: usize = org.group_members.values().map(|m| m.len()).sum();
    let app_users: usize = org.app_users.values().map(|m| m.len()).sum();
    let factors: usize = org.factors.values().map(|f| f.len()).sum();
    println!(
        "generated {} users, {} groups ({memberships} memberships), {} apps ({app_users} app users), {factors} factors, {} log events in {el:?}; heap {}",
        org.users.len(),
        org.groups.len(),
        org.apps.len(),
        org.logs.len(),
        mb(heap)
    );
    assert_eq!(org.users.len(), USERS);
    assert!(memberships > 0 && app_users > 0 && factors > 0 && !org.logs.is_empty(), "every part is populated");
    let mut org = org;
    let report = |what: &str, org: &mut Org, f: &dyn Fn(&mut Org)| {
        let b = LIVE.load(Ordering::Relaxed);
        f(org);
        println!("  {what}: {}", mb(b.saturating_sub(LIVE.load(Ordering::Relaxed))));
    };
    report("factors", &mut org, &|o| o.factors.clear());
    report("app_users", &mut org, &|o| o.app_users.clear());
    report("group_members", &mut org, &|o| o.group_members.clear());
    report("logs", &mut org, &|o| o.logs.clear());
    report("users", &mut org, &|o| o.users.clear());
    assert!(heap < HEAP_BUDGET, "{USERS} users take {} of heap, over the budget of {}", mb(heap), mb(HEAP_BUDGET));
}

/// Many concurrent clients on one endpoint: every request is answered 200 with a complete body (no
/// dropped connection, no spurious 429 with rate limits off). The rate is printed, not asserted.
#[test]
fn concurrent_requests_are_all_answered() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(answer_concurrent_requests());
}

async fn answer_concurrent_requests() {
    let org = Org::generate(&OrgSpec { users: 200, seed: 1 }, "http://127.0.0.1:0");
    let s = SimServer::start(org, SimOptions { rate_limits: false, concurrency_limit: 1000, ..SimOptions::default() }).await.unwrap();
    let uid = s.org().read().await.users.keys().next().unwrap().clone();
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/users/{uid}/factors", s.base_url());
    let tok = s.super_admin_token();
    let (n, workers) = (2_000, 32);
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (client, url, tok) = (client.clone(), url.clone(), tok.clone());
        tasks.push(tokio::spawn(async move {
            let mut answered = 0;
            for _ in (w..n).step_by(workers) {
                let r = client.get(&url).header("Authorization", format!("SSWS {tok}")).send().await.unwrap();
                assert_eq!(r.status(), 200);
                let body: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).expect("a whole JSON body");
                assert!(body.is_array());
                answered += 1;
            }
            answered
        }));
    }
    let mut answered = 0;
    for t in tasks {
        answered += t.await.unwrap();
    }
    let el = t.elapsed();
    println!("{n} requests in {el:?}: {:.0} req/s", n as f64 / el.as_secs_f64());
    assert_eq!(answered, n);
    s.shutdown().await;
}
