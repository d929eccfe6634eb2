//! The Okta error object.

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One cause of an error (`ErrorCause`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorCause {
    /// What went wrong.
    #[serde(
        rename = "errorSummary",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_summary: Option<String>,
    /// Further fields, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of an Okta error response (`Error`).
///
/// Lenient: `errorCauses` may be an array, a single object (one of Okta's own examples) or null.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Error {
    /// Okta's error code (`E0000007`…).
    #[serde(rename = "errorCode", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// A short description.
    #[serde(
        rename = "errorSummary",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_summary: Option<String>,
    /// In practice the error code again.
    #[serde(rename = "errorLink", default, skip_serializing_if = "Option::is_none")]
    pub error_link: Option<String>,
    /// A unique id for this occurrence; quote it to Okta support.
    #[serde(rename = "errorId", default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Further causes.
    #[serde(rename = "errorCauses", default, deserialize_with = "causes")]
    pub error_causes: Vec<ErrorCause>,
    /// Further fields, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn causes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ErrorCause>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(match value {
        Some(Value::Array(items)) => items.into_iter().filter_map(cause).collect(),
        Some(other) => cause(other).into_iter().collect(),
        None => Vec::new(),
    })
}

fn cause(value: Value) -> Option<ErrorCause> {
    match value {
        Value::Object(_) => serde_json::from_value(value).ok(),
        Value::String(s) => Some(ErrorCause {
            error_summary: Some(s),
            extra: Map::new(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_as_array_object_or_null() -> Result<(), serde_json::Error> {
        let arr: Error =
            serde_json::from_str(r#"{"errorCauses":[{"errorSummary":"a"},{"errorSummary":"b"}]}"#)?;
        assert_eq!(arr.error_causes.len(), 2);
        let obj: Error = serde_json::from_str(r#"{"errorCauses":{"errorSummary":"only"}}"#)?;
        assert_eq!(obj.error_causes[0].error_summary.as_deref(), Some("only"));
        let null: Error = serde_json::from_str(r#"{"errorCauses":null,"errorCode":"E1"}"#)?;
        assert!(null.error_causes.is_empty());
        assert_eq!(null.error_code.as_deref(), Some("E1"));
        Ok(())
    }
}
