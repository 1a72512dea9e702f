//! The checks of a call's input, run before anything is sent: what the spec states
//! (lengths and item counts from its JSON Schema keywords, E.164 numbers through
//! [`PhoneNumber`], the cross-field rules of its `x-sip-client-rules` extension, an upload's
//! size and media type). The generated code calls these for every type a request carries;
//! they know no operation and no type by name.

use std::borrow::Cow;

use crate::input::{InputProblem, InvalidInput};
use crate::phone::PhoneNumber;

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

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, at: &FieldPath) -> Result<(), InvalidInput> {
        (**self).validate(at)
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
    /// The length in characters (JSON Schema counts characters, not bytes); `None` for a
    /// null, which is not text: length rules apply to strings only.
    fn text_len(&self) -> Option<usize>;
}

impl TextLen for String {
    fn text_len(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}

impl TextLen for crate::SipSecret {
    fn text_len(&self) -> Option<usize> {
        Some(self.expose().chars().count())
    }
}

impl TextLen for PhoneNumber {
    fn text_len(&self) -> Option<usize> {
        Some(self.as_str().len())
    }
}

/// A required field that may be null.
impl<T: TextLen> TextLen for Option<T> {
    fn text_len(&self) -> Option<usize> {
        self.as_ref().and_then(TextLen::text_len)
    }
}

/// `minLength` / `maxLength`; an absent optional value and a null are not checked.
pub(crate) fn check_length<T: TextLen>(
    value: &Option<&T>,
    min: Option<u64>,
    max: Option<u64>,
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    let Some(len) = value.and_then(TextLen::text_len).map(|len| len as u64) else {
        return Ok(());
    };
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

/// A bound of a number (`minimum`, `maximum`) as the spec writes it: an integer is
/// compared exactly, whatever its size; anything else as a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bound {
    Int(i128),
    Float(f64),
}

impl Bound {
    fn number(self) -> serde_json::Number {
        match self {
            Bound::Int(n) => i64::try_from(n)
                .map(serde_json::Number::from)
                .or_else(|_| u64::try_from(n).map(serde_json::Number::from))
                .unwrap_or_else(|_| serde_json::Number::from(0)),
            // A whole number is shown as the spec wrote it (`100`, not `100.0`), when an
            // `i64` holds it exactly: from -2^63 up to, not including, 2^63.
            Bound::Float(x)
                if x.fract() == 0.0 && (-(2f64.powi(63))..2f64.powi(63)).contains(&x) =>
            {
                serde_json::Number::from(x as i64)
            }
            Bound::Float(x) => serde_json::Number::from_f64(x).unwrap_or_else(|| 0.into()),
        }
    }

    fn is_finite(self) -> bool {
        match self {
            Bound::Int(_) => true,
            Bound::Float(x) => x.is_finite(),
        }
    }

    /// How `self` compares with `other`; `None` for a NaN.
    fn compare(self, other: Bound) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Bound::Int(a), Bound::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Bound::Int(n) => n as f64,
            Bound::Float(x) => x,
        }
    }
}

/// A number a schema may bound: every integer and float type the generated code uses.
pub(crate) trait Numeric {
    fn bound(&self) -> Bound;
}

macro_rules! numeric {
    ($kind:ident: $($ty:ty),*) => {
        $(impl Numeric for $ty {
            fn bound(&self) -> Bound {
                Bound::$kind((*self).into())
            }
        })*
    };
}
numeric!(Int: i8, i16, i32, i64, u8, u16, u32, u64);
numeric!(Float: f64);

/// An `f32` as the number it is sent as: its shortest decimal form (`0.1`), which is what
/// the server compares with the bound, not the `f64` it widens to (`0.100000001490116`).
impl Numeric for f32 {
    fn bound(&self) -> Bound {
        Bound::Float(self.to_string().parse().unwrap_or(f64::NAN))
    }
}

macro_rules! non_zero {
    ($($ty:ty),*) => {
        $(impl Numeric for $ty {
            fn bound(&self) -> Bound {
                Bound::Int(self.get().into())
            }
        })*
    };
}
non_zero!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64
);

