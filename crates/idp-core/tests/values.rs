//! The small public values providers and users build on: settings read from the environment,
//! open enums, error bodies, and what their `Debug` shows (and hides). The `Debug` of errors and
//! clients is checked in `conditions.rs`, where a server answers.

use std::collections::HashMap;

use idp_core::{EnvVars, ErrorBody, ErrorKind, UnknownValue};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn env(pairs: &[(&str, &str)]) -> EnvVars<impl Fn(&str) -> Option<String>> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EnvVars::from_fn(move |name| map.get(name).cloned())
}

#[test]
fn env_values_are_trimmed_and_blank_ones_count_as_unset() {
    let vars = env(&[("SET", "  value \n"), ("BLANK", "   "), ("EMPTY", "")]);
    assert_eq!(vars.optional("SET").as_deref(), Some("value"));
    assert_eq!(vars.optional("BLANK"), None);
    assert_eq!(vars.optional("EMPTY"), None);
    assert_eq!(vars.optional("UNSET"), None);
}

#[test]
fn env_first_of_takes_the_first_spelling_that_is_set() {
    let vars = env(&[("OLD_NAME", "old"), ("NEW_NAME", " new "), ("BLANK", " ")]);
    assert_eq!(
        vars.first_of(&["BLANK", "NEW_NAME", "OLD_NAME"]).as_deref(),
        Some("new"),
        "a blank spelling is skipped, the first set one wins"
    );
    assert_eq!(
        vars.first_of(&["OLD_NAME", "NEW_NAME"]).as_deref(),
        Some("old")
    );
    assert_eq!(vars.first_of(&["UNSET", "BLANK"]), None);
    assert_eq!(vars.first_of(&[]), None);
}

#[test]
fn env_finish_names_every_missing_required_variable_and_never_a_value() -> TestResult {
    let mut vars = env(&[("DOMAIN", " tenant.example "), ("SECRET", "s3cr3t-value")]);
    assert_eq!(vars.required("DOMAIN").as_deref(), Some("tenant.example"));
    assert_eq!(vars.required("SECRET").as_deref(), Some("s3cr3t-value"));
    assert_eq!(vars.required("CLIENT_ID"), None);
    assert_eq!(vars.required("AUDIENCE"), None);
    let shown = format!("{vars:?}");
    assert!(
        shown.contains("EnvVars") && shown.contains("CLIENT_ID") && shown.contains("AUDIENCE"),
        "Debug lists the missing names: {shown}"
    );
    assert!(!shown.contains("s3cr3t-value"), "{shown}");
    let err = match vars.finish("demo") {
        Ok(()) => return Err("two required variables are missing".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let text = err.to_string();
    assert!(
        text.contains("demo") && text.contains("CLIENT_ID, AUDIENCE"),
        "{text}"
    );
    assert!(!text.contains("s3cr3t-value") && !text.contains("tenant.example"));
    Ok(())
}

#[test]
fn env_finish_is_ok_when_every_required_variable_is_set() -> TestResult {
    let mut vars = env(&[("A", "1")]);
    assert_eq!(vars.required("A").as_deref(), Some("1"));
    let _optional_is_not_required = vars.optional("B");
    vars.finish("demo")?;
    Ok(())
}

idp_core::open_enum! {
    /// A test enum.
    pub enum Status {
        /// Active.
        Active = "ACTIVE",
    }
}

#[test]
fn an_unknown_enum_value_keeps_its_text_and_shows_it_in_debug() -> TestResult {
    let raw = UnknownValue::new("PENDING_REVIEW");
    assert_eq!(raw.as_str(), "PENDING_REVIEW");
    assert_eq!(format!("{raw:?}"), "\"PENDING_REVIEW\"");
    let status: Status = serde_json::from_str("\"PENDING_REVIEW\"")?;
    assert_eq!(status.as_str(), "PENDING_REVIEW");
    assert_eq!(status.to_string(), "PENDING_REVIEW");
    assert!(format!("{status:?}").contains("PENDING_REVIEW"));
    assert_eq!(serde_json::to_string(&status)?, "\"PENDING_REVIEW\"");
    Ok(())
}

#[test]
fn an_enum_decodes_from_borrowed_escaped_and_owned_text_and_refuses_a_non_string() -> TestResult {
    // Borrowed from the input, unescaped into serde_json's scratch buffer, and owned (a `Value`
    // hands over its `String`): all three reach the same value.
    let borrowed: Status = serde_json::from_str("\"ACTIVE\"")?;
    let escaped: Status = serde_json::from_str("\"\\u0041CTIVE\"")?;
    let owned: Status = serde_json::from_value(serde_json::json!("ACTIVE"))?;
    assert_eq!(borrowed, Status::Active);
    assert_eq!(escaped, Status::Active);
    assert_eq!(owned, Status::Active);
    let unknown: Status = serde_json::from_value(serde_json::json!("NEW"))?;
    assert_eq!(unknown.as_str(), "NEW");
    let err = serde_json::from_str::<Status>("1")
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("expected a string")),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn an_error_body_keeps_its_causes_and_error_id() {
    let body = ErrorBody::new(
        Some("E0000001".into()),
        Some("Api validation failed".into()),
    )
    .with_causes(vec!["name: blank".into(), "limit: too big".into()])
    .with_error_id(Some("oae123".into()));
    assert_eq!(body.code.as_deref(), Some("E0000001"));
    assert_eq!(body.message.as_deref(), Some("Api validation failed"));
    assert_eq!(body.causes, ["name: blank", "limit: too big"]);
    assert_eq!(body.error_id.as_deref(), Some("oae123"));
}

#[test]
fn the_debug_of_a_body_shows_its_type_and_size_but_never_its_content() -> TestResult {
    let body = idp_core::Body::json(&serde_json::json!({"token": "provisioning-secret"}))?;
    let shown = format!("{body:?}");
    assert_eq!(
        shown,
        r#"Body { content_type: "application/json", len: 31 }"#
    );
    Ok(())
}
