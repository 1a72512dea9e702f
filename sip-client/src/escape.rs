//! Text that came from the network, made safe for a terminal: Bland's error codes and
//! messages, a content type, the keys of a decode path. Every character a terminal acts on
//! or that hides or reorders text appears as `\u{..}`, so that an answer cannot forge lines,
//! drive the terminal of whoever reads an error, or show one thing and be another.

use std::fmt;

/// Text from the network, displayed with every character of [`Escaped::escapes`] written as
/// `\u{..}` (its code point in hex), and a backslash doubled: a `\u{..}` shown is always an
/// escape, never text that imitates one.
///
/// ```
/// use sip_client::Escaped;
///
/// let forged = "SIP_NOT_ENABLED\nerror: forged\u{2028}line";
/// assert_eq!(
///     Escaped(forged).to_string(),
///     "SIP_NOT_ENABLED\\u{a}error: forged\\u{2028}line"
/// );
/// ```
pub struct Escaped<'a>(pub &'a str);

impl Escaped<'_> {
    /// Whether `c` is written escaped: the controls (Unicode's general category Cc: C0,
    /// DEL, C1), the format characters (Cf: bidirectional controls, zero-width characters,
    /// the soft hyphen, the byte-order mark, invisible operators, tag characters, ...), the
    /// line and paragraph separators (Zl, Zp), and the blank Hangul fillers that render as
    /// nothing, together with the unassigned code points among them (U+2065, U+E0000,
    /// U+E0002–E001F: invisible by Unicode's default-ignorable rule if ever assigned).
    /// Letters, marks, symbols, spaces and emoji (variation selectors included) are kept.
    /// The table follows Unicode 16.0.
    pub fn escapes(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{00AD}'
                    | '\u{0600}'..='\u{0605}'
                    | '\u{061C}'
                    | '\u{06DD}'
                    | '\u{070F}'
                    | '\u{0890}'..='\u{0891}'
                    | '\u{08E2}'
                    | '\u{115F}'..='\u{1160}'
                    | '\u{180E}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{2028}'..='\u{202E}'
                    | '\u{2060}'..='\u{206F}'
                    | '\u{3164}'
                    | '\u{FEFF}'
                    | '\u{FFA0}'
                    | '\u{FFF9}'..='\u{FFFB}'
                    | '\u{110BD}'
                    | '\u{110CD}'
                    | '\u{13430}'..='\u{1343F}'
                    | '\u{1BCA0}'..='\u{1BCA3}'
                    | '\u{1D173}'..='\u{1D17A}'
                    | '\u{E0000}'..='\u{E007F}'
            )
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(|c| c == '\\' || Escaped::escapes(c)) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().expect("found at a char boundary");
            write_escaped(f, c)?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// A character [`Escaped`] does not show as itself: a backslash doubled (so that a `\u{..}`
/// shown is always an escape, never text the server wrote), any other as `\u{..}`.
fn write_escaped(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    if c == '\\' {
        out.write_str("\\\\")
    } else {
        write!(out, "\\u{{{:x}}}", c as u32)
    }
}

/// `text` as [`Escaped`] shows it, cut to at most `limit` bytes (never inside a character or
/// an escape), and whether it was cut: what an error shows of a server's text, bounded
/// whatever the text holds.
pub(crate) fn escaped_at_most(text: &str, limit: usize) -> (String, bool) {
    let mut shown = String::with_capacity(text.len().min(limit));
    let mut one = String::new();
    for c in text.chars() {
        one.clear();
        if c == '\\' || Escaped::escapes(c) {
            write_escaped(&mut one, c).expect("a String takes any text");
        } else {
            one.push(c);
        }
        if shown.len() + one.len() > limit {
            return (shown, true);
        }
        shown.push_str(&one);
    }
    (shown, false)
}

