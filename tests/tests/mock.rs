//! The downstream test that `sip_client::mock`'s documentation shows, as a real test.

use sip_client::mock::{MockServer, MockServerExt};
use sip_client::{Client, ErrorEnvelope, PhoneNumber, SIP_NOT_ENABLED, SipConfigEnvelope};
use sip_client_tests::fixture;

#[tokio::test]
async fn typed_mock_answers_the_client() {
    // 1. Start a mock of Bland on 127.0.0.1 (a free port).
    let server = MockServer::start_async().await;
    assert!(
        server.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        server.base_url()
    );

    // 2. When this number is asked for, answer with the seed example.
    let number: PhoneNumber = "+14150000000".parse().unwrap();
    let answer: SipConfigEnvelope = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    let mock = server.get_sip_config(|when, then| {
        when.phone_number(&number);
        then.ok(&answer);
    });

    // 3. Point the client at it.
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .unwrap();

    // 4. Run the code under test, and assert.
    let config = client.get_sip_config(&number).await.unwrap();
    assert_eq!(config, answer.data);
    mock.assert_async().await;
}

#[tokio::test]
async fn typed_mock_answers_documented_errors_and_matches_the_number() {
    let server = MockServer::start_async().await;
    let number: PhoneNumber = "+14155550100".parse().unwrap();
    let error: ErrorEnvelope = serde_json::from_slice(&fixture("sip_not_enabled.json")).unwrap();
    let mock = server.get_sip_config(|when, then| {
        when.phone_number(&number);
        then.bad_request(&error);
    });
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_sip_config(&number).await.unwrap_err();
    assert!(err.has_code(SIP_NOT_ENABLED), "{err}");
    mock.assert_async().await;

    // Another number does not match the mock: httpmock answers 404 with no envelope.
    let other: PhoneNumber = "+14150000000".parse().unwrap();
    let err = client.get_sip_config(&other).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    assert_eq!(mock.calls_async().await, 1);
}

/// A path parameter's matcher matches the value the client sends, whatever it holds: it was
/// put into a regular expression as it was (`x(y` panicked, `a+b` matched `ab` and not
/// itself, `port.1` matched `portX1`, `a b` and `a/b` matched nothing: the client sends them
/// percent-encoded). Found by a review of the mocks.
#[tokio::test]
async fn a_path_parameters_mock_matches_exactly_the_value_sent() {
    let data = sip_client::mock::examples::cancel_port_request().data;
    let client = |server: &MockServer| {
        Client::builder()
            .api_key("test-key")
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .unwrap()
    };
    for (id, other) in [
        ("x(y", "x(yy"),
        ("a+b", "ab"),
        ("port.1", "portX1"),
        ("a b", "a  b"),
        ("a/b", "a%2Fb"),
        ("ü*", "üü"),
        ("$^", "x"),
    ] {
        let server = MockServer::start_async().await;
        let mock = server.cancel_port_request(|when, then| {
            when.id(id);
            then.ok_data(&data);
        });
        let client = client(&server);
        assert_eq!(
            client.cancel_port_request(id).await.unwrap(),
            data,
            "{id:?}"
        );
        let missed = client.cancel_port_request(other).await.unwrap_err();
        assert_eq!(missed.status().map(|s| s.as_u16()), Some(404), "{other:?}");
        assert_eq!(mock.calls_async().await, 1, "{id:?}");
    }
}
