//! Text that came from the network, made safe for a terminal: Bland's error codes and
//! messages, a content type, the keys of a decode path. Control characters, ANSI escapes and
//! bidirectional overrides appear as `\u{..}`, so that an answer cannot forge lines or drive
//! the terminal of whoever reads an error.

use std::fmt;

/// Text from the network, displayed with every control character, ANSI escape and
/// bidirectional control written as `\u{..}`.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().expect("found at a char boundary");
            write!(f, "\\u{{{:x}}}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Control characters (C0, DEL, C1) and the Unicode controls that reorder or hide text.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_text_is_escaped() {
        let forged = "SIP_NOT_ENABLED\nerror: forged line\r\u{1b}[31mred\u{202e}txet\u{7f}";
        let shown = Escaped(forged).to_string();
        assert_eq!(
            shown,
            "SIP_NOT_ENABLED\\u{a}error: forged line\\u{d}\\u{1b}[31mred\\u{202e}txet\\u{7f}"
        );
        assert!(!shown.chars().any(needs_escape));
        // Ordinary text, accents and emoji included, is untouched.
        assert_eq!(Escaped("Café ☎ ok").to_string(), "Café ☎ ok");
    }
}
