//! How `bland-sip` prints an answer on stdout: as pretty JSON, secrets withheld unless
//! `--show-secrets` (said by a note on stderr, naming where), the API key masked wherever
//! the answer repeats it; every item of a paginated call (`--all`) as it arrives.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;
use sip_client::{Error, Items, Paginated};

use crate::notes;
use crate::support::{Failure, failure, mask_key_in_json, print_json, write_json};

/// The key masked in everything printed, set once the command line is read ([`set_key`]).
static KEY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Sets the key masked in answers and notes: the client's, which a server may echo.
pub(crate) fn set_key(key: Option<String>) {
    let _ = KEY.set(key);
}

/// The key set by [`set_key`], if any.
pub(crate) fn key() -> Option<&'static str> {
    KEY.get().and_then(Option::as_deref)
}

/// The secrets of the request's body, masked in answers unless `--show-secrets`, set once
/// the body is read ([`set_request_secrets`]).
static REQUEST_SECRETS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Sets the request's secrets ([`sip_client::secret_values`] of its body): a server may quote
/// them back in a success answer too (a refused password in a free-text reason).
pub(crate) fn set_request_secrets(secrets: Vec<String>) {
    let _ = REQUEST_SECRETS.set(secrets);
}

/// The secrets withheld from what was printed: the first paths, for the note, and a count.
#[derive(Default)]
struct Withheld {
    named: Vec<String>,
    total: usize,
}

impl Withheld {
    /// Writes the note naming what was withheld on stderr, if anything was. A note, not a
    /// failure: stderr closed is no reason to fail the call.
    fn note(&self) {
        if self.total > 0 {
            let note = notes::withheld_note(&self.named, self.total);
            let _ = writeln!(std::io::stderr(), "{note}");
        }
    }
}

/// `value` as printed (redacted unless `show_secrets`, the key masked), the secrets
/// withheld from it counted under `path` (`[3]` for the fourth item of a list).
fn printable<T: Serialize>(
    value: &T,
    show_secrets: bool,
    path: &mut String,
    withheld: &mut Withheld,
) -> Result<Value, Failure> {
    let cannot = |err: serde_json::Error| Failure::Call(format!("cannot print the answer: {err}"));
    let plain = serde_json::to_value(value).map_err(cannot)?;
    let mut printed = match show_secrets {
        true => plain,
        false => {
            let mut redacted = sip_client::to_redacted_json(value).map_err(cannot)?;
            let mut paths = Vec::new();
            let secrets = REQUEST_SECRETS.get().map_or(&[][..], Vec::as_slice);
            notes::withheld(&plain, &redacted, path, &mut paths);
            // After the keyed secrets are counted: one written `<redacted>` whole counts once.
            mask_secrets(&mut redacted, secrets, path, &mut paths);
            withheld.total += paths.len();
            let room = notes::NOTED_PATHS.saturating_sub(withheld.named.len());
            withheld.named.extend(paths.into_iter().take(room));
            redacted
        }
    };
    mask_key_in_json(&mut printed, key());
    Ok(printed)
}

/// The shortest request secret masked wherever an answer's text holds it: a shorter one (a
/// PIN of four digits) only where it is a whole string, so that a PIN `2026` leaves a date
/// and a phone number of the answer whole.
const MASKED_INSIDE_TEXT: usize = 8;

