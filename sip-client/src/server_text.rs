//! What the client keeps and shows of the text a server wrote in Bland's error entries:
//! what looks secret redacted when the entries are read (an error message that repeats the
//! refused request repeats its passwords, and errors are shown and logged), and at most
//! [`SHOWN_ENTRIES`] entries of [`BODY_PREFIX_LIMIT`] bytes of escaped text each shown (a
//! hostile server cannot flood a terminal or a log line).

use std::borrow::Cow;
use std::fmt;

use crate::ApiErrorEntry;
use crate::error::BODY_PREFIX_LIMIT;
use crate::escape::escaped_at_most;
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

/// How many of Bland's error entries an error shows; the others are counted.
pub(crate) const SHOWN_ENTRIES: usize = 10;

/// Bland's entries as an error shows them: ` CODE (message)`, `;` between two, escaped and
/// each text cut to [`BODY_PREFIX_LIMIT`] bytes as shown, at most [`SHOWN_ENTRIES`] of them.
/// Whatever a server writes, the line stays short enough for a terminal or a log.
pub(crate) fn write_entries(f: &mut impl fmt::Write, entries: &[ApiErrorEntry]) -> fmt::Result {
    let shown = |text: &str| {
        let (text, cut) = escaped_at_most(text, BODY_PREFIX_LIMIT);
        if cut { text + "..." } else { text }
    };
    for (index, entry) in entries.iter().take(SHOWN_ENTRIES).enumerate() {
        if index > 0 {
            f.write_str(";")?;
        }
        write!(f, " {}", shown(&entry.error))?;
        if let Some(message) = &entry.message {
            write!(f, " ({})", shown(message))?;
        }
    }
    match entries.len().saturating_sub(SHOWN_ENTRIES) {
        0 => Ok(()),
        1 => f.write_str("; and 1 more entry"),
        more => write!(f, "; and {more} more entries"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(error: &str, message: Option<&str>) -> ApiErrorEntry {
        ApiErrorEntry::builder()
            .error(error.to_owned())
            .message(message.map(str::to_owned))
            .build()
            .unwrap()
    }

    fn shown(entries: &[ApiErrorEntry]) -> String {
        let mut line = String::new();
        write_entries(&mut line, entries).unwrap();
        line
    }

    #[test]
    fn entries_are_shown_escaped_and_each_text_cut_as_shown() {
        assert_eq!(
            shown(&[entry("A", Some("one\n")), entry("B", None)]),
            " A (one\\u{a}); B"
        );
        let exact = "x".repeat(BODY_PREFIX_LIMIT);
        assert_eq!(shown(&[entry(&exact, None)]), format!(" {exact}"));
        let long = "x".repeat(BODY_PREFIX_LIMIT + 1);
        assert_eq!(shown(&[entry(&long, None)]), format!(" {exact}..."));
        // Escapes count as shown: 64 of 8 bytes fill the limit, whole.
        let hidden = "\u{202e}".repeat(100);
        let line = shown(&[entry("E", Some(&hidden))]);
        assert_eq!(line, format!(" E ({}...)", "\\u{202e}".repeat(64)));
    }

    /// However many entries and whatever they hold, the line is bounded.
    #[test]
    fn at_most_ten_entries_are_shown_and_the_rest_counted() {
        let many: Vec<ApiErrorEntry> = (0..1000).map(|n| entry(&format!("E{n}"), None)).collect();
        let line = shown(&many);
        assert!(line.starts_with(" E0; E1;"), "{line}");
        assert!(line.ends_with("; E9; and 990 more entries"), "{line}");
        assert_eq!(
            shown(&many[..11]),
            shown(&many[..10]) + "; and 1 more entry"
        );
        assert_eq!(shown(&many[..10]).matches(';').count(), 9);
        let flood = "\u{202e}".repeat(170);
        let worst: Vec<ApiErrorEntry> = (0..1000).map(|_| entry(&flood, Some(&flood))).collect();
        let line = shown(&worst);
        assert!(
            line.len() <= SHOWN_ENTRIES * (2 * (BODY_PREFIX_LIMIT + 3) + 6) + 30,
            "{}",
            line.len()
        );
        assert!(line.len() > SHOWN_ENTRIES * 2 * (BODY_PREFIX_LIMIT - 8));
    }

    #[test]
    fn secrets_in_entries_are_redacted_and_the_rest_kept() {
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
