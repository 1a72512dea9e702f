//! E.164 phone numbers, validated before anything is sent.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// The most digits E.164 allows after the `+`.
const MAX_DIGITS: usize = 15;

/// A phone number in E.164 format: `+`, then 1 to 15 digits, the first of them 1-9.
///
/// Parsing says precisely what is wrong, so an invalid number is reported before any request
/// is made:
///
/// ```
/// use sip_client::{PhoneNumber, PhoneNumberError};
///
/// let number: PhoneNumber = "+14150000000".parse()?;
/// assert_eq!(number.as_str(), "+14150000000");
///
/// assert_eq!("14150000000".parse::<PhoneNumber>(), Err(PhoneNumberError::MissingPlus));
/// assert_eq!(
///     "+1415-000".parse::<PhoneNumber>(),
///     Err(PhoneNumberError::InvalidCharacter { position: 6, character: '-' })
/// );
/// # Ok::<(), PhoneNumberError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber(String);

/// Why a string is not an E.164 phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// The string is empty.
    Empty,
    /// The string does not start with `+`.
    MissingPlus,
    /// Nothing follows the `+`.
    NoDigits,
    /// The first digit after the `+` is `0` (country codes start with 1-9).
    LeadingZero,
    /// A character other than an ASCII digit follows the `+`, or white space stands before
    /// it (position 1: `" +1415..."` says the space, not that the `+` is missing).
    InvalidCharacter {
        /// 1-based position of the character in the string (the `+` is position 1).
        position: usize,
        /// The offending character.
        character: char,
    },
    /// More than 15 digits follow the `+`.
    TooLong {
        /// How many digits there are.
        digits: usize,
    },
}

impl PhoneNumber {
    /// Parses and validates an E.164 phone number. Surrounding whitespace is not accepted.
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        validate(input)?;
        Ok(PhoneNumber(input.to_owned()))
    }

    /// The number as text, `+` included.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as text, giving up ownership.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn validate(input: &str) -> Result<(), PhoneNumberError> {
    let digits = match input.strip_prefix('+') {
        Some(digits) => digits,
        None if input.is_empty() => return Err(PhoneNumberError::Empty),
        None if input.trim_start().starts_with('+') => {
            let character = input.chars().next().unwrap_or(' ');
            return Err(PhoneNumberError::InvalidCharacter {
                position: 1,
                character,
            });
        }
        None => return Err(PhoneNumberError::MissingPlus),
    };
    if digits.is_empty() {
        return Err(PhoneNumberError::NoDigits);
    }
    // Characters are checked before the length so that "+1 415 ..." reports the space, not
    // the length; positions count characters, 1-based, the `+` being 1.
    let mut count = 0;
    for (index, character) in digits.chars().enumerate() {
        if !character.is_ascii_digit() {
            return Err(PhoneNumberError::InvalidCharacter {
                position: index + 2,
                character,
            });
        }
        count += 1;
    }
    if digits.starts_with('0') {
        return Err(PhoneNumberError::LeadingZero);
    }
    if count > MAX_DIGITS {
        return Err(PhoneNumberError::TooLong { digits: count });
    }
    Ok(())
}

impl fmt::Display for PhoneNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid E.164 phone number: ")?;
        match self {
            PhoneNumberError::Empty => f.write_str("it is empty"),
            PhoneNumberError::MissingPlus => {
                f.write_str("it must start with `+` and the country code, as in +14150000000")
            }
            PhoneNumberError::NoDigits => f.write_str("no digits follow the `+`"),
            PhoneNumberError::LeadingZero => {
                f.write_str("the first digit after `+` must be 1-9 (a country code)")
            }
            PhoneNumberError::InvalidCharacter {
                position,
                character,
            } => write!(
                f,
                "{character:?} at position {position} is not a digit \
                 (write the number without spaces, dashes or brackets)"
            ),
            PhoneNumberError::TooLong { digits } => {
                write!(f, "{digits} digits, E.164 allows at most {MAX_DIGITS}")
            }
        }
    }
}

impl std::error::Error for PhoneNumberError {}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        PhoneNumber::parse(value)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        validate(&value)?;
        Ok(PhoneNumber(value))
    }
}

impl TryFrom<&String> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: &String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(value)
    }
}