/// `text` with each of `secrets` (longest first) written `<redacted>` in one pass (so that
/// a secret inside `<redacted>` does not mask the mark), if any is there (see
/// [`MASKED_INSIDE_TEXT`]).
fn masked(text: &str, secrets: &[String]) -> Option<String> {
    if secrets.iter().any(|secret| secret == text) {
        return Some(sip_client::REDACTED.to_owned());
    }
    let inside: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|secret| secret.chars().count() >= MASKED_INSIDE_TEXT && text.contains(secret))
        .collect();
    if inside.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match inside.iter().find(|secret| rest.starts_with(**secret)) {
            Some(secret) => {
                out.push_str(sip_client::REDACTED);
                rest = &rest[secret.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Some(out)
}

/// Masks the request's `secrets` as `<redacted>` in every string and object key of `value`
/// ([`masked`]), adding the path of each string and key masked to `out`. A masked key that
/// meets another key of its object is numbered (`<redacted>#2`): no entry is lost.
fn mask_secrets(value: &mut Value, secrets: &[String], path: &mut String, out: &mut Vec<String>) {
    if secrets.is_empty() {
        return;
    }
    let here = |path: &String| match path.is_empty() {
        true => ".".to_owned(),
        false => path.clone(),
    };
    let len = path.len();
    match value {
        Value::String(text) => {
            if let Some(shown) = masked(text, secrets) {
                *text = shown;
                out.push(here(path));
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter_mut().enumerate() {
                path.push_str(&format!("[{at}]"));
                mask_secrets(item, secrets, path, out);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            // The keys kept first, then the masked ones, each numbered past every key taken.
            let (kept, masked_keys): (Vec<_>, Vec<_>) = std::mem::take(map)
                .into_iter()
                .map(|(key, item)| (masked(&key, secrets), key, item))
                .partition(|(shown, _, _)| shown.is_none());
            for (shown, key, mut item) in kept.into_iter().chain(masked_keys) {
                let masked_key = shown.is_some();
                let key = match shown {
                    None => key,
                    Some(shown) => (1..)
                        .map(|n| match n {
                            1 => shown.clone(),
                            n => format!("{shown}#{n}"),
                        })
                        .find(|unique| !map.contains_key(unique))
                        .expect("a map holds finitely many keys"),
                };
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
                if masked_key {
                    out.push(path.clone());
                }
                mask_secrets(&mut item, secrets, path, out);
                path.truncate(len);
                map.insert(key, item);
            }
        }
        _ => {}
    }
}

/// Prints the answer of a call, or returns its failure.
pub(crate) fn answer<T: Serialize>(
    result: Result<T, Error>,
    show_secrets: bool,
) -> Result<(), Failure> {
    let value = result.map_err(failure)?;
    let mut withheld = Withheld::default();
    let printed = printable(&value, show_secrets, &mut String::new(), &mut withheld);
    withheld.note();
    print_json(&printed?)
}

/// Prints every item of every page of a paginated call as one JSON array, each item as it
/// arrives: the same text as the whole array printed at once, but memory does not grow with
/// the pages, and what a long paging brings shows while it runs. After a failure (the
/// server's, or stdout's) the array stays open, so that no reader takes the items before it
/// for all of them; the failure is returned.
pub(crate) async fn items<R>(mut items: Items<R>, show_secrets: bool) -> Result<(), Failure>
where
    R: Paginated,
    R::Item: Serialize,
{
    let mut withheld = Withheld::default();
    let mut count: usize = 0;
    let result = loop {
        let item = match items.next().await {
            Some(Ok(item)) => item,
            Some(Err(err)) => break Err(failure(err)),
            None => break write_out(if count == 0 { b"[]\n" } else { b"\n]\n" }),
        };
        let printed = printable(
            &item,
            show_secrets,
            &mut format!("[{count}]"),
            &mut withheld,
        );
        let written = printed.and_then(|printed| {
            let mut text = Vec::from(if count == 0 { &b"[\n  "[..] } else { b",\n  " });
            let mut item = Vec::new();
            write_json(&mut item, &printed, true).map_err(stdout_failure)?;
            // Each line of the item indented as in the whole array (a JSON string written
            // here holds no line break: it is escaped).
            for (at, line) in item.split(|&byte| byte == b'\n').enumerate() {
                if at > 0 {
                    text.extend_from_slice(b"\n  ");
                }
                text.extend_from_slice(line);
            }
            write_out(&text)
        });
        if let Err(failure) = written {
            break Err(failure);
        }
        count += 1;
    };
    withheld.note();
    result
}

/// Writes `bytes` to stdout and flushes it.
fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

fn stdout_failure(err: std::io::Error) -> Failure {
    Failure::Call(format!("cannot write the answer to stdout: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item printed on its own adds its withheld secrets to one count, under its
    /// place in the array; the note names the first five; `--show-secrets` withholds none.
    #[test]
    fn secrets_withheld_from_items_are_counted_across_them() {
        let mut withheld = Withheld::default();
        for at in 0..4 {
            let item = serde_json::json!({"password": "p", "pin": 1234, "name": "n"});
            let printed = printable(&item, false, &mut format!("[{at}]"), &mut withheld).unwrap();
            assert_eq!(
                printed,
                serde_json::json!({"password": "<redacted>", "pin": "<redacted>", "name": "n"})
            );
        }
        assert_eq!(withheld.total, 8);
        assert_eq!(
            withheld.named,
            [
                "[0].password",
                "[0].pin",
                "[1].password",
                "[1].pin",
                "[2].password"
            ]
        );
        let mut none = Withheld::default();
        let item = serde_json::json!({"password": "p"});
        let printed = printable(&item, true, &mut String::new(), &mut none).unwrap();
        assert_eq!(printed, item);
        assert_eq!((none.total, none.named.len()), (0, 0));
    }

    /// The request's secrets quoted back in a string (a reason) or a key are masked, each
    /// string counted once (a black-box probe saw a refused password printed from a 200's
    /// `failed[].reason`); a number is left (`4321` may be a port as well as a PIN).
    #[test]
    fn the_request_secrets_are_masked_in_strings_and_keys() {
        let mut item = serde_json::json!({
            "reason": "password 'hunter2hunter2' too weak",
            "password": "hunter2hunter2",
            "hunter2hunter2": ["pin 4321 and hunter2hunter2", 4321, "4321", "ok"],
        });
        let mut paths = Vec::new();
        let secrets = ["hunter2hunter2".to_owned(), "4321".to_owned()];
        mask_secrets(&mut item, &secrets, &mut String::new(), &mut paths);
        assert_eq!(
            item,
            serde_json::json!({
                "reason": "password '<redacted>' too weak",
                "password": "<redacted>",
                "<redacted>": ["pin 4321 and <redacted>", 4321, "<redacted>", "ok"],
            })
        );
        assert_eq!(
            paths,
            [
                "password",
                "reason",
                "<redacted>",
                "<redacted>[0]",
                "<redacted>[2]"
            ]
        );
    }

    /// A short secret (a PIN `2026`) masks only a string that is all of it, never a date or
    /// a number that holds its digits (a review saw `created_at` printed
    /// `<redacted>-11-29T...`); keys masked alike stay apart, numbered.
    #[test]
    fn a_short_secret_masks_whole_strings_only_and_masked_keys_stay_apart() {
        let secrets = [
            "2026".to_owned(),
            "1999".to_owned(),
            "redacted-pass".to_owned(),
        ];
        let mut item = serde_json::json!({
            "created_at": "2026-11-29T10:00:00Z",
            "phone_number": "+14155552026",
            "pin": "2026",
            "2026": "a",
            "1999": "b",
            "<redacted>": "c",
            "note": "redacted-pass and <redacted>",
        });
        let mut paths = Vec::new();
        mask_secrets(&mut item, &secrets, &mut String::new(), &mut paths);
        assert_eq!(
            item,
            serde_json::json!({
                "created_at": "2026-11-29T10:00:00Z",
                "phone_number": "+14155552026",
                "pin": "<redacted>",
                "<redacted>": "c",
                "<redacted>#2": "b",
                "<redacted>#3": "a",
                "note": "<redacted> and <redacted>",
            })
        );
        // (The keys kept are read first.)
        assert_eq!(paths, ["note", "pin", "<redacted>#2", "<redacted>#3"]);
        assert_eq!(masked("é2026é", &secrets), None);
        assert_eq!(
            masked("éredacted-passé", &secrets).as_deref(),
            Some("é<redacted>é")
        );
    }
}
