//! Base URLs and path segments: the wire rules every provider shares.

use std::fmt;
use std::net::IpAddr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::{Host, Url};

use crate::error::{Error, Result};

/// Everything but RFC 3986 unreserved characters is encoded in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path parameter as exactly one path segment.
///
/// `/`, space, `|`, `+`, `@`, `:`, `%`, `?`, `#` and control characters are percent-encoded.
///
/// # Errors
/// [`crate::ErrorKind::InvalidInput`] for an empty value or for `.` / `..`, which URL parsers would
/// resolve as dot-segments; the message names the parameter, never the value.
///
/// ```
/// assert_eq!(idp_core::encode_segment("userId", "google|a/b c+d@e:f")?, "google%7Ca%2Fb%20c%2Bd%40e%3Af");
/// assert!(idp_core::encode_segment("userId", "").is_err());
/// # Ok::<(), idp_core::Error>(())
/// ```
pub fn encode_segment(name: &str, value: &str) -> Result<String> {
    let mut out = String::with_capacity(value.len());
    encode_segment_into(&mut out, name, value)?;
    Ok(out)
}

/// [`encode_segment`], appended to `out` (no string of its own; the unreserved runs are copied
/// as slices, without the formatting machinery).
///
/// # Errors
/// As [`encode_segment`]; `out` is then unchanged.
pub(crate) fn encode_segment_into(out: &mut String, name: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(format!("{name} must not be empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "{name} must not be a relative path segment (`.` or `..`)"
        )));
    }
    out.extend(utf8_percent_encode(value, SEGMENT));
    Ok(())
}

