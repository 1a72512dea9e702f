//! Input checked before anything is sent: parameters, request bodies and uploads.
//!
//! Every check runs in the process, before any request: an invalid value is
//! [`Error::InvalidInput`](crate::Error::InvalidInput) and the server sees nothing. Messages
//! name the field and the rule, never the value (a value may be a password).
//!
//! The generated code checks what the spec states: lengths and item counts from its JSON
//! Schema keywords, E.164 numbers through [`PhoneNumber`], and the cross-field rules of its
//! `x-sip-client-rules` extension. The functions here are that machinery; they know no
//! operation and no type by name.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

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
    /// A required field is not set.
    Missing,
    /// Set together with another field that excludes it.
    Conflicts {
        /// The other field.
        with: String,
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
            InputProblem::TooShort { min } => write!(f, "must be at least {min} characters"),
            InputProblem::TooLong { max } => write!(f, "must be at most {max} characters"),
            InputProblem::TooFewItems { min, found } => {
                write!(f, "must have at least {min} items, has {found}")
            }
            InputProblem::TooManyItems { max, found } => {
                write!(f, "must have at most {max} items, has {found}")
            }
            InputProblem::Conflicts { with } => {
                write!(f, "cannot be set together with `{with}`; set one of them")
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
            InputProblem::Other(text) => f.write_str(text),
        }
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
/// converting supplied value for `name`: why".
pub(crate) fn builder_error(at: &str, message: &str) -> InvalidInput {
    let field = |name: &str| format!("{at}.{name}");
    if let Some(name) = message.strip_prefix("no value supplied for ") {
        return InvalidInput::new(field(name), InputProblem::Missing);
    }
    if let Some((name, why)) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        return InvalidInput::new(field(name), InputProblem::Other(why.to_owned()));
    }
    InvalidInput::new(at, InputProblem::Other(message.to_owned()))
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

/// A file to upload (the multipart operations): its name, media type and bytes.
///
/// `Debug` shows the name, type and size, not the content.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    file_name: String,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Upload {
    /// A file named `file_name` with these bytes; the media type is guessed from the name's
    /// extension (`.pdf`, `.png`, `.jpg`, `.jpeg`, `.gif`, `.webp`), or set it with
    /// [`Upload::content_type`].
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Upload {
        let file_name = file_name.into();
        let content_type = media_type_of(&file_name).map(str::to_owned);
        Upload {
            file_name,
            content_type,
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk (blocking); its name is the path's last component.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Upload> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".to_owned());
        Ok(Upload::new(name, bytes))
    }

    /// Sets the media type, for example `application/pdf`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Upload {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent with the upload.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type sent with the upload, if known.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

fn media_type_of(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// The place of a value inside a call's input, for messages: `body.directions[0].type`.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldPath(String);

impl FieldPath {
    pub(crate) fn new(root: &str) -> FieldPath {
        FieldPath(root.to_owned())
    }

    /// The path of a field below this one.
    pub(crate) fn field(&self, name: &str) -> FieldPath {
        if self.0.is_empty() {
            FieldPath(name.to_owned())
        } else {
            FieldPath(format!("{}.{name}", self.0))
        }
    }

    /// The path of an item below this one.
    pub(crate) fn index(&self, index: usize) -> FieldPath {
        FieldPath(format!("{}[{index}]", self.0))
    }

    pub(crate) fn error(&self, problem: InputProblem) -> InvalidInput {
        InvalidInput::new(self.0.clone(), problem)
    }
}

/// Checks a value of the API against the rules of its schema. Implemented by the generated
/// code for every type a request carries.
pub(crate) trait Validate {
    /// Checks `self`, found at `at`.
    fn validate(&self, at: &FieldPath) -> Result<(), InvalidInput>;
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &FieldPath) -> Result<(), InvalidInput> {
        self.as_ref().map_or(Ok(()), |value| value.validate(at))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &FieldPath) -> Result<(), InvalidInput> {
        self.iter()
            .enumerate()
            .try_for_each(|(index, item)| item.validate(&at.index(index)))
    }
}

/// Text whose length a schema may limit.
pub(crate) trait TextLen {
    /// The length in characters (JSON Schema counts characters, not bytes).
    fn text_len(&self) -> usize;
}

impl TextLen for String {
    fn text_len(&self) -> usize {
        self.chars().count()
    }
}

impl TextLen for crate::SipSecret {
    fn text_len(&self) -> usize {
        self.expose().chars().count()
    }
}

impl TextLen for PhoneNumber {
    fn text_len(&self) -> usize {
        self.as_str().len()
    }
}

impl<T: TextLen> TextLen for Option<T> {
    fn text_len(&self) -> usize {
        self.as_ref().map_or(0, TextLen::text_len)
    }
}

/// `minLength` / `maxLength`; an absent optional value is not checked.
pub(crate) fn check_length<T: TextLen>(
    value: &Option<&T>,
    min: Option<u64>,
    max: Option<u64>,
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    let Some(value) = value else { return Ok(()) };
    let len = value.text_len() as u64;
    if let Some(min) = min.filter(|min| len < *min) {
        return Err(at.error(InputProblem::TooShort { min }));
    }
    if let Some(max) = max.filter(|max| len > *max) {
        return Err(at.error(InputProblem::TooLong { max }));
    }
    Ok(())
}

/// `minItems` / `maxItems`; an absent optional list is not checked.
pub(crate) fn check_items<T>(
    value: Option<&[T]>,
    min: Option<u64>,
    max: Option<u64>,
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    let Some(items) = value else { return Ok(()) };
    let found = items.len();
    if let Some(min) = min.filter(|min| (found as u64) < *min) {
        return Err(at.error(InputProblem::TooFewItems { min, found }));
    }
    if let Some(max) = max.filter(|max| (found as u64) > *max) {
        return Err(at.error(InputProblem::TooManyItems { max, found }));
    }
    Ok(())
}

/// Rule `exclusive`: at most one of the fields is set. `set` holds each field's name and
/// whether it is set.
pub(crate) fn check_exclusive(set: &[(&str, bool)], at: &FieldPath) -> Result<(), InvalidInput> {
    let mut present = set
        .iter()
        .filter(|(_, is_set)| *is_set)
        .map(|(name, _)| name);
    if let (Some(first), Some(second)) = (present.next(), present.next()) {
        return Err(at.field(second).error(InputProblem::Conflicts {
            with: (*first).to_owned(),
        }));
    }
    Ok(())
}

/// Rule `e164-unless`: unless the exempting field is set, each number must be E.164.
pub(crate) fn check_e164<'a>(
    numbers: impl IntoIterator<Item = (FieldPath, &'a str)>,
) -> Result<(), InvalidInput> {
    for (at, number) in numbers {
        PhoneNumber::parse(number).map_err(|err| at.error(InputProblem::PhoneNumber(err)))?;
    }
    Ok(())
}

/// Rule `required-if`: `field` must be set when `condition` holds.
pub(crate) fn check_required_if(
    is_set: bool,
    condition_holds: bool,
    condition: &str,
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    if condition_holds && !is_set {
        return Err(at.error(InputProblem::RequiredWhen {
            condition: condition.to_owned(),
        }));
    }
    Ok(())
}

/// The wire text of a value, for the rules that compare values (`required-if`).
pub(crate) fn wire_text<T: serde::Serialize>(value: &T) -> Option<Cow<'static, str>> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(text) => Some(Cow::Owned(text)),
        serde_json::Value::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
        serde_json::Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// Checks an upload against the multipart field's `maxLength` (bytes) and `encoding`
/// content types.
pub(crate) fn check_upload(
    upload: &Upload,
    max_bytes: Option<u64>,
    allowed: &[&str],
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    let found = upload.bytes.len() as u64;
    if let Some(max) = max_bytes.filter(|max| found > *max) {
        return Err(at.error(InputProblem::UploadTooLarge { max, found }));
    }
    if !allowed.is_empty() {
        let media = upload.media_type().map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        if !media.as_deref().is_some_and(|m| allowed.contains(&m)) {
            return Err(at.error(InputProblem::UploadType {
                allowed: allowed.iter().map(|t| (*t).to_owned()).collect(),
                found: upload.media_type().map(str::to_owned),
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_messages_name_the_field_not_the_value() {
        let at = FieldPath::new("body")
            .field("directions")
            .index(0)
            .field("password");
        let secret = crate::SipSecret::new("short");
        let err = check_length(&Some(&secret), Some(8), None, &at).unwrap_err();
        assert_eq!(err.field, "body.directions[0].password");
        assert_eq!(
            err.to_string(),
            "invalid `body.directions[0].password`: must be at least 8 characters"
        );
        assert!(!format!("{err:?}").contains("short"));
        let ok = crate::SipSecret::new("long enough");
        assert!(check_length(&Some(&ok), Some(8), None, &at).is_ok());
        // Characters, not bytes: eight accented letters are eight.
        let accented = "éééééééé".to_owned();
        assert!(check_length(&Some(&accented), Some(8), Some(8), &at).is_ok());
        assert!(check_length::<String>(&None, Some(8), None, &at).is_ok());
    }

    #[test]
    fn item_counts_are_bounded_both_ways() {
        let at = FieldPath::new("phone_numbers");
        let items = vec![0; 101];
        let err = check_items(Some(&items), None, Some(100), &at).unwrap_err();
        assert_eq!(
            err.problem,
            InputProblem::TooManyItems {
                max: 100,
                found: 101
            }
        );
        assert!(check_items(Some(&items[..100]), None, Some(100), &at).is_ok());
        let err = check_items(Some(&items[..0]), Some(1), None, &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `phone_numbers`: must have at least 1 items, has 0"
        );
        assert!(check_items::<u8>(None, Some(1), None, &at).is_ok());
    }

    #[test]
    fn exclusive_fields_name_both() {
        let at = FieldPath::new("body");
        let err =
            check_exclusive(&[("phone_number", true), ("phone_numbers", true)], &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `body.phone_numbers`: cannot be set together with `phone_number`; set one of them"
        );
        for set in [[true, false], [false, true], [false, false]] {
            assert!(
                check_exclusive(&[("a", set[0]), ("b", set[1])], &at).is_ok(),
                "{set:?}"
            );
        }
    }

    #[test]
    fn required_if_holds_only_under_its_condition() {
        let at = FieldPath::new("register_auth");
        let err = check_required_if(false, true, "auth_mode = register", &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `register_auth`: is required when auth_mode = register"
        );
        assert!(check_required_if(true, true, "c", &at).is_ok());
        assert!(check_required_if(false, false, "c", &at).is_ok());
    }

    #[test]
    fn e164_checks_report_the_first_bad_number_by_position() {
        let numbers = [
            (FieldPath::new("n").index(0), "+14150000000"),
            (FieldPath::new("n").index(1), "4150000000"),
        ];
        let err = check_e164(numbers).unwrap_err();
        assert_eq!(err.field, "n[1]");
        assert_eq!(
            err.problem,
            InputProblem::PhoneNumber(PhoneNumberError::MissingPlus)
        );
    }

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
    }

    #[test]
    fn uploads_are_checked_by_size_and_type() {
        let at = FieldPath::new("file");
        let pdf = Upload::new("bill.PDF", vec![0u8; 10]);
        assert_eq!(pdf.media_type(), Some("application/pdf"));
        assert!(check_upload(&pdf, Some(10), &["application/pdf"], &at).is_ok());
        let err = check_upload(&pdf, Some(9), &[], &at).unwrap_err();
        assert_eq!(
            err.problem,
            InputProblem::UploadTooLarge { max: 9, found: 10 }
        );
        let text = Upload::new("notes.txt", "hi");
        let err = check_upload(&text, None, &["application/pdf", "image/png"], &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `file`: has no media type; the API accepts application/pdf, image/png"
        );
        let typed = text.content_type("Image/PNG; charset=binary");
        assert!(check_upload(&typed, None, &["image/png"], &at).is_ok());
        assert_eq!(
            format!("{typed:?}"),
            "Upload { file_name: \"notes.txt\", content_type: Some(\"Image/PNG; charset=binary\"), len: 2 }"
        );
    }
}
