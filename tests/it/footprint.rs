//! Build footprint: a crate that talks to one provider compiles nothing of the others.
//!
//! The closure is what `cargo tree -p <crate> -e normal,build` reports: the crates a user's
//! `cargo build` compiles for it (dev-dependencies such as the testkit, which the provider crates'
//! own tests use, are not part of a user's build).

use std::collections::BTreeSet;

use crate::TestResult;

fn closure(package: &str) -> Result<BTreeSet<String>, Box<dyn std::error::Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            package,
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

#[test]
fn idp_kinde_compiles_no_okta_authress_or_jwt_crate() -> TestResult {
    let kinde = closure("idp-kinde")?;
    assert!(kinde.contains("idp-core"), "the lockfile graph was read");
    for forbidden in ["idp-okta", "idp-authress", "jsonwebtoken", "idp-testkit"] {
        assert!(!kinde.contains(forbidden), "idp-kinde pulls {forbidden}");
    }
    Ok(())
}

#[test]
fn each_provider_stands_alone() -> TestResult {
    for (provider, others) in [
        ("idp-okta", ["idp-authress", "idp-kinde"]),
        ("idp-authress", ["idp-okta", "idp-kinde"]),
        ("idp-kinde", ["idp-okta", "idp-authress"]),
    ] {
        let deps = closure(provider)?;
        for other in others {
            assert!(!deps.contains(other), "{provider} pulls {other}");
        }
        assert!(
            !deps.contains("idp-testkit"),
            "{provider} pulls the testkit"
        );
    }
    Ok(())
}

/// Unique crates (name and version) a user's build of `package` compiles.
fn count(package: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            package,
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()?;
    let crates: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some(format!("{} {}", parts.next()?, parts.next()?))
        })
        .collect();
    Ok(crates.len())
}

/// Issue 16's budgets, set just above today's counts (idna_adapter 1.1 in Cargo.lock) so that a
/// new dependency fails here: idp-kinde 91, idp-okta 108, idp-authress 104, facade 111.
#[test]
fn crate_counts_stay_within_budget() -> TestResult {
    for (package, budget) in [
        ("idp-kinde", 93),
        ("idp-okta", 110),
        ("idp-authress", 106),
        ("idp", 113),
    ] {
        let n = count(package)?;
        assert!(
            n <= budget,
            "{package} compiles {n} crates (budget {budget})"
        );
    }
    Ok(())
}
