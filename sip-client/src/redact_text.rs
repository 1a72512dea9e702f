//! The text scanner of `redact.rs`: the values under keys that look secret in text that may
//! be JSON, cut short JSON, JSON quoted in a string or in a page, or not JSON at all (the
//! first bytes of an unexpected answer, the messages of an error answer).

use std::borrow::Cow;
use std::ops::Range;

use crate::secret::REDACTED;
use crate::secret_keys::looks_secret;

/// JSON text, possibly cut short or not JSON at all (the first bytes of an unexpected
/// answer), with the values under keys that look secret (the rule of
/// [`to_redacted_json`](crate::to_redacted_json)) written as `"<redacted>"`: a string or a number directly, and every such value inside an
/// object or array (not `null`, `true` or `false`, which hold no secret). Everything else
/// is kept byte for byte; a value cut off by the end of the text is redacted as far as it
/// goes. A string that quotes JSON (an error message repeating the request) is redacted
/// inside the same way, and so is JSON quoted with escaped quotes in plain text (an HTML
/// page showing `{\"sip_password\": \"…\"}`: the value written `\"<redacted>\"`).
///
/// Text that is not JSON passes through unchanged unless it holds a double-quoted key that
/// looks secret followed by `:` (any Unicode blank may stand before it): single-quoted
/// keys, `key=value` and `key: value` lines are not recognised.
pub(crate) fn redact_json_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    // Up to where `text` has been copied to `out`: 0 while nothing was replaced.
    let mut copied = 0;
    let mut scan = Scan::default();
    // An escaped quote that no other closes (`expected \" at 3`) opens no string: reading
    // the rest of the text as one would hide its keys. None after it closes either.
    let mut unclosed_escape = false;
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let mut escaped_end = None;
        if !unclosed_escape && bytes[at..].starts_with(b"\\\"") {
            match escaped_string_end(bytes, at) {
                (end, true) => escaped_end = Some(end),
                (_, false) => unclosed_escape = true,
            }
        }
        // What the token from `start` to `at` is written as, when not as it is.
        let replacement: Option<String> = match bytes[at] {
            _ if escaped_end.is_some() || bytes[at] == b'"' => {
                let closed;
                (at, closed) = match escaped_end {
                    Some(end) => (end, true),
                    None => string_end(bytes, at),
                };
                if let Some(after_colon) = colon_end(text, at) {
                    // A key: never redacted itself; it decides the value after it.
                    scan.key(&text[start..at]);
                    at = after_colon;
                    None
                } else {
                    scan.string(text, start..at, closed)
                }
            }
            b'{' | b'[' => {
                scan.open();
                at += 1;
                None
            }
            b'}' | b']' => {
                at += 1;
                scan.close(text, at);
                None
            }
            b',' => {
                scan.secret_value = false;
                at += 1;
                None
            }
            b if b == b':' || b.is_ascii_whitespace() => {
                at += 1;
                None
            }
            _ => {
                // A bare token: a number, `true`, `false`, `null`, or text that is not JSON
                // (at least its first byte: a `\` of an escaped quote that opens nothing).
                at = (at + 1..bytes.len())
                    .find(|&end| {
                        let b = bytes[end];
                        b.is_ascii_whitespace()
                            || b",:[]{}\"".contains(&b)
                            || bytes[end..].starts_with(b"\\\"")
                    })
                    .unwrap_or(bytes.len());
                // A word closed by a quote and a colon (`got {"a": 1, pin": 5}`, quotes out
                // of step after a stray one): a key.
                let colon = (bytes.get(at) == Some(&b'"'))
                    .then(|| colon_end(text, at + 1))
                    .flatten();
                match colon {
                    Some(after_colon) => {
                        scan.key(&format!("\"{}\"", &text[start..at]));
                        at = after_colon;
                        None
                    }
                    None => scan.bare(text, start..at),
                }
            }
        };
        if let Some(replacement) = replacement {
            out.push_str(&text[copied..start]);
            out.push_str(&replacement);
            copied = at;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Where [`redact_json_text`] is in the text it scans.
#[derive(Default)]
struct Scan {
    depth: usize,
    /// The depth of the container that a secret key opened, while inside it.
    secret_container: Option<usize>,
    /// A secret key and its `:` were read: the next value is secret. In text that is not
    /// quite JSON, so are stray characters before it (`: \u{a0}"pw"`, `: +"pw"`: a token
    /// with no letter or digit does not take the value's place), a token glued to the
    /// string after it (Python's `u"pw"`), a stray closing bracket (`: }"pw"`), and a
    /// string right after a value (`: "x" "pw"`, `: null "pw"`, `: ["x"] "pw"`); the words
    /// of a message are not (`"password": must be longer`: the first word is taken for the
    /// value).
    secret_value: bool,
}

impl Scan {
    /// A key (`token` with its quotes, maybe escaped ones) and its `:` were read.
    fn key(&mut self, token: &str) {
        let unquoted = |quoted: &str| serde_json::from_str::<String>(quoted).ok();
        let key = match token.starts_with('\\') {
            // `\"key\"` is the JSON string `"key"` inside a JSON string.
            true => unquoted(&format!("\"{token}\"")).and_then(|once| unquoted(&once)),
            false => unquoted(token),
        };
        let key = key.unwrap_or_else(|| token.to_owned());
        self.secret_value = self.secret_container.is_none() && looks_secret(&key);
    }

    /// A string that is not a key, at `span` of `text`: what it is written as, if not as it is.
    fn string(&mut self, text: &str, span: Range<usize>, closed: bool) -> Option<String> {
        let escaped = text[span.clone()].starts_with('\\');
        if self.secret_container.is_some() {
            Some(redacted_token(escaped))
        } else if std::mem::take(&mut self.secret_value) {
            self.secret_value = string_follows(text, span.end);
            Some(redacted_token(escaped))
        } else if escaped {
            None
        } else {
            redact_nested(&text[span], closed)
        }
    }

    fn open(&mut self) {
        if std::mem::take(&mut self.secret_value) && self.secret_container.is_none() {
            self.secret_container = Some(self.depth);
        }
        self.depth += 1;
    }

    /// A closing bracket was read, up to `after`.
    fn close(&mut self, text: &str, after: usize) {
        self.depth = self.depth.saturating_sub(1);
        let depth = self.depth;
        let closed_secret = self.secret_container.take_if(|open| *open == depth);
        // After the secret container, or in place of the value (a stray bracket), a string
        // that follows is secret.
        self.secret_value =
            (closed_secret.is_some() || self.secret_value) && string_follows(text, after);
    }

    /// A bare token at `span` of `text`: what it is written as, if not as it is.
    fn bare(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        let token = &text[span.clone()];
        let glued = text[span.end..].starts_with('"') || text[span.end..].starts_with("\\\"");
        // A stray character, or a prefix of the string after it, keeps the secret for the
        // value after it.
        let secret = if glued || !token.chars().any(char::is_alphanumeric) {
            self.secret_value
        } else {
            let value = std::mem::take(&mut self.secret_value);
            // A value of JSON (`null`, a boolean, a number): a string after it is secret too.
            if value && serde_json::from_str::<serde_json::Value>(token).is_ok() {
                self.secret_value = string_follows(text, span.end);
            }
            value
        } || self.secret_container.is_some();
        (secret && !["null", "true", "false"].contains(&token)).then(|| redacted_token(false))
    }
}

/// A redacted value as a JSON token: `"<redacted>"`, or `\"<redacted>\"` when `escaped`.
fn redacted_token(escaped: bool) -> String {
    let quote = if escaped { "\\\"" } else { "\"" };
    format!("{quote}{REDACTED}{quote}")
}

/// What may stand between JSON tokens in text: any Unicode white space, and the
/// zero-width characters (`U+200B`–`U+200D`, `U+2060`, the BOM `U+FEFF`).
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// Where the `:` after a string ending at `end` ends, when blanks and then a `:` follow
/// it (the string is a key).
fn colon_end(text: &str, end: usize) -> Option<usize> {
    let rest = text[end..].trim_start_matches(is_blank);
    rest.strip_prefix(':').map(|after| text.len() - after.len())
}

/// Whether a string (quoted, or quoted with escaped quotes) follows `at`, after blanks.
fn string_follows(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start_matches(is_blank);
    rest.starts_with('"') || rest.starts_with("\\\"")
}

/// Where the JSON string opening at `open` ends (just after its closing quote), and
/// whether it is closed; the end of `bytes` when it is cut short.
fn string_end(bytes: &[u8], open: usize) -> (usize, bool) {
    let mut at = open + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return (at + 1, true),
            _ => at += 1,
        }
    }
    (bytes.len(), false)
}

