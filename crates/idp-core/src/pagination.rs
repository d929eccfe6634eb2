//! Pagination: [`Paginated`] operations and the lazy [`Pager`] over them.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use url::Url;

use crate::client::{Call, CallOptions, Client, ResponseMeta};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::provider::Provider;

/// Where the next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextPage {
    cursor: String,
    link: Option<Url>,
}

impl NextPage {
    /// The next page is the same operation with this cursor.
    pub fn cursor(cursor: impl Into<String>) -> Self {
        NextPage {
            cursor: cursor.into(),
            link: None,
        }
    }

    /// The server gave a next link; `cursor` is the cursor it carries. The pager refuses the link
    /// (and sends nothing) unless it has the client's origin.
    pub fn link(link: Url, cursor: impl Into<String>) -> Self {
        NextPage {
            cursor: cursor.into(),
            link: Some(link),
        }
    }

    /// The cursor.
    pub fn as_cursor(&self) -> &str {
        &self.cursor
    }
}

/// An operation that returns one page of a list and knows how to ask for the next.
pub trait Paginated: Operation + Clone + 'static {
    /// One item of the list.
    type Item: Send + 'static;

    /// The items of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;

    /// Where the next page is, or `None` on the last page.
    fn next_page(&self, meta: &ResponseMeta, output: &Self::Output) -> Option<NextPage>;

    /// The same operation, asking for the page at `cursor`.
    fn with_cursor(&self, cursor: &str) -> Self;
}

/// One page of items.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items (cut short when `max_items` was reached).
    pub items: Vec<T>,
    /// The response's metadata.
    pub meta: ResponseMeta,
    /// The cursor of the next page, `None` on the last page. Pass it to [`Pager::resume_from`]
    /// to continue later.
    pub next_cursor: Option<String>,
}

/// Walks the pages of a [`Paginated`] operation lazily: nothing is sent before the first poll, one
/// page is held at a time, and it stops at the last page, at `max_items`, on a repeated cursor
/// (with an error) or on a next link to another origin (with an error, without sending anything).
#[must_use = "a pager does nothing until polled"]
pub struct Pager<P: Provider, O: Paginated<Provider = P>> {
    client: Client<P>,
    op: O,
    options: CallOptions,
    next_cursor: Option<String>,
    seen: HashSet<String>,
    done: bool,
    /// An error found after a page that was still yielded (a refused next link), returned next.
    pending: Option<Error>,
    max_items: Option<usize>,
    yielded: usize,
}

impl<P: Provider, O: Paginated<Provider = P>> fmt::Debug for Pager<P, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("operation", &self.op)
            .field("next_cursor", &self.next_cursor)
            .field("done", &self.done)
            .field("max_items", &self.max_items)
            .field("yielded", &self.yielded)
            .finish_non_exhaustive()
    }
}

impl<P: Provider, O: Paginated<Provider = P>> From<Call<P, O>> for Pager<P, O> {
    fn from(call: Call<P, O>) -> Self {
        let (client, op, options) = call.into_parts();
        Pager::new(client, op, options)
    }
}

impl<P: Provider, O: Paginated<Provider = P>> Pager<P, O> {
    /// A pager starting at `op`'s page.
    pub fn new(client: Client<P>, op: O, options: CallOptions) -> Self {
        Pager {
            client,
            op,
            options,
            next_cursor: None,
            seen: HashSet::new(),
            done: false,
            pending: None,
            max_items: None,
            yielded: 0,
        }
    }

    /// Stops after `n` items, without fetching further pages.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Starts from a cursor saved from [`Page::next_cursor`] or [`Pager::cursor`].
    pub fn resume_from(mut self, cursor: impl Into<String>) -> Self {
        self.next_cursor = Some(cursor.into());
        self
    }

    /// The cursor of the next page to fetch: save it to resume later. `None` before a cursor is
    /// known or when the list is finished. After a retryable error it is the cursor of the page
    /// that failed, so nothing is lost and nothing comes twice.
    pub fn cursor(&self) -> Option<&str> {
        if self.done {
            None
        } else {
            self.next_cursor.as_deref()
        }
    }