/// `minimum` / `maximum` (each with whether it is exclusive); an absent optional value is
/// not checked. A NaN or an infinity is refused whatever the bounds: JSON has no such
/// number (serde_json would send `null`).
pub(crate) fn check_range<N: Numeric>(
    value: Option<&N>,
    min: Option<(Bound, bool)>,
    max: Option<(Bound, bool)>,
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(value) = value.map(Numeric::bound) else {
        return Ok(());
    };
    if !value.is_finite() {
        return Err(at.error(InputProblem::NotFinite));
    }
    if let Some((min, exclusive)) = min {
        let order = value.compare(min);
        if order.is_none() || order == Some(Less) || (exclusive && order == Some(Equal)) {
            let min = min.number();
            return Err(at.error(InputProblem::TooSmall { min, exclusive }));
        }
    }
    if let Some((max, exclusive)) = max {
        let order = value.compare(max);
        if order.is_none() || order == Some(Greater) || (exclusive && order == Some(Equal)) {
            let max = max.number();
            return Err(at.error(InputProblem::TooLarge { max, exclusive }));
        }
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

/// Rule `one-of`: exactly one of the fields is set. `set` holds each field's name and
/// whether it is set.
pub(crate) fn check_one_of(set: &[(&str, bool)], at: &FieldPath) -> Result<(), InvalidInput> {
    check_exclusive(set, at)?;
    match set.split_first() {
        Some(((first, _), others)) if set.iter().all(|(_, is_set)| !is_set) => {
            Err(at.field(first).error(InputProblem::MissingOneOf {
                others: others.iter().map(|(name, _)| (*name).to_owned()).collect(),
            }))
        }
        _ => Ok(()),
    }
}

/// Text that takes part in a cross-field rule must name something: not blank (a rule asks
/// whether a field is sent, and `trunk_id: " "` sent is no trunk; a zero-width space is as
/// blank) and without control or invisible characters (no trunk ID or number holds one).
pub(crate) fn check_names_something<'a>(
    texts: impl IntoIterator<Item = (FieldPath, &'a str)>,
) -> Result<(), InvalidInput> {
    let invisible = crate::Escaped::escapes;
    for (at, text) in texts {
        if text.chars().all(|c| c.is_whitespace() || invisible(c)) {
            return Err(at.error(InputProblem::Blank));
        }
        if text.chars().any(invisible) {
            return Err(at.error(InputProblem::InvisibleCharacter));
        }
    }
    Ok(())
}

/// The unknown keys a type keeps (`extra`, sent flattened beside its fields) must be
/// unknown: a key of one of its `fields` (as named on the wire) is refused.
pub(crate) fn check_extra_keys(
    extra: &serde_json::Map<String, serde_json::Value>,
    fields: &[&str],
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    match fields.iter().find(|field| extra.contains_key(**field)) {
        Some(field) => Err(at.field(field).error(InputProblem::KnownKeyInExtra)),
        None => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::PhoneNumberError;

    #[test]
    fn a_null_is_not_text_and_no_length_rule_applies_to_it() {
        // A required field that may be null (`type: [string, "null"]`) is an `Option`
        // checked as present: JSON Schema's `minLength` applies to strings only, so null
        // passes where the empty string does not.
        let at = FieldPath::new("body").field("note");
        let null: Option<String> = None;
        assert_eq!(check_length(&Some(&null), Some(1), Some(3), &at), Ok(()));
        let empty = Some(String::new());
        let err = check_length(&Some(&empty), Some(1), Some(3), &at).unwrap_err();
        assert_eq!(err.problem, InputProblem::TooShort { min: 1 });
        let long = Some("four".to_owned());
        let err = check_length(&Some(&long), Some(1), Some(3), &at).unwrap_err();
        assert_eq!(err.problem, InputProblem::TooLong { max: 3 });
        let fits = Some("abc".to_owned());
        assert_eq!(check_length(&Some(&fits), Some(1), Some(3), &at), Ok(()));
    }

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

    /// A recursive type holds itself in a `Box`: its checks run through it, as through an
    /// `Option` and a `Vec` (each item at its index).
    #[test]
    fn checks_run_through_boxes_options_and_lists() {
        struct Short(&'static str);
        impl Validate for Short {
            fn validate(&self, at: &FieldPath) -> Result<(), InvalidInput> {
                let text = self.0.to_owned();
                check_length(&Some(&text), None, Some(3), at)
            }
        }
        let at = FieldPath::new("body").field("spare");
        let err = Box::new(Short("four")).validate(&at).unwrap_err();
        assert_eq!(err.field, "body.spare");
        assert_eq!(err.problem, InputProblem::TooLong { max: 3 });
        assert_eq!(Box::new(Short("abc")).validate(&at), Ok(()));
        assert_eq!(Some(Box::new(Short("four"))).validate(&at), Err(err));
        assert_eq!(None::<Short>.validate(&at), Ok(()));
        let list = vec![Short("a"), Short("four")];
        assert_eq!(list.validate(&at).unwrap_err().field, "body.spare[1]");
    }

    /// Bounds are met exactly at the bound unless exclusive; integers compare exactly at
    /// any size (an `f64` cannot tell `u64::MAX` from `u64::MAX - 1`); a NaN meets none.
    #[test]
    fn numbers_are_bounded_as_the_schema_says() {
        let at = FieldPath::new("body").field("weight");
        let (int, float) = (Bound::Int, Bound::Float);
        let range = |value: f64, min, max| check_range(Some(&value), min, max, &at);
        let small = |min: i64, exclusive| InputProblem::TooSmall {
            min: min.into(),
            exclusive,
        };
        assert_eq!(range(0.0, Some((int(0), false)), None), Ok(()));
        let err = range(0.0, Some((int(0), true)), None).unwrap_err();
        assert_eq!(err.problem, small(0, true));
        assert_eq!(
            err.to_string(),
            "invalid `body.weight`: must be more than 0"
        );
        let err = range(-0.5, Some((int(0), false)), None).unwrap_err();
        assert_eq!(err.problem, small(0, false));
        assert_eq!(err.to_string(), "invalid `body.weight`: must be at least 0");
        assert_eq!(range(1000.0, None, Some((float(1000.0), false))), Ok(()));
        let err = range(1000.0, None, Some((float(1000.0), true))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `body.weight`: must be less than 1000"
        );
        let err = range(0.5, None, Some((float(0.25), false))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `body.weight`: must be at most 0.25"
        );
        // Whole bounds as large as an i64 holds are shown whole; beyond, as the float.
        let shown = |bound: f64| Bound::Float(bound).number().to_string();
        assert_eq!(shown(2f64.powi(53)), "9007199254740992");
        assert_eq!(shown(-(2f64.powi(63))), "-9223372036854775808");
        assert_eq!(shown(2f64.powi(62)), "4611686018427387904");
        assert_eq!(shown(2f64.powi(63)), "9.223372036854776e+18");
        assert_eq!(shown(-0.5), "-0.5");
        let err = range(1000.5, None, Some((int(1000), false))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `body.weight`: must be at most 1000"
        );
        // No NaN or infinity, bounded or not: JSON cannot carry them.
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for (min, max) in [
                (None, None),
                (Some((int(0), false)), None),
                (None, Some((int(0), false))),
            ] {
                let err = range(value, min, max).unwrap_err();
                assert_eq!(
                    err.problem,
                    InputProblem::NotFinite,
                    "{value} {min:?} {max:?}"
                );
            }
        }
        assert_eq!(
            check_range(Some(&f32::NAN), None, None, &at)
                .unwrap_err()
                .to_string(),
            "invalid `body.weight`: must be a finite number (JSON has no NaN or infinity)"
        );
        assert_eq!(range(f64::MAX, None, None), Ok(()));

        let big = |value: u64, max: u64| {
            check_range(Some(&value), None, Some((int(max.into()), false)), &at)
        };
        assert_eq!(big(u64::MAX - 1, u64::MAX - 1), Ok(()));
        let err = big(u64::MAX, u64::MAX - 1).unwrap_err();
        assert_eq!(
            err.problem,
            InputProblem::TooLarge {
                max: (u64::MAX - 1).into(),
                exclusive: false
            }
        );
        let limit = std::num::NonZeroU64::new(5).unwrap();
        assert!(check_range(Some(&limit), None, Some((int(4), false)), &at).is_err());
        assert!(check_range(Some(&limit), None, Some((int(5), false)), &at).is_ok());
        assert!(check_range::<i64>(None, Some((int(1), false)), None, &at).is_ok());
    }

    /// An `f32` is sent in its shortest decimal form, and judged as that number: `0.1f32`
    /// is sent as `0.1`, which `maximum: 0.1` allows and `exclusiveMinimum` of 0.1 does not
    /// (widened to an `f64` it is 0.100000001490116, above both).
    #[test]
    fn an_f32_is_bounded_as_the_number_it_is_sent_as() {
        let at = FieldPath::new("body").field("ratio");
        let tenth = Bound::Float(0.1);
        assert_eq!(serde_json::to_string(&0.1f32).unwrap(), "0.1");
        assert_eq!(
            check_range(Some(&0.1f32), None, Some((tenth, false)), &at),
            Ok(())
        );
        assert!(check_range(Some(&0.1f32), Some((tenth, true)), None, &at).is_err());
        assert!(check_range(Some(&0.1f32), None, Some((tenth, true)), &at).is_err());
        assert!(check_range(Some(&0.2f32), None, Some((tenth, false)), &at).is_err());
        assert_eq!(check_range(Some(&f32::MAX), None, None, &at), Ok(()));
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
            "invalid `phone_numbers`: must have at least 1 item, has 0"
        );
        // Both bounds are inclusive.
        assert!(check_items(Some(&items[..1]), Some(1), None, &at).is_ok());
        assert!(check_items(Some(&items[..100]), Some(100), Some(100), &at).is_ok());
        assert!(check_items::<u8>(None, Some(1), None, &at).is_ok());
    }

    #[test]
    fn values_compare_by_their_wire_text() {
        // `required-if` compares a field with the text of a value in the spec: a string
        // (an enum's wire name), a boolean or a number; anything else matches nothing.
        assert_eq!(wire_text(&"register").as_deref(), Some("register"));
        assert_eq!(wire_text(&true).as_deref(), Some("true"));
        assert_eq!(wire_text(&false).as_deref(), Some("false"));
        assert_eq!(wire_text(&5060u16).as_deref(), Some("5060"));
        assert_eq!(wire_text(&1.5f64).as_deref(), Some("1.5"));
        assert_eq!(
            wire_text(&crate::AuthMode::Register).as_deref(),
            Some("register")
        );
        assert_eq!(wire_text(&vec![1]), None);
        assert_eq!(wire_text(&None::<String>), None);
    }

    #[test]
    fn one_of_the_fields_exactly() {
        let at = FieldPath::new("");
        let none =
            check_one_of(&[("phone_number", false), ("phone_numbers", false)], &at).unwrap_err();
        assert_eq!(
            none.to_string(),
            "invalid `phone_number`: is required, or `phone_numbers` instead"
        );
        assert_eq!(
            none.problem,
            InputProblem::MissingOneOf {
                others: vec!["phone_numbers".to_owned()]
            }
        );
        let both =
            check_one_of(&[("phone_number", true), ("phone_numbers", true)], &at).unwrap_err();
        assert!(
            matches!(both.problem, InputProblem::Conflicts { .. }),
            "{both}"
        );
        assert!(check_one_of(&[("phone_number", true), ("phone_numbers", false)], &at).is_ok());
        assert!(check_one_of(&[("phone_number", false), ("phone_numbers", true)], &at).is_ok());
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
}
