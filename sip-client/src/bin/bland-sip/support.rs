//! What every subcommand shares: how input is read, how answers and errors are printed, and
//! how a failure becomes an exit code. The generated subcommands call these; they know no
//! operation.

use std::io::Write;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::ser::{Formatter, PrettyFormatter};
use sip_client::{Error, Upload};

/// How a command failed, which decides its exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad usage or input: nothing was sent (exit 2).
    Usage(String),
    /// The API, the network, decoding or the terminal failed (exit 1).
    Call(String),
}

/// The value of a required argument (clap has already checked that it is there).
pub(crate) fn required<'a, T: Clone + Send + Sync + 'static>(
    matches: &'a clap::ArgMatches,
    id: &str,
) -> Result<&'a T, Failure> {
    matches
        .get_one::<T>(id)
        .ok_or_else(|| Failure::Usage(format!("missing the argument {id}")))
}

/// The largest request body read (`--body`), in bytes: 10 MiB. The API's request bodies are
/// small JSON documents; the limit only stops an endless input (`yes | bland-sip ... --body
/// -`) from taking all memory.
pub(crate) const MAX_BODY: u64 = 10 * 1024 * 1024;

/// The largest file uploaded (`--file`), in bytes: Bland documents at most 10 MB, read as
/// 10 MiB (the larger reading, as the library's check of uploads does).
pub(crate) const MAX_UPLOAD: u64 = 10 * 1024 * 1024;

/// Reads `reader` to its end, or `None` as soon as it is known to hold more than `limit`
/// bytes: at most `limit + 1` bytes are ever read.
async fn read_capped(
    reader: impl tokio::io::AsyncRead + Unpin,
    limit: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(
        &mut tokio::io::AsyncReadExt::take(reader, limit + 1),
        &mut bytes,
    )
    .await?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// How a limit is said: `10485760 bytes (10 MiB)`.
fn limit_text(limit: u64) -> String {
    format!("{limit} bytes ({} MiB)", limit / (1024 * 1024))
}

/// Reads a JSON body from a file, or from stdin for `-`, of at most [`MAX_BODY`] bytes. A
/// body that does not decode is a usage error naming the JSON path at fault and the kind
/// of value found, never the value (it may be a password). The secrets of the body are
/// masked in the answer printed ([`crate::print::set_request_secrets`]).
pub(crate) async fn read_json<T: DeserializeOwned + serde::Serialize>(
    source: &str,
) -> Result<T, Failure> {
    let (read, whence) = if source == "-" {
        (
            read_capped(tokio::io::stdin(), MAX_BODY).await,
            "from stdin".to_owned(),
        )
    } else {
        let read = match tokio::fs::File::open(source).await {
            Ok(file) => read_capped(file, MAX_BODY).await,
            Err(err) => Err(err),
        };
        (read, format!("in {source:?}"))
    };
    let bytes = match read {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(Failure::Usage(format!(
                "the body {whence} is larger than {}",
                limit_text(MAX_BODY)
            )));
        }
        Err(err) if source == "-" => {
            return Err(Failure::Usage(format!(
                "cannot read the body from stdin: {err}"
            )));
        }
        // JSON given where its file was expected (as `curl -d` takes it) is not repeated: it
        // may hold a password.
        Err(_) if source.trim_start().starts_with(['{', '[']) => {
            return Err(Failure::Usage(
                "--body takes a file name, or - for stdin, not the JSON itself: put it in a \
                 file, or pipe it to --body -"
                    .to_owned(),
            ));
        }
        Err(err) => {
            return Err(Failure::Usage(format!(
                "cannot read the body from {source:?}: {err}"
            )));
        }
    };
    // A byte-order mark, which some editors write first, is not part of the JSON (as it is
    // not part of a number `audit` reads).
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    // A key the request does not know would be dropped, and a misspelt optional field
    // (`trunk_idd`) sent as if it were absent: it is refused instead.
    let mut unknown = Vec::new();
    let mut note_unknown = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let watched = serde_ignored::Deserializer::new(&mut deserializer, &mut note_unknown);
    let value = serde_path_to_error::deserialize(watched).map_err(|err| {
        Failure::Usage(format!(
            "the body is not a valid request at `{}`: {}",
            err.path(),
            sip_client::redacted_json_error(err.inner())
        ))
    })?;
    if let Some(path) = unknown.first() {
        return Err(Failure::Usage(format!(
            "the body has a key the request does not know at `{}`; check its spelling",
            escape(path)
        )));
    }
    // One JSON value and nothing after it but whitespace: a second document or a stray
    // bracket means the file is not what its author thinks, so nothing is sent.
    deserializer.end().map_err(|err| {
        Failure::Usage(format!(
            "the body is not one JSON value: {}",
            sip_client::redacted_json_error(&err)
        ))
    })?;
    // A server may quote the body's secrets back in its answer (a refused password in a
    // reason): they are masked in what is printed, as the key is.
    crate::print::set_request_secrets(sip_client::secret_values(&value));
    Ok(value)
}

