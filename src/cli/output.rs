//! Human output on stdout: the sync summary and query results.

use super::args::OutputFormat;
use crate::graph::TypeCounts;
use crate::queries::QueryResult;
use crate::sync::SyncSummary;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use serde_json::Value;

pub(crate) fn print_summary(s: &SyncSummary) {
    println!(
        "\n{} ({}) {} sync {}: {} in {:.1}s",
        s.account_name,
        s.account_key,
        s.mode.as_str(),
        s.status.as_str(),
        s.run_id,
        s.duration.as_secs_f64()
    );
    println!("{} sync: {}", s.mode.as_str(), s.mode_reason);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(vec!["type", "created", "updated", "unchanged", "deleted", "undeleted"]);
    let mut total = TypeCounts::default();
    for (ty, c) in &s.counts {
        total.add(c);
        t.add_row(row(ty, c));
    }
    t.add_row(row("total", &total));
    println!("{t}");

    let mut api = Table::new();
    api.load_preset(UTF8_FULL_CONDENSED);
    api.set_header(vec!["Okta bucket", "calls", "429s", "retries", "rate-limit wait (s)"]);
    for (bucket, b) in &s.api.buckets {
        api.add_row(vec![
            Cell::new(format!("{bucket:?}").to_lowercase()),
            num(b.requests),
            num(b.rate_limited),
            num(b.retries),
            Cell::new(format!("{:.1}", b.rate_limit_wait_ms as f64 / 1000.0)).set_alignment(CellAlignment::Right),
        ]);
    }
    let tot = s.api.total();
    api.add_row(vec![Cell::new("total"), num(tot.requests), num(tot.rate_limited), num(tot.retries), Cell::new("")]);
    println!("{api}");
    let incomplete: Vec<&str> = s.steps.iter().filter(|o| !o.complete).map(|o| o.name).collect();
    if !incomplete.is_empty() {
        println!("incomplete steps (not swept): {}", incomplete.join(", "));
    }
    for w in &s.warnings {
        println!("warning: {w}");
    }
}

fn row(name: &str, c: &TypeCounts) -> Vec<Cell> {
    vec![Cell::new(name), num(c.created), num(c.updated), num(c.unchanged), num(c.deleted), num(c.undeleted)]
}

fn num(n: u64) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

pub(crate) fn print_rows(r: &QueryResult, format: OutputFormat) {
    match format {
        OutputFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&Value::Array(r.objects())).unwrap_or_default());
        }
        OutputFormat::Csv => {
            println!("{}", r.columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
            for row in &r.rows {
                println!("{}", row.iter().map(|v| csv_field(&plain(v))).collect::<Vec<_>>().join(","));
            }
        }
        OutputFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header(r.columns.clone());
            for row in &r.rows {
                t.add_row(row.iter().map(plain).collect::<Vec<_>>());
            }
            println!("{t}");
            println!("{} rows", r.rows.len());
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
