//! `bland-sip audit`: the SIP configuration of many numbers, with bounded concurrency, one
//! JSON line each, in input order.
//!
//! Input is streamed: lines are read, looked up and printed as they arrive, so memory stays
//! bounded by the concurrency whatever the input (`yes +14150000000 | bland-sip audit
//! --numbers -` runs until stopped). A UTF-8 byte-order mark and CR line ends are not part
//! of a number; a line longer than any number could be is reported as invalid without
//! being kept.

use std::io::Write;

use clap::{Arg, ArgMatches, Command};
use futures_util::{FutureExt, StreamExt};
use serde_json::{Value, json};
use sip_client::{Client, Error, PhoneNumber, TransportErrorKind};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};

use crate::support::{self, Failure};

/// The longest line kept: far more than any phone number with comments.
const MAX_LINE: usize = 1024;

/// The longest line skipped (and reported as too long) before the input is judged not to be
/// a list of numbers at all: `/dev/zero` or a binary file has no line end to wait for.
const MAX_SKIPPED_LINE: usize = 1024 * 1024;

pub(crate) fn command() -> Command {
    Command::new("audit")
        .about("Look up many numbers; print one JSON line per number, in input order")
        .arg(
            Arg::new("numbers")
                .long("numbers")
                .value_name("FILE")
                .required(true)
                .help(
                    "File with one number per line (`-` for stdin); blank lines and `#` \
                     comments are skipped",
                ),
        )
        .arg(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .default_value("8")
                .value_parser(clap::value_parser!(u32).range(1..=1024))
                .help("How many requests may be in flight at once"),
        )
}

/// One line of input, parsed or not.
enum Entry {
    Valid(PhoneNumber),
    Invalid(String, Error),
}

/// A line as read: its text, or the fact that it was too long to keep.
enum RawLine {
    Text(Vec<u8>),
    TooLong,
}

