//! What a call's input may be, and how invalid input is reported: [`InvalidInput`] names
//! the field and the rule, never the value (a value may be a password); [`IntoParam`] and
//! [`IntoBody`] say what a parameter or a body accepts. The checks themselves are in
//! `validate.rs`.

use std::fmt;

use crate::phone::{PhoneNumber, PhoneNumberError};

/// Input refused before any request was sent: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    /// The field, as a path into the call's input: `phone_number`,
    /// `body.directions[0].register_auth.password`.
    pub field: String,
    /// What is wrong.
    pub problem: InputProblem,
}

/// What is wrong with a field. No variant holds the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    /// Not an E.164 phone number.
    PhoneNumber(PhoneNumberError),
    /// Fewer characters than the API allows.
    TooShort {
        /// The least number of characters.
        min: u64,
    },
    /// More characters than the API allows.
    TooLong {
        /// The most characters.
        max: u64,
    },
    /// Fewer items than the API allows.
    TooFewItems {
        /// The least number of items.
        min: u64,
        /// How many were given.
        found: usize,
    },
    /// More items than the API allows.
    TooManyItems {
        /// The most items.
        max: u64,
        /// How many were given.
        found: usize,
    },
    /// A number below what the API allows.
    TooSmall {
        /// The bound.
        min: serde_json::Number,
        /// Whether the bound itself is refused too (`exclusiveMinimum`).
        exclusive: bool,
    },
    /// A number above what the API allows.
    TooLarge {
        /// The bound.
        max: serde_json::Number,
        /// Whether the bound itself is refused too (`exclusiveMaximum`).
        exclusive: bool,
    },
    /// A NaN or an infinity, where the API takes a number: JSON has none.
    NotFinite,
    /// A required field is not set.
    Missing,
    /// Set together with another field that excludes it.
    Conflicts {
        /// The other field.
        with: String,
    },
    /// Required unless one of the other fields is set (exactly one must be).
    MissingOneOf {
        /// The other fields, any one of which could be set instead.
        others: Vec<String>,
    },
    /// Required by the value of another field.
    RequiredWhen {
        /// The condition, as `field = value`.
        condition: String,
    },
    /// An upload larger than the API accepts.
    UploadTooLarge {
        /// The most bytes.
        max: u64,
        /// The upload's size.
        found: u64,
    },
    /// An upload of a media type the API does not accept.
    UploadType {
        /// The accepted media types.
        allowed: Vec<String>,
        /// The upload's media type, if it has one.
        found: Option<String>,
    },
    /// Text that names nothing: empty or only white space, where the field takes part in a
    /// rule that asks whether it is set (`trunk_id: " "` is no trunk).
    Blank,
    /// Text holding a control or invisible character (a line break, a NUL, a zero-width
    /// space: what [`Escaped`](crate::Escaped) escapes), where the API expects a name or a
    /// number.
    InvisibleCharacter,
    /// A key of the unknown keys kept in `extra` that is a field of the type itself: on the
    /// wire it would bypass the field's checks, or be sent twice (and a server reading the
    /// last copy would take the unchecked one).
    KnownKeyInExtra,
    /// A value of an enum this version does not know, which differs from one it knows only
    /// in case, surrounding white space or its separators (`Register`, `no answer`): a
    /// typo Bland would not take for the value, so the client does not send it. A value
    /// that is new to the crate, not a near miss, is sent as it is.
    NearMiss {
        /// The value it comes close to, as Bland writes it.
        known: String,
    },
    /// Anything else, said in words.
    Other(String),
}

impl InvalidInput {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: InputProblem) -> InvalidInput {
        InvalidInput {
            field: field.into(),
            problem,
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.problem)
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputProblem::PhoneNumber(err) => fmt::Display::fmt(err, f),
            InputProblem::Missing => f.write_str("is required"),
            InputProblem::TooShort { min } => {
                write!(f, "must be at least {min} {}", characters(*min))
            }
            InputProblem::TooLong { max } => {
                write!(f, "must be at most {max} {}", characters(*max))
            }
            InputProblem::TooFewItems { min, found } => {
                write!(f, "must have at least {min} {}, has {found}", items(*min))
            }
            InputProblem::TooManyItems { max, found } => {
                write!(f, "must have at most {max} {}, has {found}", items(*max))
            }
            InputProblem::TooSmall {
                min,
                exclusive: false,
            } => write!(f, "must be at least {min}"),
            InputProblem::TooSmall {
                min,
                exclusive: true,
            } => write!(f, "must be more than {min}"),
            InputProblem::TooLarge {
                max,
                exclusive: false,
            } => write!(f, "must be at most {max}"),
            InputProblem::TooLarge {
                max,
                exclusive: true,
            } => write!(f, "must be less than {max}"),
            InputProblem::NearMiss { known } => write!(
                f,
                "is no value Bland knows, but close to `{known}` (only case, spaces or \
                 separators differ); give `{known}`"
            ),
            InputProblem::NotFinite => {
                f.write_str("must be a finite number (JSON has no NaN or infinity)")
            }
            InputProblem::Conflicts { with } => {
                write!(f, "cannot be set together with `{with}`; set one of them")
            }
            InputProblem::MissingOneOf { others } => {
                let others: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
                write!(f, "is required, or {} instead", others.join(" or "))
            }
            InputProblem::RequiredWhen { condition } => {
                write!(f, "is required when {condition}")
            }
            InputProblem::UploadTooLarge { max, found } => {
                write!(f, "is {found} bytes, the API accepts at most {max}")
            }
            InputProblem::UploadType { allowed, found } => {
                match found {
                    Some(found) => write!(f, "has media type {found:?}")?,
                    None => f.write_str("has no media type")?,
                }
                write!(f, "; the API accepts {}", allowed.join(", "))
            }
            InputProblem::Blank => f.write_str("is blank; leave it out or give a value"),
            InputProblem::InvisibleCharacter => {
                f.write_str("holds a control or invisible character")
            }
            InputProblem::KnownKeyInExtra => f.write_str(
                "is a field of its own, set among the unknown keys (`extra`); set it with its \
                 setter instead",
            ),
            InputProblem::Other(text) => f.write_str(text),
        }
    }
}

