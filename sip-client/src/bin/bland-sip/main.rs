//! `bland-sip`: every operation of Bland's SIP API from a shell, plus `audit` for many
//! numbers at once.
//!
//! One subcommand per operation of the spec (generated, `generated_cli.rs`), named after its
//! `operationId` in kebab case; `get NUMBER` is kept as a short form of `get-sip-config`.
//! Exit codes: 0 success; 2 usage error or invalid input (no request was sent); 1 any API,
//! network, decode or output failure. Errors go to stderr as one line beginning `error:`,
//! with every character a terminal could act on escaped. The API key never appears in any
//! output, usage errors included; secrets of answers print as `<redacted>` unless
//! `--show-secrets` is given (see `sip_client::to_redacted_json` for what is secret).
//! Inputs are read up to a limit, never further: a request body (`--body`) up to 10 MiB, a
//! file to upload (`--file`) up to 10 MiB, Bland's limit of documents; a larger one is a
//! usage error. A `--timeout` shorter than 1 ms is a usage error.
// The doc comments of the arguments are clap's help, read in a terminal: a URL there is
// text, not a link.
#![allow(rustdoc::bare_urls)]

mod audit;
/// The subcommands generated from the spec, one per operation.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused_variables)]
mod generated_cli;
mod notes;
mod print;
mod support;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use sip_client::{Client, ClientBuilder};

use crate::support::Failure;

// Settings of the connection, valid before or after the subcommand. (A doc comment here
// would become the command's `about`.)
#[derive(Args)]
struct Connection {
    /// Base URL of the API [default: $BLAND_BASE_URL, else https://api.bland.ai].
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// API key [default: $BLAND_API_KEY]. Never printed.
    #[arg(long, global = true, value_name = "KEY")]
    api_key: Option<String>,
    /// Send the key as `Bearer <key>` instead of the raw key.
    #[arg(long, global = true)]
    bearer: bool,
    /// Time limit of each call in seconds, retries included.
    // A negative figure is a value (refused as such), not an unknown flag.
    #[arg(long, global = true, default_value = "60", value_name = "SECS", value_parser = parse_timeout, allow_negative_numbers = true)]
    timeout: Duration,
    /// Retries after a failed attempt (what is retried depends on the operation).
    #[arg(
        long,
        global = true,
        default_value_t = 2,
        value_name = "N",
        allow_negative_numbers = true
    )]
    retries: u32,
    /// Allow the key to cross the network unencrypted (a plain http:// base URL that is not
    /// loopback, or an HTTP proxy for one).
    #[arg(long, global = true)]
    allow_insecure_http: bool,
    /// Print secrets of answers (passwords, credentials) instead of `<redacted>`.
    #[arg(long, global = true)]
    show_secrets: bool,
}

/// The shortest timeout accepted: anything shorter (`1e-10` rounds to no time at all) would
/// make every call time out at once.
const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// The longest timeout accepted, in seconds: a round figure that a `Duration` holds (its
/// limit, just under 2^64 seconds, is no figure one can type: `18446744073709551615`
/// reads as 2^64 once a float, and is refused).
const MAX_TIMEOUT_SECS: f64 = 1e19;

/// A number of seconds, from [`MIN_TIMEOUT`] to [`MAX_TIMEOUT_SECS`]. The value is not
/// repeated in the message.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds".to_owned())?;
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err("expected a positive number of seconds".to_owned());
    }
    let too_long = || format!("at most {MAX_TIMEOUT_SECS:e} seconds");
    if seconds > MAX_TIMEOUT_SECS {
        return Err(too_long());
    }
    let timeout = Duration::try_from_secs_f64(seconds).map_err(|_| too_long())?;
    if timeout < MIN_TIMEOUT {
        return Err(format!(
            "at least {} seconds (1 ms)",
            MIN_TIMEOUT.as_secs_f64()
        ));
    }
    Ok(timeout)
}