    /// True when no page is left.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Fetches the next page; `None` when the list is finished.
    ///
    /// After a retryable error (retries exhausted, a timeout or deadline, a transport failure, a
    /// 429 or 5xx) the pager keeps its place: calling `next_page` again fetches the same page.
    /// After any other error (a repeated cursor, a next link to another origin, a body that does
    /// not decode, refused input) the walk is over.
    pub async fn next_page(&mut self) -> Option<Result<Page<O::Item>>> {
        if let Some(err) = self.pending.take() {
            self.done = true;
            return Some(Err(err));
        }
        if self.done {
            return None;
        }
        if self.max_items.is_some_and(|max| self.yielded >= max) {
            self.done = true;
            return None;
        }
        let op = match &self.next_cursor {
            Some(cursor) => self.op.with_cursor(cursor),
            None => self.op.clone(),
        };
        let result = self.fetch(&op).await;
        if result.as_ref().is_err_and(|e| !resumable(e)) {
            self.done = true;
        }
        Some(result)
    }

    async fn fetch(&mut self, op: &O) -> Result<Page<O::Item>> {
        let (meta, body) = self.client.execute_raw(op, &self.options).await?;
        let output = O::decode(&body).map_err(|e| e.with_operation(O::ID))?;
        let next = op.next_page(&meta, &output);
        let mut items = O::into_items(output);
        let next_cursor = match next {
            Some(next) if !next.cursor.is_empty() => {
                if let Some(link) = next
                    .link
                    .as_ref()
                    .filter(|l| !self.client.base_url().same_origin(l))
                {
                    // The page itself came from our origin: it is yielded, the error comes next.
                    self.pending = Some(
                        Error::invalid_response(format!(
                            "the next-page link points to another origin ({}); it was not followed",
                            link.origin().ascii_serialization()
                        ))
                        .with_operation(O::ID),
                    );
                    None
                } else {
                    if !self.seen.insert(next.cursor.clone()) {
                        return Err(Error::invalid_response(
                            "the server repeated a pagination cursor; stopping instead of looping",
                        )
                        .with_operation(O::ID));
                    }
                    Some(next.cursor)
                }
            }
            _ => None,
        };
        if let Some(max) = self.max_items {
            let left = max.saturating_sub(self.yielded);
            items.truncate(left);
        }
        self.yielded += items.len();
        self.done = (next_cursor.is_none() && self.pending.is_none())
            || self.max_items.is_some_and(|max| self.yielded >= max);
        self.next_cursor.clone_from(&next_cursor);
        Ok(Page {
            items,
            meta,
            next_cursor,
        })
    }

    /// A stream of pages.
    pub fn pages(self) -> PageStream<O::Item> {
        let stream = futures_util::stream::unfold(self, |mut pager| async move {
            pager.next_page().await.map(|page| (page, pager))
        });
        PageStream {
            inner: Box::pin(stream),
        }
    }

    /// A stream of items, fetching pages as they are needed. [`ItemStream::cursor`] and
    /// [`ItemStream::page_offset`] tell where it is, so a walk that fails can resume.
    pub fn items(self) -> ItemStream<O::Item> {
        // Only pages go through the boxed stream (the pager moves once per page); the items of
        // the current page are handed out of a plain `vec::IntoIter`, one move each.
        let pages = futures_util::stream::unfold(self, |mut pager| async move {
            let requested = pager.next_cursor.clone();
            let fetched = match pager.next_page().await? {
                Ok(page) => Fetched::Page(requested, page.items),
                Err(e) => Fetched::Failed(pager.next_cursor.clone(), e),
            };
            Some((fetched, pager))
        });
        ItemStream {
            items: Vec::new().into_iter(),
            pages: Some(Box::pin(pages)),
            cursor: None,
            offset: 0,
        }
    }

