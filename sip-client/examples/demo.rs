//! The offline demo (`cargo xtask demo`): a mock of Bland's `GET /v1/sip` on loopback,
//! serving the examples of our spec, called through the public client exactly as a user
//! would. No account, no network.
//!
//! Run it directly with `cargo run -p sip-client --example demo --features mock`.

use std::process::ExitCode;

use sip_client::mock::{MockServer, MockServerExt};
use sip_client::{Client, ErrorEnvelope, PhoneNumber, SipConfig, SipConfigEnvelope};

/// The spec, embedded: the mock answers with its examples.
const SPEC: &str = include_str!("../../openapi/bland-sip.yaml");

const DEMO_KEY: &str = "demo-key-not-a-secret";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("demo failed: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let spec: serde_json::Value =
        serde_yaml_ng::from_str(SPEC).map_err(|err| format!("the embedded spec: {err}"))?;
    let operation = &spec["paths"]["/v1/sip"]["get"];
    let success: SipConfigEnvelope = example(&operation["responses"]["200"])?;
    let failure: ErrorEnvelope = example(&spec["components"]["responses"]["ApiError"])?;

    let configured: PhoneNumber = "+14150000000".parse().map_err(|e| format!("{e}"))?;
    let not_enabled: PhoneNumber = "+14155550100".parse().map_err(|e| format!("{e}"))?;

    // The mock answers only requests that carry a key, as Bland does.
    let server = MockServer::start_async().await;
    server.get_sip_config(|when, then| {
        when.phone_number(&configured)
            .into_inner()
            .header_exists("authorization");
        then.ok(&success);
    });
    server.get_sip_config(|when, then| {
        when.phone_number(&not_enabled)
            .into_inner()
            .header_exists("authorization");
        then.bad_request(&failure);
    });

    println!(
        "sip-client demo: Bland's GET /v1/sip mocked on {}",
        server.base_url()
    );
    println!("(serving the examples of openapi/bland-sip.yaml; no account, no network)\n");

    let client = Client::builder()
        .api_key(DEMO_KEY)
        .base_url(server.base_url())
        .build()
        .map_err(|err| err.to_string())?;

    println!("$ client.get_sip_config(\"{configured}\")");
    let config = client
        .get_sip_config(&configured)
        .await
        .map_err(|err| err.to_string())?;
    print_config("inbound", config.inbound.as_ref());
    print_config("outbound", config.outbound.as_ref());

    println!("\n$ client.get_sip_config(\"{not_enabled}\")");
    match client.get_sip_config(&not_enabled).await {
        Ok(config) => return Err(format!("expected SIP_NOT_ENABLED, got {config:?}")),
        Err(err) => println!("  error: {err}"),
    }

    println!("\n$ \"+1 (415) 000-0000\".parse::<PhoneNumber>()");
    match "+1 (415) 000-0000".parse::<PhoneNumber>() {
        Ok(number) => return Err(format!("expected a parse error, got {number}")),
        Err(err) => println!("  error: {err} (nothing is sent)"),
    }
    println!("\ndemo finished: the generated client works end to end.");
    Ok(())
}

/// The `example` of a response's JSON content, decoded.
fn example<T: serde::de::DeserializeOwned>(response: &serde_json::Value) -> Result<T, String> {
    let value = response["content"]["application/json"]["example"].clone();
    serde_json::from_value(value).map_err(|err| format!("a spec example does not decode: {err}"))
}

fn print_config(direction: &str, config: Option<&SipConfig>) {
    let Some(config) = config else {
        println!("  {direction:<9} not configured");
        return;
    };
    println!(
        "  {direction:<9} {}  (id {}, org {}, direction {})",
        config.number, config.id, config.org_id, config.direction
    );
    println!(
        "            endpoint   {}",
        config.sip_endpoint.as_deref().unwrap_or("(none)")
    );
    if let Some(options) = &config.options {
        let mut parts = Vec::new();
        if let Some(mode) = &options.auth_mode {
            parts.push(format!("auth {mode}"));
        }
        if let Some(transport) = &options.transport {
            parts.push(format!("transport {transport}"));
        }
        if let Some(port) = options.port {
            parts.push(format!("port {port}"));
        }
        if let Some(secure) = options.secure_media {
            parts.push(format!(
                "secure media {}",
                if secure { "yes" } else { "no" }
            ));
        }
        if options.sip_password.is_some() {
            parts.push("password set (redacted)".to_owned());
        }
        for key in options.extra.keys() {
            parts.push(format!("{key} (new option)"));
        }
        println!("            options    {}", parts.join(", "));
    }
    println!(
        "            created    {}, updated {}",
        config.created_at.to_rfc3339(),
        config.updated_at.to_rfc3339()
    );
}
