//! Paging through an operation the spec marks `x-pagination` (`list_sip_calls`: the next
//! page is asked with `before` set to the `call_id` of the last call), against the
//! recording server.

use serde_json::json;
use sip_client::{Error, PhoneNumber};
use sip_client_tests::client_for;
use sip_client_tests::server::{RecordedRequest, Reply, TestServer};

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

fn call(id: &str) -> serde_json::Value {
    json!({
        "call_id": id, "direction": "outbound", "from": "+14150000000", "to": "+15105551234",
        "status": "200 OK", "sip_code": 200, "duration_seconds": 45,
        "started_at": "2026-03-09T11:00:00Z", "ended_at": "2026-03-09T11:00:45Z",
        "source_ip": "35.80.235.26"
    })
}

fn page(ids: &[&str]) -> Reply {
    let calls: Vec<_> = ids.iter().map(|id| call(id)).collect();
    Reply::json(
        200,
        json!({ "data": { "calls": calls }, "errors": null }).to_string(),
    )
}

/// The query of each request the server saw, after the phone number.
fn cursors(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|request| {
            let query = request
                .target
                .split_once('?')
                .map_or("", |(_, query)| query);
            query.replace("phone_number=%2B14150000000", "")
        })
        .collect()
}

/// Pages `c1, c2`, then (asked with `before=c2`) `c3`, then an empty page.
fn three_pages(request: &RecordedRequest) -> Reply {
    match request
        .target
        .split_once("before=")
        .map(|(_, cursor)| cursor)
    {
        None => page(&["c1", "c2"]),
        Some("c2") => page(&["c3"]),
        Some(_) => page(&[]),
    }
}

