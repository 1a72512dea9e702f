//! Paging through an operation's answers by a cursor, for the operations whose spec says
//! how (`x-pagination`): the request of the next page is the same request with the cursor
//! parameter set to the cursor of the last item of the page before, and an empty page (or a
//! last item without a cursor, or with an empty one) ends. The generated request builders of those operations
//! implement [`Paginated`]; their `pages()` and `items()` give the streams below.

use std::future::{Future, IntoFuture};
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Error;

/// A request whose answers come in pages (implemented by the generated request builders of
/// paginated operations; sealed).
pub trait Paginated:
    Clone
    + Send
    + 'static
    + IntoFuture<Output = Result<Self::Page, Error>, IntoFuture: Send>
    + sealed::Sealed
{
    /// One page: what a call returns.
    type Page;
    /// One item of a page.
    type Item;
    /// The name of the query parameter that carries the cursor.
    const CURSOR: &'static str;
    /// The items of a page.
    fn page_items(page: &Self::Page) -> &[Self::Item];
    /// The items of a page, taken out.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// The cursor an item gives to the page after it, when it has one.
    fn cursor_of(item: &Self::Item) -> Option<&str>;
    /// This request, asking for the page after `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// The cursor this request asks with, if it has one (set by the caller, or by paging).
    fn cursor(&self) -> Option<&str>;
}

pub(crate) mod sealed {
    /// Only the generated request builders of this crate are paginated.
    pub trait Sealed {
        /// The client the request is sent with (whose key an error about a cursor masks).
        fn client(&self) -> &crate::Client;
    }
}

/// What [`Error::CursorRepeated`] says: the server's cursor escaped, and cut as an error
/// cuts a server's text (the API key masked before, when paging made the error).
pub(crate) fn write_cursor_repeated(
    f: &mut std::fmt::Formatter<'_>,
    parameter: &str,
    cursor: &str,
) -> std::fmt::Result {
    let (cursor, cut) = crate::escape::escaped_at_most(cursor, crate::error::BODY_PREFIX_LIMIT);
    let cut = if cut { "..." } else { "" };
    write!(
        f,
        "paging stopped: a page ends with `{parameter}={cursor}{cut}`, a cursor a page was \
         already asked with, so the pages would repeat forever"
    )
}

/// What [`Error::CursorRefused`] says.
pub(crate) fn write_cursor_refused(
    f: &mut std::fmt::Formatter<'_>,
    parameter: &str,
    problem: &crate::InputProblem,
) -> std::fmt::Result {
    write!(
        f,
        "paging stopped: a page ends with a `{parameter}` cursor this client cannot send: it \
         {problem}"
    )
}

type PageFuture<R> = Pin<Box<dyn Future<Output = Result<<R as Paginated>::Page, Error>> + Send>>;

/// The pages of a paginated call, each asked once the one before has arrived (a stream;
/// [`next`](Self::next) reads it without `futures`). It ends at an empty page, at a page
/// whose last item has no cursor (or an empty one), or after its first error, which it
/// yields; a page that ends with a cursor a page was already asked with (its own: a server
/// that ignores the cursor; or an earlier one: pages in a cycle) would repeat forever, and is
/// that error: [`Error::CursorRepeated`]; a cursor this client cannot send (too long for a
/// URL) is [`Error::CursorRefused`]. Each page is a call of its own, with the request's
/// settings (timeout, retries) for that page.
///
/// Pages are not counted or timed as a whole: a server that keeps giving new cursors gives
/// pages until the caller stops reading. What the stream keeps of the pages read is a
/// 64-bit hash of each cursor (to find a repeated one), not the cursors.
#[must_use = "a stream does nothing until it is read"]
pub struct Pages<R: Paginated> {
    /// The request of the next page, until the pages end.
    next: Option<R>,
    /// The call of the page being asked.
    in_flight: Option<PageFuture<R>>,
    /// A hash of every cursor a page was asked with (the caller's, and each one since): a
    /// server's cursors may be long, and an endless stream of them must not fill memory.
    sent: std::collections::HashSet<u64>,
    /// How cursors are hashed: keyed at random per stream, so that no server can choose two
    /// cursors of one hash (which would stop paging early).
    hasher: std::collections::hash_map::RandomState,
    /// Whether the call in flight asks with a cursor a page ended with (the server's).
    server_cursor: bool,
}

impl<R: Paginated> Pages<R> {
    /// The pages of `request`, starting with the page it asks for.
    pub(crate) fn new(request: R) -> Pages<R> {
        let hasher = std::collections::hash_map::RandomState::new();
        Pages {
            sent: request
                .cursor()
                .map(|cursor| hasher.hash_one(cursor))
                .into_iter()
                .collect(),
            next: Some(request),
            in_flight: None,
            hasher,
            server_cursor: false,
        }
    }

