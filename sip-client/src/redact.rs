//! How what looks secret is hidden where the client cannot type it: values under keys that
//! look secret (`secret_keys.rs` judges the keys; in JSON values, in the `Debug` of raw JSON the API types keep, and
//! in the text of an unexpected answer). The API key echoed back in an error answer is
//! masked by `key_mask.rs`.
//!
//! The typed secrets ([`SipSecret`](crate::SipSecret), [`SipCredentials`](crate::SipCredentials))
//! and [`to_redacted_json`](crate::to_redacted_json) are in `secret.rs`.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::secret::REDACTED;
use crate::secret_keys::looks_secret;

/// Redacts every scalar under a key that looks secret; `secret` says that `value` is
/// under one already.
pub(crate) fn redact_secret_keys(value: &mut serde_json::Value, secret: bool) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                redact_secret_keys(value, secret || looks_secret(key));
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_secret_keys(item, secret);
            }
        }
        // `null` says there is no value, a boolean one bit (`password_configured: true`):
        // neither holds a secret.
        Value::Null | Value::Bool(_) => {}
        Value::Number(_) | Value::String(_) => {
            if secret {
                *value = Value::String(REDACTED.to_owned());
            }
        }
    }
}

/// JSON text, possibly cut short or not JSON at all (the first bytes of an unexpected
/// answer), with the values under keys that look secret (the rule of [`to_redacted_json`])
/// written as `"<redacted>"`: a string or a number directly, and every such value inside an
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
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let escaped = bytes[at..].starts_with(b"\\\"");
        // What the token from `start` to `at` is written as, when not as it is.
        let replacement: Option<String> = match bytes[at] {
            _ if escaped || bytes[at] == b'"' => {
                let closed;
                (at, closed) = match escaped {
                    true => escaped_string_end(bytes, at),
                    false => string_end(bytes, at),
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
                // A bare token: a number, `true`, `false`, `null`, or text that is not JSON.
                at = (at..bytes.len())
                    .find(|&end| {
                        let b = bytes[end];
                        b.is_ascii_whitespace()
                            || b",:[]{}\"".contains(&b)
                            || bytes[end..].starts_with(b"\\\"")
                    })
                    .unwrap_or(bytes.len());
                scan.bare(text, start..at)
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

/// `Debug` of raw JSON held by a type of the API (the unknown keys of `extra`, a list of
/// untyped items): as derived, but with every value under a key that looks secret written
/// as `"<redacted>"`, the rule of [`to_redacted_json`](crate::to_redacted_json). The
/// generated `Debug` of a type that holds raw JSON writes those fields through it.
pub(crate) struct DebugRedacted<'a, T: ?Sized>(pub(crate) &'a T);

/// Raw JSON, or a container of it, whose `Debug` [`DebugRedacted`] redacts.
pub(crate) trait RedactedDebug {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: RedactedDebug + ?Sized> fmt::Debug for DebugRedacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

impl RedactedDebug for serde_json::Value {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.clone();
        redact_secret_keys(&mut value, false);
        fmt::Debug::fmt(&value, f)
    }
}

impl RedactedDebug for serde_json::Map<String, serde_json::Value> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = serde_json::Value::Object(self.clone());
        redact_secret_keys(&mut value, false);
        match &value {
            serde_json::Value::Object(map) => fmt::Debug::fmt(map, f),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&DebugRedacted(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for Vec<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(DebugRedacted))
            .finish()
    }
}

impl<K: fmt::Debug, V: RedactedDebug> RedactedDebug for std::collections::HashMap<K, V> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(key, value)| (key, DebugRedacted(value))))
            .finish()
    }
}

