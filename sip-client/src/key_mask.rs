//! The API key a server echoes, masked in what the client keeps of an answer for an error:
//! the raw bytes of an answer outside the contract here, the decoded text of Bland's error
//! entries and of decode errors in `client.rs`.

use bytes::Bytes;

/// The shortest key masked: a shorter one is no real key, and masking it would garble the
/// text around it.
const MIN_MASKED_KEY: usize = 8;

/// The key as [`mask_key`] looks for it (without surrounding white space), when long
/// enough to mask.
pub(crate) fn maskable_key(key: &str) -> Option<Box<str>> {
    let key = key.trim();
    (key.len() >= MIN_MASKED_KEY).then(|| key.into())
}

/// Whether `bytes` (a header of an answer) hold `key`: as sent, or as a server may have
/// encoded it, percent-encoded as in a URL's query or path (`sk%2F...`, `sk%2f...`,
/// `sk-a+b`) or escaped as in a JSON string (`sk\/...`, `\u0073k-...`). Every header of
/// every answer is searched: the decoding is done only for a value that has a `%` or a `\`.
pub(crate) fn holds_key(bytes: &[u8], key: &[u8]) -> bool {
    memchr::memmem::find(bytes, key).is_some()
        || (memchr::memchr2(b'%', b'\\', bytes).is_some()
            && memchr::memmem::find(&decoded(bytes), key).is_some())
}

/// `bytes` with each percent-encoded byte (`%2f`, `%2F`) and each JSON escape (`\/`, `\"`,
/// `\\`, `\u002d`) decoded; anything else, a `%` or `\` that starts no escape included, as
/// it is.
fn decoded(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%'
            && let Some(value) = bytes.get(at + 1..at + 3).and_then(hex)
        {
            // A byte, whatever it is (`%e2%82%ac` is one character in three).
            out.push(value as u8);
            at += 3;
            continue;
        }
        if byte == b'\\' {
            match bytes.get(at + 1) {
                Some(&quoted @ (b'/' | b'\\' | b'"')) => {
                    out.push(quoted);
                    at += 2;
                    continue;
                }
                Some(b'u') => {
                    let unicode = bytes.get(at + 2..at + 6).and_then(hex);
                    if let Some(c) = unicode.and_then(char::from_u32) {
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        at += 6;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(byte);
        at += 1;
    }
    out
}

/// The number written by `digits` in hexadecimal, when they are all hexadecimal digits.
fn hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |value, &digit| {
        Some(value * 16 + char::from(digit).to_digit(16)?)
    })
}

/// `body` with every occurrence of `key` written as `<api key>`: a server that echoes the
/// key in an error message (`invalid key sk-...`) does not put it into the error's
/// `Display`, `Debug` or logs. Found: the key as sent, and as JSON written by PHP (and
/// others) carries it, each `/` escaped as `\/`; not a copy escaped otherwise
/// (`\u002d`), or cut.
pub(crate) fn mask_key(body: Bytes, key: &str) -> Bytes {
    let body = replace_all(body, key.as_bytes(), b"<api key>");
    match key.contains('/') {
        true => replace_all(body, key.replace('/', "\\/").as_bytes(), b"<api key>"),
        false => body,
    }
}

/// `body` with every occurrence of `needle` (not empty) written as `with`.
pub(crate) fn replace_all(body: Bytes, needle: &[u8], with: &[u8]) -> Bytes {
    let mut copied = 0;
    let mut out: Vec<u8> = Vec::new();
    for at in memchr::memmem::find_iter(&body, needle) {
        if at < copied {
            continue;
        }
        out.extend_from_slice(&body[copied..at]);
        out.extend_from_slice(with);
        copied = at + needle.len();
    }
    if copied == 0 {
        return body;
    }
    out.extend_from_slice(&body[copied..]);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server may echo the key in a header encoded as a URL or JSON writes it; each form is
    /// found, and text that merely looks like an escape is no key.
    #[test]
    fn a_key_is_found_however_a_header_encodes_it() {
        let key = b"sk-live/Ab+c=0123";
        for holding in [
            &b"sk-live/Ab+c=0123"[..],
            b"q=sk-live%2FAb%2Bc%3D0123&x=1",
            b"q=sk-live%2fAb%2bc%3d0123",
            b"/path/sk-live%2FAb+c=0123",
            br#"{"key": "sk-live\/Ab+c=0123"}"#,
            br#"{"key": "\u0073k\u002dlive\/Ab\u002Bc=0123"}"#,
            b"%73%6B%2D%6c%69%76%65%2F%41%62%2B%63%3D%30%31%32%33",
        ] {
            assert!(
                holds_key(holding, key),
                "{}",
                String::from_utf8_lossy(holding)
            );
        }
        for not_holding in [
            &b"sk-live/Ab+c=012"[..],
            b"sk-live%2GAb+c=0123",
            b"sk-live\\\\/Ab+c=0123",
            b"sk-live\\u002Ab+c=0123",
            b"%",
            b"\\",
            b"100% sk-live%",
            b"",
        ] {
            assert!(
                !holds_key(not_holding, key),
                "{}",
                String::from_utf8_lossy(not_holding)
            );
        }
        // A percent-encoded byte that is not UTF-8 decodes as that byte.
        assert_eq!(decoded(b"a%FFb%e2%82%ac"), b"a\xffb\xe2\x82\xac");
        assert_eq!(
            decoded(br#"\u20ac\n\ud800"#),
            "\u{20ac}\\n\\ud800".as_bytes()
        );
        assert_eq!(hex(b"7f"), Some(127));
        assert_eq!(hex(b"FFFF"), Some(65535));
        assert_eq!(hex(b"1g"), None);
    }

    #[test]
    fn an_echoed_key_is_masked_wherever_it_occurs() {
        let key = "sk-0123456789";
        let body = Bytes::from(format!("{key}: bad {key}{key} end"));
        assert_eq!(mask_key(body, key), "<api key>: bad <api key><api key> end");
        let untouched = Bytes::from_static(b"nothing here");
        assert_eq!(mask_key(untouched.clone(), key), untouched);
        assert_eq!(
            maskable_key("  sk-0123456789 \n").as_deref(),
            Some("sk-0123456789")
        );
        assert_eq!(maskable_key("short"), None);
    }

    /// PHP's JSON writes `/` as `\/`: a key holding one is found written either way.
    #[test]
    fn a_key_with_a_slash_is_masked_as_json_escapes_it_too() {
        let key = "sk-live/ab/cd0123";
        let body = Bytes::from(r#"{"detail":"key sk-live\/ab\/cd0123 or sk-live/ab/cd0123"}"#);
        assert_eq!(
            mask_key(body, key),
            r#"{"detail":"key <api key> or <api key>"}"#
        );
    }
}
