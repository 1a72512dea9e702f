//! Compile-only check of the public API a service relies on (as progenitor's
//! `build_nexus` test does): if a regeneration or a refactor changes one of these
//! signatures or field types, this file stops compiling and `cargo test` fails to build.
//! There is nothing to run, so it holds no `#[test]`.

#![allow(dead_code)]

use std::time::Duration;

use sip_client::{
    ApiError, ApiErrorEntry, AuthMode, AuthScheme, BuildError, Client, ClientBuilder, DecodeError,
    Direction, Error, ErrorEnvelope, PhoneNumber, PhoneNumberError, SipConfig, SipConfigData,
    SipConfigEnvelope, SipHeaders, SipOptions, SipSecret, Timestamp, Transport, TransportError,
    TransportErrorKind, UnexpectedResponse,
};

fn builder_shape() -> Result<Client, BuildError> {
    let builder: ClientBuilder = Client::builder()
        .api_key(String::from("key"))
        .auth_scheme(AuthScheme::Raw)
        .bearer_auth()
        .base_url("https://api.bland.ai")
        .timeout(Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(1))
        .max_retries(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_retry_after(Duration::from_secs(1))
        .max_body_size(1024)
        .user_agent(sip_client::DEFAULT_USER_AGENT)
        .allow_insecure_http(false)
        .http_client(sip_client::reqwest::Client::new());
    let _: Result<Client, BuildError> = Client::from_env();
    let _: ClientBuilder = ClientBuilder::from_env();
    builder.build()
}

async fn call_shape(client: &Client) -> Result<(), Error> {
    let number: PhoneNumber = PhoneNumber::parse("+14150000000")?;
    let _: Result<PhoneNumber, PhoneNumberError> = "+1".parse::<PhoneNumber>();
    let data: SipConfigData = client.get_sip_config(&number).await?;
    let _: SipConfigData = client.get_sip_config(String::from("+14150000000")).await?;
    let _: SipConfigData = client
        .get_sip_config(&number)
        .timeout(Duration::from_secs(1))
        .max_retries(0)
        .send()
        .await?;
    // A request is `IntoFuture` (`.await` it); where a `Future` value is needed (join_all,
    // select!, boxing), `send()` gives one.
    let numbers = [number.clone(), number.clone()];
    let _: Vec<Result<SipConfigData, Error>> =
        futures_util::future::join_all(numbers.iter().map(|n| client.get_sip_config(n).send()))
            .await;
    let boxed: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<SipConfigData, Error>> + Send + '_>,
    > = std::future::IntoFuture::into_future(client.get_sip_config(&number));
    let _: SipConfigData = boxed.await?;
    let configs: [Option<SipConfig>; 2] = [data.inbound, data.outbound];
    for config in configs.into_iter().flatten() {
        let SipConfig {
            number,
            id,
            org_id,
            direction,
            sip_endpoint,
            created_at,
            updated_at,
            headers,
            options,
            ..
        } = config;
        let _: (String, String, String) = (number, id, org_id);
        let _: Direction = direction;
        let _: Option<String> = sip_endpoint;
        let _: (Timestamp, Timestamp) = (created_at, updated_at);
        let _: chrono::DateTime<chrono::Utc> = *created_at;
        let _: Option<SipHeaders> = headers;
        let options: Option<SipOptions> = options;
        if let Some(options) = options {
            let _: Option<AuthMode> = options.auth_mode;
            let _: Option<u16> = options.port;
            let _: Option<Transport> = options.transport;
            let _: Option<bool> = options.secure_media;
            let _: Option<String> = options.sip_username;
            let _: Option<SipSecret> = options.sip_password;
            let _: serde_json::Map<String, serde_json::Value> = options.extra;
        }
    }
    let _: Transport = Transport::Unknown(String::new());
    let response = client
        .raw()
        .get_sip_config()
        .phone_number(&number)
        .send()
        .await;
    let _: Result<SipConfigEnvelope, sip_client::raw::Error<ErrorEnvelope>> =
        response.map(|r| r.into_inner());
    Ok(())
}

fn error_shape(err: &Error) {
    let _: Option<sip_client::reqwest::StatusCode> = err.status();
    let _: bool = err.is_retryable() || err.is_timeout() || err.is_connect();
    let _: &[ApiErrorEntry] = err.api_errors();
    let _: bool = err.has_code(sip_client::SIP_NOT_ENABLED);
    match err {
        Error::InvalidInput(sip_client::InvalidInput { field, problem, .. }) => {
            let _: (&String, &sip_client::InputProblem) = (field, problem);
        }
        Error::Transport(TransportError { kind, attempts, .. }) => {
            let _: (TransportErrorKind, u32) = (*kind, *attempts);
        }
        Error::Api(ApiError {
            status,
            errors,
            retry_after,
            ..
        }) => {
            let _ = (status, errors, retry_after);
        }
        Error::UnexpectedResponse(UnexpectedResponse {
            status,
            body_prefix,
            ..
        }) => {
            let _ = (status, body_prefix);
        }
        Error::Decode(DecodeError { path, body, .. }) => {
            let _ = (path, body);
        }
        Error::BodyTooLarge { limit, .. } => {
            let _: usize = *limit;
        }
        _ => {}
    }
}

/// An optional field of a struct type takes that type's builder, as a required one does:
/// a register-auth direction is written in one expression, and a builder missing a field
/// fails the outer `build()`, naming both.
#[test]
fn an_optional_struct_field_takes_its_builder() {
    use sip_client::{RegisterAuth, SipDirectionConfig, SipHeaderMappings};
    let direction = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Register)
        .register_auth(
            RegisterAuth::builder()
                .username("pbx-user".to_owned())
                .password(SipSecret::new("longenough1")),
        )
        .build()
        .unwrap();
    let auth = direction.register_auth.expect("set through its builder");
    assert_eq!(auth.username.as_deref(), Some("pbx-user"));
    assert_eq!(
        auth.password.as_ref().map(SipSecret::expose),
        Some("longenough1")
    );

    // A value, `Some(value)` and a bare `None` still do (the builder's impl adds a way, and
    // leaves inference where it was).
    let cleared = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .register_auth(None)
        .build()
        .unwrap();
    assert!(cleared.register_auth.is_none());
    let auth = RegisterAuth::builder()
        .username("pbx-user".to_owned())
        .build()
        .unwrap();
    for given in [
        SipDirectionConfig::builder().register_auth(auth.clone()),
        SipDirectionConfig::builder().register_auth(Some(auth.clone())),
    ] {
        let built = given.type_(Direction::Inbound).build().unwrap();
        assert_eq!(built.register_auth.as_ref(), Some(&auth));
    }

    // `SipHeaderMappings` needs its `headers`.
    let err = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .headers(SipHeaderMappings::builder())
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("converting supplied value for headers")
            && err.contains("no value supplied for headers"),
        "{err}"
    );
}

