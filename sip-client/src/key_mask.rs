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

/// The forms of the key (when long enough to mask) that a server echoing it may write: as
/// sent, with each `/` escaped as JSON written by PHP escapes it (`\/`, as [`mask_key`]
/// finds it), and percent-encoded as in a URL (`sk%2F...`). Computed once per client: every
/// header of every answer is searched for them.
pub(crate) fn key_forms(key: &str) -> Vec<Box<[u8]>> {
    let Some(key) = maskable_key(key) else {
        return Vec::new();
    };
    let escaped = key.replace('/', "\\/");
    let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    let mut forms: Vec<Box<[u8]>> = vec![key.as_bytes().into()];
    for form in [escaped, encoded] {
        if *form != *key {
            forms.push(form.into_bytes().into());
        }
    }
    forms
}

/// `body` with every occurrence of `key` written as `<api key>`: a server that echoes the
/// key in an error message (`invalid key sk-...`) does not put it into the error's
/// `Display`, `Debug` or logs. Found: the key as sent, and as JSON written by PHP (and
/// others) carries it, each `/` escaped as `\/`; not a copy escaped otherwise
/// (`\u002d`), or cut.
pub(crate) fn mask_key(body: Bytes, key: &str) -> Bytes {
    let body = mask(body, key.as_bytes());
    match key.contains('/') {
        true => mask(body, key.replace('/', "\\/").as_bytes()),
        false => body,
    }
}

/// `body` with every occurrence of `key` written as `<api key>`.
fn mask(body: Bytes, key: &[u8]) -> Bytes {
    let mut copied = 0;
    let mut out: Vec<u8> = Vec::new();
    for at in memchr::memmem::find_iter(&body, key) {
        if at < copied {
            continue;
        }
        out.extend_from_slice(&body[copied..at]);
        out.extend_from_slice(b"<api key>");
        copied = at + key.len();
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
