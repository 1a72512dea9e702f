//! Secrets: values that must never reach `Debug`, `Display`, logs or panics.
//!
//! The spec marks a schema as a secret with `x-sip-client-type: SipSecret` (a string) or
//! `SipCredentials` (an object); the generator gives every field of it one of these types.
//! They serialize unchanged, so that a configuration round-trips and a request carries the
//! password; [`to_redacted_json`] serializes with every secret replaced, for printing.

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
/// - every value under a key that looks like one, anywhere in the output, judged on the
///   key's words whatever their case and separators: a secret's noun (`password`,
///   `secrets`, `sipPassword`, `token`, `credential`, `authorization`: an echoed header
///   carries the API key), two words that name one (`api_key`, `private-key`, `srtpKey`,
///   `session_id`), a short word last (`pbx_pass`, `userPwd`, `pin2`, `sip_pw`), a digest
///   hash (`ha1`), `auth` or `bearer` alone or a scheme's `auth` (`basic_auth`); but not a
///   key about a secret (`pin_required`, `has_password`, `token_type`, `credential_id`,
///   `next_page_token`, `api_key_created_at`).
///   Free-form maps (the
///   `options` of a direction keep keys the schema does not know) may carry passwords the
///   schema cannot type, such as `"register_auth": {"password": ...}` or a future
///   `"..._password"`. Under such a key, every string and number at any depth is written
///   as `"<redacted>"`; objects and arrays keep their shape, and `null`, `true` and `false`
///   stay as they are (they hold no secret: `password_configured: true`).
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
    crate::redact::redact_secret_keys(&mut json, false);
    Ok(json)
}

/// The secret values of `value`, to mask where a server quotes them back: every string,
/// and the text of every number, that [`to_redacted_json`] writes as `<redacted>`, of at
/// least 4 characters (a shorter one would mask ordinary text), longest first, each once.
///
/// The client masks a request's secrets in the errors of its call itself; this is for what
/// it cannot know is an echo, such as a success answer that quotes a refused password in a
/// free-text reason (`bland-sip` masks them so in what it prints).
///
/// ```
/// use sip_client::{SipSecret, secret_values};
///
/// let request = serde_json::json!({
///     "name": "office",
///     "register_auth": {"username": "pbx", "password": "hunter2hunter2"},
///     "pin": 1234,
///     "token": "abc",
/// });
/// assert_eq!(secret_values(&request), ["hunter2hunter2", "1234"]);
/// assert!(secret_values(&SipSecret::new("pw")).is_empty());
/// ```
pub fn secret_values<T: Serialize + ?Sized>(value: &T) -> Vec<String> {
    crate::masks::secrets_of(value)
        .into_iter()
        .map(String::from)
        .collect()
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

    /// The secrets of a typed request and of raw JSON: typed secrets, values under secret
    /// keys (numbers by their text), longest first; short ones and plain fields left out.
    #[test]
    fn secret_values_are_what_redaction_hides() {
        let request = serde_json::json!({
            "phone_number": "+14150000000",
            "sip_password": "hunter2hunter2",
            "options": {"pbx": {"secret": "open-map-secret"}, "pin": 123456, "otp": "12"},
        });
        assert_eq!(
            secret_values(&request),
            ["open-map-secret", "hunter2hunter2", "123456"]
        );
        assert_eq!(
            secret_values(&SipSecret::new("typed-secret")),
            ["typed-secret"]
        );
        assert!(secret_values(&serde_json::json!({"name": "office"})).is_empty());
    }

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
}