fn items(count: u64) -> &'static str {
    if count == 1 { "item" } else { "items" }
}

fn characters(count: u64) -> &'static str {
    if count == 1 {
        "character"
    } else {
        "characters"
    }
}

/// The problem is part of the message (and typed in [`InvalidInput::problem`]), so it is not
/// repeated as a source.
impl std::error::Error for InvalidInput {}

/// A value a parameter of type `T` accepts: `T` itself, a reference to it, or a `String`
/// that is validated when the call is sent.
///
/// ```no_run
/// # async fn run(client: sip_client::Client) -> Result<(), sip_client::Error> {
/// // Typed, validated once:
/// let number: sip_client::PhoneNumber = "+14150000000".parse()?;
/// client.get_sip_config(&number).await?;
/// client.get_sip_config(&"+14150000000".parse()?).await?;
/// // Or as text: an invalid number is `Error::InvalidInput`, and nothing is sent.
/// let text = String::from("+14150000000");
/// client.get_sip_config(text).await?;
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of a `{T}` parameter",
    label = "expected a `{T}`, a `&{T}` or a `String`",
    note = "pass a `{T}` (owned or by reference), or text as an owned `String`, checked when \
            the call is sent: `text.to_owned()` of a `&str` or `&String`"
)]
pub trait IntoParam<T> {
    /// The parameter's value, or why this is not one.
    fn into_param(self) -> Result<T, InputProblem>;
}

impl IntoParam<PhoneNumber> for PhoneNumber {
    fn into_param(self) -> Result<PhoneNumber, InputProblem> {
        Ok(self)
    }
}

impl IntoParam<PhoneNumber> for &PhoneNumber {
    fn into_param(self) -> Result<PhoneNumber, InputProblem> {
        Ok(self.clone())
    }
}

/// Text is taken owned: with no implementation for other references than `&PhoneNumber`,
/// `client.get_sip_config(&"+14150000000".parse()?)` infers what to parse into.
impl IntoParam<PhoneNumber> for String {
    fn into_param(self) -> Result<PhoneNumber, InputProblem> {
        PhoneNumber::try_from(self).map_err(InputProblem::PhoneNumber)
    }
}

/// A value a request body of type `T` accepts: `T` itself, or its builder (whose missing
/// required fields are then reported as [`InvalidInput`] when the call is sent).
///
/// ```
/// # async fn run(client: sip_client::Client) -> Result<(), sip_client::Error> {
/// use sip_client::{SipDetachRequest, SipDirectionSelector, Direction};
///
/// let body = SipDetachRequest::builder()
///     .phone_number("+14150000000".parse::<sip_client::PhoneNumber>()?)
///     .directions(vec![SipDirectionSelector::builder().type_(Direction::Outbound).build().unwrap()]);
/// client.detach_sip(body).await?;
/// # Ok(()) }
/// ```
pub trait IntoBody<T> {
    /// The body, or which of its fields is missing or invalid (its `field` is a path in the
    /// call's input: `body.phone_number`).
    fn into_body(self) -> Result<T, InvalidInput>;
}

impl<T> IntoBody<T> for T {
    fn into_body(self) -> Result<T, InvalidInput> {
        Ok(self)
    }
}