/// Lets the generated builder take a borrowed number: `.phone_number(&number)`.
impl From<&PhoneNumber> for PhoneNumber {
    fn from(value: &PhoneNumber) -> Self {
        value.clone()
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        validate(&text).map_err(serde::de::Error::custom)?;
        Ok(PhoneNumber(text.into_owned()))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for PhoneNumber {
    fn schema_name() -> String {
        "PhoneNumber".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, SchemaObject, StringValidation};
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "A phone number in E.164 format: `+`, then 1 to 15 digits, the first 1-9."
                        .to_owned(),
                ),
                ..Default::default()
            })),
            string: Some(Box::new(StringValidation {
                min_length: Some(2),
                max_length: Some(16),
                pattern: Some(r"^\+[1-9][0-9]{0,14}$".to_owned()),
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {

    /// White space before the `+` is named as such, where it was reported as a missing `+`
    /// (found by a probe of the CLI, whose `get` trims and whose `--phone-number` did not
    /// say why it refused).
    #[test]
    fn white_space_before_the_plus_is_named() {
        for (input, character) in [(" +14150000000", ' '), ("\t+14150000000", '\t')] {
            let err = PhoneNumber::parse(input).unwrap_err();
            assert_eq!(
                err,
                PhoneNumberError::InvalidCharacter {
                    position: 1,
                    character
                }
            );
            assert!(
                err.to_string().contains("at position 1 is not a digit"),
                "{err}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("14150000000"),
            Err(PhoneNumberError::MissingPlus)
        );
        assert_eq!(
            PhoneNumber::parse("   "),
            Err(PhoneNumberError::MissingPlus)
        );
    }

    use super::*;

    #[test]
    fn accepts_the_shortest_and_longest_numbers() {
        assert_eq!(PhoneNumber::parse("+1").unwrap().as_str(), "+1");
        let longest = "+123456789012345";
        assert_eq!(PhoneNumber::parse(longest).unwrap().as_str(), longest);
    }

    #[test]
    fn says_what_is_wrong() {
        use PhoneNumberError::*;
        let cases = [
            ("", Empty),
            ("14150000000", MissingPlus),
            (
                " +14150000000",
                InvalidCharacter {
                    position: 1,
                    character: ' ',
                },
            ),
            ("+", NoDigits),
            ("+04150000000", LeadingZero),
            ("+1234567890123456", TooLong { digits: 16 }),
            (
                "+1 415",
                InvalidCharacter {
                    position: 3,
                    character: ' ',
                },
            ),
            (
                "+1415000000a",
                InvalidCharacter {
                    position: 12,
                    character: 'a',
                },
            ),
            (
                "+14150000000\n",
                InvalidCharacter {
                    position: 13,
                    character: '\n',
                },
            ),
            (
                "+١٢٣",
                InvalidCharacter {
                    position: 2,
                    character: '١',
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(PhoneNumber::parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn messages_name_the_problem() {
        let err = PhoneNumber::parse("+1415-0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid E.164 phone number: '-' at position 6 is not a digit \
             (write the number without spaces, dashes or brackets)"
        );
        let err = PhoneNumber::parse("+12345678901234567").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid E.164 phone number: 17 digits, E.164 allows at most 15"
        );
    }

    #[test]
    fn deserialize_validates() {
        let ok: PhoneNumber = serde_json::from_str("\"+14150000000\"").unwrap();
        assert_eq!(ok.as_str(), "+14150000000");
        let err = serde_json::from_str::<PhoneNumber>("\"4150000000\"").unwrap_err();
        assert!(err.to_string().contains("must start with `+`"), "{err}");
    }

    #[test]
    fn every_view_and_conversion_gives_the_number_itself() {
        let number = PhoneNumber::parse("+14150000000").unwrap();
        assert_eq!(format!("{number}"), "+14150000000");
        assert_eq!(format!("{number:?}"), "PhoneNumber(+14150000000)");
        assert_eq!(AsRef::<str>::as_ref(&number), "+14150000000");
        assert_eq!(String::from(number.clone()), "+14150000000");
        assert_eq!(number.clone().into_string(), "+14150000000");
        assert_eq!(PhoneNumber::from(&number), number);
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"+14150000000\"");
    }

    #[test]
    fn every_way_in_validates() {
        let text = "+14150000000".to_owned();
        let expected = PhoneNumber::parse(&text).unwrap();
        assert_eq!(text.parse::<PhoneNumber>().unwrap(), expected);
        assert_eq!(PhoneNumber::try_from(text.as_str()).unwrap(), expected);
        assert_eq!(PhoneNumber::try_from(&text).unwrap(), expected);
        assert_eq!(PhoneNumber::try_from(text).unwrap(), expected);
        let bad = "4150000000";
        assert_eq!(
            bad.parse::<PhoneNumber>(),
            Err(PhoneNumberError::MissingPlus)
        );
        assert!(PhoneNumber::try_from(bad).is_err());
        assert!(PhoneNumber::try_from(&bad.to_owned()).is_err());
        assert!(PhoneNumber::try_from(bad.to_owned()).is_err());
    }
}
