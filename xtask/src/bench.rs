//! `cargo xtask bench`: runs the criterion benchmarks (`tests/benches/sdk.rs`), the memory probe
//! and the build-footprint count, then prints one table of figures, baselines, ratios and the
//! DESIGN.md budgets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::cargo;

/// `(full benchmark id) -> mean time in nanoseconds`, read from criterion's output.
fn read_criterion(root: &Path) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.join("target").join("criterion")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.ends_with("new/benchmark.json") {
                let id = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                    .and_then(|v| v.get("full_id").and_then(|f| f.as_str()).map(str::to_owned));
                let mean = path
                    .parent()
                    .map(|p| p.join("estimates.json"))
                    .and_then(|p| std::fs::read_to_string(p).ok())
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                    .and_then(|v| {
                        v.pointer("/mean/point_estimate")
                            .and_then(serde_json::Value::as_f64)
                    });
                if let (Some(id), Some(mean)) = (id, mean) {
                    out.insert(id, mean);
                }
            }
        }
    }
    out
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn probe(root: &Path, n: usize) -> Result<u64, String> {
    let bin = root.join("target").join("release").join("mem-probe");
    let out = Command::new(&bin)
        .arg(n.to_string())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("peak_rss_kib="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("mem-probe {n} printed no figure: {text}"))
}

/// Unique crates (name and version) in a package's normal + build dependency tree.
fn crate_count(
    root: &Path,
    package: &str,
    extra: &[&str],
) -> Result<(usize, BTreeSet<String>), String> {
    let mut args = vec![
        "tree",
        "-p",
        package,
        "-e",
        "normal,build",
        "--prefix",
        "none",
    ];
    args.extend_from_slice(extra);
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(&args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    let names: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some(format!("{} {}", parts.next()?, parts.next()?))
        })
        .collect();
    Ok((names.len(), names))
}

/// `cargo xtask bench cpu [options]`: the client-CPU benchmark (`tests/benches/cpu/mod.rs`), run
/// through the `sdk` bench binary, which starts its own server and client processes.
pub(crate) fn cpu(options: &[String]) -> Result<(), String> {
    let mut args = vec!["bench", "-p", "idp-tests", "--bench", "sdk", "--", "cpu"];
    args.extend(options.iter().map(String::as_str));
    cargo(&args, &[])
}