fn command() -> Command {
    let command = Command::new("bland-sip")
        .version(env!("CARGO_PKG_VERSION"))
        .after_help(
            "Exit codes: 0 success; 2 usage error or invalid input (no request sent); 1 API, \
             network, decode or output failure.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("get")
                .about("Print the SIP configuration of a number (short for get-sip-config)")
                .arg(
                    Arg::new("phone_number")
                        .required(true)
                        .value_name("PHONE_NUMBER")
                        .help("The phone number, in E.164 format (+14150000000)"),
                ),
        )
        .subcommand(audit::command())
        .subcommands(generated_cli::commands());
    Connection::augment_args(command)
        .about("Bland AI's SIP API from a shell: one command per operation, and `audit`")
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return clap_failure(&err),
    };
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
    let result = runtime.block_on(run(&matches));
    // Without waiting for blocking threads: one may be reading a stdin that stays open
    // (`audit --numbers -` whose stdout was closed), and would hold the exit until it ends.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let key = Connection::from_arg_matches(&matches)
                .ok()
                .and_then(|connection| connection.key());
            report(mask_failure(failure, key.as_deref()))
        }
    }
}

/// The failure with the key masked (see [`support::mask_key`]).
fn mask_failure(failure: Failure, key: Option<&str>) -> Failure {
    match failure {
        Failure::Usage(message) => Failure::Usage(support::mask_key(&message, key)),
        Failure::Call(message) => Failure::Call(support::mask_key(&message, key)),
    }
}

/// Writes the `error:` line; a stderr that cannot be written is ignored (there is nowhere
/// left to say it), never a panic.
fn report(failure: Failure) -> ExitCode {
    let (message, code) = match failure {
        Failure::Usage(message) => (message, 2),
        Failure::Call(message) => (message, 1),
    };
    let _ = writeln!(
        std::io::stderr(),
        "error: {}",
        support::escape_controls(&message)
    );
    ExitCode::from(code)
}

/// A usage error of clap, said without repeating what was typed: a mistyped option may be
/// the API key (`bland-sip --bearer sk-... get`), and clap's messages quote arguments.
fn clap_failure(err: &clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Help and version text hold no argument of the command line.
            let what = if err.kind() == ErrorKind::DisplayHelp {
                "help"
            } else {
                "version"
            };
            return match err.print() {
                Ok(()) => ExitCode::SUCCESS,
                Err(write) => report(Failure::Call(format!(
                    "cannot write the {what} to stdout: {write}"
                ))),
            };
        }
        // No command asks clap for help in place of a missing argument
        // (`arg_required_else_help`), so every other kind is a one-line usage error.
        _ => {}
    }
    report(Failure::Usage(format!(
        "{}; see `bland-sip --help`",
        usage_message(err, std::env::args_os().skip(1))
    )))
}

/// What is wrong with the command line, naming options and positions, never values.
fn usage_message(err: &clap::Error, args: impl Iterator<Item = std::ffi::OsString>) -> String {
    let arg_name = || match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(name)) => name.clone(),
        _ => "an argument".to_owned(),
    };
    match err.kind() {
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand => {
            // Where it is, by position: the argument itself may be a secret.
            let raw = [ContextKind::InvalidSubcommand, ContextKind::InvalidArg]
                .into_iter()
                .find_map(|kind| match err.get(kind) {
                    Some(ContextValue::String(raw)) => Some(raw.clone()),
                    _ => None,
                });
            let position = raw.and_then(|raw| {
                args.enumerate()
                    .find(|(_, arg)| arg.to_str() == Some(raw.as_str()))
                    .map(|(index, _)| index + 1)
            });
            match position {
                Some(position) => format!(
                    "unexpected argument at position {position} (not shown: it may be a secret)"
                ),
                None => "unexpected argument (not shown: it may be a secret)".to_owned(),
            }
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(err)
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            format!("invalid value for {}{reason}", arg_name())
        }
        // One line like every other error, naming the commands (clap's took five lines).
        ErrorKind::MissingSubcommand => match err.get(ContextKind::ValidSubcommand) {
            Some(ContextValue::Strings(names)) => {
                format!("no command given (one of {})", names.join(", "))
            }
            _ => "no command given".to_owned(),
        },
        ErrorKind::MissingRequiredArgument => match err.get(ContextKind::InvalidArg) {
            Some(ContextValue::Strings(names)) => {
                format!("missing required argument {}", names.join(", "))
            }
            _ => "a required argument is missing".to_owned(),
        },
        // Two uses of one option (`--api-key A --api-key B`) is a conflict with itself.
        ErrorKind::ArgumentConflict => match err.get(ContextKind::PriorArg) {
            Some(ContextValue::String(prior)) if *prior == arg_name() => {
                format!("{prior} was given more than once")
            }
            Some(ContextValue::String(prior)) => {
                format!("{} cannot be used with {prior}", arg_name())
            }
            _ => format!("{} cannot be used here", arg_name()),
        },
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => format!("wrong number of values for {}", arg_name()),
        ErrorKind::InvalidUtf8 => "an argument is not valid UTF-8".to_owned(),
        _ => "invalid command line".to_owned(),
    }
}

