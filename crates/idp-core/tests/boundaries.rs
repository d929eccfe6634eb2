//! What `idp-core` must not know: no provider's header names or rules in its sources, and no test
//! or spec tooling (`serde_yaml_ng`, the `shared/` folder) in its published dependency tree.
//! Also the size rule of its rooms: no function above ~80 lines.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `.rs` file below `src/`, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path, text));
                }
            }
        }
    }
    out
}

#[test]
fn core_sources_name_no_provider_header_or_rule() {
    let files = sources();
    assert!(files.len() > 15, "the sources were not found");
    assert!(
        files.iter().any(|(p, _)| p.ends_with("client/attempts.rs")),
        "nested modules are read"
    );
    // Header families and rules that belong to one provider (Okta `X-Rate-Limit-*`,
    // `X-Okta-*`; Kinde's IETF-draft `RateLimit-*`; Authress has only `Retry-After`).
    let banned = [
        "x-rate-limit",
        "x-okta",
        "ratelimit-",
        "okta.com",
        "kinde.com",
        "authress.io",
    ];
    let mut found = Vec::new();
    for (path, text) in &files {
        let lower = text.to_ascii_lowercase();
        for b in banned {
            if lower.contains(b) {
                found.push(format!("{}: {b}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "provider knowledge in idp-core: {found:?}"
    );
}

#[test]
fn core_sources_know_nothing_of_shared_or_specs() {
    for (path, text) in sources() {
        for b in ["IDP_SHARED_DIR", "serde_yaml", "shared/specs", "../shared"] {
            assert!(!text.contains(b), "{} mentions {b}", path.display());
        }
    }
}

#[test]
fn published_dependency_tree_has_no_test_tooling() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["tree", "-p", "idp-core", "-e", "normal", "--prefix", "none"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => panic!("cargo tree failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cargo tree could not run: {e}"),
    };
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.contains("reqwest"),
        "not the tree of idp-core:\n{tree}"
    );
    for banned in ["serde_yaml_ng", "idp-test-support", "httpmock", "proptest"] {
        assert!(
            !tree.contains(banned),
            "{banned} in idp-core's tree:\n{tree}"
        );
    }
}

/// The longest function body of a source text, in lines, with its first line. A function starts at
/// a line whose code begins with `fn`/`pub fn`/`async fn`… and runs to the brace that closes it.
fn longest_function(text: &str) -> (usize, String) {
    let lines: Vec<&str> = text.lines().collect();
    let mut best = (0, String::new());
    let mut i = 0;
    while i < lines.len() {
        let code = lines[i].trim_start();
        let is_fn = code
            .split_whitespace()
            .take_while(|w| *w != "fn")
            .all(|w| matches!(w, "pub" | "pub(crate)" | "async" | "const" | "unsafe"))
            && code.split_whitespace().any(|w| w == "fn")
            && !code.starts_with("//");
        if !is_fn {
            i += 1;
            continue;
        }
        let (mut depth, mut opened, mut j) = (0i32, false, i);
        while j < lines.len() {
            for c in lines[j].chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break,
                    _ => {}
                }
            }
            if (opened && depth <= 0) || (!opened && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        let len = j + 1 - i;
        if len > best.0 {
            best = (len, lines[i].trim().to_owned());
        }
        i += 1;
    }
    best
}

#[test]
fn no_core_function_is_longer_than_eighty_lines() {
    for (path, text) in sources() {
        // Test modules are not rooms of the pipeline.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let (len, head) = longest_function(code);
        assert!(len <= 80, "{}: `{head}` is {len} lines", path.display());
    }
}

#[test]
fn the_function_measure_sees_a_long_function() {
    let body: String = (0..90).map(|i| format!("    let x{i} = {i};\n")).collect();
    let text = format!("fn long() {{\n{body}}}\nfn short() {{}}\n");
    assert_eq!(longest_function(&text).0, 92);
}
