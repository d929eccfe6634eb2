//! Request validation shared by the fakes.
//!
//! Each fake declares its request bodies as typed structs beside its handlers (serde, with
//! `deny_unknown_fields` where the vendor schema is `additionalProperties: false`) and checks
//! what serde cannot express (lengths, patterns, enums) with [`Checks`]. Both produce
//! provider-neutral [`Violation`]s — a JSON path and a [`Problem`] — which each fake then renders
//! as its service's own validation error (Okta `E0000001` / `E0000003`, Authress `InvalidRequest`,
//! Kinde `errors[]`).
//!
//! The rules are written from the vendors' OpenAPI documents (`shared/specs/`), which only the
//! tests read; every struct names the schema it follows.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_path_to_error::Segment;

/// What is wrong with one value of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The body is not JSON at all (a syntax error, or nothing).
    Syntax,
    /// The value has the wrong JSON type; `expected` is the JSON Schema type name
    /// (`string`, `boolean`, `integer`, `number`, `array`, `object`).
    Type {
        /// The JSON Schema type the schema asks for.
        expected: &'static str,
    },
    /// A required property is missing (the violation's path ends with its name).
    Missing,
    /// A property a closed schema (`additionalProperties: false`) does not declare (the
    /// violation's path ends with its name).
    Unknown,
    /// A string outside `minLength..=maxLength` (in characters, as JSON Schema counts).
    Length {
        /// `minLength` (0 when the schema sets none).
        min: usize,
        /// `maxLength`.
        max: usize,
        /// The length sent.
        actual: usize,
    },
    /// A string not matching the schema's `pattern`.
    Pattern {
        /// The pattern, as the spec writes it.
        pattern: &'static str,
    },
    /// A value outside the schema's `enum`.
    Enum {
        /// The allowed values.
        allowed: &'static [&'static str],
    },
    /// An integer outside `minimum..=maximum`.
    Range {
        /// `minimum`.
        min: i64,
        /// `maximum`.
        max: i64,
    },
    /// A service rule no schema keyword expresses (the text says what).
    Rule(String),
}

/// One failed rule: where (a dotted JSON path, `profile.signing.rotationMode`, `tags.k`,
/// `items[0]`; empty for the body itself) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) path: String,
    pub(crate) problem: Problem,
}

impl Violation {
    pub(crate) fn new(path: impl Into<String>, problem: Problem) -> Violation {
        Violation {
            path: path.into(),
            problem,
        }
    }

    /// The path of the object holding the value (`""` for a top-level property).
    pub(crate) fn parent(&self) -> &str {
        match self.path.rfind(['.', '[']) {
            Some(i) => &self.path[..i],
            None => "",
        }
    }

    /// The last segment of the path (the property name).
    pub(crate) fn name(&self) -> &str {
        match self.path.rfind('.') {
            Some(i) => &self.path[i + 1..],
            None => &self.path,
        }
    }

    /// This violation with `prefix` (a path) put in front of its path.
    pub(crate) fn under(mut self, prefix: &str) -> Violation {
        self.path = join(prefix, &self.path);
        self
    }
}

/// `parent.child` (or just one of them when the other is empty; `[i]` joins without a dot).
pub(crate) fn join(parent: &str, child: &str) -> String {
    match (parent.is_empty(), child.is_empty()) {
        (true, _) => child.to_owned(),
        (_, true) => parent.to_owned(),
        _ if child.starts_with('[') => format!("{parent}{child}"),
        _ => format!("{parent}.{child}"),
    }
}

/// The rules a typed request checks after it has been decoded.
pub(crate) trait Validate {
    /// Records every violated rule in `checks`.
    fn validate(&self, checks: &mut Checks);
}

/// Decodes `body` as `T` and runs its [`Validate`] rules: the decoded value, or every violation
/// (a decoding failure is one violation: serde stops at the first).
pub(crate) fn parse<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, Vec<Violation>> {
    let value = decode::<T>(body).map_err(|v| vec![v])?;
    let mut checks = Checks::default();
    value.validate(&mut checks);
    checks.finish().map(|()| value)
}

/// Decodes `body` as `T`, with the path of the value that did not fit.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Violation> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(from_serde)?;
    de.end().map_err(|_| Violation::new("", Problem::Syntax))?;
    Ok(value)
}

/// Decodes a JSON value (a part of a body) as `T`; paths are relative to the value.
pub(crate) fn decode_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, Violation> {
    serde_path_to_error::deserialize(value).map_err(from_serde)
}

fn from_serde(err: serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let mut path = String::new();
    for segment in err.path().iter() {
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } => path = join(&path, key),
            Segment::Enum { variant } => path = join(&path, variant),
            Segment::Unknown => {}
        }
    }
    let inner = err.into_inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return Violation::new("", Problem::Syntax);
    }
    let text = inner.to_string();
    // serde_json appends " at line L column C"; the rest is serde's own wording.
    let text = text.rsplit_once(" at line ").map_or(text.as_str(), |t| t.0);
    if let Some(field) = backticked(text, "missing field `") {
        return Violation::new(join(&path, field), Problem::Missing);
    }
    if let Some(field) = backticked(text, "unknown field `") {
        // serde_path_to_error already ends the path with the unknown key.
        let full = if path.ends_with(field) {
            path.clone()
        } else {
            join(&path, field)
        };
        return Violation::new(full, Problem::Unknown);
    }
    let expected = text
        .rsplit_once("expected ")
        .map_or("", |(_, e)| e)
        .trim_start_matches("a ")
        .trim_start_matches("an ");
    Violation::new(
        path,
        Problem::Type {
            expected: json_type(expected),
        },
    )
}