pub(crate) async fn run(
    client: &Client,
    matches: &ArgMatches,
    show_secrets: bool,
    api_key: Option<&str>,
) -> Result<(), Failure> {
    let source = support::required::<String>(matches, "numbers")?;
    let concurrency = *support::required::<u32>(matches, "concurrency")? as usize;
    let reader: Box<dyn AsyncBufRead + Unpin + Send> = if source == "-" {
        Box::new(BufReader::new(tokio::io::stdin()))
    } else {
        let file = tokio::fs::File::open(source)
            .await
            .map_err(|err| Failure::Usage(format!("cannot read {source:?}: {err}")))?;
        Box::new(BufReader::new(file))
    };

    // Lines become entries lazily: `buffered` pulls the next one only when it has room.
    let entries = entries(reader);
    let mut results = std::pin::pin!(
        entries
            .map(|entry| async move {
                match entry {
                    Ok(Entry::Valid(number)) => {
                        let result = client.get_sip_config(&number).await;
                        Ok((number.into_string(), result))
                    }
                    Ok(Entry::Invalid(line, err)) => Ok((line, Err(err))),
                    Err(err) => Err(err),
                }
            })
            .buffered(concurrency)
    );

    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} numbers, {per_sec}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });

    let (mut ok, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let write_failed =
        |err: std::io::Error| Failure::Call(format!("cannot write to stdout: {err}"));
    loop {
        // Print as soon as nothing more is ready, so that a slow input shows its results
        // as they come, while a fast one is written in large blocks.
        let next = match results.next().now_or_never() {
            Some(next) => next,
            None => {
                out.flush().map_err(write_failed)?;
                results.next().await
            }
        };
        let Some(next) = next else { break };
        let (number, result) = next.map_err(|err| {
            let text = format!("cannot read the numbers: {err}");
            if ok + failed > 0 {
                Failure::Call(text)
            } else {
                Failure::Usage(text)
            }
        })?;
        let mut line = match result {
            Ok(data) => {
                ok += 1;
                let inbound = secret_aware(&data.inbound, show_secrets);
                let outbound = secret_aware(&data.outbound, show_secrets);
                json!({ "phone_number": number, "inbound": inbound, "outbound": outbound })
            }
            Err(err) => {
                if matches!(err, Error::InvalidInput(_)) {
                    invalid += 1;
                } else {
                    failed += 1;
                }
                json!({ "phone_number": number, "error": error_json(&err) })
            }
        };
        // The key masked in the whole line: the input line it repeats may be the key (a
        // `.env` given as the list), and a server may echo it in an answer or an error.
        support::mask_key_in_json(&mut line, api_key);
        support::write_json(&mut out, &line, false)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(write_failed)?;
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    out.flush().map_err(write_failed)?;
    drop(out);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let total = ok + failed + invalid;
    let looked_up = ok + failed;
    let _ = writeln!(
        std::io::stderr(),
        "audited {total} numbers: {ok} ok, {failed} failed, {invalid} invalid ({looked_up} looked up)"
    );
    if failed > 0 || (invalid > 0 && looked_up > 0) {
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

/// A configuration as JSON, its secrets redacted unless asked for.
fn secret_aware<T: serde::Serialize>(value: &T, show_secrets: bool) -> Value {
    let json = if show_secrets {
        serde_json::to_value(value)
    } else {
        sip_client::to_redacted_json(value)
    };
    json.unwrap_or(Value::Null)
}

/// The entries of the input, read lazily: the stream pulls the next line only when polled
/// (`buffered` polls it when it has room). Only the input's first line may start with a
/// byte-order mark, whether or not it is blank or a comment.
fn entries(
    reader: impl AsyncBufRead + Unpin,
) -> impl futures_util::Stream<Item = std::io::Result<Entry>> {
    futures_util::stream::unfold((reader, true), |(mut reader, mut first)| async move {
        loop {
            match next_line(&mut reader).await {
                Err(err) => return Some((Err(err), (reader, false))),
                Ok(None) => return None,
                Ok(Some(line)) => {
                    let entry = entry(line, first);
                    first = false;
                    if let Some(entry) = entry {
                        return Some((Ok(entry), (reader, false)));
                    }
                }
            }
        }
    })
}

/// Reads one line, keeping at most `MAX_LINE` bytes of it; `None` at the end of input. A
/// line of more than `MAX_SKIPPED_LINE` bytes is an error: the input is no list of numbers.
async fn next_line(reader: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<Option<RawLine>> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut read_any = false;
    let mut length = 0usize;
    loop {
        let buffer = reader.fill_buf().await?;
        if buffer.is_empty() {
            return Ok(read_any.then_some(if too_long {
                RawLine::TooLong
            } else {
                RawLine::Text(line)
            }));
        }
        read_any = true;
        let (part, used, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => (&buffer[..end], end + 1, true),
            None => (buffer, buffer.len(), false),
        };
        length = length.saturating_add(part.len());
        if length > MAX_SKIPPED_LINE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a line of more than {} MiB: this is not a list of numbers",
                    MAX_SKIPPED_LINE >> 20
                ),
            ));
        }
        if !too_long {
            if line.len() + part.len() > MAX_LINE {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(part);
            }
        }
        reader.consume(used);
        if done {
            return Ok(Some(if too_long {
                RawLine::TooLong
            } else {
                RawLine::Text(line)
            }));
        }
    }
}