/// A normalized API base URL: `https` (plain `http` only for loopback hosts), no trailing slash,
/// no query, fragment or credentials.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    url: Url,
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.as_str()).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True for `localhost`, `127.0.0.0/8` and `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl BaseUrl {
    /// Parses and normalizes a base URL. A missing scheme becomes `https://`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] for an unparsable URL, a scheme other than `https`
    /// (`http` is allowed for loopback hosts only), credentials, a query or a fragment.
    ///
    /// ```
    /// use idp_core::BaseUrl;
    /// assert_eq!(BaseUrl::parse("acme.example.com/")?.as_str(), "https://acme.example.com");
    /// assert_eq!(BaseUrl::parse("http://127.0.0.1:8080")?.as_str(), "http://127.0.0.1:8080");
    /// assert!(BaseUrl::parse("http://acme.example.com").is_err());
    /// # Ok::<(), idp_core::Error>(())
    /// ```
    pub fn parse(input: &str) -> Result<BaseUrl> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input("the base URL must not be empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|e| Error::invalid_input(format!("the base URL is not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::invalid_input(
                    "the base URL must use https (plain http is allowed for loopback hosts only)",
                ));
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "the base URL scheme `{other}` is not supported; use https"
                )));
            }
        }
        if url.host().is_none() {
            return Err(Error::invalid_input("the base URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid_input(
                "the base URL must not contain credentials",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid_input(
                "the base URL must not contain a query or a fragment",
            ));
        }
        let mut url = url;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(BaseUrl { url })
    }

    /// The URL as a string, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// The parsed URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The host name.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// True when `other` has the same scheme, host and port (the same origin).
    pub fn same_origin(&self, other: &Url) -> bool {
        self.url.origin() == other.origin()
    }

    /// Joins an already-encoded path (starting with `/`) and query pairs into a full URI string.
    pub fn join(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut out = String::with_capacity(self.as_str().len() + path.len() + 16);
        out.push_str(self.as_str());
        out.push_str(path);
        if !query.is_empty() {
            out.push('?');
            let start = out.len();
            let mut ser = url::form_urlencoded::Serializer::for_suffix(out, start);
            for (k, v) in query {
                ser.append_pair(k, v);
            }
            return ser.finish();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn path_segments_are_encoded_as_one_segment() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a b", "a%20b"),
            ("google|x+y@z:1", "google%7Cx%2By%40z%3A1"),
            ("%", "%25"),
            ("100%2F", "100%252F"),
            ("../etc", "..%2Fetc"),
            ("a?b#c", "a%3Fb%23c"),
            ("line\nbreak\0", "line%0Abreak%00"),
            ("0oa1-b_c.d~e", "0oa1-b_c.d~e"),
            ("é", "%C3%A9"),
        ];
        for (input, want) in cases {
            assert_eq!(
                encode_segment("id", input).ok().as_deref(),
                Some(want),
                "{input:?}"
            );
        }
    }

    #[test]
    fn empty_and_dot_segments_are_invalid_input() {
        for bad in ["", ".", ".."] {
            let err = encode_segment("appId", bad).err();
            assert_eq!(
                err.as_ref().map(Error::kind),
                Some(ErrorKind::InvalidInput),
                "{bad:?}"
            );
            assert!(
                err.map(|e| e.to_string())
                    .unwrap_or_default()
                    .contains("appId")
            );
        }
    }

    #[test]
    fn base_url_rules() {
        let ok = |s: &str| BaseUrl::parse(s).map(|b| b.as_str().to_owned()).ok();
        assert_eq!(
            ok("acme.example.com").as_deref(),
            Some("https://acme.example.com")
        );
        assert_eq!(
            ok("https://acme.example.com/").as_deref(),
            Some("https://acme.example.com")
        );
        assert_eq!(
            ok("  https://acme.example.com//  ").as_deref(),
            Some("https://acme.example.com")
        );
        assert_eq!(
            ok("https://x.example/api/").as_deref(),
            Some("https://x.example/api")
        );
        assert_eq!(
            ok("http://localhost:1234").as_deref(),
            Some("http://localhost:1234")
        );
        assert_eq!(
            ok("http://127.0.0.1:9/").as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(ok("http://[::1]:9").as_deref(), Some("http://[::1]:9"));
        for bad in [
            "http://acme.example.com",
            "http://10.0.0.1",
            "ftp://acme.example.com",
            "",
            "https://user:pw@acme.example.com",
            "https://user@acme.example.com",
            "https://:pw@acme.example.com",
            "https://acme.example.com?x=1",
            "https://",
        ] {
            let err = BaseUrl::parse(bad).err();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(ErrorKind::InvalidInput),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_base_url_shows_itself_and_its_host() -> Result<()> {
        let base = BaseUrl::parse("https://acme.example.com:8443/api/")?;
        assert_eq!(base.to_string(), "https://acme.example.com:8443/api");
        assert_eq!(
            format!("{base:?}"),
            "BaseUrl(\"https://acme.example.com:8443/api\")"
        );
        assert_eq!(base.host(), "acme.example.com");
        Ok(())
    }

    #[test]
    fn join_encodes_the_query() {
        let base = BaseUrl::parse("https://acme.example.com").ok();
        let joined = base.map(|b| {
            b.join(
                "/api/v1/apps/a%2Fb/users",
                &[("q", "a b&c".into()), ("limit", "5".into())],
            )
        });
        assert_eq!(
            joined.as_deref(),
            Some("https://acme.example.com/api/v1/apps/a%2Fb/users?q=a+b%26c&limit=5")
        );
    }

    #[test]
    fn same_origin_compares_scheme_host_and_port() {
        let base = BaseUrl::parse("https://acme.example.com").ok();
        let check = |s: &str| {
            let url = Url::parse(s).ok();
            matches!((&base, url), (Some(b), Some(u)) if b.same_origin(&u))
        };
        assert!(check("https://acme.example.com/api/v1/x?after=1"));
        assert!(check("https://acme.example.com:443/api"));
        assert!(!check("http://acme.example.com/api"));
        assert!(!check("https://evil.example/api"));
        assert!(!check("https://acme.example.com:8443/api"));
    }
}
