//! Size and throughput checks for the simulator. Ignored by default (run them in release mode):
//! `cargo test --release --test sim_bench -- --ignored --nocapture`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use okta_sim::*;

/// Counts live heap bytes so the benchmark can report the org's size.
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

fn mb(n: usize) -> String {
    format!("{:.0} MB", n as f64 / 1e6)
}

#[test]
#[ignore]
fn generate_100k_users() {
    let t = Instant::now();
    let org = Org::generate(&OrgSpec { users: 100_000, seed: 1 }, "http://127.0.0.1:0");
    let el = t.elapsed();
    let memberships: usize = org.group_members.values().map(|m| m.len()).sum();
    let app_users: usize = org.app_users.values().map(|m| m.len()).sum();
    let factors: usize = org.factors.values().map(|f| f.len()).sum();
    println!(
        "generated {} users, {} groups ({} memberships), {} apps ({} app users), {} factors, {} log events in {:?}",
        org.users.len(),
        org.groups.len(),
        memberships,
        org.apps.len(),
        app_users,
        factors,
        org.logs.len(),
        el
    );
    println!("live heap {} (peak {})", mb(LIVE.load(Ordering::Relaxed)), mb(PEAK.load(Ordering::Relaxed)));
    let mut org = org;
    let before = LIVE.load(Ordering::Relaxed);
    let report = |what: &str, org: &mut Org, f: &dyn Fn(&mut Org)| {
        let b = LIVE.load(Ordering::Relaxed);
        f(org);
        println!("  {what}: {}", mb(b - LIVE.load(Ordering::Relaxed)));
    };
    report("factors", &mut org, &|o| o.factors.clear());
    report("app_users", &mut org, &|o| o.app_users.clear());
    report("group_members", &mut org, &|o| o.group_members.clear());
    report("logs", &mut org, &|o| o.logs.clear());
    report("users", &mut org, &|o| o.users.clear());
    println!("  rest: {} (of {} before dropping parts)", mb(LIVE.load(Ordering::Relaxed)), mb(before));
    assert!(el.as_secs() < 10, "generation took {el:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn throughput() {
    let org = Org::generate(&OrgSpec { users: 2000, seed: 1 }, "http://127.0.0.1:0");
    let s = SimServer::start(org, SimOptions { rate_limits: false, concurrency_limit: 1000, ..SimOptions::default() })
        .await
        .unwrap();
    let uid = s.org().read().await.users.keys().next().unwrap().clone();
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/users/{uid}/factors", s.base_url());
    let tok = s.super_admin_token();
    let n = 20_000;
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..32 {
        let (client, url, tok) = (client.clone(), url.clone(), tok.clone());
        tasks.push(tokio::spawn(async move {
            for _ in (w..n).step_by(32) {
                let r = client.get(&url).header("Authorization", format!("SSWS {tok}")).send().await.unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let el = t.elapsed();
    println!("{n} requests in {el:?}: {:.0} req/s", n as f64 / el.as_secs_f64());
    s.shutdown().await;
}
