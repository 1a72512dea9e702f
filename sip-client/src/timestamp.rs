//! RFC 3339 timestamps (`created_at`, `updated_at`), decoded without chrono's general parser.
//!
//! chrono's `Deserialize` for `DateTime<Utc>` goes through its format-item machinery, about
//! 160 ns a timestamp here: a quarter of the time of decoding a whole answer. Bland's
//! timestamps have one shape, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, which this module
//! reads by position; anything else falls back to chrono's RFC 3339 parser, so what is
//! accepted is exactly what chrono accepts (a property test checks the two agree).

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};

/// A point in time from Bland, in UTC. Dereferences to `chrono::DateTime<Utc>`.
///
/// An offset other than `Z` in the answer is converted to UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The time as chrono's `DateTime<Utc>`.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Parses RFC 3339 text (the fast path for Bland's shape, chrono's parser otherwise).
    pub fn parse(text: &str) -> Result<Timestamp, chrono::ParseError> {
        if let Some(fast) = parse_fixed(text.as_bytes()) {
            return Ok(Timestamp(fast));
        }
        DateTime::parse_from_rfc3339(text).map(|t| Timestamp(t.with_timezone(&Utc)))
    }
}

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

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value)
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
            serde::de::Error::custom(format_args!("invalid RFC 3339 timestamp {text:?}: {err}"))
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
        assert_eq!(Timestamp::from(utc), t);
        assert!(t == utc);
        assert!(t != later);
        assert!(t < Timestamp::from(later));
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
                .contains("invalid RFC 3339 timestamp \"yesterday\""),
            "{err}"
        );
    }
}
