//! Secrets: values that must never reach `Debug`, `Display`, logs or panics.
//!
//! The spec marks a schema as a secret with `x-sip-client-type: SipSecret` (a string) or
//! `SipCredentials` (an object); the generator gives every field of it one of these types.
//! They serialize unchanged, so that a configuration round-trips and a request carries the
//! password; [`to_redacted_json`] serializes with every secret replaced, for printing.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret is written as by [`to_redacted_json`].
pub const REDACTED: &str = "<redacted>";

thread_local! {
    /// Set while [`to_redacted_json`] runs on this thread. Serialization is synchronous, so
    /// a flag of the thread is exactly the scope of one call.
    static REDACTING: Cell<bool> = const { Cell::new(false) };
}

/// Serializes `value` to JSON with every secret in it (passwords, credentials) written as
/// `"<redacted>"`: for printing or logging a request or an answer.
///
/// Two rules decide what is secret:
///
/// - every value the schema types as a secret ([`SipSecret`], [`SipCredentials`]);
/// - every value under a key that looks like one, anywhere in the output: a key that
///   contains, ignoring case, `password`, `passwd`, `secret`, `token`, `credential`,
///   `api_key`, `api-key`, `apikey`, `private_key`, `privatekey` or `authorization` (an
///   echoed header carries the API key). Free-form maps (the
///   `options` of a direction keep keys the schema does not know) may carry passwords the
///   schema cannot type, such as `"register_auth": {"password": ...}` or a future
///   `"..._password"`. Under such a key, every string, number and boolean at any depth is
///   written as `"<redacted>"`; objects and arrays keep their shape and `null` stays
///   `null` (it says only that there is no value).
///
/// A key itself is never redacted.
///
/// ```
/// use sip_client::{SipSecret, to_redacted_json};
///
/// let secret = SipSecret::new("hunter2hunter2");
/// assert_eq!(to_redacted_json(&secret)?, "<redacted>");
/// assert_eq!(serde_json::to_value(&secret)?, "hunter2hunter2");
///
/// let options = serde_json::json!({"port": 5061, "register_auth": {"password": "pw123456"}});
/// assert_eq!(
///     to_redacted_json(&options)?,
///     serde_json::json!({"port": 5061, "register_auth": {"password": "<redacted>"}})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn to_redacted_json<T: Serialize + ?Sized>(
    value: &T,
) -> Result<serde_json::Value, serde_json::Error> {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REDACTING.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(REDACTING.with(|flag| flag.replace(true)));
    let mut json = serde_json::to_value(value)?;
    redact_secret_keys(&mut json, false);
    Ok(json)
}

/// Whether a key names a secret (the rule of [`to_redacted_json`]).
fn looks_secret(key: &str) -> bool {
    const WORDS: [&str; 11] = [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "api_key",
        "api-key",
        "apikey",
        "private_key",
        "privatekey",
        "authorization",
    ];
    let key = key.to_lowercase();
    WORDS.iter().any(|word| key.contains(word))
}

/// Redacts every scalar under a key that looks secret; `secret` says that `value` is
/// under one already.
fn redact_secret_keys(value: &mut serde_json::Value, secret: bool) {
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
        Value::Null => {}
        Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            if secret {
                *value = Value::String(REDACTED.to_owned());
            }
        }
    }
}

