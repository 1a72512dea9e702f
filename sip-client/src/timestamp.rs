//! RFC 3339 timestamps (`created_at`, `updated_at`), decoded without chrono's general parser.
//!
//! chrono's `Deserialize` for `DateTime<Utc>` goes through its format-item machinery, about
//! 160 ns a timestamp here: a quarter of the time of decoding a whole answer. Bland's
//! timestamps have one shape, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, which this module
//! reads by position; anything else falls back to chrono's RFC 3339 parser, so what is
//! accepted is exactly what chrono accepts (a property test checks the two agree), except an
//! instant that RFC 3339 cannot write in UTC.
//!
//! A `Timestamp` is always in the years 0000 to 9999 in UTC, so that it is always written
//! back as RFC 3339 (`Display`, JSON, a query): `9999-12-31T23:00:00-02:00` is a valid RFC
//! 3339 text, but its instant is in the year 10000, which no RFC 3339 text in UTC can say.
//! Parsing refuses such an instant, and a `DateTime<Utc>` becomes a `Timestamp` through
//! `TryFrom`.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};

/// A point in time from Bland, in UTC, in the years 0000 to 9999. Dereferences to
/// `chrono::DateTime<Utc>`.
///
/// An offset other than `Z` in the answer is converted to UTC. `Display` and serialization
/// write RFC 3339 in UTC (`2026-03-09T12:30:00.500Z`), which [`Timestamp::parse`] reads back
/// to the same instant.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sip_client::Timestamp;
///
/// let noon = Timestamp::try_from(Utc.with_ymd_and_hms(2026, 3, 9, 12, 0, 0).unwrap())?;
/// assert_eq!(noon.to_string(), "2026-03-09T12:00:00Z");
/// assert!(Timestamp::try_from(Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap()).is_err());
/// assert!(Timestamp::parse("9999-12-31T23:00:00-02:00").is_err());
/// # Ok::<(), sip_client::TimestampOutOfRange>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The time as chrono's `DateTime<Utc>`.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Parses RFC 3339 text (the fast path for Bland's shape, chrono's parser otherwise).
    /// An instant outside the years 0000 to 9999 in UTC (reached through the offset) is
    /// refused with chrono's `OutOfRange` error.
    pub fn parse(text: &str) -> Result<Timestamp, chrono::ParseError> {
        let time = match parse_fixed(text.as_bytes()) {
            Some(fast) => fast,
            None => DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc),
        };
        Timestamp::try_from(time).map_err(|_| out_of_range())
    }
}

/// The years RFC 3339 writes: four digits.
const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// chrono's `OutOfRange` parse error, which chrono makes no other way public: its
/// `Parsed::set_year` documents it for a year beyond `i32`.
fn out_of_range() -> chrono::ParseError {
    match chrono::format::Parsed::new().set_year(i64::MAX) {
        Err(err) => err,
        Ok(()) => unreachable!("chrono documents OUT_OF_RANGE for a year beyond i32"),
    }
}

/// A `DateTime<Utc>` outside the years 0000 to 9999, which RFC 3339 cannot write in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampOutOfRange;

impl fmt::Display for TimestampOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the time is outside the years 0000 to 9999 (UTC) that RFC 3339 can write")
    }
}

