//! What an error built from an answer must not show, though a server may echo it: the API
//! key (written `<api key>`) and the secrets the call's request carried (written
//! `<redacted>`: a password the server refused, quoted back in its error message, as
//! validation frameworks do: `"input": "hunter2hunter2"`, `"sip_password" with value ...`).

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::{Error, REDACTED};

/// The shortest secret masked: a shorter one is no credential (a PIN has four digits), and
/// masking it would garble the text around it.
const MIN_MASKED_SECRET: usize = 4;

/// The key and a request's secrets, masked in the errors of one call.
pub(crate) struct Masks<'a> {
    /// The API key, when long enough to mask.
    key: Option<&'a str>,
    /// The request's secrets (see [`secrets_of`]).
    secrets: &'a [Box<str>],
}

impl<'a> Masks<'a> {
    pub(crate) fn new(key: Option<&'a str>, secrets: &'a [Box<str>]) -> Masks<'a> {
        Masks { key, secrets }
    }

    /// `body` (the bytes of an answer, kept by an error) with the key and the secrets
    /// masked: as sent, and as a JSON string writes them (see [`written_forms`]).
    pub(crate) fn bytes(&self, body: Bytes) -> Bytes {
        let mut body = match self.key {
            Some(key) => crate::key_mask::mask_key(body, key),
            None => body,
        };
        for secret in self.secrets {
            for form in written_forms(secret) {
                body = crate::key_mask::replace_all(body, form.as_bytes(), REDACTED.as_bytes());
            }
        }
        body
    }

    /// Whether `value` (a header of the answer) holds one of the request's secrets: as
    /// sent, percent-encoded or JSON-escaped, as the key is found
    /// ([`holds_key`](crate::key_mask::holds_key)).
    pub(crate) fn holds_secret(&self, value: &[u8]) -> bool {
        self.secrets
            .iter()
            .any(|secret| crate::key_mask::holds_key(value, secret.as_bytes()))
    }

    /// `text` (decoded from an answer: an error entry's message, a decode error's path)
    /// with the key and the secrets masked.
    pub(crate) fn text(&self, mut text: String) -> String {
        if let Some(key) = self.key
            && text.contains(key)
        {
            text = text.replace(key, "<api key>");
        }
        for secret in self.secrets {
            if text.contains(&**secret) {
                text = text.replace(&**secret, REDACTED);
            }
        }
        text
    }

    /// `err` with the key and the secrets masked in what it shows of the answer besides
    /// the body: the text of Bland's entries as decoded (an echo the raw answer held
    /// escaped, `sk\/...`, `\u0073k-...`, which [`Self::bytes`] cannot see, is the key again
    /// once decoded), and an unexpected answer's content type and redirect origin (headers
    /// a server wrote).
    pub(crate) fn error(&self, mut err: Error) -> Error {
        match &mut err {
            Error::Api(api) => {
                for entry in &mut api.errors {
                    entry.error = self.text(std::mem::take(&mut entry.error));
                    entry.message = entry.message.take().map(|text| self.text(text));
                }
            }
            Error::UnexpectedResponse(unexpected) => {
                unexpected.content_type = unexpected.content_type.take().map(|t| self.text(t));
                // URL parsing writes a host in small letters: the key is looked for so.
                if let Some(redirect) = &mut unexpected.redirect
                    && let crate::RedirectNotFollowed::OtherOrigin(origin) = &mut **redirect
                    && let Some(key) = self.key
                {
                    *origin = origin.replace(&key.to_ascii_lowercase(), "<api key>");
                }
            }
            _ => {}
        }
        err
    }
}

