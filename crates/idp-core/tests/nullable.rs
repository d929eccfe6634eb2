//! `Nullable`'s three states, as users branch on them and as they go back on the wire.

use idp_core::Nullable;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Patch {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    name: Nullable<String>,
}

#[test]
fn nullable_tells_absent_null_and_a_value_apart_in_json_and_in_code() -> TestResult {
    let absent: Patch = serde_json::from_str("{}")?;
    let null: Patch = serde_json::from_str(r#"{"name":null}"#)?;
    let value: Patch = serde_json::from_str(r#"{"name":"x"}"#)?;
    assert!(absent.name.is_absent() && !absent.name.is_null());
    assert!(null.name.is_null() && !null.name.is_absent());
    assert!(!value.name.is_absent() && !value.name.is_null());
    assert_eq!(value.name.value().map(String::as_str), Some("x"));
    assert_eq!(null.name.value(), None);
    // Written back: absent is left out, null is sent as null, a value as itself.
    assert_eq!(serde_json::to_string(&absent)?, "{}");
    assert_eq!(serde_json::to_string(&null)?, r#"{"name":null}"#);
    assert_eq!(serde_json::to_string(&value)?, r#"{"name":"x"}"#);

    let mut edited = value.name.clone();
    if let Some(v) = edited.value_mut() {
        v.push('y');
    }
    assert_eq!(edited.into_value().as_deref(), Some("xy"));
    assert_eq!(Nullable::or_null(Some(1)), Nullable::Value(1));
    assert_eq!(Nullable::<i32>::or_null(None), Nullable::Null);
    assert_eq!(Nullable::from(3), Nullable::Value(3));
    assert_eq!(Nullable::from("s"), Nullable::Value("s".to_owned()));
    assert_eq!(
        format!(
            "{:?} {:?} {:?}",
            Nullable::<u8>::Absent,
            Nullable::<u8>::Null,
            Nullable::Value(7)
        ),
        "Absent Null 7"
    );
    Ok(())
}
