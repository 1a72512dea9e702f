//! What the client keeps and shows of the text a server wrote in Bland's error entries:
//! what looks secret redacted when the entries are read (an error message that repeats the
//! refused request repeats its passwords, and errors are shown and logged), and at most
//! [`BODY_PREFIX_LIMIT`] bytes of each shown (a hostile server cannot flood a terminal or a
//! log line).

use std::borrow::Cow;

use crate::ApiErrorEntry;
use crate::error::BODY_PREFIX_LIMIT;
use crate::redact::redact_json_text;

/// `entries` with the values under keys that look secret redacted in their `error` and
/// `message`, as [`redact_json_text`] does; all else kept as it came.
pub(crate) fn redact_entries(mut entries: Vec<ApiErrorEntry>) -> Vec<ApiErrorEntry> {
    for entry in &mut entries {
        if let Cow::Owned(text) = redact_json_text(&entry.error) {
            entry.error = text;
        }
        if let Some(message) = &mut entry.message
            && let Cow::Owned(text) = redact_json_text(message)
        {
            *message = text;
        }
    }
    entries
}

/// At most [`BODY_PREFIX_LIMIT`] bytes of `text`, cut at a character boundary, and `"..."`
/// when it was cut (else `""`).
pub(crate) fn at_most(text: &str) -> (&str, &'static str) {
    if text.len() <= BODY_PREFIX_LIMIT {
        return (text, "");
    }
    let mut end = BODY_PREFIX_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], "...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let exact = "x".repeat(BODY_PREFIX_LIMIT);
        assert_eq!(at_most(&exact), (exact.as_str(), ""));
        let long = "x".repeat(BODY_PREFIX_LIMIT + 1);
        assert_eq!(at_most(&long), (exact.as_str(), "..."));
        // A three-byte character across the limit is left out whole.
        let wide = format!("{}\u{200b}", "x".repeat(BODY_PREFIX_LIMIT - 1));
        assert_eq!(at_most(&wide), (&wide[..BODY_PREFIX_LIMIT - 1], "..."));
    }

    #[test]
    fn secrets_in_entries_are_redacted_and_the_rest_kept() {
        let entry = |error: &str, message: Option<&str>| {
            ApiErrorEntry::builder()
                .error(error.to_owned())
                .message(message.map(str::to_owned))
                .build()
                .unwrap()
        };
        let entries = redact_entries(vec![
            entry(
                r#"{"password": "p4ss"}"#,
                Some(r#"bad: {"sip_password": "s3cret", "a": 1}"#),
            ),
            entry("PLAIN", None),
        ]);
        assert_eq!(entries[0].error, r#"{"password": "<redacted>"}"#);
        assert_eq!(
            entries[0].message.as_deref(),
            Some(r#"bad: {"sip_password": "<redacted>", "a": 1}"#)
        );
        assert_eq!(entries[1], entry("PLAIN", None));
    }
}