/// Text from the network, shown quoted as `Debug` shows a string (`"a\"b\n"`), and every
/// character [`Escaped::escapes`] that `Debug` keeps (a Hangul filler, which renders as
/// nothing) written as `\u{..}` too: an excerpt of a body in an error's `Display` and
/// `Debug`.
pub(crate) struct Quoted<'a>(pub &'a str);

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Debug` writes every character it escapes as ASCII, so what it kept of
        // `Escaped::escapes` is the raw character still.
        let debug = format!("{:?}", self.0);
        let mut rest = debug.as_str();
        while let Some(at) = rest.find(Escaped::escapes) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().expect("found at a char boundary");
            write_escaped(f, c)?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quoted excerpt is `Debug`'s form, with what `Debug` keeps but a terminal shows as
    /// nothing escaped too (a black-box probe found Hangul fillers raw in an error).
    #[test]
    fn quoted_text_escapes_what_debug_keeps() {
        let text = "{\"a\":\"b\u{3164}\u{115f}\u{ffa0}\"}\n\u{1b}[2J\u{202e}";
        let quoted = format!("{:?}", Quoted(text));
        assert_eq!(
            quoted,
            "\"{\\\"a\\\":\\\"b\\u{3164}\\u{115f}\\u{ffa0}\\\"}\\n\\u{1b}[2J\\u{202e}\""
        );
        assert!(!quoted.chars().any(Escaped::escapes), "{quoted}");
        // Plain text is Debug's.
        let plain = "Café ☎\u{fe0f} 東京 \"x\"";
        assert_eq!(format!("{:?}", Quoted(plain)), format!("{plain:?}"));
    }

    #[test]
    fn network_text_is_escaped() {
        let forged = "SIP_NOT_ENABLED\nerror: forged line\r\u{1b}[31mred\u{202e}txet\u{7f}";
        let shown = Escaped(forged).to_string();
        assert_eq!(
            shown,
            "SIP_NOT_ENABLED\\u{a}error: forged line\\u{d}\\u{1b}[31mred\\u{202e}txet\\u{7f}"
        );
        assert!(!shown.chars().any(Escaped::escapes));
        // Ordinary text, accents, emoji with a variation selector and a non-breaking space
        // included, is untouched.
        let plain = "Café ☎\u{fe0f} ok\u{a0}Ω 東京 שלום";
        assert_eq!(Escaped(plain).to_string(), plain);
    }

    /// A server's text that imitates an escape is told from one: its backslash is doubled.
    #[test]
    fn a_backslash_is_doubled_so_an_escape_cannot_be_imitated() {
        assert_eq!(
            Escaped("a\\u{a}b\nc\\").to_string(),
            "a\\\\u{a}b\\u{a}c\\\\"
        );
    }

    /// The cut keeps whole characters and whole escapes within the limit, and says whether
    /// it cut.
    #[test]
    fn escaped_text_is_cut_within_the_limit_between_escapes() {
        assert_eq!(escaped_at_most("abc", 3), ("abc".to_owned(), false));
        assert_eq!(escaped_at_most("abcd", 3), ("abc".to_owned(), true));
        // `\u{202e}` is 8 bytes: it fits whole or not at all.
        let rlo = "\u{202e}".repeat(3);
        assert_eq!(escaped_at_most(&rlo, 17), ("\\u{202e}".repeat(2), true));
        assert_eq!(escaped_at_most(&rlo, 24), ("\\u{202e}".repeat(3), false));
        assert_eq!(escaped_at_most("é\\", 3), ("é".to_owned(), true));
        assert_eq!(escaped_at_most("é\\", 4), ("é\\\\".to_owned(), false));
        assert_eq!(escaped_at_most("", 0), (String::new(), false));
    }

    /// The invisible characters a terminal shows as nothing or that break a line: each is
    /// escaped, at both ends of each range of the table.
    #[test]
    fn invisible_and_line_breaking_characters_are_escaped() {
        for c in [
            '\u{0}',
            '\u{1f}',
            '\u{7f}',
            '\u{80}',
            '\u{9f}',
            '\u{ad}',
            '\u{600}',
            '\u{605}',
            '\u{61c}',
            '\u{6dd}',
            '\u{70f}',
            '\u{890}',
            '\u{891}',
            '\u{8e2}',
            '\u{115f}',
            '\u{1160}',
            '\u{180e}',
            '\u{200b}',
            '\u{200f}',
            '\u{2028}',
            '\u{2029}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2064}',
            '\u{2066}',
            '\u{206f}',
            '\u{3164}',
            '\u{feff}',
            '\u{ffa0}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{110bd}',
            '\u{110cd}',
            '\u{13430}',
            '\u{1343f}',
            '\u{1bca0}',
            '\u{1bca3}',
            '\u{1d173}',
            '\u{1d17a}',
            '\u{e0000}',
            '\u{e0001}',
            '\u{e0020}',
            '\u{e007f}',
        ] {
            assert!(Escaped::escapes(c), "U+{:04X}", c as u32);
            let text = format!("a{c}b");
            assert_eq!(
                Escaped(&text).to_string(),
                format!("a\\u{{{:x}}}b", c as u32)
            );
        }
        // Their neighbours are ordinary characters.
        for c in [
            ' ',
            '~',
            '\u{a0}',
            '\u{ac}',
            '\u{ae}',
            '\u{5ff}',
            '\u{606}',
            '\u{200a}',
            '\u{2027}',
            '\u{202f}',
            '\u{205f}',
            '\u{2070}',
            '\u{fe0f}',
            '\u{fefe}',
            '\u{fff8}',
            '\u{fffc}',
            '\u{1d172}',
            '\u{1d17b}',
            '\u{e0080}',
        ] {
            assert!(!Escaped::escapes(c), "U+{:04X}", c as u32);
        }
    }
}
