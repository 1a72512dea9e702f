//! How what looks secret is hidden where the client cannot type it: values under keys that
//! look secret (`secret_keys.rs` judges the keys; in JSON values, in the `Debug` of raw JSON the API types keep, and
//! in the text of an unexpected answer, which `redact_text.rs` scans). The API key echoed
//! back in an error answer is masked by `key_mask.rs`.
//!
//! The typed secrets ([`SipSecret`](crate::SipSecret), [`SipCredentials`](crate::SipCredentials))
//! and [`to_redacted_json`](crate::to_redacted_json) are in `secret.rs`.

use std::fmt;

use crate::secret::REDACTED;
use crate::secret_keys::looks_secret;

pub(crate) use crate::redact_text::redact_json_text;

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
            // A whole pair that ends the text is no cut either.
            (r"\ud83d\ude00", "😀"),
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
            // A value's own escapes, escaped again (`\\n`, a newline), do not end it; nor
            // does a stray quote after an escaped backslash (`\\"`): only `\"` does.
            (
                r#"{\"note\": \"a\\nb\", \"sip_password\": \"hunter2A\"}"#,
                r#"{\"note\": \"a\\nb\", \"sip_password\": \"<redacted>\"}"#,
            ),
            (
                r#"x \"a\\"b\", \"sip_password\": \"hunter2A\""#,
                r#"x \"a\\"b\", \"sip_password\": \"<redacted>\""#,
            ),
            // Cut short, its escaped quote opens nothing (see below): still redacted.
            (r#"{\"pin\": \"12"#, r#"{\"pin\": "<redacted>""<redacted>""#),
        ]);
        // An escaped quote that nothing closes opens no string to the end of the text, where
        // it would hide the keys after it (a review found this regression).
        assert_redacts(&[
            (
                r#"a \"x" then {"sip_password": "hunter2"}"#,
                r#"a \"x" then {"sip_password": "<redacted>"}"#,
            ),
            (
                r#"expected \" at 3; got {"sip_password": "hunter2"}"#,
                r#"expected \" at 3; got {"sip_password": "<redacted>"}"#,
            ),
            // Quotes out of step (JSON pasted into a string unescaped): a word closed by a
            // quote and a colon is a key.
            (
                r#"{"detail":"y"password": "hunter2B""}"#,
                r#"{"detail":"y"password": "<redacted>""<redacted>""#,
            ),
        ]);
        assert_kept(&[r#"{"detail":"y"user": "bob""}"#, r#"say "hi": ok"#]);
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