/// Reads a file to upload, of at most [`MAX_UPLOAD`] bytes.
pub(crate) async fn upload(path: &str) -> Result<Upload, Failure> {
    let read = match tokio::fs::File::open(path).await {
        Ok(file) => read_capped(file, MAX_UPLOAD).await,
        Err(err) => Err(err),
    };
    let bytes = read
        .map_err(|err| Failure::Usage(format!("cannot read {path:?}: {err}")))?
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{path:?} is larger than {}, the most Bland accepts",
                limit_text(MAX_UPLOAD)
            ))
        })?;
    let name = std::path::Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload".to_owned());
    Ok(Upload::new(name, bytes))
}

/// The failure of an error: invalid input is a usage error (nothing was sent).
pub(crate) fn failure(err: Error) -> Failure {
    match err {
        Error::InvalidInput(_) => Failure::Usage(err.to_string()),
        other => Failure::Call(describe(&other)),
    }
}

/// An error and its causes on one line, each layer once: `request timed out: error
/// sending request for url (...): operation timed out`.
pub(crate) fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut last = text.clone();
    let mut cause = err.source();
    while let Some(err) = cause {
        let layer = err.to_string();
        if layer != last && !last.ends_with(&layer) {
            text.push_str(": ");
            text.push_str(&layer);
        }
        last = layer;
        cause = err.source();
    }
    text
}

/// Writes pretty JSON and a newline to stdout. A closed or full stdout is a failure to
/// report, not a panic.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_json(&mut out, value, true)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|err| Failure::Call(format!("cannot write the answer to stdout: {err}")))
}

/// Writes JSON (pretty or on one line) in which every character a terminal could act on is
/// escaped: serde_json escapes C0 controls, and this formatter every other character that
/// `sip_client::Escaped` escapes (DEL, C1 controls, bidirectional and other invisible format
/// characters, line separators), so that an answer cannot drive or deceive the terminal that
/// shows it. The output is the same JSON value.
pub(crate) fn write_json(
    out: &mut impl Write,
    value: &serde_json::Value,
    pretty: bool,
) -> std::io::Result<()> {
    let formatter = SafeFormatter {
        pretty: pretty.then(PrettyFormatter::new),
    };
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::other)
}

struct SafeFormatter<'a> {
    pretty: Option<PrettyFormatter<'a>>,
}

/// Forwards a layout method to the pretty formatter, or to the compact default.
macro_rules! layout {
    ($($method:ident($($arg:ident: $ty:ty),*);)+) => {
        $(fn $method<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
            match &mut self.pretty {
                Some(pretty) => pretty.$method(writer $(, $arg)*),
                None => serde_json::ser::CompactFormatter.$method(writer $(, $arg)*),
            }
        })+
    };
}

impl Formatter for SafeFormatter<'_> {
    layout! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(sip_client::Escaped::escapes) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().expect("found at a char boundary");
            // JSON escapes a character beyond U+FFFF as its UTF-16 surrogate pair.
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{:04x}", unit)?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// The shortest key masked: a shorter one is no real key, and masking it would garble the
/// message around it.
const MIN_MASKED_KEY: usize = 8;

/// `text` with every occurrence of the key replaced by `<api key>`: the key typed where a
/// file or URL was expected (`--body sk-...`), or echoed back by a server in its error text,
/// never reaches the terminal.
pub(crate) fn mask_key(text: &str, key: Option<&str>) -> String {
    match key.map(str::trim).filter(|key| key.len() >= MIN_MASKED_KEY) {
        Some(key) => text.replace(key, "<api key>"),
        None => text.to_owned(),
    }
}