impl Connection {
    /// The key the client uses: the option, else the environment (whether or not it is
    /// valid), for masking it wherever a message would repeat it.
    fn key(&self) -> Option<String> {
        self.api_key
            .clone()
            .or_else(|| std::env::var(sip_client::API_KEY_ENV).ok())
    }
}

async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let connection = Connection::from_arg_matches(matches)
        .map_err(|err| Failure::Usage(format!("invalid options: {}", err.kind())))?;
    let client = build_client(&connection)?;
    print::set_key(connection.key());
    let show_secrets = connection.show_secrets;
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::Usage("a command is required".to_owned()));
    };
    match name {
        "get" => {
            let number = support::required::<String>(sub, "phone_number")?;
            print::answer(
                client.get_sip_config(number.trim().to_owned()).await,
                show_secrets,
            )
        }
        "audit" => {
            let key = connection.key();
            return audit::run(&client, sub, show_secrets, key.as_deref()).await;
        }
        name => match generated_cli::run(&client, name, sub, show_secrets).await {
            Some(result) => result,
            None => Err(Failure::Usage(format!("unknown command {name}"))),
        },
    }
}

/// The client of the options, with the library's rules for the environment: `BLAND_API_KEY`
/// and `BLAND_BASE_URL` (empty means unset), each replaced by its option when given.
fn build_client(connection: &Connection) -> Result<Client, Failure> {
    let mut builder = ClientBuilder::from_env()
        .timeout(connection.timeout)
        .max_retries(connection.retries)
        .allow_insecure_http(connection.allow_insecure_http);
    if let Some(key) = &connection.api_key {
        builder = builder.api_key(key.clone());
    }
    if let Some(url) = &connection.base_url {
        builder = builder.base_url(url.clone());
    }
    if connection.bearer {
        builder = builder.bearer_auth();
    }
    builder.build().map_err(|err| match err {
        sip_client::BuildError::MissingApiKey => {
            Failure::Usage("no API key: pass --api-key or set BLAND_API_KEY".to_owned())
        }
        // The library's message names its setting; the command's is a flag.
        sip_client::BuildError::InsecureBaseUrl { url, .. } => Failure::Usage(format!(
            "refusing plain-http base URL {url:?}: the API key would cross the network \
             unencrypted; use https, a loopback host, or --allow-insecure-http"
        )),
        sip_client::BuildError::BearerTwice => Failure::Usage(
            "the API key begins with `Bearer ` and --bearer adds it again; give the key alone \
             (the key is not shown)"
                .to_owned(),
        ),
        other => {
            Failure::Usage(support::describe(&other).replace("; use api_key", "; use --api-key"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(args: &[&str]) -> String {
        let err = command()
            .try_get_matches_from(std::iter::once("bland-sip").chain(args.iter().copied()))
            .expect_err("a usage error");
        usage_message(&err, args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn usage_errors_never_repeat_arguments() {
        let secret = "sk-live-0123456789abcdef";
        for args in [
            vec!["--bearer", secret, "get", "+1"],
            vec!["get", "+1", secret],
            vec![secret],
            vec!["--timeout", secret, "get", "+1"],
            vec!["get-sip-config", "--phone-number"],
        ] {
            let text = usage(&args);
            assert!(!text.contains(secret), "{args:?}: {text}");
            assert!(!text.contains("sk-"), "{args:?}: {text}");
        }
        assert_eq!(
            usage(&["--bearer", secret, "get", "+1"]),
            "unexpected argument at position 2 (not shown: it may be a secret)"
        );
        assert_eq!(
            usage(&["--timeout", "1e20", "get", "+1"]),
            "invalid value for --timeout <SECS>: at most 1e19 seconds"
        );
        assert_eq!(
            usage(&["get-sip-config"]),
            "missing required argument --phone-number <PHONE_NUMBER>"
        );
    }

    #[test]
    fn an_option_given_twice_is_named_without_its_values() {
        let secret = "sk-live-0123456789abcdef";
        assert_eq!(
            usage(&["--api-key", secret, "--api-key", secret, "get", "+1"]),
            "--api-key <KEY> was given more than once"
        );
        assert_eq!(
            usage(&["get", "+1", "--bearer", "--bearer"]),
            "--bearer was given more than once"
        );
    }

    /// Kinds our commands cannot produce today, with arguments a generated command may
    /// have tomorrow: each is still said by naming the option, never its values.
    #[test]
    fn every_kind_of_usage_error_names_the_option_not_the_values() {
        let secret = "sk-live-0123456789abcdef";
        let message = |command: Command, args: &[&str]| {
            let err = command
                .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
                .expect_err("a usage error");
            usage_message(&err, args.iter().map(std::ffi::OsString::from))
        };
        let pair = || Command::new("t").arg(Arg::new("pair").long("pair").num_args(2));
        assert_eq!(
            message(pair(), &["--pair", secret]),
            "wrong number of values for --pair <pair> <pair>"
        );
        let one = Command::new("t").arg(Arg::new("one").long("one").require_equals(true));
        assert_eq!(
            message(one, &["--one", secret]),
            "wrong number of values for --one=<one>"
        );
        let exclusive = Command::new("t")
            .arg(Arg::new("a").long("a").conflicts_with("b"))
            .arg(Arg::new("b").long("b"));
        assert_eq!(
            message(exclusive, &["--a", secret, "--b", secret]),
            "--a <a> cannot be used with --b <b>"
        );
    }

    #[test]
    fn an_argument_that_is_not_utf8_is_a_usage_error_that_says_so() {
        use std::os::unix::ffi::OsStringExt;
        let bytes = std::ffi::OsString::from_vec(b"+1\xff".to_vec());
        let args = [std::ffi::OsString::from("get"), bytes];
        let err = command()
            .try_get_matches_from(std::iter::once("bland-sip".into()).chain(args.clone()))
            .expect_err("a usage error");
        assert_eq!(
            usage_message(&err, args.into_iter()),
            "an argument is not valid UTF-8"
        );
    }

    #[test]
    fn timeouts_are_positive_and_representable() {
        assert_eq!(parse_timeout("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(
            parse_timeout("1e19"),
            Ok(Duration::from_secs(10_000_000_000_000_000_000))
        );
        for bad in ["0", "-1", "NaN", "inf", "soon", ""] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        // Past the limit, each refused with the limit it says (the message said "at most
        // 18446744073709551615 seconds" and refused exactly that).
        for long in [
            "1.0000000000000002e19",
            "18446744073709551615",
            "1e20",
            "1e300",
        ] {
            assert_eq!(
                parse_timeout(long),
                Err("at most 1e19 seconds".to_owned()),
                "{long}"
            );
        }
        assert_eq!(parse_timeout("0.001"), Ok(MIN_TIMEOUT));
        for tiny in ["1e-10", "1e-300", "4.9e-324", "0.000999"] {
            assert_eq!(
                parse_timeout(tiny),
                Err("at least 0.001 seconds (1 ms)".to_owned()),
                "{tiny}"
            );
        }
    }
}