/// The error of a builder that could not build (`ConversionError`), as invalid input of the
/// field it names: the generated builders say "no value supplied for `name`" and "error
/// converting supplied value for `name`: why", where `why` is a nested builder's own error
/// (`body.updates.type`) or the value's.
pub(crate) fn builder_error(at: &str, message: &str) -> InvalidInput {
    let field = |name: &str| match at {
        "" => wire_name(name).to_owned(),
        _ => format!("{at}.{}", wire_name(name)),
    };
    if let Some(name) = message.strip_prefix("no value supplied for ") {
        return InvalidInput::new(field(name), InputProblem::Missing);
    }
    if let Some((name, why)) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        return builder_error(&field(name), why);
    }
    // A constrained string's own check (typify's newtype).
    let count = |prefix: &str| {
        message
            .strip_prefix(prefix)?
            .strip_suffix(" characters")?
            .parse::<u64>()
            .ok()
    };
    let problem = match (count("shorter than "), count("longer than ")) {
        (Some(min), _) => InputProblem::TooShort { min },
        (_, Some(max)) => InputProblem::TooLong { max },
        _ => InputProblem::Other(message.to_owned()),
    };
    InvalidInput::new(at, problem)
}

/// A value built by hand (`SipDirectionConfig::builder()...build()?`) in a function that
/// returns the crate's [`Error`](crate::Error): its builder's error as invalid input, naming
/// the field inside the value (`type`, `headers.headers`) as a call names it inside `body`.
impl From<crate::ConversionError> for crate::Error {
    fn from(err: crate::ConversionError) -> crate::Error {
        let mut input = builder_error("", &err.to_string());
        // A value's own check (a constrained text's length) names no field: the value.
        if input.field.is_empty() {
            input.field = "value".to_owned();
        }
        crate::Error::InvalidInput(input)
    }
}

/// A field's name on the wire from its Rust name: typify writes a keyword with a `_` after
/// it (`type` is `type_`); every other field of the spec is named as on the wire.
fn wire_name(rust: &str) -> &str {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
        "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
        "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
        "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
        "use", "virtual", "where", "while", "yield",
    ];
    rust.strip_suffix('_')
        .filter(|name| KEYWORDS.contains(name))
        .unwrap_or(rust)
}

/// Collects parameters of an array: the first invalid item is reported with its index.
pub(crate) fn collect_params<T, P: IntoParam<T>>(
    field: &str,
    items: impl IntoIterator<Item = P>,
) -> Result<Vec<T>, InvalidInput> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            item.into_param()
                .map_err(|problem| InvalidInput::new(format!("{field}[{index}]"), problem))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::PhoneNumberError;

    #[test]
    fn params_take_numbers_typed_or_as_text() {
        let number: PhoneNumber = "+14150000000".parse().unwrap();
        assert_eq!((&number).into_param(), Ok(number.clone()));
        assert_eq!(
            String::from("+14150000000").into_param(),
            Ok(number.clone())
        );
        assert_eq!(
            IntoParam::<PhoneNumber>::into_param(String::from("415")),
            Err(InputProblem::PhoneNumber(PhoneNumberError::MissingPlus))
        );
        let err = collect_params::<PhoneNumber, _>("numbers", ["+1".to_owned(), "+0".to_owned()])
            .unwrap_err();
        assert_eq!(err.field, "numbers[1]");
    }

    #[test]
    fn builder_errors_name_their_field() {
        let err = builder_error("body", "no value supplied for directions");
        assert_eq!(err.field, "body.directions");
        assert_eq!(err.problem, InputProblem::Missing);
        assert_eq!(err.to_string(), "invalid `body.directions`: is required");
        let err = builder_error(
            "body",
            "error converting supplied value for phone_number: invalid E.164 phone number: it \
             must start with `+`",
        );
        assert_eq!(err.field, "body.phone_number");
        assert_eq!(
            err.problem,
            InputProblem::Other("invalid E.164 phone number: it must start with `+`".to_owned())
        );
        let err = builder_error("body", "something else");
        assert_eq!(err.field, "body");
        // A nested builder's error names the field inside, by its name on the wire.
        let err = builder_error(
            "body",
            "error converting supplied value for updates: no value supplied for type_",
        );
        assert_eq!(err.field, "body.updates.type");
        assert_eq!(err.problem, InputProblem::Missing);
        let err = builder_error(
            "body",
            "error converting supplied value for updates: error converting supplied value for \
             headers: no value supplied for headers",
        );
        assert_eq!(err.field, "body.updates.headers.headers");
        assert_eq!(err.problem, InputProblem::Missing);
        // A constrained string's own check, as the length it breaks.
        let err = builder_error(
            "body",
            "error converting supplied value for name: longer than 40 characters",
        );
        assert_eq!(err.field, "body.name");
        assert_eq!(err.problem, InputProblem::TooLong { max: 40 });
        let err = builder_error("body.name", "shorter than 1 characters");
        assert_eq!(err.problem, InputProblem::TooShort { min: 1 });
        assert_eq!(
            err.to_string(),
            "invalid `body.name`: must be at least 1 character"
        );
        assert_eq!(
            builder_error("body", "longer than many characters").problem,
            InputProblem::Other("longer than many characters".to_owned())
        );
        assert_eq!(
            builder_error("body", "no value supplied for sip_endpoint_").field,
            "body.sip_endpoint_",
            "only a keyword loses its `_`"
        );
    }
}