/// The text between `prefix` and the next backtick, when `text` starts with `prefix`.
fn backticked<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    text.strip_prefix(prefix)?.split('`').next()
}

/// serde's "expected …" wording as a JSON Schema type name.
fn json_type(expected: &str) -> &'static str {
    match expected {
        e if e.starts_with("string") || e.starts_with("char") => "string",
        e if e.starts_with("bool") => "boolean",
        e if e.starts_with("sequence") || e.starts_with("array") => "array",
        e if e.starts_with('u') || e.starts_with('i') => "integer",
        e if e.starts_with('f') || e.starts_with("number") => "number",
        _ => "object",
    }
}

/// For a field that may be absent but not `null` (the schema does not say `nullable: true`):
/// use as `#[serde(default, deserialize_with = "crate::validate::non_null")]` on an `Option`.
pub(crate) fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Collects the violations of the rules a typed request checks after decoding.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    found: Vec<Violation>,
}

impl Checks {
    /// Records a violation.
    pub(crate) fn add(&mut self, path: impl Into<String>, problem: Problem) {
        self.found.push(Violation::new(path, problem));
    }

    /// `minLength` / `maxLength` of an optional string, in characters.
    pub(crate) fn length(&mut self, path: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let actual = v.chars().count();
            if actual < min || actual > max {
                self.add(path, Problem::Length { min, max, actual });
            }
        }
    }

    /// `pattern` of an optional string; `ok` is the pattern written as a predicate.
    pub(crate) fn pattern(
        &mut self,
        path: &str,
        value: Option<&str>,
        pattern: &'static str,
        ok: impl Fn(&str) -> bool,
    ) {
        if value.is_some_and(|v| !ok(v)) {
            self.add(path, Problem::Pattern { pattern });
        }
    }

    /// `enum` of an optional string.
    pub(crate) fn one_of(
        &mut self,
        path: &str,
        value: Option<&str>,
        allowed: &'static [&'static str],
    ) {
        if value.is_some_and(|v| !allowed.contains(&v)) {
            self.add(path, Problem::Enum { allowed });
        }
    }

    /// Every violation recorded, or `Ok` when there is none.
    pub(crate) fn finish(self) -> Result<(), Vec<Violation>> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(self.found)
        }
    }
}

/// Whether every character of `s` is an ASCII letter or digit or one of `extra`; `non_empty`
/// for a `+` pattern, not for `*` (the character-class patterns of the Authress spec,
/// `^[a-zA-Z0-9-_.:]+$`).
pub(crate) fn char_class(s: &str, extra: &[char], non_empty: bool) -> bool {
    (!non_empty || !s.is_empty())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Outer {
        #[serde(default, deserialize_with = "non_null")]
        name: Option<String>,
        inner: Option<Inner>,
        tags: Option<BTreeMap<String, String>>,
        list: Option<Vec<bool>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Inner {
        rotation_mode: String,
        flag: Option<bool>,
    }

    fn violation(body: &str) -> Violation {
        match decode::<Outer>(body.as_bytes()) {
            Ok(v) => panic!("{body} decoded: {v:?}"),
            Err(v) => v,
        }
    }

    #[test]
    fn serde_failures_become_paths_and_problems() {
        let cases = [
            ("{", "", Problem::Syntax),
            ("", "", Problem::Syntax),
            ("{} x", "", Problem::Syntax),
            ("[]", "", Problem::Type { expected: "object" }),
            (
                r#"{"name": 12}"#,
                "name",
                Problem::Type { expected: "string" },
            ),
            (
                r#"{"name": null}"#,
                "name",
                Problem::Type { expected: "string" },
            ),
            (r#"{"inner": {}}"#, "inner.rotationMode", Problem::Missing),
            (
                r#"{"inner": {"rotationMode": "A", "flag": "yes"}}"#,
                "inner.flag",
                Problem::Type {
                    expected: "boolean",
                },
            ),
            (
                r#"{"inner": "DEU"}"#,
                "inner",
                Problem::Type { expected: "object" },
            ),
            (
                r#"{"tags": {"k": {}}}"#,
                "tags.k",
                Problem::Type { expected: "string" },
            ),
            (
                r#"{"list": [true, 1]}"#,
                "list[1]",
                Problem::Type {
                    expected: "boolean",
                },
            ),
            (r#"{"nope": 1}"#, "nope", Problem::Unknown),
        ];
        for (body, path, problem) in cases {
            let v = violation(body);
            assert_eq!((v.path.as_str(), &v.problem), (path, &problem), "{body}");
        }
    }

    #[test]
    fn paths_split_into_parent_and_name() {
        let v = Violation::new("profile.signing.rotationMode", Problem::Missing);
        assert_eq!((v.parent(), v.name()), ("profile.signing", "rotationMode"));
        let top = Violation::new("name", Problem::Missing);
        assert_eq!((top.parent(), top.name()), ("", "name"));
        assert_eq!(top.under("options").path, "options.name");
        assert_eq!(join("list", "[0]"), "list[0]");
    }

    #[test]
    fn checks_collect_every_violation() {
        let mut c = Checks::default();
        c.length("a", Some("xyz"), 0, 2);
        c.length("b", Some("xy"), 0, 2);
        c.length("c", None, 1, 2);
        c.one_of("d", Some("X"), &["A", "B"]);
        c.pattern("e", Some(""), "^[a-z]+$", |s| char_class(s, &[], true));
        let found = c.finish().unwrap_err();
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["a", "d", "e"]);
    }
}
