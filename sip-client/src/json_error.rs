//! serde_json's messages without the values they quote: a value where another type was
//! expected may be a secret, and messages end up in terminals and logs.

/// serde_json's message for `err` without the values it quotes from the input, which may
/// be secrets (a password sent as a number: "invalid type: integer `73194628`, expected a
/// string").
///
/// - `invalid type: KIND VALUE, expected ...` and `invalid value: KIND VALUE, expected ...`
///   keep the kind (`integer`, `floating point`, `boolean`, `string`, `character`, ...)
///   and drop the value;
/// - `unknown variant `VALUE`, expected ...` drops the value;
/// - every other message (syntax errors, `missing field`, `invalid length`, ...) quotes no
///   value of the input and is kept as it is;
/// - serde_json's ` at line L column C` is kept.
///
/// ```
/// let err = serde_json::from_str::<String>("73194628").unwrap_err();
/// assert_eq!(
///     sip_client::redacted_json_error(&err),
///     "invalid type: integer, expected a string at line 1 column 8"
/// );
/// ```
pub fn redacted_json_error(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let location =
        (err.line() != 0).then(|| format!(" at line {} column {}", err.line(), err.column()));
    let message = location
        .as_deref()
        .and_then(|location| full.strip_suffix(location))
        .unwrap_or(&full);
    let mut text = without_values(message);
    text.push_str(location.as_deref().unwrap_or_default());
    text
}

/// A serde message without the value it quotes (see [`redacted_json_error`]).
fn without_values(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (kind, after) = split_unexpected(rest);
            return format!("{prefix}{kind}{after}");
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        // The variant is quoted raw and may hold anything; what follows it is the list of
        // known variants, which the schema wrote, so the last match is the real end.
        for tail in ["`, expected ", "`, there are no variants"] {
            if let Some(at) = rest.rfind(tail) {
                return format!("unknown variant{}", &rest[at + 1..]);
            }
        }
        return "unknown variant".to_owned();
    }
    message.to_owned()
}

/// Splits serde's `Unexpected` text and what follows it into the kind and the rest after
/// the value. When the value's end cannot be found, the rest is dropped with it.
fn split_unexpected(rest: &str) -> (&str, &str) {
    // A string is quoted as Rust's `Debug` does: up to the first unescaped `"`.
    if let Some(quoted) = rest.strip_prefix("string \"") {
        let mut escaped = false;
        for (at, c) in quoted.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return ("string", &quoted[at + 1..]),
                _ => {}
            }
        }
        return ("string", "");
    }
    // A character is one `char` between backticks, which may itself be a backtick.
    if let Some(quoted) = rest.strip_prefix("character `") {
        let mut chars = quoted.chars();
        chars.next();
        return (
            "character",
            chars.as_str().strip_prefix('`').unwrap_or_default(),
        );
    }
    // Integers, floating points and booleans: a value between backticks, which it cannot
    // contain.
    if let Some(open) = rest.find('`') {
        let kind = rest[..open].trim_end();
        let after = rest[open + 1..]
            .find('`')
            .map_or("", |close| &rest[open + 1 + close + 1..]);
        return (kind, after);
    }
    // No value quoted: `map`, `sequence`, `unit value`, ...
    match rest.find(", expected ") {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    }
}
