//! Reading a provider's settings from environment variables (or any lookup, for tests).

use std::fmt;

use crate::error::{Error, Result};

/// Reads settings by name: values are trimmed, empty values count as missing, and every missing
/// required name is remembered so that one error can list them all.
///
/// ```
/// let mut env = idp_core::EnvVars::from_fn(|name| (name == "A").then(|| " x ".to_owned()));
/// assert_eq!(env.required("A").as_deref(), Some("x"));
/// assert_eq!(env.optional("C"), None);
/// assert_eq!(env.required("B"), None);
/// let err = env.finish("demo").unwrap_err();
/// assert!(err.to_string().contains("B"));
/// ```
pub struct EnvVars<F> {
    get: F,
    missing: Vec<&'static str>,
}

impl<F> fmt::Debug for EnvVars<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets: only the missing names show.
        f.debug_struct("EnvVars")
            .field("missing", &self.missing)
            .finish_non_exhaustive()
    }
}

impl EnvVars<fn(&str) -> Option<String>> {
    /// The process environment.
    pub fn system() -> Self {
        EnvVars::from_fn(|name| std::env::var(name).ok())
    }
}

impl<F: Fn(&str) -> Option<String>> EnvVars<F> {
    /// Any lookup (tests pass a map).
    pub fn from_fn(get: F) -> Self {
        EnvVars {
            get,
            missing: Vec::new(),
        }
    }

    /// The trimmed value of `name`, `None` when unset or empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        (self.get)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The first of several spellings of one setting that is set (trimmed, non-empty).
    pub fn first_of(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| self.optional(name))
    }

    /// As [`EnvVars::optional`], remembering `name` as missing when it is unset.
    pub fn required(&mut self, name: &'static str) -> Option<String> {
        let value = self.optional(name);
        if value.is_none() {
            self.missing.push(name);
        }
        value
    }

    /// `Ok` when every required name was set; otherwise an `InvalidInput` error that names the
    /// missing variables (never a value).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`].
    pub fn finish(self, provider: &str) -> Result<()> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_input(format!(
                "{provider}: missing environment variable(s): {}",
                self.missing.join(", ")
            )))
        }
    }
}