/// `value` with the key masked in every string and every object key (see [`mask_key`]): an
/// answer is printed whole, and a server may echo the key in any field of it, a success
/// too; an audit line repeats its input line, which may be the key.
pub(crate) fn mask_key_in_json(value: &mut serde_json::Value, key: Option<&str>) {
    fn walk(value: &mut serde_json::Value, key: &str) {
        use serde_json::Value;
        match value {
            Value::String(text) if text.contains(key) => *text = mask_key(text, Some(key)),
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, key)),
            Value::Object(map) if map.keys().any(|name| name.contains(key)) => {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(name, mut item)| {
                        walk(&mut item, key);
                        (mask_key(&name, Some(key)), item)
                    })
                    .collect();
            }
            Value::Object(map) => map.values_mut().for_each(|item| walk(item, key)),
            _ => {}
        }
    }
    if let Some(key) = key.map(str::trim).filter(|key| key.len() >= MIN_MASKED_KEY) {
        walk(value, key);
    }
}

/// Text for the terminal: what `sip_client::Escaped` escapes, as `\u{..}`, and a backslash
/// doubled. For text from the network or the user put into a message.
pub(crate) fn escape(text: &str) -> String {
    sip_client::Escaped(text).to_string()
}

/// The last guard of an `error:` line: every character `sip_client::Escaped` escapes, as
/// `\u{..}`, backslashes left as they are. The message is made of parts already escaped where
/// they came from the network (the library's errors, [`escape`] here), whose `\u{..}` and
/// doubled backslashes must reach the terminal as they are, not doubled again.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if sip_client::Escaped::escapes(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_masked_in_every_string_and_object_key_of_an_answer() {
        let key = "sk-test-0123456789";
        let mut value = serde_json::json!({
            "a": format!("sip:{key}@host"),
            "b": [1, key, {"c": [format!("x{key}y{key}")]}],
            key: {"d": true},
            "e": null,
            "f": "sk-test",
        });
        mask_key_in_json(&mut value, Some(key));
        assert_eq!(
            value,
            serde_json::json!({
                "a": "sip:<api key>@host",
                "b": [1, "<api key>", {"c": ["x<api key>y<api key>"]}],
                "<api key>": {"d": true},
                "e": null,
                "f": "sk-test",
            })
        );
        // No key, or one too short to be a key, masks nothing.
        let before = serde_json::json!({"k": "abc", "abc": ["abc"]});
        for key in [None, Some("abc"), Some("  ")] {
            let mut value = before.clone();
            mask_key_in_json(&mut value, key);
            assert_eq!(value, before);
        }
    }

    #[test]
    fn json_output_escapes_what_a_terminal_acts_on() {
        let value = serde_json::json!({
            "a": "x\u{1b}[2J\u{9b}31m\u{202e}z\u{7f}",
            "b": [1, "ok"],
            "c": "\u{feff}line\u{2028}tag\u{e0041}\u{ad}é☎",
        });
        let mut out = Vec::new();
        write_json(&mut out, &value, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"a":"x\u001b[2J\u009b31m\u202ez\u007f","b":[1,"ok"],"#,
                r#""c":"\ufeffline\u2028tag\udb40\udc41\u00adé☎"}"#
            )
        );
        assert!(!text.chars().any(sip_client::Escaped::escapes), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "still the same JSON value");
        let mut pretty = Vec::new();
        write_json(&mut pretty, &value, true).unwrap();
        let pretty = String::from_utf8(pretty).unwrap();
        assert!(pretty.contains("\n  \"b\": [\n    1,"), "{pretty}");
        assert!(
            !pretty.chars().any(|c| c.is_control() && c != '\n'),
            "{pretty}"
        );
    }

    #[test]
    fn describe_prints_each_layer_once() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl std::fmt::Display for Layer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Layer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let err = Layer(
            "request timed out",
            Some(Box::new(Layer(
                "error sending request",
                Some(Box::new(Layer("error sending request", None))),
            ))),
        );
        assert_eq!(describe(&err), "request timed out: error sending request");
        // A layer that already ends with what its cause says is not followed by it again.
        let err = Layer(
            "cannot connect: connection refused",
            Some(Box::new(Layer("connection refused", None))),
        );
        assert_eq!(describe(&err), "cannot connect: connection refused");
    }
}