impl std::error::Error for TimestampOutOfRange {}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`, read by position; `None` for anything else
/// (including values chrono would reject), which then goes to chrono.
fn parse_fixed(b: &[u8]) -> Option<DateTime<Utc>> {
    fn digits(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = digits(&b[0..4])? as i32;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    // Leap seconds and other rarities are chrono's business.
    if second > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some((b'.', fraction)) = rest.split_first() {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 || len > 9 {
            return None;
        }
        nanos = digits(&fraction[..len])? * 10u32.pow(9 - len as u32);
        rest = &fraction[len..];
    }
    let offset_seconds = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let naive =
        NaiveDate::from_ymd_opt(year, month, day)?.and_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset_seconds)?;
    let local: DateTime<FixedOffset> = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

impl Deref for Timestamp {
    type Target = DateTime<Utc>;

    fn deref(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = TimestampOutOfRange;

    fn try_from(value: DateTime<Utc>) -> Result<Self, TimestampOutOfRange> {
        use chrono::Datelike;
        if YEARS.contains(&value.year()) {
            Ok(Timestamp(value))
        } else {
            Err(TimestampOutOfRange)
        }
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl PartialEq<DateTime<Utc>> for Timestamp {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        self.0 == *other
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(|err| {
            // Not the text itself: a server may put anything there, a secret included.
            serde::de::Error::custom(format_args!("invalid RFC 3339 timestamp: {err}"))
        })
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_owned()
    }

    /// Inlined like chrono's: it accepts exactly what `DateTime<Utc>` accepts.
    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        DateTime::<Utc>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for text in [
            "2026-03-09T12:00:00Z",
            "2026-03-09T12:00:00.123456Z",
            "2026-03-09T14:30:00.5+02:00",
            "2026-03-09T00:00:00.000000001-11:30",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999999999Z",
            // The widest offsets RFC 3339 allows.
            "2026-03-09T12:00:00+23:59",
            "2026-03-09T12:00:00-23:59",
        ] {
            assert_eq!(parse_fixed(text.as_bytes()), chrono(text), "{text}");
            assert!(
                parse_fixed(text.as_bytes()).is_some(),
                "{text} takes the fast path"
            );
        }
    }

    #[test]
    fn the_rest_goes_to_chrono() {
        for text in [
            "2026-03-09t12:00:00z",
            "2026-03-09 12:00:00Z",
            "2015-06-30T23:59:60Z",
            "2026-02-30T12:00:00Z",
            "2026-03-09T12:00:00",
            "2026-03-09T12:00:00.Z",
            "2026-03-09T12:00:00.1234567890Z",
            // Each separator wrong on its own.
            "2026/03-09T12:00:00Z",
            "2026-03/09T12:00:00Z",
            "2026-03-09T12-00:00Z",
            "2026-03-09T12:00-00Z",
            // Shorter than the shortest timestamp, with the separators in place.
            "2026-03-09",
            "2026-03-09T12:00Z",
            "",
            "2026-03-09T24:00:00Z",
            "not a date at all, really",
        ] {
            assert_eq!(parse_fixed(text.as_bytes()), None, "{text}");
            assert_eq!(
                Timestamp::parse(text).ok().map(|t| t.0),
                chrono(text),
                "{text}"
            );
        }
    }

    #[test]
    fn conversions_and_comparisons_agree_with_chrono() {
        let t: Timestamp = "2026-03-09T14:30:00.5+02:00".parse().unwrap();
        let utc = Utc.with_ymd_and_hms(2026, 3, 9, 12, 30, 0).unwrap()
            + chrono::Duration::milliseconds(500);
        let later = utc + chrono::Duration::seconds(1);
        assert_eq!(DateTime::<Utc>::from(t), utc);
        assert_eq!(t.as_datetime(), utc);
        assert_eq!(
            t.timestamp_millis(),
            utc.timestamp_millis(),
            "through Deref"
        );
        assert_eq!(Timestamp::try_from(utc), Ok(t));
        assert!(t == utc);
        assert!(t != later);
        assert!(t < Timestamp::try_from(later).unwrap());
        assert_eq!(t.to_string(), "2026-03-09T12:30:00.500Z");
    }

    #[test]
    fn serde_round_trip() {
        let t: Timestamp = serde_json::from_str("\"2026-03-09T14:30:00.5+02:00\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-03-09T12:30:00.500Z\""
        );
        assert_eq!(format!("{t:?}"), "2026-03-09T12:30:00.500Z");
        let err = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid RFC 3339 timestamp: premature end of input"),
            "{err}"
        );
        assert!(!err.to_string().contains("yesterday"), "{err}");
    }

    /// An offset can carry a valid RFC 3339 text out of the years RFC 3339 writes in UTC:
    /// refused (it would print as `+10000-...`, which nothing parses), while the last and
    /// first instants inside them are kept and written back to themselves.
    #[test]
    fn only_instants_that_rfc_3339_can_write_in_utc_are_timestamps() {
        for text in [
            "9999-12-31T23:00:00-02:00",
            "9999-12-31T23:59:59.999999999-00:01",
            "0000-01-01T00:00:00+00:01",
            "0000-01-01T00:30:00.5+23:59",
        ] {
            let err = Timestamp::parse(text).unwrap_err();
            assert_eq!(
                err.kind(),
                chrono::format::ParseErrorKind::OutOfRange,
                "{text}"
            );
            assert!(chrono(text).is_some(), "chrono reads {text}");
            let json = format!("\"{text}\"");
            assert!(serde_json::from_str::<Timestamp>(&json).is_err(), "{text}");
        }
        for (text, utc) in [
            (
                "9999-12-31T23:59:59.999999999Z",
                "9999-12-31T23:59:59.999999999Z",
            ),
            ("9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59Z"),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
            ("0000-01-01T23:59:00+23:59", "0000-01-01T00:00:00Z"),
        ] {
            let t = Timestamp::parse(text).unwrap();
            assert_eq!(t.to_string(), utc, "{text}");
            assert_eq!(Timestamp::parse(&t.to_string()), Ok(t), "{text}");
        }
        let year = |y| Utc.with_ymd_and_hms(y, 6, 1, 0, 0, 0).unwrap();
        assert_eq!(Timestamp::try_from(year(10000)), Err(TimestampOutOfRange));
        assert_eq!(Timestamp::try_from(year(-1)), Err(TimestampOutOfRange));
        assert!(Timestamp::try_from(year(9999)).is_ok());
        assert!(Timestamp::try_from(year(0)).is_ok());
        assert_eq!(
            TimestampOutOfRange.to_string(),
            "the time is outside the years 0000 to 9999 (UTC) that RFC 3339 can write"
        );
    }
}