/// The entry of a line, or `None` for a blank line or a comment. The first line may start
/// with a byte-order mark; every line may end with CR.
fn entry(line: RawLine, first: bool) -> Option<Entry> {
    let bytes = match line {
        RawLine::TooLong => {
            let problem = sip_client::InputProblem::TooLong {
                max: MAX_LINE as u64,
            };
            return Some(Entry::Invalid(
                format!("(a line of more than {MAX_LINE} bytes)"),
                Error::InvalidInput(sip_client::InvalidInput::new("line", problem)),
            ));
        }
        RawLine::Text(bytes) => bytes,
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = if first {
        text.strip_prefix('\u{feff}').unwrap_or(&text)
    } else {
        &text
    };
    let text = text.strip_suffix('\r').unwrap_or(text).trim();
    if text.is_empty() || text.starts_with('#') {
        return None;
    }
    Some(match PhoneNumber::parse(text) {
        Ok(number) => Entry::Valid(number),
        Err(err) => Entry::Invalid(
            // The key masked first: withholding what follows a secret-looking part of it
            // would leave the rest of the key (`sk-secret-<redacted>`).
            shown_line(&support::mask_key(text, crate::print::key())),
            Error::InvalidInput(sip_client::InvalidInput::new(
                "phone_number",
                sip_client::InputProblem::PhoneNumber(err),
            )),
        ),
    })
}

/// An invalid line as the output repeats it: in a line of a `.env`-like file given as the
/// list (`SIP_PASSWORD=...`, `export TOKEN=...`, `secret: ...`, `user=u password=p`), or of
/// notes (`api key: ...`, `password hunter2`), what follows the first name that looks secret
/// by the rule of `sip_client::to_redacted_json` (a word, or two words as one: `API Key`)
/// is withheld.
fn shown_line(line: &str) -> String {
    let separator = |c: char| c.is_whitespace() || ";,&=:".contains(c);
    let mut previous: Option<&str> = None;
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| !separator(c)) {
        let word_len = rest[start..].find(separator).unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let end = line.len() - rest.len() + start + word_len;
        let secret = looks_secret(word)
            || previous.is_some_and(|before| looks_secret(&format!("{before}_{word}")));
        if secret {
            // A value glued to its name (`password/hunter2`, `pin#1234`): what follows the
            // first part that names a secret is withheld.
            let glued = word
                .match_indices(|c: char| !c.is_alphanumeric() && c != '_')
                .find(|&(at, _)| looks_secret(&word[..at]));
            if let Some((at, mark)) = glued
                && at + mark.len() < word.len()
            {
                let cut = end - word.len() + at + mark.len();
                return format!("{}{}", &line[..cut], sip_client::REDACTED);
            }
            let after = &line[end..];
            let value = after.trim_start();
            if let Some(value) = value.strip_prefix(['=', ':']) {
                if !value.trim().is_empty() {
                    let at = line.len() - value.len();
                    return format!("{}{}", &line[..at], sip_client::REDACTED);
                }
            } else if !value.is_empty() {
                return format!("{} {}", &line[..end], sip_client::REDACTED);
            }
        }
        previous = Some(word);
        rest = &rest[start + word_len..];
    }
    line.to_owned()
}

/// Whether a value named `name` is a secret, by the rule of `sip_client::to_redacted_json`.
fn looks_secret(name: &str) -> bool {
    let probe = serde_json::json!({ name: "" });
    sip_client::to_redacted_json(&probe)
        .is_ok_and(|redacted| redacted[name] == sip_client::REDACTED)
}