    /// Fetches every remaining item into a `Vec`.
    ///
    /// # Errors
    /// The first error of any page.
    pub async fn collect_all(self) -> Result<Vec<O::Item>> {
        self.items().collect_all().await
    }
}

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// What the item stream's page source produced: a page's items with the cursor that asked for
/// it (`None` for the first page), or a failure with the cursor of the page that failed.
enum Fetched<T> {
    Page(Option<String>, Vec<T>),
    Failed(Option<String>, Error),
}

/// A lazy stream of items (`futures::Stream<Item = Result<T>>`), with inherent `try_next` and
/// `collect_all` so no trait import is needed.
///
/// After a retryable error, polling again fetches the failed page again; [`ItemStream::cursor`]
/// and [`ItemStream::page_offset`] say where the stream is, so a walk can also be resumed later
/// from a new pager (`resume_from(cursor)`, skipping `page_offset` items).
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    /// The rest of the current page.
    items: std::vec::IntoIter<T>,
    /// The pages still to come; `None` once they ended.
    pages: Option<Pin<Box<dyn Stream<Item = Fetched<T>> + Send>>>,
    /// The cursor of the page being read.
    cursor: Option<String>,
    /// How many of its items were yielded.
    offset: usize,
}

// Nothing is pinned inside: the items are only ever moved out by value, and the page source is
// boxed. (The stream was `Unpin` for every `T` before; it stays so.)
impl<T> Unpin for ItemStream<T> {}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

impl<T> ItemStream<T> {
    /// The cursor of the page the stream is reading — after an error, of the page that failed —
    /// or `None` while on the first page. A pager resumed from it starts at that page.
    pub fn cursor(&self) -> Option<String> {
        self.cursor.clone()
    }

    /// How many items of the current page were already yielded (zero after an error): skip these
    /// when resuming from [`ItemStream::cursor`].
    pub fn page_offset(&self) -> usize {
        self.offset
    }

