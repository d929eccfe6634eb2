//! Okta's next-page rule: the `Link` header with `rel="next"` (several header lines or one
//! comma-joined line); the next page's cursor is that URL's opaque `after` parameter.

use std::fmt;
use std::marker::PhantomData;

use http::{HeaderMap, Method};
use idp_core::{
    Call, ItemStream, NextPage, Operation, Pager, Paginated, PathParams, Query, ResponseMeta,
    Result,
};
use serde::de::DeserializeOwned;

use crate::Okta;
use crate::models::AppUser;
use crate::ops::ListApplicationUsers;

/// [`ListApplicationUsers`] with each app user's profile decoded straight into `P` (your own
/// `Deserialize` type): every page decodes as `Vec<AppUser<P>>`, so a typed-profile walk needs
/// no per-item conversion. Build it with [`ListApplicationUsersAs::new`], or from a request with
/// `items_as::<P>()` / `pager_as::<P>()`:
///
/// ```no_run
/// # async fn demo(okta: idp_okta::Client) -> idp_okta::Result<()> {
/// #[derive(serde::Deserialize)]
/// struct Profile {
///     email: Option<String>,
/// }
/// let mut users = okta.application_users().list("0oa1app").limit(200).items_as::<Profile>();
/// while let Some(user) = users.try_next().await? {
///     println!("{:?}", user.profile.and_then(|p| p.email));
/// }
/// # Ok(()) }
/// ```
///
/// A profile that does not match `P` fails the page with a `Decode` error (as
/// [`AppUser::into_profile`] does for one user).
pub struct ListApplicationUsersAs<P> {
    /// The list operation and its parameters.
    pub list: ListApplicationUsers,
    profile: PhantomData<fn() -> P>,
}

impl<P> ListApplicationUsersAs<P> {
    /// `list`, with profiles decoded as `P`.
    pub fn new(list: ListApplicationUsers) -> Self {
        ListApplicationUsersAs {
            list,
            profile: PhantomData,
        }
    }
}

impl<P> Clone for ListApplicationUsersAs<P> {
    fn clone(&self) -> Self {
        ListApplicationUsersAs::new(self.list.clone())
    }
}

impl<P> fmt::Debug for ListApplicationUsersAs<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListApplicationUsersAs")
            .field("list", &self.list)
            .field("profile", &std::any::type_name::<P>())
            .finish()
    }
}

impl<P: DeserializeOwned + Send + 'static> Operation for ListApplicationUsersAs<P> {
    type Provider = Okta;
    type Output = Vec<AppUser<P>>;
    const ID: &'static str = ListApplicationUsers::ID;
    const METHOD: Method = ListApplicationUsers::METHOD;
    const PATH: &'static str = ListApplicationUsers::PATH;

    fn path_params(&self) -> PathParams<'_> {
        self.list.path_params()
    }

    fn validate(&self) -> Result<()> {
        self.list.validate()
    }

    fn query(&self, query: &mut Query) {
        self.list.query(query);
    }
}

impl<P: DeserializeOwned + Send + 'static> Paginated for ListApplicationUsersAs<P> {
    type Item = AppUser<P>;

    fn into_items(output: Vec<AppUser<P>>) -> Vec<AppUser<P>> {
        output
    }

    fn next_page(&self, meta: &ResponseMeta, _output: &Vec<AppUser<P>>) -> Option<NextPage> {
        next_page(&meta.headers)
    }

    fn with_cursor(&self, cursor: &str) -> Self {
        ListApplicationUsersAs::new(self.list.with_cursor(cursor))
    }
}