/// The error object of an output line: a stable kind, the status, and the message.
fn error_json(err: &Error) -> Value {
    let kind = match err {
        Error::InvalidInput(_) => "invalid_phone_number",
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
        "message": support::describe(err),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each line of `input` becomes (`None`: skipped), as `run` reads them.
    async fn lines(input: &[u8]) -> Vec<Option<String>> {
        let mut reader = BufReader::with_capacity(7, input);
        let mut out = Vec::new();
        let mut first = true;
        while let Some(line) = next_line(&mut reader).await.unwrap() {
            out.push(entry(line, first).map(|entry| match entry {
                Entry::Valid(number) => number.into_string(),
                Entry::Invalid(text, _) => format!("invalid: {text}"),
            }));
            first = false;
        }
        // The entries `run` gets are those lines, skipped ones left out.
        let streamed: Vec<String> = entries(BufReader::with_capacity(7, input))
            .map(|entry| match entry.unwrap() {
                Entry::Valid(number) => number.into_string(),
                Entry::Invalid(text, _) => format!("invalid: {text}"),
            })
            .collect()
            .await;
        assert_eq!(streamed, out.iter().flatten().cloned().collect::<Vec<_>>());
        out
    }

    /// A `.env`-like file given as the list: a line whose name looks secret is repeated
    /// with its value withheld; others as they are.
    #[tokio::test]
    async fn secret_looking_lines_are_repeated_without_their_value() {
        let input = b"SIP_PASSWORD=HUNTER2SECRET\nexport API_TOKEN = tok-1\nsecret: s3\n\
            NAME=value\nsip:user@host\nplain text\n=x\nuser=bob password=hunter2 x=1\n\
            a=b;token=t\n";
        assert_eq!(
            lines(input).await,
            [
                Some("invalid: SIP_PASSWORD=<redacted>".to_owned()),
                Some("invalid: export API_TOKEN =<redacted>".to_owned()),
                Some("invalid: secret:<redacted>".to_owned()),
                Some("invalid: NAME=value".to_owned()),
                Some("invalid: sip:user@host".to_owned()),
                Some("invalid: plain text".to_owned()),
                Some("invalid: =x".to_owned()),
                Some("invalid: user=bob password=<redacted>".to_owned()),
                Some("invalid: a=b;token=<redacted>".to_owned()),
            ]
        );
    }

    /// Notes rather than a `.env`: a name of two words, or a value after a space (a
    /// black-box probe found these repeated whole).
    #[test]
    fn secret_names_of_two_words_or_without_a_separator_withhold_what_follows() {
        for (line, shown) in [
            ("api key: sk-live-zzzz", "api key:<redacted>"),
            ("API Key = sk-live-yyyy", "API Key =<redacted>"),
            ("password hunter2hunter2", "password <redacted>"),
            ("export TOKEN hunter9", "export TOKEN <redacted>"),
            ("my private key is abc", "my private key <redacted>"),
            // Glued to its name.
            ("password/hunter2", "password/<redacted>"),
            ("x password-hunter2 y", "x password-<redacted>"),
            ("pin#1234", "pin#<redacted>"),
            ("token->abc", "token-<redacted>"),
            ("api-key-abc123", "api-key-<redacted>"),
            ("sip_password", "sip_password"),
            // Nothing follows the name, or what follows a separator is blank: nothing to hide.
            ("hunter2 is my password", "hunter2 is my password"),
            ("password=  ", "password=  "),
            // Not secret names: the line as it is.
            ("password_hint: blue", "password_hint: blue"),
            ("key west 33040", "key west 33040"),
            ("sip:user@host", "sip:user@host"),
        ] {
            assert_eq!(shown_line(line), shown, "{line}");
        }
    }

    #[tokio::test]
    async fn bom_crlf_comments_and_long_lines() {
        let long = vec![b'1'; MAX_LINE + 1];
        let mut input = b"\xef\xbb\xbf+14150000001\r\n# comment\r\n\r\n  +14150000002  \n".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\n+1415x\n+14150000003");
        assert_eq!(
            lines(&input).await,
            [
                Some("+14150000001".to_owned()),
                None,
                None,
                Some("+14150000002".to_owned()),
                Some(format!("invalid: (a line of more than {MAX_LINE} bytes)")),
                Some("invalid: +1415x".to_owned()),
                Some("+14150000003".to_owned()),
            ]
        );
        // The limit is inclusive: a number padded to exactly MAX_LINE bytes is read.
        let mut padded = b"+14150000004".to_vec();
        padded.resize(MAX_LINE, b' ');
        let mut over = padded.clone();
        over.push(b' ');
        let input = [padded, b"\n".to_vec(), over].concat();
        assert_eq!(
            lines(&input).await,
            [
                Some("+14150000004".to_owned()),
                Some(format!("invalid: (a line of more than {MAX_LINE} bytes)")),
            ]
        );
        // A line too long to be skipped ends the input: it is no list of numbers.
        let endless = vec![0u8; MAX_SKIPPED_LINE + 1];
        let mut reader = BufReader::with_capacity(4096, &endless[..]);
        let Err(err) = next_line(&mut reader).await else {
            panic!("an endless line was read")
        };
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            "a line of more than 1 MiB: this is not a list of numbers"
        );
        let mut just = vec![b' '; MAX_SKIPPED_LINE];
        just.extend_from_slice(b"\n+14150000005");
        assert_eq!(
            lines(&just).await,
            [
                Some(format!("invalid: (a line of more than {MAX_LINE} bytes)")),
                Some("+14150000005".to_owned()),
            ]
        );
        // A byte-order mark is not skipped on later lines, also after a skipped first one
        // (the stream skipped it on the first line it kept).
        assert_eq!(
            lines(b"+1\n\xef\xbb\xbf+2\n").await[1],
            Some("invalid: \u{feff}+2".to_owned())
        );
        assert_eq!(
            lines(b"# numbers\n\xef\xbb\xbf+14150000001\n").await[1],
            Some("invalid: \u{feff}+14150000001".to_owned())
        );
    }
}