/// Runs everything and prints the table.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    cargo(
        &[
            "build",
            "--release",
            "-p",
            "idp-tests",
            "--bin",
            "mem-probe",
        ],
        &[],
    )?;
    cargo(&["bench", "-p", "idp-tests", "--bench", "sdk"], &[])?;
    let m = read_criterion(root);
    let mut rows: Vec<(&str, f64, f64, f64)> = Vec::new();
    // (idp figure, baseline, what, budget ratio or NaN when informational)
    let pairs: [(&str, &str, &str, f64); 17] = [
        (
            "overhead/okta/idp",
            "overhead/okta/raw",
            "get Okta app user, sequential",
            1.10,
        ),
        (
            "overhead/authress/idp",
            "overhead/authress/raw",
            "get Authress connection",
            1.10,
        ),
        (
            "overhead/kinde/idp",
            "overhead/kinde/raw",
            "get Kinde connection",
            1.10,
        ),
        (
            "overhead64/okta/idp",
            "overhead64/okta/raw",
            "get Okta app user, 64 concurrent",
            1.10,
        ),
        (
            "list/okta100k/idp",
            "list/okta100k/raw",
            "list 100 000 Okta app users",
            1.10,
        ),
        (
            "list/authress10k/idp",
            "list/authress10k/raw",
            "list 10 000 Authress connections",
            1.10,
        ),
        (
            "list/kinde10k/idp",
            "list/kinde10k/raw",
            "list 10 000 Kinde connections",
            1.10,
        ),
        (
            "decode/okta500/idp",
            "decode/okta500/serde",
            "decode 500 Okta app users (same structs)",
            1.20,
        ),
        (
            "decode/okta500/idp",
            "decode/okta500/plain",
            "  … vs plain structs",
            f64::NAN,
        ),
        (
            "decode/okta500/idp",
            "decode/okta500/value",
            "  … vs serde_json::Value",
            f64::NAN,
        ),
        (
            "decode/authress1000/idp",
            "decode/authress1000/serde",
            "decode 1 000 Authress conns (same structs)",
            1.20,
        ),
        (
            "decode/authress1000/idp",
            "decode/authress1000/plain",
            "  … vs plain structs",
            f64::NAN,
        ),
        (
            "decode/authress1000/idp",
            "decode/authress1000/value",
            "  … vs serde_json::Value",
            f64::NAN,
        ),
        (
            "decode/kinde1000/idp",
            "decode/kinde1000/serde",
            "decode 1 000 Kinde conns (same structs)",
            1.20,
        ),
        (
            "decode/kinde1000/idp",
            "decode/kinde1000/plain",
            "  … vs plain structs",
            f64::NAN,
        ),
        (
            "decode/kinde1000/idp",
            "decode/kinde1000/value",
            "  … vs serde_json::Value",
            f64::NAN,
        ),
        (
            "auth/kinde/cached",
            "auth/kinde/static",
            "cached M2M token call vs static token call",
            f64::NAN,
        ),
    ];
    for (ours, base, what, budget) in pairs {
        if let (Some(a), Some(b)) = (m.get(ours), m.get(base)) {
            rows.push((what, *a, *b, budget));
        }
    }
    let small = probe(root, 1_000)?;
    let large = probe(root, 100_000)?;
    let (kinde_n, kinde_set) = crate_count(root, "idp-kinde", &[])?;
    let (okta_n, _) = crate_count(root, "idp-okta", &[])?;
    let (authress_n, _) = crate_count(root, "idp-authress", &[])?;
    let (facade_n, _) = crate_count(root, "idp", &[])?;
    let foreign: Vec<&String> = kinde_set
        .iter()
        .filter(|c| {
            c.starts_with("idp-okta ")
                || c.starts_with("idp-authress ")
                || c.starts_with("jsonwebtoken ")
        })
        .collect();

    println!(
        "\n{:<46} {:>12} {:>12} {:>7}  budget",
        "figure", "idp", "baseline", "ratio"
    );
    for (what, ours, base, budget) in rows {
        let ratio = ours / base;
        let verdict = if budget.is_nan() {
            "-".to_owned()
        } else if ratio <= budget {
            format!("≤ {budget:.2}× ok")
        } else {
            format!("≤ {budget:.2}× MISSED")
        };
        println!(
            "{what:<46} {:>12} {:>12} {ratio:>6.2}×  {verdict}",
            human(ours),
            human(base)
        );
    }
    for (id, ns) in m.iter().filter(|(id, _)| id.starts_with("sign/")) {
        println!("{:<46} {:>12} {:>12} {:>7}  -", id, human(*ns), "", "");
    }
    let mem_ratio = large as f64 / small.max(1) as f64;
    println!(
        "{:<46} {:>9} KiB {:>9} KiB {:>6.2}×  ≤ 1.50× {}",
        "peak RSS streaming 100 000 vs 1 000 items",
        large,
        small,
        mem_ratio,
        if mem_ratio <= 1.5 { "ok" } else { "MISSED" }
    );
    println!(
        "{:<46} {:>12} {:>12}",
        "crates compiled: idp-kinde / idp-okta", kinde_n, okta_n
    );
    println!(
        "{:<46} {:>12} {:>12}",
        "crates compiled: idp-authress / facade (all)", authress_n, facade_n
    );
    println!(
        "{:<46} {:>12}",
        "idp-kinde pulls Okta/Authress/JWT crates",
        if foreign.is_empty() {
            "no (ok)".to_owned()
        } else {
            format!("YES {foreign:?}")
        }
    );
    Ok(())
}