impl crate::Request<ListApplicationUsers> {
    /// Every app user, each profile decoded as `P`, lazily (see [`ListApplicationUsersAs`]).
    /// Per-call settings (timeout, retry policy, deadline) are kept.
    pub fn items_as<P: DeserializeOwned + Send + 'static>(self) -> ItemStream<AppUser<P>> {
        self.typed::<P>().items()
    }

    /// A pager over the pages, each profile decoded as `P` (resumable through its cursor).
    pub fn pager_as<P: DeserializeOwned + Send + 'static>(
        self,
    ) -> Pager<Okta, ListApplicationUsersAs<P>> {
        self.typed::<P>().pager()
    }

    fn typed<P: DeserializeOwned + Send + 'static>(self) -> Call<Okta, ListApplicationUsersAs<P>> {
        let (client, list, options) = self.into_call().into_parts();
        let mut call = Call::new(client, ListApplicationUsersAs::new(list));
        if let Some(timeout) = options.timeout {
            call = call.timeout(timeout);
        }
        if let Some(policy) = options.retry {
            call = call.retry_policy(policy);
        }
        if let Some(deadline) = options.deadline {
            call = call.deadline(deadline);
        }
        if options.idempotent_ok {
            call = call.idempotent_ok();
        }
        call
    }
}

/// The next page of a list response, from its `Link` headers. `None` on the last page (no `next`
/// link, or a `next` link without an `after` cursor).
pub(crate) fn next_page(headers: &HeaderMap) -> Option<NextPage> {
    let lines: Vec<&str> = headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if let Some(url) = idp_core::pagination::next_link(lines.iter().copied(), None) {
        // An absolute link: the pager checks its origin before anything is sent.
        let after = after_of(&url)?;
        return Some(NextPage::link(url, after));
    }
    // A relative link (Okta sends absolute ones, but RFC 8288 allows both) is on the same
    // origin by definition: only its cursor matters.
    let placeholder = url::Url::parse("https://relative.invalid/").ok();
    let url = idp_core::pagination::next_link(lines.iter().copied(), placeholder.as_ref())?;
    after_of(&url).map(NextPage::cursor)
}

fn after_of(url: &url::Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn relative_next_links_give_their_cursor() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(r#"</api/v1/apps/x/users?after=00u9&limit=2>; rel="next""#),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("00u9")
        );
    }

    #[test]
    fn a_next_link_without_an_after_value_ends_the_walk() {
        for link in [
            r#"<https://a.okta.com/api/v1/apps/x/users?after=&limit=2>; rel="next""#,
            r#"<https://a.okta.com/api/v1/apps/x/users?limit=2>; rel="next""#,
            r#"</api/v1/apps/x/users?after=&limit=2>; rel="next""#,
        ] {
            let mut h = HeaderMap::new();
            h.insert("link", HeaderValue::from_static(link));
            assert!(next_page(&h).is_none(), "{link}");
        }
    }

    #[test]
    fn a_malformed_link_entry_does_not_hide_the_next_line() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static(r#"<https://a.okta.com/broken; rel="self""#),
        );
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?after=c7>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("c7")
        );
    }

    #[test]
    fn next_cursor_from_separate_or_joined_link_lines() {
        let mut h = HeaderMap::new();
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?limit=2>; rel="self""#,
            ),
        );
        h.append(
            "link",
            HeaderValue::from_static(
                r#"<https://a.okta.com/api/v1/apps/x/users?after=00u2%2B&limit=2>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&h).map(|n| n.as_cursor().to_owned()).as_deref(),
            Some("00u2+")
        );
        let mut joined = HeaderMap::new();
        joined.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://a/x?limit=2>; rel="self", <https://a/x?after=c3&limit=2>; rel="next""#,
            ),
        );
        assert_eq!(
            next_page(&joined)
                .map(|n| n.as_cursor().to_owned())
                .as_deref(),
            Some("c3")
        );
    }

    #[test]
    fn last_page_has_no_next() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(r#"<https://a/x?limit=2>; rel="self""#),
        );
        assert_eq!(next_page(&h), None);
        assert_eq!(next_page(&HeaderMap::new()), None);
        let mut no_after = HeaderMap::new();
        no_after.insert(
            "link",
            HeaderValue::from_static(r#"<https://a/x?limit=2>; rel="next""#),
        );
        assert_eq!(next_page(&no_after), None);
    }
}