    /// The next item, `Ok(None)` at the end.
    ///
    /// # Errors
    /// The error of the page that failed. After a retryable error the next call fetches that
    /// page again; after any other error the stream ends.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        if let Some(item) = self.items.next() {
            self.offset += 1;
            return Ok(Some(item));
        }
        self.next().await.transpose()
    }

    /// Every remaining item.
    ///
    /// # Errors
    /// The first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        loop {
            all.extend(self.items.by_ref());
            match self.try_next().await? {
                Some(item) => all.push(item),
                None => return Ok(all),
            }
        }
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                this.offset += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            // The page is used up: give its buffer back before the next page is fetched and
            // decoded, so two pages are never held at once.
            this.items = Vec::new().into_iter();
            let Some(pages) = this.pages.as_mut() else {
                return Poll::Ready(None);
            };
            match pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.pages = None;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Fetched::Page(requested, items))) => {
                    this.cursor = requested;
                    this.offset = 0;
                    this.items = items.into_iter();
                }
                Poll::Ready(Some(Fetched::Failed(cursor, error))) => {
                    this.cursor = cursor;
                    this.offset = 0;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

/// A lazy stream of pages.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<T> {
    inner: Boxed<Page<T>>,
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

impl<T> PageStream<T> {
    /// The next page, `Ok(None)` at the end.
    ///
    /// # Errors
    /// The error of the page that failed; the stream ends after it.
    pub async fn try_next(&mut self) -> Result<Option<Page<T>>> {
        self.inner.next().await.transpose()
    }
}

impl<T> Stream for PageStream<T> {
    type Item = Result<Page<T>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Whether a failed page may succeed when asked again (the walk keeps its place).
fn resumable(err: &Error) -> bool {
    use crate::error::ErrorKind;
    match err.kind() {
        ErrorKind::RetriesExhausted
        | ErrorKind::Timeout
        | ErrorKind::DeadlineExceeded
        | ErrorKind::Transport => true,
        ErrorKind::Api => err
            .status()
            .is_some_and(|s| s.as_u16() == 429 || s.is_server_error()),
        _ => false,
    }
}

impl<P: Provider, O: Paginated<Provider = P>> Call<P, O> {
    /// A pager over this call's pages.
    pub fn pager(self) -> Pager<P, O> {
        Pager::from(self)
    }

    /// A lazy stream of every item of every page.
    pub fn items(self) -> ItemStream<O::Item> {
        self.pager().items()
    }

    /// A lazy stream of pages.
    pub fn pages(self) -> PageStream<O::Item> {
        self.pager().pages()
    }
}

/// Parses an RFC 8288 `Link` header (possibly several header lines, several links per line) and
/// returns the target of the first link with `rel="next"`, resolved against `base`.
///
/// ```
/// let h = r#"<https://x.example.com/api/v1/apps/a/users?limit=2>; rel="self", <https://x.example.com/api/v1/apps/a/users?after=u2&limit=2>; rel="next""#;
/// let next = idp_core::pagination::next_link([h], None);
/// assert_eq!(next.as_ref().and_then(|u| u.query()), Some("after=u2&limit=2"));
/// ```
pub fn next_link<'a>(values: impl IntoIterator<Item = &'a str>, base: Option<&Url>) -> Option<Url> {
    for value in values {
        let mut rest = value;
        while let Some(start) = rest.find('<') {
            let after_start = &rest[start + 1..];
            let Some(end) = after_start.find('>') else {
                break; // an unterminated target: nothing further on this line can be trusted
            };
            let target = &after_start[..end];
            let tail = &after_start[end + 1..];
            // The parameters run to the next link (`<`); a comma separates links.
            let params_end = tail.find('<').unwrap_or(tail.len());
            let params = &tail[..params_end];
            let is_next = params.split(';').any(|p| {
                let p = p.trim();
                let Some((key, val)) = p.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && val
                        .trim()
                        .trim_end_matches(',')
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                let parsed = match base {
                    Some(b) => b.join(target).ok(),
                    None => Url::parse(target).ok(),
                };
                if parsed.is_some() {
                    return parsed;
                }
            }
            rest = &tail[params_end..];
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_finds_next_across_lines_and_orders() {
        let lines = [
            r#"<https://a.example.com/api/v1/x?limit=2>; rel="self""#,
            r#"<https://a.example.com/api/v1/x?after=abc&limit=2>; rel="next""#,
        ];
        let next = next_link(lines, None);
        assert_eq!(
            next.map(|u| u.to_string()).as_deref(),
            Some("https://a.example.com/api/v1/x?after=abc&limit=2")
        );
        let one = r#"<https://a/x?after=1>; rel=next, <https://a/x>; rel="self""#;
        assert_eq!(
            next_link([one], None).map(|u| u.to_string()).as_deref(),
            Some("https://a/x?after=1")
        );
        let reversed = r#"<https://a/x>; rel="self", <https://a/x?after=2>;rel="next""#;
        assert_eq!(
            next_link([reversed], None)
                .map(|u| u.to_string())
                .as_deref(),
            Some("https://a/x?after=2")
        );
    }

    #[test]
    fn link_header_without_next_or_garbage_is_none() {
        assert_eq!(next_link([r#"<https://a/x>; rel="self""#], None), None);
        for junk in [
            "",
            "<",
            ">",
            "<<>>",
            "rel=next",
            "<not a url>; rel=next",
            "\u{0}<\u{ffff}>;rel=\"next",
        ] {
            assert_eq!(next_link([junk], None), None, "{junk:?}");
        }
    }

    #[test]
    fn relative_next_link_resolves_against_base() {
        let base = Url::parse("https://a.example.com/api/v1/x").ok();
        let next = next_link([r#"</api/v1/x?after=9>; rel="next""#], base.as_ref());
        assert_eq!(
            next.map(|u| u.to_string()).as_deref(),
            Some("https://a.example.com/api/v1/x?after=9")
        );
    }
}
