//! `bland-sip audit`: many numbers, bounded concurrency, one JSON line each, in input order.

use std::io::{IsTerminal, Write};

use futures_util::StreamExt;
use serde_json::{Value, json};
use sip_client::{Client, Error, PhoneNumber, TransportErrorKind};
use tokio::io::AsyncReadExt;

use crate::Failure;

/// One line of input, parsed or not.
enum Entry {
    Valid(PhoneNumber),
    Invalid(String, Error),
}

pub(crate) async fn run(client: &Client, source: &str, concurrency: usize) -> Result<(), Failure> {
    let text = read_input(source).await?;
    let entries: Vec<Entry> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| match PhoneNumber::parse(line) {
            Ok(number) => Entry::Valid(number),
            Err(err) => Entry::Invalid(line.to_owned(), Error::InvalidPhoneNumber(err)),
        })
        .collect();
    let total = entries.len();
    let requests = entries
        .iter()
        .filter(|e| matches!(e, Entry::Valid(_)))
        .count();

    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });

    // `buffered` runs up to `concurrency` lookups at once and yields them in input order.
    let mut results = futures_util::stream::iter(entries.into_iter().map(|entry| async move {
        match entry {
            Entry::Valid(number) => {
                let result = client.get_sip_config(&number).await;
                (number.into_string(), result)
            }
            Entry::Invalid(line, err) => (line, Err(err)),
        }
    }))
    .buffered(concurrency);

    let (mut ok, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    while let Some((number, result)) = results.next().await {
        let line = match result {
            Ok(data) => {
                ok += 1;
                json!({ "phone_number": number, "inbound": data.inbound, "outbound": data.outbound })
            }
            Err(err) => {
                if matches!(err, Error::InvalidPhoneNumber(_)) {
                    invalid += 1;
                } else {
                    failed += 1;
                }
                json!({ "phone_number": number, "error": error_json(&err) })
            }
        };
        writeln!(out, "{line}").map_err(|err| Failure::Call(format!("cannot write: {err}")))?;
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    out.flush()
        .map_err(|err| Failure::Call(format!("cannot write: {err}")))?;
    drop(out);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    eprintln!(
        "audited {total} numbers: {ok} ok, {failed} failed, {invalid} invalid ({requests} looked up)"
    );
    if failed > 0 || (invalid > 0 && requests > 0) {
        Err(Failure::Call(format!(
            "{} of {total} numbers did not pass",
            failed + invalid
        )))
    } else if invalid > 0 {
        Err(Failure::Usage(format!(
            "{invalid} invalid numbers; no request was sent"
        )))
    } else {
        Ok(())
    }
}

async fn read_input(source: &str) -> Result<String, Failure> {
    let mut text = String::new();
    if source == "-" {
        tokio::io::stdin()
            .read_to_string(&mut text)
            .await
            .map_err(|err| Failure::Usage(format!("cannot read stdin: {err}")))?;
    } else {
        text = tokio::fs::read_to_string(source)
            .await
            .map_err(|err| Failure::Usage(format!("cannot read {source}: {err}")))?;
    }
    Ok(text)
}

/// The error object of an output line: a stable kind, the status, and the message.
fn error_json(err: &Error) -> Value {
    let kind = match err {
        Error::InvalidPhoneNumber(_) => "invalid_phone_number",
        Error::Api(_) => "api",
        Error::UnexpectedResponse(_) => "unexpected_response",
        Error::Decode(_) => "decode",
        Error::BodyTooLarge { .. } => "body_too_large",
        Error::Transport(t) if t.kind == TransportErrorKind::Timeout => "timeout",
        Error::Transport(t) if t.kind == TransportErrorKind::Connect => "connect",
        Error::Transport(_) => "transport",
        _ => "other",
    };
    let code = err.api_errors().first().map(|entry| entry.error.clone());
    json!({
        "kind": kind,
        "status": err.status().map(|s| s.as_u16()),
        "code": code,
        "message": err.to_string(),
    })
}
