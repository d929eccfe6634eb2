//! Build footprint: a crate that talks to one provider compiles nothing of the others.
//!
//! The closure is computed from `Cargo.lock` (every dependency kind of the workspace members,
//! normal and build dependencies of registry crates), so it over-approximates what
//! `cargo build -p <crate>` compiles: if a forbidden crate is absent here, it is absent there.

use std::collections::{BTreeMap, BTreeSet};

use crate::TestResult;

fn lock_graph() -> Result<BTreeMap<String, Vec<String>>, Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    let text = std::fs::read_to_string(path)?;
    let mut graph = BTreeMap::new();
    for block in text.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines() {
            let line = line.trim();
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_owned());
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line == "]" {
                in_deps = false;
            } else if in_deps {
                let dep = line.trim_end_matches(',').trim_matches('"');
                if let Some(dep_name) = dep.split_whitespace().next() {
                    deps.push(dep_name.to_owned());
                }
            }
        }
        if let Some(name) = name {
            graph.entry(name).or_insert_with(Vec::new).extend(deps);
        }
    }
    Ok(graph)
}

fn closure(graph: &BTreeMap<String, Vec<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_owned()];
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(graph.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

#[test]
fn idp_kinde_compiles_no_okta_authress_or_jwt_crate() -> TestResult {
    let graph = lock_graph()?;
    let kinde = closure(&graph, "idp-kinde");
    assert!(kinde.contains("idp-core"), "the lockfile graph was read");
    for forbidden in ["idp-okta", "idp-authress", "jsonwebtoken", "idp-testkit"] {
        assert!(!kinde.contains(forbidden), "idp-kinde pulls {forbidden}");
    }
    Ok(())
}

#[test]
fn each_provider_stands_alone() -> TestResult {
    let graph = lock_graph()?;
    for (provider, others) in [
        ("idp-okta", ["idp-authress", "idp-kinde"]),
        ("idp-authress", ["idp-okta", "idp-kinde"]),
        ("idp-kinde", ["idp-okta", "idp-authress"]),
    ] {
        let deps = closure(&graph, provider);
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
