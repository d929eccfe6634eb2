//! `okta.yaml`: the configuration files of Okta's official SDKs.
//!
//! Okta's Python SDK (`okta/constants.py`, `okta/config/config_setter.py`, v3.4.4) and Go SDK
//! (`okta/configuration.go`, v6) read `~/.okta/okta.yaml` and then `okta.yaml` in the current
//! directory, the later file winning, with the layout
//!
//! ```yaml
//! okta:
//!   client:
//!     orgUrl: https://acme.okta.com
//!     authorizationMode: PrivateKey      # SSWS (default), Bearer or PrivateKey
//!     token: "..."                        # SSWS / Bearer
//!     clientId: 0oa...                    # PrivateKey
//!     scopes: [okta.apps.read, okta.apps.manage]
//!     privateKey: |                       # PEM text, a JWK (JSON text or a YAML mapping), or a file path
//!       -----BEGIN PRIVATE KEY-----
//!       ...
//!     privateKeyId: kid-1                 # `kid` (Python) is read too
//!     connectionTimeout: 30               # seconds
//!     requestTimeout: 0                   # seconds, 0 = none
//!     rateLimit:
//!       maxRetries: 2
//! ```
//!
//! Environment variables win over both files (Go applies them after the files; Python's README
//! documents the same order, although its code applies the files last). Each key maps to the
//! `OKTA_CLIENT_*` variable of the same name, so files and variables are checked by the same
//! rules, and an error names the variable (`OKTA_CLIENT_ORGURL` for `okta.client.orgUrl`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use idp_core::{Error, Result};
use serde_yaml_ng::Value;

/// Okta's Python SDK refuses configuration files above 1 MiB (`config_setter.py`,
/// `MAX_CONFIG_SIZE`); so does this loader.
const MAX_FILE_SIZE: u64 = 1_048_576;

/// `okta.client` keys and the variable each one stands for.
const KEYS: &[(&[&str], &str)] = &[
    (&["orgUrl"], "OKTA_CLIENT_ORGURL"),
    (&["authorizationMode"], "OKTA_CLIENT_AUTHORIZATIONMODE"),
    (&["token"], "OKTA_CLIENT_TOKEN"),
    (&["clientId"], "OKTA_CLIENT_CLIENTID"),
    (&["scopes"], "OKTA_CLIENT_SCOPES"),
    (&["privateKey"], "OKTA_CLIENT_PRIVATEKEY"),
    (&["privateKeyId"], "OKTA_CLIENT_PRIVATEKEYID"),
    (&["kid"], "OKTA_CLIENT_KID"),
    (&["dpopEnabled"], "OKTA_CLIENT_DPOPENABLED"),
    (&["connectionTimeout"], "OKTA_CLIENT_CONNECTIONTIMEOUT"),
    (&["requestTimeout"], "OKTA_CLIENT_REQUESTTIMEOUT"),
    (
        &["rateLimit", "maxRetries"],
        "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
    ),
];

/// Spellings of one setting: a variable set under any of them wins over every file value of
/// the setting (`OKTA_CLIENT_REQUEST_TIMEOUT` in the environment beats `requestTimeout` in a file).
const SPELLINGS: &[&[&str]] = &[
    &[
        "OKTA_CLIENT_CONNECTIONTIMEOUT",
        "OKTA_CLIENT_CONNECTION_TIMEOUT",
    ],
    &["OKTA_CLIENT_REQUESTTIMEOUT", "OKTA_CLIENT_REQUEST_TIMEOUT"],
    &[
        "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
        "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES",
    ],
    &["OKTA_CLIENT_KID", "OKTA_CLIENT_PRIVATEKEYID"],
];

/// The two files, in the order they apply: `<home>/.okta/okta.yaml`, `<project>/okta.yaml`.
pub(crate) fn paths(home: Option<&Path>, project_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(home) = home {
        out.push(home.join(".okta").join("okta.yaml"));
    }
    if let Some(dir) = project_dir {
        out.push(dir.join("okta.yaml"));
    }
    out
}