/// The secrets a request body carries, longest first: every value that
/// [`to_redacted_json`](crate::to_redacted_json) writes as `<redacted>` (a value typed as a
/// secret, or under a key that names one, in a map the schema leaves open), a string or
/// the text of a number, when long enough to mask.
pub(crate) fn secrets_of<T: Serialize + ?Sized>(value: &T) -> Vec<Box<str>> {
    fn walk(plain: &Value, redacted: &Value, out: &mut Vec<Box<str>>) {
        match (plain, redacted) {
            (Value::Object(plain), Value::Object(redacted)) => {
                for (key, value) in plain {
                    if let Some(shown) = redacted.get(key) {
                        walk(value, shown, out);
                    }
                }
            }
            (Value::Array(plain), Value::Array(redacted)) => {
                for (value, shown) in plain.iter().zip(redacted) {
                    walk(value, shown, out);
                }
            }
            // `to_redacted_json` changes a value only to write it `<redacted>`: where the two
            // differ, the plain value is a secret. A secret typed as an object
            // (`SipCredentials`) is written `<redacted>` whole.
            (Value::Object(_) | Value::Array(_), Value::String(_)) => {
                walk(plain, &redacted_whole(plain), out);
            }
            (Value::String(text), Value::String(shown)) if text != shown => {
                out.push(text.as_str().into());
            }
            (Value::Number(number), Value::String(_)) => out.push(number.to_string().into()),
            _ => {}
        }
    }
    /// `value` with every string and number in it written `<redacted>`.
    fn redacted_whole(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), redacted_whole(value)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(redacted_whole).collect()),
            Value::String(_) | Value::Number(_) => Value::from(REDACTED),
            other => other.clone(),
        }
    }
    let (Ok(plain), Ok(redacted)) = (serde_json::to_value(value), crate::to_redacted_json(value))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&plain, &redacted, &mut out);
    out.retain(|secret| secret.chars().count() >= MIN_MASKED_SECRET);
    // Longest first: a secret inside another is masked after it, not through it.
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// The forms a server may write `secret` in: as a JSON string holds it (`"`, `\` and
/// control characters escaped; and `/` as `\/`, as PHP writes it), and as it is; escaped
/// forms first, so that the plain form does not mask part of one (`pass\` inside `pass\\`).
fn written_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"');
    let mut forms: Vec<String> = Vec::new();
    for form in [json.replace('/', "\\/"), json.to_owned(), secret.to_owned()] {
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The secrets of a request: typed ones, whole typed objects, and values under a key
    /// that names one in an open map; numbers by their text; none too short to mask; each
    /// once, longest first.
    #[test]
    fn the_secrets_of_a_request_are_what_redaction_hides() {
        // Fields whose names say nothing: only their types make them secret.
        #[derive(Serialize)]
        struct Request {
            value: crate::SipSecret,
            data: crate::SipCredentials,
            options: Value,
        }
        let mut credentials = serde_json::Map::new();
        credentials.insert("username".into(), "user-1".into());
        credentials.insert(
            "list".into(),
            serde_json::json!([{"x": "cred-pass-1"}, 98765]),
        );
        credentials.insert("ok".into(), true.into());
        let request = Request {
            value: crate::SipSecret::new("hunter2hunter2"),
            data: crate::SipCredentials::new(credentials),
            options: serde_json::json!({
                "register_auth": {"password": "open-map-pass", "user": "u"},
                "port_pin": 4321,
                "pin": "123",
                "again": {"password": "hunter2hunter2"},
                // Already written as redaction writes it: nothing to mask.
                "token": "<redacted>",
                "auth": null,
                "public": "shown-value",
            }),
        };
        let secrets = secrets_of(&request);
        let secrets: Vec<&str> = secrets.iter().map(|s| &**s).collect();
        assert_eq!(
            secrets,
            [
                "hunter2hunter2",
                "open-map-pass",
                "cred-pass-1",
                "user-1",
                "98765",
                "4321"
            ]
        );
        assert!(secrets_of(&serde_json::json!({"name": "x"})).is_empty());
    }

    /// An error's decoded text is masked: Bland's entries, an unexpected answer's content
    /// type, and the origin of a redirect not followed (written in small letters by URL
    /// parsing, so the key is looked for so); other errors are left as they are.
    #[test]
    fn an_error_is_masked_in_the_text_it_decoded() {
        let secrets: Vec<Box<str>> = vec!["hunter2hunter2".into()];
        let masks = Masks::new(Some("SK-Key-0123"), &secrets);
        let entry = crate::ApiErrorEntry::builder()
            .error("BAD SK-Key-0123")
            .message(Some("hunter2hunter2 refused".to_owned()))
            .build()
            .unwrap();
        let api = Error::Api(crate::ApiError {
            status: reqwest::StatusCode::BAD_REQUEST,
            errors: vec![entry],
            retry_after: None,
            attempts: 1,
            not_retried: None,
            headers: Default::default(),
        });
        let Error::Api(api) = masks.error(api) else {
            panic!("not an API error")
        };
        assert_eq!(api.errors[0].error, "BAD <api key>");
        assert_eq!(api.errors[0].message.as_deref(), Some("<redacted> refused"));
        let unexpected = crate::decode::decode_failure(
            reqwest::StatusCode::FOUND,
            Bytes::new(),
            Some("text/SK-Key-0123; x=hunter2hunter2".to_owned()),
            None,
            1,
            None,
            Some(Box::new(crate::RedirectNotFollowed::OtherOrigin(
                "https://sk-key-0123.example".to_owned(),
            ))),
        );
        let Error::UnexpectedResponse(unexpected) = masks.error(unexpected) else {
            panic!("not an unexpected answer")
        };
        assert_eq!(
            unexpected.content_type.as_deref(),
            Some("text/<api key>; x=<redacted>")
        );
        assert_eq!(
            unexpected.redirect.as_deref(),
            Some(&crate::RedirectNotFollowed::OtherOrigin(
                "https://<api key>.example".to_owned()
            ))
        );
    }

    #[test]
    fn the_key_and_the_secrets_are_masked_in_every_form_a_server_writes_them() {
        let secrets: Vec<Box<str>> = vec!["pa\"ss/word1".into(), "pin-4321".into()];
        let masks = Masks::new(Some("sk-0123456789"), &secrets);
        let body = Bytes::from(
            r#"{"detail": "sk-0123456789 with pa\"ss\/word1 or pa\"ss/word1", "pin": "pin-4321"}"#,
        );
        assert_eq!(
            masks.bytes(body),
            r#"{"detail": "<api key> with <redacted> or <redacted>", "pin": "<redacted>"}"#
        );
        assert_eq!(
            masks.text("key sk-0123456789, pa\"ss/word1, pin-4321".to_owned()),
            "key <api key>, <redacted>, <redacted>"
        );
        let nothing = Masks::new(None, &[]);
        assert_eq!(nothing.text("sk-0123456789".to_owned()), "sk-0123456789");
        assert_eq!(
            written_forms("a/b\"c"),
            ["a\\/b\\\"c", "a/b\\\"c", "a/b\"c"]
        );
        assert_eq!(written_forms("plain"), ["plain"]);
        // A secret ending in a backslash is masked whole as JSON writes it.
        let secrets: Vec<Box<str>> = vec!["pass\\".into()];
        let masks = Masks::new(None, &secrets);
        assert_eq!(
            masks.bytes(Bytes::from(r#"{"x": "pass\\"}"#)),
            r#"{"x": "<redacted>"}"#
        );
        assert!(masks.holds_secret(b"x pass\\ y"));
        assert!(!masks.holds_secret(b"pass"));
    }

    /// A header that echoes a secret of the request encoded (a black-box probe saw
    /// `x-input: p%C3%A4ssw%C3%B6rd-Hunter2` shown by `ApiError::headers()`'s `Debug`) holds
    /// it, as a header that echoes the key encoded does.
    #[test]
    fn a_header_holds_a_secret_percent_encoded_or_json_escaped() {
        let secrets: Vec<Box<str>> = vec!["pässwörd-Hunter2".into(), "a/b c".into()];
        let masks = Masks::new(None, &secrets);
        for header in [
            &b"p%C3%A4ssw%C3%B6rd-Hunter2"[..],
            b"p%c3%a4ssw%c3%b6rd%2DHunter2",
            br"input=p\u00e4ssw\u00f6rd-Hunter2",
            br"a\/b c",
            b"a%2Fb%20c",
        ] {
            assert!(
                masks.holds_secret(header),
                "{}",
                String::from_utf8_lossy(header)
            );
        }
        assert!(!masks.holds_secret(b"p%C3%A4ssw%C3%B6rd"));
    }
}
