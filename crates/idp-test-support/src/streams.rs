//! Lists consumed the way a Rust user consumes them: through the `Stream` impls of
//! [`ItemStream`] / [`PageStream`] with `futures`' `StreamExt` / `TryStreamExt` combinators
//! (`take`, `try_collect`, `try_for_each_concurrent`), never through the inherent `try_next`.
//!
//! Each provider's `tests/it/streams.rs` implements [`ListFixture`] over its fake (a seeded list,
//! a client that does not retry) and runs these checks, one `#[tokio::test]` each; a `poll_next`
//! that stops early, loses or repeats items, or fetches pages it does not need, fails them. The
//! checks assert with `assert_eq!` (a failure names what differed) and return the fixture's
//! setup errors.

use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, TryStreamExt};
use idp_core::{ErrorKind, ItemStream, PageStream};

/// What a check returns: a setup or stream error the check did not expect.
pub type CheckResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A seeded list on a provider's fake, walked by the checks of this module.
pub trait ListFixture {
    /// The listed item (an Okta app user, an Authress or Kinde connection).
    type Item;
    /// A new walk over the list's items, from its first page.
    fn items(&self) -> ItemStream<Self::Item>;
    /// A new walk over the list's pages, from its first page.
    fn pages(&self) -> PageStream<Self::Item>;
    /// An item's id.
    fn id(item: &Self::Item) -> Option<&str>;
    /// The ids seeded in the fake, in the order the list returns them.
    fn seeded(&self) -> &[String];
    /// The page size the walks ask for.
    fn page_size(&self) -> usize;
    /// How many list requests the fake has received so far.
    fn list_requests(&self) -> usize;
    /// Makes the fake answer its next list request with `status` (an error status).
    fn fail_next_list_request(&self, status: u16);
}

fn ids<F: ListFixture>(items: &[F::Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|t| F::id(t).map(str::to_owned))
        .collect()
}

/// The number of pages `n` items fill, the last one possibly short.
fn pages_for(n: usize, page_size: usize) -> usize {
    n.div_ceil(page_size.max(1))
}

/// `try_collect` on the items yields every seeded item, in order, asking each page once.
///
/// # Errors
/// An error from the stream.
pub async fn try_collect_yields_every_item_in_order<F: ListFixture>(f: &F) -> CheckResult {
    let all: Vec<F::Item> = f.items().try_collect().await?;
    assert_eq!(ids::<F>(&all), f.seeded());
    assert_eq!(
        f.list_requests(),
        pages_for(f.seeded().len(), f.page_size()),
        "each page asked once"
    );
    Ok(())
}

/// `take(n)` then `try_collect` yields the first `n` items and fetches only the pages that hold
/// them.
///
/// # Errors
/// An error from the stream.
pub async fn take_fetches_only_the_pages_it_needs<F: ListFixture>(f: &F, n: usize) -> CheckResult {
    let first: Vec<F::Item> = f.items().take(n).try_collect().await?;
    assert_eq!(ids::<F>(&first), f.seeded()[..n]);
    assert_eq!(
        f.list_requests(),
        pages_for(n, f.page_size()),
        "only the pages holding the first {n} items"
    );
    Ok(())
}

/// `try_for_each_concurrent(limit, ..)` visits every seeded item exactly once.
///
/// # Errors
/// An error from the stream.
pub async fn try_for_each_concurrent_visits_every_item_once<F: ListFixture>(
    f: &F,
    limit: usize,
) -> CheckResult {
    let seen = Arc::new(Mutex::new(Vec::new()));
    f.items()
        .try_for_each_concurrent(limit, |item| {
            let seen = Arc::clone(&seen);
            // An item without an id still counts as a visit.
            let id = F::id(&item).unwrap_or_default().to_owned();
            async move {
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                Ok(())
            }
        })
        .await?;
    let mut got = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    got.sort();
    let mut want = f.seeded().to_vec();
    want.sort();
    assert_eq!(got, want);
    Ok(())
}

/// `try_collect` on the pages keeps the page boundaries (full pages of `page_size`, the rest on
/// the last) and every item in order; each page but the last has a next cursor. Returns the
/// cursors, page by page, for the provider's own assertions on their values.
///
/// # Errors
/// An error from the stream.
pub async fn pages_keep_their_boundaries<F: ListFixture>(
    f: &F,
) -> CheckResult<Vec<Option<String>>> {
    let pages: Vec<idp_core::Page<F::Item>> = f.pages().try_collect().await?;
    let n = f.seeded().len();
    let size = f.page_size();
    let want_sizes: Vec<usize> = (0..pages_for(n, size))
        .map(|i| size.min(n - i * size))
        .collect();
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, want_sizes);
    let listed: Vec<String> = pages.iter().flat_map(|p| ids::<F>(&p.items)).collect();
    assert_eq!(listed, f.seeded());
    let cursors: Vec<Option<String>> = pages.iter().map(|p| p.next_cursor.clone()).collect();
    let present: Vec<bool> = cursors.iter().map(Option::is_some).collect();
    let mut want_present = vec![true; cursors.len()];
    if let Some(last) = want_present.last_mut() {
        *last = false;
    }
    assert_eq!(
        present, want_present,
        "a next cursor on every page but the last"
    );
    Ok(cursors)
}

/// After the first item, the next page answers 503 (the fixture's client does not retry):
/// `try_collect` on the rest ends with that API error, and nothing more is asked.
///
/// # Errors
/// A setup error, or a walk that did not fail.
pub async fn a_failed_page_ends_try_collect_with_its_error<F: ListFixture>(f: &F) -> CheckResult {
    let mut items = f.items();
    if items.next().await.transpose()?.is_none() {
        return Err("the list is empty".into());
    }
    f.fail_next_list_request(503);
    let rest: Result<Vec<F::Item>, _> = items.try_collect().await;
    let err = rest.err().ok_or("the second page failed")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(f.list_requests(), 2, "page one, then the failed page two");
    Ok(())
}