    /// The next page: `None` once the pages have ended.
    pub async fn next(&mut self) -> Option<Result<R::Page, Error>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<R::Page, Error>>> {
        if self.in_flight.is_none() {
            let Some(request) = self.next.take() else {
                return Poll::Ready(None);
            };
            // Kept for the page after this one, which only its cursor changes.
            self.next = Some(request.clone());
            self.in_flight = Some(Box::pin(request.into_future()));
        }
        let Some(call) = self.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match call.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.in_flight = None;
        let page = match result {
            Ok(page) => page,
            // The server's cursor, refused before it was sent: no input of the caller's.
            Err(Error::InvalidInput(input)) if self.server_cursor && input.field == R::CURSOR => {
                self.next = None;
                return Poll::Ready(Some(Err(Error::CursorRefused {
                    parameter: R::CURSOR,
                    problem: input.problem,
                })));
            }
            Err(err) => {
                self.next = None;
                return Poll::Ready(Some(Err(err)));
            }
        };
        let Some(last) = R::page_items(&page).last() else {
            self.next = None;
            return Poll::Ready(None);
        };
        match R::cursor_of(last).filter(|cursor| !cursor.is_empty()) {
            Some(cursor) if !self.sent.insert(self.hasher.hash_one(cursor)) => {
                // The server's text, shown in the error: a server that echoes the key as a
                // cursor does not put it there.
                let context = self.next.as_ref().map(|next| &next.client().raw.inner);
                let masks = crate::masks::Masks::new(context.and_then(|c| c.masked_key()), &[]);
                let mut cursor = masks.text(cursor.to_owned());
                // Encoded (`sk%2F...`), it cannot be masked in place: withheld whole.
                if context.is_some_and(|context| context.holds_key(cursor.as_bytes())) {
                    cursor = "<api key>".to_owned();
                }
                self.next = None;
                Poll::Ready(Some(Err(Error::CursorRepeated {
                    parameter: R::CURSOR,
                    cursor,
                })))
            }
            Some(cursor) => {
                let cursor = cursor.to_owned();
                self.next = self.next.take().map(|next| next.with_cursor(cursor));
                self.server_cursor = true;
                Poll::Ready(Some(Ok(page)))
            }
            None => {
                self.next = None;
                Poll::Ready(Some(Ok(page)))
            }
        }
    }

    /// Every item of every page, in order (a stream; see [`Items`]).
    pub fn items(self) -> Items<R> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }
}

impl<R: Paginated> futures_core::Stream for Pages<R> {
    type Item = Result<R::Page, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

impl<R: Paginated> Unpin for Pages<R> {}

impl<R: Paginated> std::fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The request may hold credentials; the cursor is the server's text.
        f.debug_struct("Pages")
            .field("ended", &(self.next.is_none() && self.in_flight.is_none()))
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a paginated call, in order, each page asked when the items
/// before it have been read (a stream; [`next`](Self::next) reads it without `futures`). It
/// ends as [`Pages`] does, after yielding the items of the pages that arrived.
#[must_use = "a stream does nothing until it is read"]
pub struct Items<R: Paginated> {
    pages: Pages<R>,
    current: std::vec::IntoIter<R::Item>,
}

impl<R: Paginated> Items<R> {
    /// The next item: `None` once the pages have ended.
    pub async fn next(&mut self) -> Option<Result<R::Item, Error>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Every item, or the first error (the items read before it are dropped).
    pub async fn try_collect(mut self) -> Result<Vec<R::Item>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<R::Item, Error>>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Ready(Some(Ok(page))) => self.current = R::into_items(page).into_iter(),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<R: Paginated> futures_core::Stream for Items<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<R: Paginated> Unpin for Items<R> {}

impl<R: Paginated> std::fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("unread", &self.current.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    /// A server's cursor is shown escaped and cut, as an error shows a server's text.
    #[test]
    fn a_repeated_cursor_is_shown_escaped_and_bounded() {
        let long = "x".repeat(2000);
        let shown = crate::Error::CursorRepeated {
            parameter: "before",
            cursor: long,
        }
        .to_string();
        assert!(
            shown.contains(&format!("`before={}...`", "x".repeat(512))),
            "{shown}"
        );
        assert!(!shown.contains(&"x".repeat(513)), "{shown}");
        let shown = crate::Error::CursorRepeated {
            parameter: "after",
            cursor: "a\nb".to_owned(),
        }
        .to_string();
        assert!(shown.contains("`after=a\\u{a}b`, a cursor"), "{shown}");
    }
}