/// The user's home directory (`HOME`, or `USERPROFILE` on Windows).
pub(crate) fn home_dir() -> Option<PathBuf> {
    ["HOME", "USERPROFILE"]
        .iter()
        .find_map(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
        .map(PathBuf::from)
}

/// The settings of the files that exist, later files winning, by variable name.
///
/// # Errors
/// [`idp_core::ErrorKind::InvalidInput`] for a file that cannot be read, is too large or is not
/// YAML; the message names the file and the line, never a value.
pub(crate) fn load(files: &[PathBuf]) -> Result<HashMap<&'static str, String>> {
    let mut settings = HashMap::new();
    for path in files {
        let Some(text) = read(path)? else { continue };
        let doc: Value = serde_yaml_ng::from_str(&text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                .unwrap_or_default();
            Error::invalid_input(format!("okta: {} is not valid YAML{at}", path.display()))
        })?;
        let Some(client) = doc.get("okta").and_then(|o| o.get("client")) else {
            continue;
        };
        for (keys, var) in KEYS {
            let value = keys.iter().try_fold(client, |v, k| v.get(*k));
            if let Some(text) = value.and_then(setting) {
                settings.insert(*var, text);
            }
        }
    }
    Ok(settings)
}

/// The file's text; `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>> {
    let unreadable = |e: std::io::Error| {
        Error::invalid_input(format!(
            "okta: cannot read {} ({})",
            path.display(),
            e.kind()
        ))
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    if meta.len() > MAX_FILE_SIZE {
        return Err(Error::invalid_input(format!(
            "okta: {} is larger than 1 MiB",
            path.display()
        )));
    }
    std::fs::read_to_string(path).map(Some).map_err(unreadable)
}

/// A YAML value as the text of the matching variable: scalars as written, a list (`scopes`)
/// comma-joined, a mapping (a JWK written as YAML) as JSON. `null` and empty values are unset.
fn setting(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(items) => items
            .iter()
            .filter_map(setting)
            .collect::<Vec<_>>()
            .join(","),
        Value::Mapping(_) => serde_json::to_string(value).ok()?,
        Value::Tagged(tagged) => return setting(&tagged.value),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// A lookup where the environment wins over the files: a variable set (under any spelling of
/// its setting) hides every file value of that setting.
pub(crate) fn layered<F: Fn(&str) -> Option<String>>(
    env: F,
    files: HashMap<&'static str, String>,
) -> impl Fn(&str) -> Option<String> {
    let set = move |name: &str| env(name).filter(|v| !v.trim().is_empty());
    move |name: &str| {
        if let Some(value) = set(name) {
            return Some(value);
        }
        let spellings = SPELLINGS
            .iter()
            .find(|group| group.contains(&name))
            .copied()
            .unwrap_or(&[]);
        if spellings.iter().any(|other| set(other).is_some()) {
            return None;
        }
        files.get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_variable_text() -> std::result::Result<(), serde_yaml_ng::Error> {
        let doc: Value = serde_yaml_ng::from_str(
            "scopes: [okta.apps.read, okta.apps.manage]\nn: 30\nb: false\nnull_: ~\nempty: ''\njwk: {kty: EC, crv: P-256}\n",
        )?;
        let get = |k: &str| doc.get(k).and_then(setting);
        assert_eq!(
            get("scopes").as_deref(),
            Some("okta.apps.read,okta.apps.manage")
        );
        assert_eq!(get("n").as_deref(), Some("30"));
        assert_eq!(get("b").as_deref(), Some("false"));
        assert_eq!(get("null_"), None);
        assert_eq!(get("empty"), None);
        assert_eq!(get("jwk").as_deref(), Some(r#"{"kty":"EC","crv":"P-256"}"#));
        Ok(())
    }

    #[test]
    fn a_variable_under_another_spelling_hides_the_file_value() {
        let files = HashMap::from([
            ("OKTA_CLIENT_REQUESTTIMEOUT", "10".to_owned()),
            ("OKTA_CLIENT_ORGURL", "https://file.okta.com".to_owned()),
        ]);
        let lookup = layered(
            |k: &str| (k == "OKTA_CLIENT_REQUEST_TIMEOUT").then(|| "5".to_owned()),
            files,
        );
        assert_eq!(lookup("OKTA_CLIENT_REQUESTTIMEOUT"), None);
        assert_eq!(lookup("OKTA_CLIENT_REQUEST_TIMEOUT").as_deref(), Some("5"));
        assert_eq!(
            lookup("OKTA_CLIENT_ORGURL").as_deref(),
            Some("https://file.okta.com")
        );
    }
}
