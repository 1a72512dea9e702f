//! Which keys name a secret, judged on their words: the rule of
//! [`to_redacted_json`](crate::to_redacted_json), of the `Debug` of raw JSON and of an
//! unexpected answer's text (`redact.rs`), and of the headers `Response` hides.

/// Whether a key names a secret (the rule of [`to_redacted_json`](crate::to_redacted_json)),
/// judged on its words (see [`key_words`]), whatever their case and separators: a word that
/// is or ends with a secret's noun (`password`, `sipPassword`, `accesstoken`), two words
/// that name one together (`api_key`, `private-key`, `privKey`, `apikey`), a short word
/// that names one only as the last word (`pbx_pass`, `pin`, `sip_pw`), `auth` alone or as a
/// scheme's credentials (`basic_auth`, `auth_header`). Not a key about a secret: one whose
/// noun is followed by a word that makes it a property of the secret (`password_required`,
/// `token_type`, `password_min_length`) or follows one that makes it a question or a count
/// (`has_password`, `bypass_pin`); nor a word that merely holds a noun (`secretary`,
/// `tokenizer`, `max_tokens`).
pub(crate) fn looks_secret(key: &str) -> bool {
    const NOUNS: [&str; 9] = [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "credentials",
        "authorization",
        "cookie",
        "jwt",
    ];
    const PAIRS: [(&str, &str); 16] = [
        ("api", "key"),
        ("private", "key"),
        ("priv", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("ssh", "key"),
        ("auth", "key"),
        ("session", "id"),
        ("security", "code"),
        ("pin", "code"),
        ("pin", "number"),
        ("pass", "code"),
        ("pass", "phrase"),
        ("otp", "code"),
    ];
    const LAST_WORDS: [&str; 7] = ["pass", "pwd", "pw", "pin", "otp", "cvv", "cvc"];
    const ABOUT_AFTER: [&str; 20] = [
        "required",
        "set",
        "type",
        "kind",
        "count",
        "url",
        "uri",
        "length",
        "len",
        "min",
        "max",
        "expires",
        "expiry",
        "expiration",
        "at",
        "enabled",
        "policy",
        "format",
        "hint",
        "reset",
    ];
    const ABOUT_BEFORE: [&str; 10] = [
        "has", "is", "max", "min", "requires", "require", "bypass", "needs", "num", "no",
    ];
    let words: Vec<String> = key_words(key)
        .filter(|word| !word.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    let last = words.len().saturating_sub(1);
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        // Where the secret's name ends: this word, or the next with it.
        let end = if NOUNS.iter().any(|noun| word.ends_with(noun))
            || PAIRS
                .iter()
                .any(|(a, b)| word.ends_with(&format!("{a}{b}")))
        {
            at
        } else if PAIRS.iter().any(|(a, b)| word == a && next == Some(b)) {
            at + 1
        } else if at == last && LAST_WORDS.contains(&word.as_str()) {
            at
        } else {
            continue;
        };
        let after = words.get(end + 1).map(String::as_str);
        let before = at.checked_sub(1).map(|i| words[i].as_str());
        if after.is_some_and(|word| ABOUT_AFTER.contains(&word))
            || before.is_some_and(|word| ABOUT_BEFORE.contains(&word))
        {
            continue;
        }
        return true;
    }
    // `auth` alone is the credentials of a header (`"auth": "Basic dTpw"`); with a scheme
    // before it or what carries it after (`basic_auth`, `proxyAuth`, `auth_header`), too;
    // not as a mode or a group (`auth_mode`, `register_auth`).
    match words.as_slice() {
        [auth] => auth == "auth",
        [.., scheme, auth] if auth == "auth" => {
            ["basic", "bearer", "digest", "http", "proxy", "x"].contains(&scheme.as_str())
        }
        [.., auth, carrier] if auth == "auth" => {
            ["header", "string", "value"].contains(&carrier.as_str())
        }
        _ => false,
    }
}

/// The words of a key: split at every character that is not a letter or digit, where a
/// lower-case letter or a digit is followed by an upper-case one (`userPwd`: `user`, `Pwd`),
/// before the last capital of a run followed by a lower-case letter (`SIPPass`: `SIP`,
/// `Pass`), and between letters and digits (`pin2`: `pin`, `2`).
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
                (c.is_uppercase() && (previous.is_lowercase() || previous.is_ascii_digit()))
                    || (c.is_uppercase()
                        && previous.is_uppercase()
                        && next.is_some_and(char::is_lowercase))
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
