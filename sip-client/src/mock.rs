//! Typed mocks of Bland's API for the tests of services that use `sip-client` (the `mock`
//! feature).
//!
//! The helpers are generated from the same spec as the client: one method per operation on
//! [`MockServer`] (through [`MockServerExt`]), whose `when` matches that operation's
//! requests (`when.phone_number(..)` takes a [`PhoneNumber`](crate::PhoneNumber)) and whose
//! `then` answers with one method per documented status, each taking the typed body
//! (`then.ok(..)` the operation's success type, `then.ok_data(..)` just its `data`,
//! `then.bad_request(..)` an [`ErrorEnvelope`](crate::ErrorEnvelope)). A mock can only
//! answer what the API documents.
//!
//! A complete downstream test:
//!
//! ```
//! use sip_client::mock::{MockServer, MockServerExt};
//! use sip_client::{Client, PhoneNumber, SipConfigData};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // 1. Start a mock of Bland on 127.0.0.1 (a free port).
//! let server = MockServer::start_async().await;
//!
//! // 2. When this number is asked for, answer that no SIP is configured.
//! let number: PhoneNumber = "+14150000000".parse().unwrap();
//! let data = SipConfigData::builder().build().unwrap();
//! let mock = server.get_sip_config(|when, then| {
//!     when.phone_number(&number);
//!     then.ok_data(&data);
//! });
//!
//! // 3. Point the client at it.
//! let client = Client::builder()
//!     .api_key("test-key")
//!     .base_url(server.base_url())
//!     .build()
//!     .unwrap();
//!
//! // 4. Run the code under test, and assert.
//! let config = client.get_sip_config(&number).await.unwrap();
//! assert_eq!(config, data);
//! mock.assert_async().await;
//! # }
//! ```

pub use crate::generated_mock::operations::examples;
pub use crate::generated_mock::{MockServerExt, operations};
pub use httpmock::MockServer;

/// The pattern of a path parameter's value in a mock's path: the value as the client sends
/// it (one segment, percent-encoded: `a b` is `a%20b`, `a/b` `a%2Fb`), matched literally
/// (`x(y` and `a+b` are no regular expressions).
pub(crate) fn path_value_pattern(value: &str) -> String {
    let mut url = reqwest::Url::parse("http://localhost/").expect("a URL");
    url.path_segments_mut()
        .expect("an http URL has a path")
        .pop_if_empty()
        .push(value);
    regex::escape(url.path().trim_start_matches('/'))
}
