//! `bland-sip`: check or audit the SIP configuration of phone numbers from a shell.
//!
//! Exit codes: 0 success; 2 usage error or invalid input (no request was sent); 1 any API,
//! network or decode failure. Errors go to stderr as one line beginning `error:`. The API
//! key never appears in any output.

mod audit;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use sip_client::{Client, Error};

#[derive(Parser)]
#[command(
    name = "bland-sip",
    version,
    about = "Check or audit the SIP configuration of phone numbers on Bland AI",
    after_help = "Exit codes: 0 success; 2 usage error or invalid input (no request sent); \
                  1 API, network or decode failure."
)]
struct Cli {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Connection {
    /// Base URL of the API.
    #[arg(long, global = true, env = "BLAND_BASE_URL", default_value = sip_client::DEFAULT_BASE_URL)]
    base_url: String,
    /// API key (never printed).
    #[arg(long, global = true, env = "BLAND_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Send the key as `Bearer <key>` instead of the raw key.
    #[arg(long, global = true)]
    bearer: bool,
    /// Time limit of each call in seconds, retries included.
    #[arg(long, global = true, default_value_t = 60.0, value_name = "SECS")]
    timeout: f64,
    /// Retries after a failed attempt (connection errors, timeouts, 408, 429, 5xx).
    #[arg(long, global = true, default_value_t = 2, value_name = "N")]
    retries: u32,
    /// Allow a plain http:// base URL to a host that is not loopback.
    #[arg(long, global = true)]
    allow_insecure_http: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Print the SIP configuration (inbound and outbound) of a number as JSON.
    Get {
        /// The phone number, in E.164 format (+14150000000).
        phone_number: String,
    },
    /// Look up many numbers; print one JSON line per number, in input order.
    Audit {
        /// File with one number per line (`-` for stdin); blank lines and `#` comments are
        /// skipped.
        #[arg(long, value_name = "FILE")]
        numbers: String,
        /// How many requests may be in flight at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1024))]
        concurrency: u32,
    },
}

/// How the command ended.
pub(crate) enum Failure {
    /// Bad usage or input: nothing was sent.
    Usage(String),
    /// The API, the network or decoding failed.
    Call(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            return report(Failure::Call(format!(
                "cannot start the async runtime: {err}"
            )));
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
}

fn report(failure: Failure) -> ExitCode {
    match failure {
        Failure::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Failure::Call(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let client = build_client(&cli.connection)?;
    match cli.command {
        Command::Get { phone_number } => {
            let data = client
                .get_sip_config_str(phone_number.trim())
                .await
                .map_err(|err| match err {
                    Error::InvalidPhoneNumber(_) => Failure::Usage(err.to_string()),
                    other => Failure::Call(other.to_string()),
                })?;
            let json = serde_json::to_string_pretty(&data)
                .map_err(|err| Failure::Call(format!("cannot print the answer: {err}")))?;
            println!("{json}");
            Ok(())
        }
        Command::Audit {
            numbers,
            concurrency,
        } => audit::run(&client, &numbers, concurrency as usize).await,
    }
}

fn build_client(connection: &Connection) -> Result<Client, Failure> {
    if !(connection.timeout.is_finite() && connection.timeout > 0.0) {
        return Err(Failure::Usage(
            "--timeout must be a positive number of seconds".to_owned(),
        ));
    }
    let Some(key) = connection.api_key.clone() else {
        return Err(Failure::Usage(
            "no API key: pass --api-key or set BLAND_API_KEY".to_owned(),
        ));
    };
    let mut builder = Client::builder()
        .api_key(key)
        .base_url(connection.base_url.clone())
        .timeout(Duration::from_secs_f64(connection.timeout))
        .max_retries(connection.retries)
        .allow_insecure_http(connection.allow_insecure_http);
    if connection.bearer {
        builder = builder.bearer_auth();
    }
    builder
        .build()
        .map_err(|err| Failure::Usage(err.to_string()))
}
