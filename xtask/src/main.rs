//! Project automation (the xtask pattern): `cargo xtask ci | coverage | bench`.
//!
//! - `ci`: what CI runs — fmt check, clippy `-D warnings`, each facade feature alone, tests, docs,
//!   and benchmarks compiled (not run).
//! - `coverage`: each provider's operation table against `shared/specs/`; fails on any difference.
//! - `bench`: runs the criterion benchmarks and the memory probe, and prints one table.
//! - `bench cpu [options]`: the client's CPU per call and per item, client and server in separate
//!   pinned processes, idp beside hand-written reqwest 0.12 and 0.13 clients, with instruction
//!   counts under valgrind (`tests/benches/cpu/mod.rs`; `--help` there lists the options).
//! - `bench bulk [--users N]`: bulk assignments against the Okta fake's rate limits, naive and
//!   governed (`bench_bulk.rs`).
//! - `mutants [options]`: cargo-mutants over idp-core and the providers' rule rooms with the
//!   workspace's tests, on a private warm copy of the tree (`mutants.rs`; `--help` lists options).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod bench_bulk;
mod mutants;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("coverage") => coverage().map(|_| ()),
        Some("bench") if args.get(1).is_some_and(|a| a == "cpu") => bench::cpu(&args[2..]),
        Some("bench") if args.get(1).is_some_and(|a| a == "bulk") => bench_bulk::run(&args[2..]),
        Some("bench") => bench::run(&root()),
        Some("mutants") => mutants::run(&root(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|coverage|bench [cpu [options] | bulk [--users N]] | mutants [options]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Runs `cargo <args>` at the root, with extra environment; fails on a non-zero exit.
pub(crate) fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("\n==> cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    for feature in ["okta", "authress", "kinde"] {
        cargo(
            &[
                "check",
                "-p",
                "idp",
                "--no-default-features",
                "--features",
                feature,
            ],
            &[],
        )?;
    }
    cargo(&["check", "-p", "idp", "--no-default-features"], &[])?;
    cargo(&["test", "--workspace"], &[])?;
    cargo(
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    if idp_test_support::shared_dir(env!("CARGO_MANIFEST_DIR")).is_some() {
        coverage()?;
    } else {
        println!(
            "\n!!! shared/ (with specs/) is not beside the checkout: the coverage map is SKIPPED !!!"
        );
    }
    cargo(
        &["bench", "-p", "idp-tests", "--bench", "sdk", "--no-run"],
        &[],
    )?;
    println!("\nxtask ci: all checks passed");
    Ok(())
}

/// A provider: its name, its spec file and its operation table.
struct ProviderTable {
    name: &'static str,
    spec: &'static str,
    ops: &'static [idp_core::OperationInfo],
}

fn tables() -> Vec<ProviderTable> {
    vec![
        ProviderTable {
            name: "Okta",
            spec: "okta-management-subset.yaml",
            ops: idp_okta::OPERATIONS,
        },
        ProviderTable {
            name: "Authress",
            spec: "authress-connections-subset.yaml",
            ops: idp_authress::OPERATIONS,
        },
        ProviderTable {
            name: "Kinde",
            spec: "kinde-connections-subset.yaml",
            ops: idp_kinde::OPERATIONS,
        },
    ]
}

type Row = (String, String, String);

fn spec_rows(shared: &Path, file: &str) -> Result<BTreeSet<Row>, String> {
    let text = std::fs::read_to_string(shared.join("specs").join(file))
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    let spec: serde_json::Value =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("cannot parse {file}: {e}"))?;
    Ok(idp_test_support::spec_operations(&spec)
        .into_iter()
        .map(|(m, p, id)| (id, m, p))
        .collect())
}

/// Prints the coverage map; returns the number of covered operations.
fn coverage() -> Result<usize, String> {
    let shared = idp_test_support::shared_dir(env!("CARGO_MANIFEST_DIR"))
        .ok_or("shared/ (with specs/) not found beside the checkout")?;
    let mut covered = 0;
    let mut problems = Vec::new();
    println!(
        "\n{:<10} {:<55} {:<7} path",
        "provider", "operationId", "method"
    );
    for table in tables() {
        let spec = spec_rows(&shared, table.spec)?;
        let ours: BTreeSet<Row> = table
            .ops
            .iter()
            .map(|o| {
                (
                    o.id.to_owned(),
                    o.method.as_str().to_owned(),
                    o.path.to_owned(),
                )
            })
            .collect();
        for row in &spec {
            let mark = if ours.contains(row) { "ok" } else { "MISSING" };
            println!(
                "{:<10} {:<55} {:<7} {} {mark}",
                table.name, row.0, row.1, row.2
            );
        }
        for extra in ours.difference(&spec) {
            problems.push(format!(
                "{}: {} {} {} is not in the spec",
                table.name, extra.0, extra.1, extra.2
            ));
        }
        let hit = spec.intersection(&ours).count();
        covered += hit;
        println!("{}: {hit}/{} operations", table.name, spec.len());
        if hit != spec.len() {
            problems.push(format!(
                "{}: {hit}/{} operations implemented",
                table.name,
                spec.len()
            ));
        }
    }
    if problems.is_empty() {
        Ok(covered)
    } else {
        Err(problems.join("\n"))
    }
}
