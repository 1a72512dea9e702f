//! Property tests: arbitrary input never panics the phone number parser or the decoder, and
//! always gives a typed answer. 10,000 cases per property (`PROPTEST_CASES` overrides).

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::Value;
use sip_client::reqwest::StatusCode;
use sip_client::{
    Error, PhoneNumber, PhoneNumberError, SipConfigEnvelope, Timestamp, decode_response,
};
use sip_client_tests::fixture;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// An independent statement of E.164, to check the parser against.
fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (1..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("data".to_owned()),
                    Just("inbound".to_owned()),
                    Just("outbound".to_owned()),
                    Just("options".to_owned()),
                    Just("errors".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = StatusCode> {
    (100u16..600).prop_map(|code| StatusCode::from_u16(code).unwrap())
}

/// A typed answer: success, or one of the error kinds a body can produce.
fn assert_typed(result: Result<sip_client::SipConfigData, Error>) {
    match result {
        Ok(_) | Err(Error::Api(_)) | Err(Error::UnexpectedResponse(_)) | Err(Error::Decode(_)) => {}
        Err(other) => panic!("a body alone cannot give {other:?}"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn phone_parser_agrees_with_e164(text in ".{0,20}") {
        let parsed = PhoneNumber::parse(&text);
        prop_assert_eq!(parsed.is_ok(), is_e164(&text), "{:?}: {:?}", text, parsed);
        if let Ok(number) = parsed {
            prop_assert_eq!(number.as_str(), text.as_str());
        }
    }

    #[test]
    fn valid_numbers_round_trip(text in "\\+[1-9][0-9]{0,14}") {
        let number = PhoneNumber::parse(&text).unwrap();
        let json = serde_json::to_string(&number).unwrap();
        let back: PhoneNumber = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, number);
    }

    #[test]
    fn digit_strings_report_the_right_problem(digits in "[0-9]{0,20}") {
        let text = format!("+{digits}");
        let expected = if digits.is_empty() {
            Err(PhoneNumberError::NoDigits)
        } else if digits.starts_with('0') {
            Err(PhoneNumberError::LeadingZero)
        } else if digits.len() > 15 {
            Err(PhoneNumberError::TooLong { digits: digits.len() })
        } else {
            Ok(())
        };
        prop_assert_eq!(PhoneNumber::parse(&text).map(|_| ()), expected);
    }

    #[test]
    /// As chrono does, but for an instant that an offset carries out of the years RFC 3339
    /// writes in UTC (see `Timestamp`): the first and last days of those years are made
    /// likelier, so that such instants occur.
    fn timestamps_parse_as_chrono_does_within_the_years_rfc_3339_writes(
        text in "(0000-01-01|9999-12-31|[0-9]{4}-[0-1][0-9]-[0-3][0-9])[Tt ][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{0,10})?([Zz]|[+-][0-2][0-9]:[0-6][0-9])?",
    ) {
        use chrono::Datelike;
        let ours = Timestamp::parse(&text).ok().map(|t| t.as_datetime());
        let chrono = chrono::DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
            .filter(|t| (0..=9999).contains(&t.year()));
        prop_assert_eq!(ours, chrono, "{}", text);
    }

    #[test]
    fn arbitrary_bytes_decode_to_a_typed_answer(
        status in status(),
        body in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        assert_typed(decode_response::<SipConfigEnvelope>(status, Bytes::from(body)));
    }

    #[test]
    fn arbitrary_json_decodes_to_a_typed_answer(status in status(), value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        assert_typed(decode_response::<SipConfigEnvelope>(status, Bytes::from(body)));
    }

    #[test]
    fn mutated_valid_bodies_decode_to_a_typed_answer(
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..8),
    ) {
        let mut body = fixture("seed_example.json");
        for (index, byte, kind) in mutations {
            if body.is_empty() {
                break;
            }
            let at = index.index(body.len());
            match kind {
                0 => body[at] = byte,
                1 => { body.remove(at); }
                2 => body.insert(at, byte),
                _ => body.truncate(at),
            }
        }
        assert_typed(decode_response::<SipConfigEnvelope>(StatusCode::OK, Bytes::from(body)));
    }
}

#[test]
fn the_seed_decodes_through_decode_response() {
    let data = decode_response::<SipConfigEnvelope>(
        StatusCode::OK,
        Bytes::from(fixture("seed_example.json")),
    )
    .unwrap();
    assert_eq!(data.inbound.unwrap().id, "abc123");
}