/// JSON text, possibly cut short or not JSON at all (the first bytes of an unexpected
/// answer), with the values under keys that look secret (the rule of [`to_redacted_json`])
/// written as `"<redacted>"`: a string, a number or a boolean directly, and every such
/// value inside an object or array. Everything else is kept byte for byte; a value cut off
/// by the end of the text is redacted as far as it goes. A string that quotes JSON (an
/// error message repeating the request) is redacted inside the same way.
///
/// Text that is not JSON passes through unchanged unless it holds a double-quoted key that
/// looks secret followed by `:`: single-quoted keys, `key=value` and `key: value` lines are
/// not recognised.
pub(crate) fn redact_json_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    // Up to where `text` has been copied to `out`: 0 while nothing was replaced.
    let mut copied = 0;
    let mut depth = 0usize;
    // The depth of the container that a secret key opened, while inside it.
    let mut secret_container: Option<usize> = None;
    // A secret key and its `:` were read: the next value is secret.
    let mut secret_value = false;
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        // What the token from `start` to `at` is written as, when not as it is.
        let replacement: Option<String> = match bytes[at] {
            b'"' => {
                let closed;
                (at, closed) = string_end(bytes, at);
                let colon = bytes[at..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .is_some_and(|offset| bytes[at + offset] == b':');
                if colon {
                    // A key: never redacted itself; it decides the value after it.
                    let key = serde_json::from_str::<String>(&text[start..at])
                        .unwrap_or_else(|_| text[start..at].to_owned());
                    secret_value = secret_container.is_none() && looks_secret(&key);
                    None
                } else if std::mem::take(&mut secret_value) || secret_container.is_some() {
                    Some(redacted_token())
                } else {
                    redact_nested(&text[start..at], closed)
                }
            }
            b'{' | b'[' => {
                if std::mem::take(&mut secret_value) && secret_container.is_none() {
                    secret_container = Some(depth);
                }
                depth += 1;
                at += 1;
                None
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if secret_container == Some(depth) {
                    secret_container = None;
                }
                at += 1;
                None
            }
            b',' => {
                secret_value = false;
                at += 1;
                None
            }
            b':' => {
                at += 1;
                None
            }
            b if b.is_ascii_whitespace() => {
                at += 1;
                None
            }
            _ => {
                // A bare token: a number, `true`, `false`, `null`, or text that is not JSON.
                at += bytes[at..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || b",:[]{}\"".contains(b))
                    .unwrap_or(bytes.len() - at);
                let secret = std::mem::take(&mut secret_value) || secret_container.is_some();
                (secret && &text[start..at] != "null").then(redacted_token)
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

/// A redacted value as a JSON token: `"<redacted>"`.
fn redacted_token() -> String {
    format!("\"{REDACTED}\"")
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

/// A JSON string that quotes JSON (an error message that repeats the request:
/// `"upstream said: {\"sip_password\": \"...\"}"`): its text redacted the same way and
/// written back as a JSON string (still open if it was cut short); `None` when it quotes
/// nothing secret.
fn redact_nested(token: &str, closed: bool) -> Option<String> {
    if !token.contains("\\\"") {
        return None;
    }
    let text: String = if closed {
        serde_json::from_str(token).ok()?
    } else {
        serde_json::from_str(&format!("{token}\"")).ok()?
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

fn redacting() -> bool {
    REDACTING.with(Cell::get)
}

/// A SIP credential (`sip_password`, `register_auth.password`, `register_password_for_pbx`).
///
/// Bland redacts credentials in GET responses, but how a redacted value looks is not
/// documented, so the client treats whatever arrives as secret: `Debug` shows
/// `SipSecret(<redacted>)` and there is no `Display`. Serialization writes the value
/// unchanged (except under [`to_redacted_json`]); [`SipSecret::expose`] reads it
/// deliberately.
#[derive(Clone, PartialEq, Eq)]
pub struct SipSecret(String);

impl SipSecret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        SipSecret(value.into())
    }

    /// The credential itself. Named so that every read of it stands out in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SipSecret {
    fn from(value: String) -> Self {
        SipSecret(value)
    }
}

impl From<&str> for SipSecret {
    fn from(value: &str) -> Self {
        SipSecret(value.to_owned())
    }
}

impl fmt::Debug for SipSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SipSecret(<redacted>)")
    }
}

impl Serialize for SipSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if redacting() {
            serializer.serialize_str(REDACTED)
        } else {
            serializer.serialize_str(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for SipSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SipSecret)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SipSecret {
    fn schema_name() -> String {
        "SipSecret".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = String::json_schema(generator).into_object();
        schema.metadata().description =
            Some("A SIP credential (never printed by the client).".to_owned());
        schema.into()
    }
}

/// Credentials of a number as Bland returns them (`credentials` of the outbound setup):
/// an object whose shape Bland does not document, every value of it secret.
///
/// `Debug` shows `SipCredentials(<redacted>)`; [`SipCredentials::expose`] reads the keys
/// and values deliberately.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SipCredentials(serde_json::Map<String, serde_json::Value>);

impl SipCredentials {
    /// Wraps credentials.
    pub fn new(values: serde_json::Map<String, serde_json::Value>) -> Self {
        SipCredentials(values)
    }

    /// The credentials themselves.
    pub fn expose(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0
    }
}

impl fmt::Debug for SipCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SipCredentials(<redacted>)")
    }
}

impl Serialize for SipCredentials {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if redacting() {
            serializer.serialize_str(REDACTED)
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for SipCredentials {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Map::deserialize(deserializer).map(SipCredentials)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SipCredentials {
    fn schema_name() -> String {
        "SipCredentials".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema =
            <serde_json::Map<String, serde_json::Value>>::json_schema(generator).into_object();
        schema.metadata().description = Some(
            "Credentials of a number, in a shape Bland does not document (never printed by \
             the client)."
                .to_owned(),
        );
        schema.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_serde_round_trips() {
        let secret: SipSecret = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(format!("{secret:?}"), "SipSecret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
    }

    #[test]
    fn credentials_are_redacted_whole() {
        let credentials: SipCredentials =
            serde_json::from_str(r#"{"username": "u", "password": "p4ssw0rd!"}"#).unwrap();
        assert_eq!(format!("{credentials:?}"), "SipCredentials(<redacted>)");
        assert_eq!(credentials.expose()["password"], "p4ssw0rd!");
        let back = serde_json::to_value(&credentials).unwrap();
        assert_eq!(back["password"], "p4ssw0rd!");
        assert_eq!(to_redacted_json(&credentials).unwrap(), REDACTED);
        assert!(serde_json::from_str::<SipCredentials>("\"text\"").is_err());
    }

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
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "username",
            "auth_mode",
            "port",
            "sip_endpoint",
            "pin_required",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
        let value = serde_json::json!({
            "username": "u",
            "Token": 5,
            "deep": [{"secret_flag": true, "list": {"api_key": ["a", null]}}],
        });
        assert_eq!(
            to_redacted_json(&value).unwrap(),
            serde_json::json!({
                "username": "u",
                "Token": REDACTED,
                "deep": [{"secret_flag": REDACTED, "list": {"api_key": [REDACTED, null]}}],
            })
        );
    }

    #[test]
    fn redaction_covers_nested_secrets_and_ends_with_the_call() {
        let value = serde_json::json!({"a": 1});
        #[derive(Serialize)]
        struct Nested {
            password: Option<SipSecret>,
            list: Vec<SipSecret>,
            other: serde_json::Value,
        }
        let nested = Nested {
            password: Some(SipSecret::new("one")),
            list: vec![SipSecret::new("two")],
            other: value,
        };
        let redacted = to_redacted_json(&nested).unwrap();
        assert_eq!(
            redacted,
            serde_json::json!({"password": REDACTED, "list": [REDACTED], "other": {"a": 1}})
        );
        // Outside the call, serialization is exact again.
        let plain = serde_json::to_value(&nested).unwrap();
        assert_eq!(plain["password"], "one");
        assert_eq!(plain["list"][0], "two");
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
            "false",
            "e-after-inner",
        ] {
            assert!(!redacted.contains(secret), "{secret} in {redacted}");
        }
        // Layout and whatever is not secret are kept byte for byte.
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
}