/// A call owns what it needs (a handle on the client's shared pool and settings, its
/// parameters): it outlives the `Client` value and the arguments it was made from, so it
/// can be spawned, stored or returned as it is.
#[tokio::test]
async fn a_call_owns_what_it_needs_and_can_be_spawned() {
    use sip_client_tests::server::{Reply, TestServer};
    fn is_static_send<T: Send + 'static>(_: &T) {}

    let server = TestServer::always(Reply::json(
        200,
        sip_client_tests::fixture("ops/get_sip_config.json"),
    ))
    .await;
    let (sent, awaited) = {
        let client = sip_client_tests::client_for(&server).build().unwrap();
        let number: PhoneNumber = "+14150000000".parse().unwrap();
        let request = client
            .get_sip_config(&number)
            .timeout(Duration::from_secs(30));
        is_static_send(&request);
        let sent = tokio::spawn(client.get_sip_config(&number).send());
        let awaited = tokio::spawn(async move { request.await });
        (sent, awaited)
    };
    for handle in [sent, awaited] {
        let config = handle.await.unwrap().unwrap();
        assert!(config.inbound.is_some() || config.outbound.is_some());
    }
    assert_eq!(server.request_count(), 2);
}

/// A prepared call is `Clone`: each clone sent is a call of its own, with the same
/// parameters, body and per-call settings.
#[tokio::test]
async fn a_prepared_call_clones_into_calls_of_their_own() {
    use sip_client_tests::server::{Reply, TestServer};

    let server = TestServer::always(Reply::json(200, r#"{"data": null}"#)).await;
    let client = sip_client_tests::client_for(&server).build().unwrap();
    let body = sip_client::SipDetachRequest::builder()
        .phone_number("+14150000000".parse::<PhoneNumber>().unwrap())
        .directions(vec![
            sip_client::SipDirectionSelector::builder()
                .type_(sip_client::Direction::Outbound)
                .build()
                .unwrap(),
        ]);
    let request = client.detach_sip(body).max_retries(0);
    let again = request.clone();
    request.await.unwrap();
    again.await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[0].target, requests[1].target);
    assert!(!requests[0].body.is_empty());
}