/// [`string_end`] for a string quoted with escaped quotes (`\"…\"`, JSON quoted in text),
/// whose escapes are escaped too (its `\"` is written `\\\"`).
fn escaped_string_end(bytes: &[u8], open: usize) -> (usize, bool) {
    let mut at = open + 2;
    while at < bytes.len() {
        match &bytes[at..] {
            [b'\\', b'"', ..] => return (at + 2, true),
            [b'\\', b'\\', b'\\', _, ..] => at += 4,
            [b'\\', ..] => at += 2,
            _ => at += 1,
        }
    }
    (bytes.len(), false)
}

/// A JSON string that quotes JSON (an error message that repeats the request:
/// `"upstream said: {\"sip_password\": \"...\"}"`): its text redacted the same way and
/// written back as a JSON string (still open if it was cut short); `None` when it quotes
/// nothing secret. A string cut inside an escape (`\`, `\u00`, half a surrogate pair) is
/// read without that escape; one that still does not read as JSON, which the redaction
/// cannot see into, is redacted whole.
fn redact_nested(token: &str, closed: bool) -> Option<String> {
    if !token.contains("\\\"") {
        return None;
    }
    let parsed = if closed {
        serde_json::from_str::<String>(token)
    } else {
        serde_json::from_str::<String>(&format!("{}\"", without_a_cut_escape(token)))
    };
    let Ok(text) = parsed else {
        return Some(if closed {
            redacted_token(false)
        } else {
            format!("\"{REDACTED}")
        });
    };
    let Cow::Owned(redacted) = redact_json_text(&text) else {
        return None;
    };
    let mut written = serde_json::to_string(&redacted).ok()?;
    if !closed {
        written.pop();
    }
    Some(written)
}

/// A JSON string cut short, without the escape it was cut in (a lone `\`, `\u` with fewer
/// than four digits, or a high surrogate whose low half is missing or cut).
fn without_a_cut_escape(token: &str) -> &str {
    let bytes = token.as_bytes();
    let mut at = 1;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match bytes.get(at + 1) {
            None => return &token[..at],
            Some(b'u') => {
                let Some(hex) = token.get(at + 2..at + 6) else {
                    return &token[..at];
                };
                let high =
                    u16::from_str_radix(hex, 16).is_ok_and(|unit| (0xD800..0xDC00).contains(&unit));
                // Cut only where the token ends: a high surrogate without its low half
                // anywhere else is no cut, and the token then does not read (redacted whole).
                let rest = &token[at + 6..];
                if high
                    && rest.len() < 6
                    && b"\\u".starts_with(&rest.as_bytes()[..rest.len().min(2)])
                {
                    return &token[..at];
                }
                at += 6;
            }
            Some(_) => at += 2,
        }
    }
    token
}