#[tokio::test]
async fn items_follow_the_cursor_page_after_page_until_an_empty_page() {
    let server = TestServer::start(|_, request| three_pages(request)).await;
    let client = client_for(&server).build().unwrap();
    let calls = client
        .list_sip_calls(number())
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = calls.iter().map(|call| call.call_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    // The request's own parameters on every page; the cursor from the second on.
    assert_eq!(
        cursors(&server),
        ["&limit=2", "&limit=2&before=c2", "&limit=2&before=c3"]
    );

    // Page by page: the same pages, then the end, and it stays ended.
    let mut pages = client.list_sip_calls(number()).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().calls.len());
    }
    assert_eq!(sizes, [2, 1]);
    assert!(pages.next().await.is_none());
    assert_eq!(server.request_count(), 6);
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_after_the_pages_before_it() {
    let server = TestServer::start(|n, _| match n {
        0 => page(&["c1"]),
        _ => Reply::json(
            400,
            r#"{"data": null, "errors": [{"error": "BAD_CURSOR", "message": "no"}]}"#,
        ),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let mut items = client.list_sip_calls(number()).items();
    assert_eq!(items.next().await.unwrap().unwrap().call_id, "c1");
    let err = items.next().await.unwrap().unwrap_err();
    assert!(err.has_code("BAD_CURSOR"), "{err}");
    assert!(items.next().await.is_none());
    assert_eq!(server.request_count(), 2);
    // `try_collect` gives the error.
    let err = client
        .list_sip_calls(number())
        .items()
        .try_collect()
        .await
        .unwrap_err();
    assert!(err.has_code("BAD_CURSOR"), "{err}");
}

/// Pages in a cycle (after `a` comes `b`, after `b` comes `a` again) stop at the first page
/// that ends with a cursor already asked with, whatever the cycle's length.
#[tokio::test]
async fn pages_in_a_cycle_stop_the_paging() {
    let server = TestServer::start(|_, request| {
        match request
            .target
            .split_once("before=")
            .map(|(_, cursor)| cursor)
        {
            None => page(&["start", "a"]),
            Some("a") => page(&["b"]),
            Some(_) => page(&["a"]),
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let mut items = client.list_sip_calls(number()).items();
    let mut ids = Vec::new();
    let err = loop {
        match items.next().await {
            Some(Ok(call)) => ids.push(call.call_id),
            Some(Err(err)) => break err,
            None => panic!("the pages ended without an error: {ids:?}"),
        }
    };
    assert_eq!(ids, ["start", "a", "b"]);
    assert!(
        matches!(&err, Error::CursorRepeated { cursor, .. } if cursor == "a"),
        "{err:?}"
    );
    assert_eq!(cursors(&server), ["", "&before=a", "&before=b"]);
}

/// A server that ignores the cursor answers every page with the first: the second page
/// ends with the cursor it was asked with, and paging stops there with an error rather
/// than ask for it forever (or hand the same calls out twice).
#[tokio::test]
async fn a_page_that_ends_with_its_own_cursor_stops_the_paging() {
    let server = TestServer::always(page(&["c1", "c\u{1b}[2J"])).await;
    let client = client_for(&server).build().unwrap();
    let mut pages = client.list_sip_calls(number()).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().calls.len(), 2);
    let err = pages.next().await.unwrap().unwrap_err();
    match &err {
        Error::CursorRepeated {
            parameter, cursor, ..
        } => {
            assert_eq!(*parameter, "before");
            assert_eq!(cursor, "c\u{1b}[2J");
        }
        other => panic!("{other:?}"),
    }
    let shown = err.to_string();
    assert_eq!(
        shown,
        "paging stopped: a page ends with `before=c\\u{1b}[2J`, a cursor a page was already \
         asked with, so the pages would repeat forever"
    );
    assert!(!err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(pages.next().await.is_none());
    assert_eq!(server.request_count(), 2);

    // A cursor the caller set counts as asked with: its page ending with it is the error
    // at once, not after asking for it again.
    let mut items = client.list_sip_calls(number()).before("c\u{1b}[2J").items();
    assert!(matches!(
        items.next().await,
        Some(Err(Error::CursorRepeated { .. }))
    ));
    assert!(items.next().await.is_none());
    assert_eq!(server.request_count(), 3);
}

/// A last item whose cursor is empty ends the paging, as one without a cursor does: a
/// server that writes `""` for "no more" is not asked `before=` (which it may read as "from
/// the start", and answer the first page again).
#[tokio::test]
async fn an_empty_cursor_ends_the_paging() {
    let server = TestServer::start(|n, _| match n {
        0 => page(&["c1", "c2"]),
        _ => page(&["c3", ""]),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let calls = client
        .list_sip_calls(number())
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = calls.iter().map(|call| call.call_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", ""]);
    assert_eq!(cursors(&server), ["", "&before=c2"]);
}

/// A server that echoes the client's key as its cursor does not put the key into the
/// error that stops the paging: masked before the error's text is cut, so no part of it
/// shows either.
#[tokio::test]
async fn a_repeated_cursor_that_holds_the_key_is_shown_masked() {
    let key = "sk-live/Ab+c=0123456789";
    let encoded = "sk-live%2FAb%2Bc%3D0123456789";
    for cursor in [
        key.to_owned(),
        format!("{}{key}", "x".repeat(500)),
        format!("a-{encoded}"),
    ] {
        let server = TestServer::always(page(&[&cursor])).await;
        let client = client_for(&server).api_key(key).build().unwrap();
        let err = client
            .list_sip_calls(number())
            .items()
            .try_collect()
            .await
            .unwrap_err();
        let Error::CursorRepeated { cursor: shown, .. } = &err else {
            panic!("{err:?}");
        };
        let expected = match cursor.contains(encoded) {
            true => "<api key>".to_owned(),
            false => cursor.replace(key, "<api key>"),
        };
        assert_eq!(*shown, expected);
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("sk-live"), "{text}");
        }
        assert_eq!(server.request_count(), 2);
    }
}

/// A transport failure of a page asked with the server's cursor shows reqwest's error,
/// whose URL holds the cursor: when that is the key (percent-encoded in the query), the URL
/// is left out.
#[tokio::test]
async fn a_failed_page_asked_with_the_key_as_cursor_does_not_show_it() {
    let key = "sk-live/Ab+c=0123456789";
    let server = TestServer::start(move |n, _| match n {
        0 => page(&[key]),
        _ => Reply::Raw(Vec::new()),
    })
    .await;
    let client = client_for(&server)
        .api_key(key)
        .max_retries(0)
        .build()
        .unwrap();
    let mut items = client.list_sip_calls(number()).items();
    assert_eq!(items.next().await.unwrap().unwrap().call_id, key);
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = everything_shown(&err);
    assert!(!shown.contains("sk-live"), "{shown}");
    // A failure whose URL holds no key keeps it.
    let err = client
        .list_sip_calls(number())
        .before("c0")
        .await
        .unwrap_err();
    let shown = everything_shown(&err);
    assert!(shown.contains("&before=c0"), "{shown}");
}

/// The error's `Display` and `Debug`, and the `Display` of each of its causes.
fn everything_shown(err: &Error) -> String {
    let mut shown = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        shown.push(cause.to_string());
        source = cause.source();
    }
    shown.join("\n")
}

/// A cursor too long to send is the server's, not the caller's: paging stops with
/// `CursorRefused`, not `InvalidInput` (which says the caller's input was wrong), after the
/// page that ended with it.
#[tokio::test]
async fn a_cursor_too_long_to_send_stops_the_paging_as_the_server_s_fault() {
    let long = "c".repeat(70_000);
    let server = TestServer::always(page(&["c1", &long])).await;
    let client = client_for(&server).build().unwrap();
    let mut pages = client.list_sip_calls(number()).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().calls.len(), 2);
    let err = pages.next().await.unwrap().unwrap_err();
    let Error::CursorRefused {
        parameter, problem, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*parameter, "before");
    assert!(
        matches!(problem, sip_client::InputProblem::Other(text) if text.contains("too long")),
        "{problem:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "paging stopped: a page ends with a `before` cursor this client cannot send: it \
             is too long: the request URL would be"
        ),
        "{shown}"
    );
    assert!(shown.len() < 300, "{shown}");
    assert!(!err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(pages.next().await.is_none());
    assert_eq!(server.request_count(), 1);
    // The caller's own cursor too long is still the caller's invalid input.
    let err = client
        .list_sip_calls(number())
        .before(long.as_str())
        .items()
        .try_collect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

/// The streams' `Debug` says whether the pages have ended and how many items of the last
/// page are unread, and shows neither the request (which holds the client's key) nor a
/// server's cursor.
#[tokio::test]
async fn the_streams_debug_shows_their_progress_and_no_key_or_cursor() {
    let server = TestServer::start(|n, _| match n {
        0 => page(&["c1", "cursor-from-the-server"]),
        _ => page(&[]),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let mut items = client.list_sip_calls(number()).items();
    assert_eq!(
        format!("{items:?}"),
        "Items { pages: Pages { ended: false, .. }, unread: 0 }"
    );
    assert_eq!(items.next().await.unwrap().unwrap().call_id, "c1");
    assert_eq!(
        format!("{items:?}"),
        "Items { pages: Pages { ended: false, .. }, unread: 1 }"
    );
    while items.next().await.is_some() {}
    assert_eq!(
        format!("{items:?}"),
        "Items { pages: Pages { ended: true, .. }, unread: 0 }"
    );
    let pages = client
        .list_sip_calls(number())
        .before("caller-cursor")
        .pages();
    let debug = format!("{pages:?}");
    assert_eq!(debug, "Pages { ended: false, .. }");
    assert!(!debug.contains(sip_client_tests::TEST_API_KEY));
}

/// Both streams are `futures::Stream`s, for the combinators users bring (`take`, `collect`,
/// `try_collect`): the same pages and items as their own `next()`, and the same end.
#[tokio::test]
async fn the_streams_work_with_futures_combinators() {
    use futures_util::{StreamExt, TryStreamExt};
    let server = TestServer::start(|_, request| three_pages(request)).await;
    let client = client_for(&server).build().unwrap();
    let sizes: Vec<usize> = client
        .list_sip_calls(number())
        .pages()
        .map(|page| page.unwrap().calls.len())
        .collect()
        .await;
    assert_eq!(sizes, [2, 1]);
    let ids: Vec<String> = client
        .list_sip_calls(number())
        .items()
        .map_ok(|call| call.call_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    // `take` stops asking for pages once it has what it takes.
    let before = server.request_count();
    let first: Vec<_> = client
        .list_sip_calls(number())
        .items()
        .take(2)
        .collect()
        .await;
    assert_eq!(first.len(), 2);
    assert_eq!(server.request_count(), before + 1);
}
