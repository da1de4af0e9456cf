use super::figures::*;
use crate::child::{BucketFig, ChildReport, CountFig};
use std::collections::BTreeMap;

fn step(mode: &str, calls: &[(&str, u64)], counts: CountFig) -> Step {
    let buckets = calls.iter().map(|(b, n)| (b.to_string(), BucketFig { requests: *n, ..Default::default() })).collect();
    let report = ChildReport {
        mode: mode.into(),
        buckets,
        counts: BTreeMap::from([("User".to_string(), counts), ("MEMBER_OF".to_string(), counts)]),
        ..Default::default()
    };
    Step { report, ..Default::default() }
}

fn result(incremental_calls: u64, no_change_calls: u64, after: CountFig) -> IncrementalResult {
    IncrementalResult {
        full: step("full", &[("users", 150_000), ("apps", 50_000)], CountFig { created: 10, ..Default::default() }),
        churn: Churn { changes: 1000, ..Default::default() },
        incremental: step("incremental", &[("users", incremental_calls - 10), ("logs", 10)], CountFig { updated: 3, ..Default::default() }),
        no_change: step("incremental", &[("logs", no_change_calls)], CountFig { unchanged: 5, ..Default::default() }),
        full_after: step("full", &[("users", 150_000), ("apps", 50_000)], after),
        ..Default::default()
    }
}

fn verdicts(r: &IncrementalResult) -> Vec<Option<bool>> {
    r.targets().iter().map(|t| t.pass).collect()
}

#[test]
fn ratios_and_verdicts_at_and_beyond_the_targets() {
    // 10,000 of 200,000 calls is exactly 0.05; 2,000 is exactly 0.01.
    let r = result(10_000, 2_000, CountFig { unchanged: 7, ..Default::default() });
    assert_eq!(r.incremental_ratio(), 0.05);
    assert_eq!(r.no_change_ratio(), 0.01);
    assert_eq!(r.calls_per_change(), 10.0);
    assert_eq!(verdicts(&r), [Some(true), Some(true), Some(true)]);
    assert_eq!(r.targets()[0].figure, "0.0500 (10000 / 200000 calls, incremental mode)");

    let r = result(10_001, 2_001, CountFig { unchanged: 7, ..Default::default() });
    assert_eq!(verdicts(&r), [Some(false), Some(false), Some(true)]);
}

#[test]
fn any_change_by_the_full_sync_afterwards_fails() {
    // Undeleted counts as a change as much as created/updated/deleted; two types × 1 each.
    let r = result(100, 10, CountFig { undeleted: 1, unchanged: 9, ..Default::default() });
    assert_eq!(r.full_after.changes(), 2);
    assert_eq!(verdicts(&r), [Some(true), Some(true), Some(false)]);
    // So does a difference only the database fingerprints see.
    let mut r = result(100, 10, CountFig::default());
    r.full_after_rels.removed = 1;
    assert_eq!(r.full_after_differences(), 1);
    assert_eq!(r.targets()[2].pass, Some(false));
    assert!(r.targets()[2].figure.ends_with("deleted 0 / 1"), "{}", r.targets()[2].figure);
}

#[test]
fn a_sync_in_the_wrong_mode_fails_its_target() {
    // A "re-sync" that fell back to full would not measure the incremental path, however few its calls.
    let mut r = result(100, 10, CountFig::default());
    r.no_change.report.mode = "full".into();
    r.full_after.report.mode = "incremental".into();
    assert_eq!(verdicts(&r), [Some(true), Some(false), Some(false)]);
    // No full-sync calls (it failed before reading): a ratio of 0, not a division by zero.
    assert_eq!(ratio(5, 0), 0.0);
}
