//! Decoding success bodies, with errors that name the type and path and stay short.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Decodes a JSON body into `T`; an empty body decodes as `null`. When `T` is `()` (an operation
/// whose success has no content, such as a delete) any body is accepted and ignored: a server that
/// answers a `204` operation with `200 {}` has still done the work. The error names the type and
/// the JSON path, and is truncated so it cannot carry a whole body.
///
/// # Errors
/// [`ErrorKind::Decode`](crate::ErrorKind::Decode).
pub fn decode_json<T: DeserializeOwned + 'static>(body: &[u8]) -> Result<T> {
    let ignore = std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>();
    let body: &[u8] = if ignore || body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // Fast path: plain serde_json. Only a failure is decoded again, with path tracking, to say where.
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => Err(decode_error::<T>(&e.path().to_string(), e.inner())),
                Ok(_) => Err(decode_error::<T>(".", &plain)),
            }
        }
    }
}

/// Cuts server-controlled text to at most `max` bytes, on a character boundary.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let cut = (0..=max)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}…", &text[..cut])
}

fn decode_error<T>(path: &str, err: &serde_json::Error) -> Error {
    Error::decode(format!(
        "the response does not match {} (at `{}`: {})",
        std::any::type_name::<T>(),
        clip(path, 120),
        clip(&err.to_string(), 200)
    ))
}
