//! Which keys name a secret, judged on their words: the rule of
//! [`to_redacted_json`](crate::to_redacted_json), of the `Debug` of raw JSON and of an
//! unexpected answer's text (`redact.rs`), and of the headers `Response` hides.

/// Whether a key names a secret (the rule of [`to_redacted_json`](crate::to_redacted_json)),
/// judged on its words (see [`key_words`]), whatever their case and separators: a word that
/// is a secret's noun, or its plural, or ends with one (`password`, `secrets`,
/// `sipPassword`, `creds`), two words that name one together (`api_key`, `private-key`,
/// `srtpKey`, `apikeys`, `tls_key`, `auth_code`), a short word that names one as the last
/// word or before `hash` (`pbx_pass`, `pin`, `sip_pw`, `pw_hash`, `totp`), a SIP digest hash
/// (`ha1`), `auth` or `bearer` alone, or `auth` as a scheme's credentials (`basic_auth`,
/// `auth_header`).
///
/// Not a key about a secret: one whose last word names a property of something rather than
/// a value (`credential_id`, `api_key_created_at`, `secret_name`, `authorization_status`),
/// whose noun is followed by a word that makes it a property of the secret
/// (`password_required`, `token_type`, `password_min_length`) or follows one that makes it
/// a question, a count or a cursor (`has_password`, `bypass_pin`, `remaining_tokens`,
/// `next_page_token`); nor a word that merely holds a noun (`secretary`, `tokenizer`,
/// `preauthorization`).
pub(crate) fn looks_secret(key: &str) -> bool {
    // Nouns matched as a word, its plural, or the end of a word (`sippassword`).
    const NOUNS: [&str; 6] = ["password", "passwd", "pwd", "secret", "token", "credential"];
    // Nouns matched as a word or its plural only (`sippass`: `pass` ends `bypass` too).
    const WHOLE_NOUNS: [&str; 7] = [
        "authorization",
        "cookie",
        "jwt",
        "psk",
        "cred",
        "sippass",
        "userpass",
    ];
    const PAIRS: [(&str, &str); 37] = [
        ("api", "key"),
        ("private", "key"),
        ("priv", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("encrypted", "key"),
        ("ssh", "key"),
        ("auth", "key"),
        ("srtp", "key"),
        ("master", "key"),
        ("crypto", "key"),
        ("shared", "key"),
        ("hmac", "key"),
        ("client", "key"),
        ("license", "key"),
        ("session", "id"),
        ("security", "code"),
        ("pin", "code"),
        ("pin", "number"),
        ("pass", "code"),
        ("pass", "phrase"),
        ("otp", "code"),
        ("pass", "hash"),
        ("pw", "hash"),
        ("pass", "key"),
        ("pass", "word"),
        ("tls", "key"),
        ("ssl", "key"),
        ("key", "pem"),
        ("auth", "code"),
        ("reset", "code"),
        ("verification", "code"),
        ("mfa", "code"),
        ("recovery", "code"),
        ("backup", "code"),
    ];
    const LAST_WORDS: [&str; 8] = ["pass", "pwd", "pw", "pin", "otp", "totp", "cvv", "cvc"];
    // A last word that makes the key a property of something, not a value of a secret.
    const PROPERTY: [&str; 37] = [
        "id",
        "ids",
        "sid",
        "uuid",
        "arn",
        "name",
        "url",
        "uri",
        "path",
        "file",
        "ref",
        "endpoint",
        "prefix",
        "last",
        "count",
        "type",
        "kind",
        "status",
        "date",
        "at",
        "version",
        "domain",
        "consent",
        "method",
        "age",
        "strength",
        "limit",
        "usage",
        "changed",
        "updated",
        "created",
        "required",
        "enabled",
        "policy",
        "format",
        "used",
        "remaining",
    ];
    // A word after the noun that makes the key a property of the secret.
    // (Not `list`: a list of passwords is passwords.)
    const ABOUT_AFTER: [&str; 11] = [
        "set",
        "length",
        "len",
        "min",
        "max",
        "expires",
        "expiry",
        "expiration",
        "hint",
        "reset",
        "last",
    ];
    // A word before the noun that makes the key a question, a count or a cursor.
    const ABOUT_BEFORE: [&str; 18] = [
        "has",
        "is",
        "max",
        "min",
        "requires",
        "require",
        "bypass",
        "needs",
        "num",
        "no",
        "remaining",
        "used",
        "total",
        "page",
        "next",
        "continuation",
        "sync",
        "cursor",
    ];
    let words: Vec<String> = key_words(key)
        .filter(|word| !word.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    // (`session_id` is a pair of its own: a session's id is its credential.)
    if let [before @ .., last] = words.as_slice()
        && singular_or_word(last).any(|word| PROPERTY.contains(&word))
        && !PAIRS
            .iter()
            .any(|(a, b)| b == last && before.last().is_some_and(|word| word == a))
    {
        return false;
    }
    let compact: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    // A SIP digest hash (`ha1`, `digest_ha1`, `ha1b`): the credentials of digest auth.
    if compact.ends_with("ha1") || compact.ends_with("ha1b") {
        return true;
    }
    let last = words.len().saturating_sub(1);
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        // Where the secret's name ends: this word, or the next with it.
        let end = if singular_or_word(word).any(|word| {
            NOUNS.iter().any(|noun| word.ends_with(noun))
                || WHOLE_NOUNS.contains(&word)
                || PAIRS
                    .iter()
                    .any(|(a, b)| word.strip_suffix(b).is_some_and(|rest| rest.ends_with(a)))
        }) {
            at
        } else if PAIRS.iter().any(|(a, b)| {
            word == a && next.is_some_and(|next| singular_or_word(next).any(|next| next == *b))
        }) {
            at + 1
        } else if (at == last || next == Some("hash"))
            && singular_or_word(word).any(|word| LAST_WORDS.contains(&word))
        {
            at
        } else {
            continue;
        };
        let after = words.get(end + 1).map(String::as_str);
        let before = at.checked_sub(1).map(|i| words[i].as_str());
        if after.is_some_and(|word| ABOUT_AFTER.contains(&word) || PROPERTY.contains(&word))
            || before.is_some_and(|word| ABOUT_BEFORE.contains(&word))
        {
            continue;
        }
        return true;
    }
    // `auth` or `bearer` alone is the credentials of a header (`"auth": "Basic dTpw"`);
    // `auth` with a scheme before it or what carries it after (`basic_auth`, `proxyAuth`,
    // `auth_header`), too; not as a mode or a group (`auth_mode`, `register_auth`).
    match words.as_slice() {
        [alone] => alone == "auth" || alone == "bearer",
        [.., scheme, auth] if auth == "auth" => {
            ["basic", "bearer", "digest", "http", "proxy", "x"].contains(&scheme.as_str())
        }
        [.., auth, carrier] if auth == "auth" => {
            ["header", "string", "value"].contains(&carrier.as_str())
        }
        _ => false,
    }
}

/// `word`, then `word` without a final `s` (its singular, when it is a plural):
/// `passwords`, `apikeys`, and without `es` after an `s` (`passes`).
fn singular_or_word(word: &str) -> impl Iterator<Item = &str> {
    // `passes`: the plural of a word ending in `s` adds `es`.
    let sibilant = word.strip_suffix("es").filter(|stem| stem.ends_with('s'));
    [Some(word), word.strip_suffix('s'), sibilant]
        .into_iter()
        .flatten()
}

/// The words of a key: split at every character that is not a letter or digit, where a
/// lower-case letter or a digit is followed by an upper-case one (`userPwd`: `user`, `Pwd`),
/// before the last capital of a run followed by a lower-case letter (`SIPPass`: `SIP`,
/// `Pass`; but `PINs` is one word, a plural), and between letters and digits (`pin2`:
/// `pin`, `2`).
pub(crate) fn key_words(key: &str) -> impl Iterator<Item = &str> {
    let chars: Vec<(usize, char)> = key.char_indices().collect();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (index, &(at, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(from) = start.take() {
                words.push(&key[from..at]);
            }
            continue;
        }
        let boundary = index
            .checked_sub(1)
            .map(|i| chars[i].1)
            .is_some_and(|previous| {
                let next = chars.get(index + 1).map(|&(_, c)| c);
                // An `s` ending the word after capitals is their plural (`PINs`, `APIs`).
                let plural = next == Some('s')
                    && chars
                        .get(index + 2)
                        .is_none_or(|&(_, after)| !after.is_lowercase());
                (c.is_uppercase() && (previous.is_lowercase() || previous.is_ascii_digit()))
                    || (c.is_uppercase()
                        && previous.is_uppercase()
                        && next.is_some_and(char::is_lowercase)
                        && !plural)
                    || (c.is_ascii_digit() != previous.is_ascii_digit()
                        && previous.is_alphanumeric())
            });
        match start {
            Some(from) if boundary => {
                words.push(&key[from..at]);
                start = Some(at);
            }
            Some(_) => {}
            None => start = Some(at),
        }
    }
    if let Some(from) = start {
        words.push(&key[from..]);
    }
    words.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of secrets is secrets: the plurals of the short last words (a black-box probe
    /// found `{"pins": ["4321"]}` printed whole while `pin` and `passwords` were withheld).
    #[test]
    fn plurals_of_the_short_last_words_are_secret() {
        for key in [
            "pins",
            "port_pins",
            "PINs",
            "otps",
            "totps",
            "cvvs",
            "cvcs",
            "pws",
            "sip_pws",
            "passes",
            "pins_hash",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        // Not last, or a property of them: as for the singular; a property in the plural
        // too (`token_names`: the names of tokens).
        for key in [
            "token_names",
            "secret_types",
            "password_counts",
            "PINS_COUNT",
            "pins_count",
            "pin_length",
            "otps_enabled",
            "bypasses",
            "passes_left",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
    }

    #[test]
    fn capitals_with_a_final_s_are_a_plural_not_two_words() {
        let words = |key| key_words(key).collect::<Vec<_>>();
        assert_eq!(words("PINs"), ["PINs"]);
        assert_eq!(words("sipPINs"), ["sip", "PINs"]);
        assert_eq!(words("PINs_hash"), ["PINs", "hash"]);
        assert_eq!(words("PINsCount"), ["PINs", "Count"]);
        assert_eq!(words("SIPPass"), ["SIP", "Pass"]);
        // Only an `s` that ends the word: `SIPPw` is `SIP` and `Pw` (a password), and
        // `DEsf` splits before its `E` as before.
        assert_eq!(words("SIPPw"), ["SIP", "Pw"]);
        assert!(looks_secret("SIPPw"));
        assert_eq!(words("abcDEsf"), ["abc", "D", "Esf"]);
        assert_eq!(words("URLsList"), ["URLs", "List"]);
    }

    #[test]
    fn a_singular_is_the_word_less_its_s_or_the_es_after_an_s() {
        let forms = |word| singular_or_word(word).collect::<Vec<_>>();
        assert_eq!(forms("passes"), ["passes", "passe", "pass"]);
        assert_eq!(forms("pins"), ["pins", "pin"]);
        // `es` not after an `s` is left: `notes` is not `not`.
        assert_eq!(forms("notes"), ["notes", "note"]);
        assert_eq!(forms("pin"), ["pin"]);
    }
}
