//! The notes `bland-sip` writes on stderr beside an answer: which secrets of it were
//! withheld from what it printed.

use crate::support::{escape, mask_key};

/// How many withheld paths a note names; the others are counted.
pub(crate) const NOTED_PATHS: usize = 5;

/// The most bytes of one path a note shows (a server writes the keys, of any length).
const NOTED_PATH_BYTES: usize = 200;

/// The note naming what was withheld, `total` secrets at `paths` (the first of them):
/// at most [`NOTED_PATHS`] paths, escaped, the key masked (the paths are keys a server
/// wrote), each cut to [`NOTED_PATH_BYTES`] (after the masking, so that no cut hides a key).
pub(crate) fn withheld_note(paths: &[String], total: usize) -> String {
    let what = if total == 1 { "a secret" } else { "secrets" };
    let key = crate::print::key();
    let named = paths.iter().take(NOTED_PATHS);
    let mut named = named
        .map(|path| cut(mask_key(&escape(path), key)))
        .collect::<Vec<_>>()
        .join(", ");
    if total > NOTED_PATHS {
        named.push_str(&format!(" and {} more", total - NOTED_PATHS));
    }
    mask_key(
        &format!("note: {what} of the answer withheld ({named}); --show-secrets prints them"),
        key,
    )
}

/// `text` cut to at most [`NOTED_PATH_BYTES`] bytes (at a character), `...` after a cut.
fn cut(mut text: String) -> String {
    if text.len() > NOTED_PATH_BYTES {
        let mut end = NOTED_PATH_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

/// The paths (`data.register_password_for_pbx`, `items[0].password`) where `redacted` holds
/// `"<redacted>"` and `plain` something else.
pub(crate) fn withheld(
    plain: &serde_json::Value,
    redacted: &serde_json::Value,
    path: &mut String,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    let len = path.len();
    match (plain, redacted) {
        (Value::Object(plain), Value::Object(redacted)) => {
            for (key, value) in redacted {
                if let Some(before) = plain.get(key) {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    withheld(before, value, path, out);
                    path.truncate(len);
                }
            }
        }
        (Value::Array(plain), Value::Array(redacted)) => {
            for (at, (before, value)) in plain.iter().zip(redacted).enumerate() {
                path.push_str(&format!("[{at}]"));
                withheld(before, value, path, out);
                path.truncate(len);
            }
        }
        (before, Value::String(text)) if text == "<redacted>" && before != redacted => {
            out.push(if path.is_empty() {
                ".".to_owned()
            } else {
                path.clone()
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(count: usize) -> Vec<String> {
        (0..count).map(|n| format!("p{n}")).collect()
    }

    #[test]
    fn a_note_names_five_paths_escaped_and_counts_the_others() {
        let note = |count| withheld_note(&paths(count), count);
        assert_eq!(
            note(1),
            "note: a secret of the answer withheld (p0); --show-secrets prints them"
        );
        assert_eq!(
            note(5),
            "note: secrets of the answer withheld (p0, p1, p2, p3, p4); --show-secrets prints \
             them"
        );
        assert_eq!(
            note(6),
            "note: secrets of the answer withheld (p0, p1, p2, p3, p4 and 1 more); \
             --show-secrets prints them"
        );
        // The count is of all of them, the paths given or not (an answer printed in parts).
        assert_eq!(
            withheld_note(&paths(5), 12),
            "note: secrets of the answer withheld (p0, p1, p2, p3, p4 and 7 more); \
             --show-secrets prints them"
        );
        assert!(
            withheld_note(&["a\nb\\c".to_owned()], 1).contains("(a\\u{a}b\\\\c)"),
            "a server's key is escaped"
        );
        // A path of any length is cut, at a character.
        let long = withheld_note(&["k".repeat(100_000)], 1);
        assert!(
            long.contains(&format!("({}...)", "k".repeat(200))),
            "{long}"
        );
        let wide = withheld_note(&["é".repeat(150)], 1);
        assert!(
            wide.contains(&format!("({}...)", "é".repeat(100))),
            "{wide}"
        );
        let exact = withheld_note(&["k".repeat(200)], 1);
        assert!(exact.contains(&format!("({})", "k".repeat(200))), "{exact}");
    }

    /// The paths of what the redaction changed: through objects and lists, not a value
    /// that was `"<redacted>"` already, nor a key only one side has.
    #[test]
    fn withheld_paths_go_through_objects_and_lists() {
        let plain = serde_json::json!({
            "items": [{"password": "p1"}, {"name": "n"}, {"password": "<redacted>"}],
            "pbx": "x",
            "more": [[{"token": 5}]]
        });
        let redacted = serde_json::json!({
            "items": [{"password": "<redacted>"}, {"name": "n"}, {"password": "<redacted>"}],
            "pbx": "<redacted>",
            "more": [[{"token": "<redacted>"}]],
            "new": "<redacted>"
        });
        let mut found = Vec::new();
        withheld(&plain, &redacted, &mut String::new(), &mut found);
        found.sort();
        assert_eq!(found, ["items[0].password", "more[0][0].token", "pbx"]);
        let mut whole = Vec::new();
        withheld(
            &serde_json::json!("s"),
            &serde_json::json!("<redacted>"),
            &mut String::new(),
            &mut whole,
        );
        assert_eq!(whole, ["."]);
    }
}
