//! The offline demo (`cargo xtask demo`): a mock of Bland's SIP API on loopback, answering
//! with the examples of our spec, and a short configure-then-read session through the public
//! client, exactly as a user would write it: attach, get, update, numbers, detach. No
//! account, no network.
//!
//! Run it directly with `cargo run -p sip-client --example demo --features mock`.

use std::process::ExitCode;

use sip_client::mock::{MockServer, MockServerExt, examples};
use sip_client::{
    AuthMode, Client, Direction, Error, PhoneNumber, RegisterAuth, SipAttachRequest, SipConfig,
    SipDetachRequest, SipDirectionConfig, SipDirectionSelector, SipSecret, SipUpdateRequest,
};

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
    let number: PhoneNumber = "+14150000000".parse().map_err(|e| format!("{e}"))?;
    let not_enabled: PhoneNumber = "+14155550100".parse().map_err(|e| format!("{e}"))?;

    // The mock answers what Bland's pages show, and only requests that carry a key.
    let server = MockServer::start_async().await;
    server.attach_sip(|when, then| {
        when.into_inner().header_exists("authorization");
        then.ok(&examples::attach_sip());
    });
    server.get_sip_config(|when, then| {
        when.phone_number(&number)
            .into_inner()
            .header_exists("authorization");
        then.ok(&examples::get_sip_config());
    });
    server.get_sip_config(|when, then| {
        when.phone_number(&not_enabled);
        then.bad_request(&examples::api_error());
    });
    server.update_sip(|when, then| {
        when.into_inner().header_exists("authorization");
        then.ok(&examples::update_sip());
    });
    server.list_sip_numbers(|when, then| {
        when.into_inner().header_exists("authorization");
        then.ok(&examples::list_sip_numbers());
    });
    server.detach_sip(|when, then| {
        when.into_inner().header_exists("authorization");
        then.ok_data(&None);
    });

    println!(
        "sip-client demo: Bland's SIP API mocked on {}",
        server.base_url()
    );
    println!("(answering with the examples of openapi/bland-sip.yaml; no account, no network)\n");

    let client = Client::builder()
        .api_key(DEMO_KEY)
        .base_url(server.base_url())
        .build()
        .map_err(|err| err.to_string())?;
    let fail = |err: Error| err.to_string();

    println!("$ client.attach_sip(outbound trunk for {number})");
    let outbound = SipDirectionConfig::builder()
        .type_(Direction::Outbound)
        .sip_endpoint("sip:trunk.provider.com".to_owned())
        .build()
        .map_err(|err| err.to_string())?;
    let attached = client
        .attach_sip(
            SipAttachRequest::builder()
                .phone_number(number.to_string())
                .directions(vec![outbound]),
        )
        .await
        .map_err(fail)?;
    println!("  configured {}", attached.data.configured.join(", "));

    println!("\n$ client.get_sip_config({number})");
    let config = client.get_sip_config(&number).await.map_err(fail)?;
    print_config("inbound", config.inbound.as_ref());
    print_config("outbound", config.outbound.as_ref());

    println!("\n$ client.update_sip(inbound by REGISTER)");
    let inbound = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Register)
        .register_auth(
            RegisterAuth::builder()
                .username("pbx".to_owned())
                .password(SipSecret::new("correct horse battery"))
                .build()
                .map_err(|err| err.to_string())?,
        )
        .build()
        .map_err(|err| err.to_string())?;
    let updated = client
        .update_sip(
            SipUpdateRequest::builder()
                .phone_number(number.clone())
                .updates(inbound),
        )
        .await
        .map_err(fail)?;
    println!(
        "  password for the PBX: {:?}",
        updated.register_password_for_pbx
    );

    println!("\n$ client.list_sip_numbers()");
    let numbers = client.list_sip_numbers().await.map_err(fail)?;
    for entry in &numbers.numbers {
        let directions: Vec<&str> = entry.directions.iter().map(Direction::as_str).collect();
        println!(
            "  {:<14} {:<18} {}",
            entry.phone_number,
            directions.join("+"),
            entry.health_status
        );
    }

    println!("\n$ client.detach_sip(outbound of {number})");
    let outbound = SipDirectionSelector::builder()
        .type_(Direction::Outbound)
        .build()
        .map_err(|err| err.to_string())?;
    client
        .detach_sip(
            SipDetachRequest::builder()
                .phone_number(number.clone())
                .directions(vec![outbound]),
        )
        .await
        .map_err(fail)?;
    println!("  detached");

    println!("\n$ client.get_sip_config({not_enabled})");
    match client.get_sip_config(&not_enabled).await {
        Ok(config) => return Err(format!("expected SIP_NOT_ENABLED, got {config:?}")),
        Err(err) => println!("  error: {err}"),
    }

    println!("\n$ client.update_sip(password of 5 characters)");
    let weak = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Register)
        .register_auth(
            RegisterAuth::builder()
                .password(SipSecret::new("12345"))
                .build()
                .map_err(|err| err.to_string())?,
        )
        .build()
        .map_err(|err| err.to_string())?;
    match client
        .update_sip(
            SipUpdateRequest::builder()
                .phone_number(number.clone())
                .updates(weak),
        )
        .await
    {
        Ok(_) => return Err("expected a refused password".to_owned()),
        Err(err) => println!("  error: {err}"),
    }

    println!("\ndemo finished: the generated client works end to end.");
    Ok(())
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