/// A builder's field: its value, or why it has none.
impl<T: RedactedDebug> RedactedDebug for Result<T, String> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ok(value) => f.debug_tuple("Ok").field(&DebugRedacted(value)).finish(),
            Err(why) => f.debug_tuple("Err").field(why).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_keys::key_words;
    use crate::to_redacted_json;

    #[test]
    fn keys_that_look_secret_are_redacted_whatever_their_case() {
        for key in [
            "password",
            "SIP_PASSWORD",
            "passwd",
            "client_secret",
            "Session-Token",
            "credentials",
            "api_key",
            "x-api-key",
            "apiKey",
            "private_key",
            "auth",
            "Auth",
            "basic_auth",
            "proxyAuth",
            "HTTP-Auth",
            "auth_header",
            "authKey",
            "auth_string2",
            // Written otherwise, or of other nouns (a review's finds).
            "private-key",
            "private key",
            "privKey",
            "pincode",
            "PINCODE",
            "pin_number",
            "pinNumber",
            "access_key",
            "accessKey",
            "ssh_key",
            "encryption_key",
            "signing_key",
            "session_id",
            "sip_pw",
            "cvv",
            "security_code",
            "sipPassword",
            "sippassword",
            "accesstoken",
            "register_password_for_pbx",
            "set-cookie",
            "x-jwt",
            "x-auth",
            "pin2",
            "pin_code",
            // A second review's finds.
            "encrypted_key",
            "ha1",
            "ha1b",
            "digest_ha1",
            "srtp_key",
            "master_key",
            "crypto_key",
            "psk",
            "pre_shared_key",
            "hmac_key",
            "passwords",
            "secrets",
            "api_keys",
            "apiKeys",
            "private_keys",
            "cookies",
            "pw_hash",
            "pwd_hash",
            "pass_hash",
            "pin_hash",
            "password_hash",
            "bearer",
            "client_key",
            "license_key",
            "refresh_token",
            // A third review's finds.
            "creds",
            "sip_creds",
            "authCreds",
            "SIPPASS",
            "sippass",
            "SIPPWD",
            "userpass",
            "passkey",
            "pass_key",
            "PassWord",
            "pass_word",
            "tls_key",
            "tlsKey",
            "sslKey",
            "keyPem",
            "privatekeypem",
            "password_list",
            "secret_list",
            "token_list",
            "password_reset_code",
            "auth_code",
            "mfa_code",
            "verification_code",
            "totp",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "username",
            "auth_mode",
            "register_auth",
            "auth_type",
            "oauth",
            "auth_header_name_x",
            // About a secret, not one (a review's finds).
            "bypass_pin",
            "requires_pin",
            "password_required",
            "has_password",
            "password_set",
            "password_min_length",
            "token_type",
            "max_tokens",
            "token_expires_at",
            "api_keys_count",
            "credential_type",
            "authorization_url",
            "secretary",
            "tokenizer",
            "x-ratelimit-remaining-tokens",
            "mapping",
            "bypass",
            // A second review's finds: cursors, identifiers, metadata.
            "next_page_token",
            "nextPageToken",
            "page_token",
            "continuation_token",
            "sync_token",
            "credential_list_sid",
            "credential_id",
            "credential_connection_id",
            "telephony_credential_id",
            "api_key_id",
            "api_key_name",
            "api_key_prefix",
            "api_key_last4",
            "api_key_created_at",
            "access_key_id",
            "secret_name",
            "secret_arn",
            "secret_version",
            "authorization_status",
            "authorization_date",
            "authorization_id",
            "token_endpoint",
            "token_endpoint_auth_method",
            "authorization_endpoint",
            "password_updated_at",
            "password_changed_at",
            "password_last_changed",
            "password_age",
            "password_strength",
            "token_limit",
            "token_usage",
            "cookie_domain",
            "cookie_name",
            "cookie_consent",
            "preauthorization",
            "tokens_used",
            "author",
            "port",
            "sip_endpoint",
            "pin_required",
            "compass",
            "bypass_list",
            "allow_list",
            "cert_pem",
            "password_reset",
            "password_reset_required",
            "passkey_id",
            "tls_key_id",
            "country_code",
            "code",
            "key",
            "key_pem_path",
            "tls_key_path",
            "ssl_key_file",
            "sip_creds_ref",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
        let value = serde_json::json!({
            "username": "u",
            "Token": 5,
            "deep": [{"secret_flag": 5, "list": {"api_key": ["a", null, true]}}],
            "password_configured": false,
        });
        assert_eq!(
            to_redacted_json(&value).unwrap(),
            serde_json::json!({
                "username": "u",
                "Token": REDACTED,
                "deep": [{"secret_flag": REDACTED, "list": {"api_key": [REDACTED, null, true]}}],
                "password_configured": false,
            })
        );
    }

    #[test]
    fn text_redaction_agrees_with_value_redaction_on_whole_json() {
        let text = r#"{"errors": [{"error": "BAD_AUTH", "message": "password rejected"}],
            "request": {"sip_username": "u", "sip_password": "hunter2!x", "port": 5061,
            "register_auth": {"username": "u", "Password": "pw\"123456"},
            "API_KEY": 12345678, "token": null, "enabled": true,
            "credentials": {"user": "a", "list": ["b", 7, false, null, {"c": "d"}]},
            "secret": {"inner": {"x": [1, {"y": 2}]}, "then": "e-after-inner"},
            "after": "kept", "numbers": [1, 2]}}"#;
        let redacted = redact_json_text(text);
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&redacted).unwrap(),
            to_redacted_json(&value).unwrap(),
            "{redacted}"
        );
        for secret in [
            "hunter2",
            "123456",
            "12345678",
            "\"b\"",
            "\"d\"",
            "e-after-inner",
        ] {
            assert!(!redacted.contains(secret), "{secret} in {redacted}");
        }
        // Layout and whatever is not secret are kept byte for byte; a boolean under a
        // secret key too.
        assert!(redacted.contains(r#", false, null, {"#), "{redacted}");
        assert!(
            redacted.starts_with(
                r#"{"errors": [{"error": "BAD_AUTH", "message": "password rejected"}],"#
            )
        );
        assert!(
            redacted.contains(r#""token": null, "enabled": true,"#),
            "{redacted}"
        );
        assert!(
            redacted.ends_with(r#""after": "kept", "numbers": [1, 2]}}"#),
            "{redacted}"
        );
    }

    #[test]
    fn text_redaction_handles_cut_and_foreign_text() {
        // Cut inside a secret string, inside a secret container, or inside a key.
        assert_eq!(
            redact_json_text(r#"{"a": 1, "sip_password": "hunt"#),
            r#"{"a": 1, "sip_password": "<redacted>""#
        );
        assert_eq!(
            redact_json_text(r#"{"credentials": {"u": "a", "p": ["x"#),
            r#"{"credentials": {"u": "<redacted>", "p": ["<redacted>""#
        );
        assert_eq!(redact_json_text(r#"{"sip_pass"#), r#"{"sip_pass"#);
        // Cut inside a secret number, and inside one that is not secret.
        assert_eq!(
            redact_json_text(r#"{"token": 1234"#),
            r#"{"token": "<redacted>""#
        );
        assert_eq!(redact_json_text(r#"{"port": 506"#), r#"{"port": 506"#);
        // Text that is not quite JSON: a stray character before the value, or a second
        // string right after it, is secret too; the words of a message after a quoted key
        // are not, but the first, taken for the value.
        for (text, redacted) in [
            (
                r#"Invalid "sip_password": must be 8 characters, or "pin": too short"#,
                r#"Invalid "sip_password": "<redacted>" be 8 characters, or "pin": "<redacted>" short"#,
            ),
            (
                r#"{"password": "a" "b" "c", "d": 1}"#,
                r#"{"password": "<redacted>" "<redacted>" "<redacted>", "d": 1}"#,
            ),
            (
                r#"{"password": "a" x "b"}"#,
                r#"{"password": "<redacted>" x "b"}"#,
            ),
            (
                "{\"sip_password\": \u{a0}\"hunter2\", \"u\": \"x\"}",
                r#"{"sip_password": "<redacted>""<redacted>", "u": "x"}"#,
            ),
            (
                "{\"sip_password\":\u{feff}\"hunter2\"}",
                r#"{"sip_password":"<redacted>""<redacted>"}"#,
            ),
            (
                r#"{"sip_password": +"hunter2"}"#,
                r#"{"sip_password": "<redacted>""<redacted>"}"#,
            ),
            (
                r#"{"sip_password":"<redacted>""hunter2" "user": "u"}"#,
                r#"{"sip_password":"<redacted>""<redacted>" "user": "u"}"#,
            ),
            (
                r#"[{"token": "a"} "b"]"#,
                r#"[{"token": "<redacted>"} "b"]"#,
            ),
        ] {
            assert_eq!(redact_json_text(text), redacted, "{text}");
        }
        // JSON quoted in a string (an error repeating the request) is redacted inside,
        // closed or cut short; a string that quotes nothing secret is kept as it is.
        assert_eq!(
            redact_json_text(
                r#"{"error": "upstream said: {\"sip_password\":\"hunter2\"}", "n": 1}"#
            ),
            r#"{"error": "upstream said: {\"sip_password\":\"<redacted>\"}", "n": 1}"#
        );
        assert_eq!(
            redact_json_text(r#"{"error": "said: {\"headers\": {\"Authorization\": \"sk-1"#),
            r#"{"error": "said: {\"headers\": {\"Authorization\": \"<redacted>\""#
        );
        // Cut inside an escape: the escape is dropped and what came before still redacted.
        let quoted = r#"{"error": "upstream said: {\"sip_password\":\"hunter2\"}""#;
        let cut_after_hunter2 = quoted.find("hunter2").unwrap() + "hunter2".len() + 1;
        for cut in [cut_after_hunter2, quoted.len() - 3] {
            let text = redact_json_text(&quoted[..cut]);
            assert!(!text.contains("hunter2"), "{cut}: {text}");
            assert!(text.contains("<redacted>"), "{cut}: {text}");
        }
        for tail in [r"\u00", r"\u", r"\ud83d", r"\ud83d\u", r"\ud83d\ude"] {
            let body = format!(r#"{{"error": "said: {{\"sip_password\":\"hunter2 {tail}"#);
            let text = redact_json_text(&body);
            assert!(!text.contains("hunter2"), "{tail}: {text}");
        }
        // Exactly the cut escape goes: what came before stays, a whole surrogate pair too.
        let quoted = r#"{"error": "said: {\"sip_password\":\"x\"} "#;
        for (tail, kept) in [
            (r"\ud83d", ""),
            (r"\ud83d\ude", ""),
            (r"\u00e", ""),
            (r"\ud83d\ude00 more", "😀 more"),
            (r"\u00e9t\u00e9", "été"),
            // A whole escape, then the cut one: the walk goes past the first to find it.
            (r"\u00e9 x\", "é x"),
        ] {
            assert_eq!(
                redact_json_text(&format!("{quoted}{tail}")),
                format!(r#"{{"error": "said: {{\"sip_password\":\"<redacted>\"}} {kept}"#),
                "{tail}"
            );
        }
        // A lone high surrogate inside the string is no cut: the string does not read, and
        // is redacted whole (the text before it was kept, the secret after it shown).
        let lone = r#"{"error": "said: \ud83d {\"sip_password\":\"hunter2"#;
        assert_eq!(redact_json_text(lone), r#"{"error": "<redacted>"#);
        // Cut after a high surrogate and a character of several bytes: no panic.
        let wide = r#"{"error": "said: {\"sip_password\":\"hunter2\"} \ud83dé"#;
        assert!(!redact_json_text(wide).contains("hunter2"));
        // A string that quotes JSON and still does not read (an escape JSON has not) is
        // redacted whole.
        assert_eq!(
            redact_json_text(r#"{"error": "said: {\"sip_password\":\"hunter2\"} \x"}"#),
            r#"{"error": "<redacted>"}"#
        );
        let plain = r#"{"error": "said: {\"port\": 5061}"}"#;
        assert!(matches!(
            redact_json_text(plain),
            std::borrow::Cow::Borrowed(_)
        ));
        // Whitespace may stand between a key and its colon, as between any JSON tokens.
        assert_eq!(
            redact_json_text("{\"sip_password\" \n\t: \"x\", \"a\"  :  1}"),
            "{\"sip_password\" \n\t: \"<redacted>\", \"a\"  :  1}"
        );
        // An escaped key is read as JSON reads it; an escaped quote does not end a value.
        assert_eq!(
            redact_json_text(r#"{"pass\u0077ord": "a\"b", "x": "y"}"#),
            r#"{"pass\u0077ord": "<redacted>", "x": "y"}"#
        );
        // Text that is not JSON, or JSON without secrets, is returned as it is, borrowed.
        for text in [
            "<html><a href=\"x\">password</a> token: 5</html>",
            r#"{"message": "wrong password", "user": "x"#,
            "",
            r#"{"message": "Invalid password", "passwords": null}"#,
            "é☎ \\ \"",
        ] {
            assert!(
                matches!(redact_json_text(text), std::borrow::Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn short_secret_words_count_only_as_the_last_word_of_a_key() {
        for key in [
            "pbx_pass", "PIN", "user-pin", "userPwd", "sipPass", "otp", "passcode", "SIPPass",
            "PBXPin", "pin2", "userPwd2", "pin_code", "passCode", "otp-code",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "mapping",
            "header_mappings",
            "bypass",
            "passthrough",
            "shipping",
            "pin_required",
            "pass_through",
            "zip_code",
            "code",
            "pin_count2",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
        assert_eq!(
            key_words("sipUserPwd2-x_y").collect::<Vec<_>>(),
            ["sip", "User", "Pwd", "2", "x", "y"]
        );
        assert_eq!(
            key_words("SIPPass_HTTP2x").collect::<Vec<_>>(),
            ["SIP", "Pass", "HTTP", "2", "x"]
        );
        assert_eq!(key_words("--").count(), 0);
    }

    /// Every container of raw JSON a generated type may hold (typify writes free-form maps
    /// as `serde_json::Map` or `HashMap`, lists as `Vec`, and wraps optional fields) shows
    /// its structure as derived `Debug` does, with secret-looking keys redacted inside.
    #[test]
    fn raw_json_containers_keep_their_debug_shape_with_secrets_redacted() {
        let value = serde_json::json!({"auth_token": "LEAK", "port": 5060});
        let shown = |debug: &dyn fmt::Debug| format!("{debug:?}");
        let redacted_value = r#"Object {"auth_token": String("<redacted>"), "port": Number(5060)}"#;
        assert_eq!(shown(&DebugRedacted(&value)), redacted_value);
        let map = value.as_object().unwrap().clone();
        assert_eq!(
            shown(&DebugRedacted(&map)),
            r#"{"auth_token": String("<redacted>"), "port": Number(5060)}"#
        );
        assert_eq!(
            shown(&DebugRedacted(&Some(value.clone()))),
            format!("Some({redacted_value})")
        );
        assert_eq!(shown(&DebugRedacted(&None::<serde_json::Value>)), "None");
        assert_eq!(
            shown(&DebugRedacted(&vec![value.clone()])),
            format!("[{redacted_value}]")
        );
        let keyed = std::collections::HashMap::from([("one".to_owned(), value.clone())]);
        assert_eq!(
            shown(&DebugRedacted(&keyed)),
            format!("{{\"one\": {redacted_value}}}")
        );
        let ok: Result<serde_json::Value, String> = Ok(value);
        assert_eq!(shown(&DebugRedacted(&ok)), format!("Ok({redacted_value})"));
        let missing: Result<serde_json::Value, String> = Err("no value supplied".to_owned());
        assert_eq!(
            shown(&DebugRedacted(&missing)),
            r#"Err("no value supplied")"#
        );
    }

    /// Each `(text, redacted)`: the text is written as `redacted`.
    fn assert_redacts(cases: &[(&str, &str)]) {
        for (text, redacted) in cases {
            assert_eq!(redact_json_text(text), *redacted, "{text}");
        }
    }

    /// Each text is kept as it is, borrowed.
    fn assert_kept(texts: &[&str]) {
        for text in texts {
            assert!(
                matches!(redact_json_text(text), std::borrow::Cow::Borrowed(t) if t == *text),
                "{text}"
            );
        }
    }

    #[test]
    fn json_with_escaped_quotes_in_plain_text_is_redacted() {
        assert_redacts(&[
            (
                r#"<pre>{\"sip_password\": \"hunter2A\"}</pre>"#,
                r#"<pre>{\"sip_password\": \"<redacted>\"}</pre>"#,
            ),
            // An escaped quote inside the value does not end it; nor a word glued before
            // the key; a value cut short is redacted as far as it goes.
            (
                r#"said: x\"token\": \"a\\\"b\", \"user\": \"bob\""#,
                r#"said: x\"token\": \"<redacted>\", \"user\": \"bob\""#,
            ),
            (r#"{\"pin\": \"12"#, r#"{\"pin\": \"<redacted>\""#),
        ]);
        assert_kept(&[
            r#"<pre>{\"sip_username\": \"bob\", \"port\": 5061}</pre>"#,
            r#"C:\"password\" is a folder"#,
            r"a \ b \\ c",
        ]);
    }

    #[test]
    fn json_escaped_inside_a_json_string_is_redacted() {
        assert_redacts(&[
            (
                r#"{"detail":"y\"password\": \"hunter2B\""}"#,
                r#"{"detail":"y\"password\": \"<redacted>\""}"#,
            ),
            // Escaped twice: a string that quotes JSON quoted with escaped quotes.
            (
                r#""y\\\"password\\\": \\\"hunter2C\\\"""#,
                r#""y\\\"password\\\": \\\"<redacted>\\\"""#,
            ),
        ]);
        assert_kept(&[
            r#"{"detail":"y\"user\": \"bob\""}"#,
            r#""y\\\"user\\\": \\\"bob\\\"""#,
        ]);
    }

    #[test]
    fn a_prefix_glued_to_the_value_string_keeps_it_secret() {
        assert_redacts(&[
            (
                r#""password": u"hunter2U""#,
                r#""password": "<redacted>""<redacted>""#,
            ),
            (
                r#"{"password": String("hunter2"), "port": 1}"#,
                r#"{"password": "<redacted>""<redacted>"), "port": 1}"#,
            ),
        ]);
        // Not after a key that is not secret; a word of a message, not glued, takes the
        // secret.
        assert_kept(&[r#"{"user": u"bob", "note": b"x"}"#]);
        assert_redacts(&[(
            r#""password": must be "quoted""#,
            r#""password": "<redacted>" be "quoted""#,
        )]);
    }

    #[test]
    fn unicode_blanks_before_the_colon_still_make_a_key() {
        for blank in [
            "\u{a0}",
            "\u{2003}",
            "\u{3000}",
            "\u{200b}",
            "\u{feff}",
            " \u{a0}\n",
        ] {
            let text = format!("\"password\"{blank}:\"hunter2N\", \"n\"{blank}: \"x\"");
            let redacted = format!("\"password\"{blank}:\"<redacted>\", \"n\"{blank}: \"x\"");
            assert_eq!(redact_json_text(&text), redacted, "{blank:?}");
        }
        assert_kept(&["\"user\"\u{a0}: \"bob\"", "\"password\"\u{a0}is \"x\""]);
    }

    #[test]
    fn a_string_right_after_a_secret_value_or_stray_bracket_is_secret() {
        assert_redacts(&[
            (
                r#""password": null "hunter2D""#,
                r#""password": null "<redacted>""#,
            ),
            (
                r#""password": ["a"] "hunter2E""#,
                r#""password": ["<redacted>"] "<redacted>""#,
            ),
            (r#""password": }"hunter2F""#, r#""password": }"<redacted>""#),
            (r#""pin": 12 "34""#, r#""pin": "<redacted>" "<redacted>""#),
            (r#""pin": true "34""#, r#""pin": true "<redacted>""#),
            // A separator between them, or a word of a message, ends the secret.
            (
                r#"{"password": ["a"], "note": "kept"} "b""#,
                r#"{"password": ["<redacted>"], "note": "kept"} "b""#,
            ),
            (
                r#""password": hunter2 "kept""#,
                r#""password": "<redacted>" "kept""#,
            ),
        ]);
        assert_kept(&[
            r#"{"password": null, "user": "bob"}"#,
            r#"{"user": null "bob", "list": ["a"] "b"} "c""#,
            r#"{"a": {"password": null}} "kept""#,
        ]);
    }
}
