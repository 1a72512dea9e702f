//! The URL of a call: the path below the base URL with each path parameter as one segment,
//! the query form-encoded, and a refusal of what no URL can carry (a segment that would
//! change the path, a URL longer than the HTTP stack sends).

use std::borrow::Cow;

use reqwest::Url;

use crate::call::Operation;
use crate::client::Client;
use crate::input::{InputProblem, InvalidInput};

/// The text of a query parameter's value.
pub(crate) trait QueryValue {
    fn query_text(&self) -> Cow<'_, str>;
}

impl QueryValue for String {
    fn query_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl QueryValue for crate::PhoneNumber {
    fn query_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl QueryValue for crate::Timestamp {
    fn query_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

macro_rules! query_value_by_display {
    ($($t:ty),+) => {
        $(impl QueryValue for $t {
            fn query_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        })+
    };
}

query_value_by_display!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool);

/// A path parameter's value as one segment of the path. Empty, `.` and `..` are refused:
/// URL parsers drop or resolve them, so `DELETE /v1/sip/port/..` would reach another
/// resource than the one named. So are control characters: URL parsers drop tab, CR and
/// LF, which would make `"..\t"` a `..` again.
pub(crate) fn path_segment<'a>(field: &str, value: &'a str) -> Result<&'a str, InvalidInput> {
    if let Some(at) = value.chars().position(char::is_control) {
        return Err(InvalidInput::new(
            field,
            InputProblem::Other(format!(
                "holds a control character at position {} (it would change the path)",
                at + 1
            )),
        ));
    }
    match value {
        "" => Err(InvalidInput::new(
            field,
            InputProblem::Other("is empty".to_owned()),
        )),
        "." | ".." => Err(InvalidInput::new(
            field,
            InputProblem::Other(format!("cannot be `{value}` (it would change the path)")),
        )),
        _ => Ok(value),
    }
}

/// The longest URL the HTTP stack sends: the `http` crate refuses a longer URI.
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// Refuses a URL too long to send, naming the parameter that made it so: the one that
/// takes the most bytes as sent (a query parameter with its name, each time it is repeated),
/// a query parameter named as in the spec or a path parameter found by its place in the
/// operation's path template.
pub(crate) fn check_url_length(operation: &Operation, url: &Url) -> Result<(), InvalidInput> {
    let len = url.as_str().len();
    if len <= MAX_URL_LEN {
        return Ok(());
    }
    let mut query = std::collections::BTreeMap::<String, usize>::new();
    for pair in url.query().unwrap_or_default().split('&') {
        let Some((name, _)) = pair.split_once('=') else {
            continue;
        };
        let name: String = url::form_urlencoded::parse(name.as_bytes())
            .map(|(name, _)| name.into_owned())
            .next()
            .unwrap_or_default();
        *query.entry(name).or_default() += pair.len() + 1;
    }
    let template: Vec<&str> = operation.path.trim_start_matches('/').split('/').collect();
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let path =
        template
            .iter()
            .rev()
            .zip(segments.iter().rev())
            .filter_map(|(template, segment)| {
                let name = template.strip_prefix('{')?.strip_suffix('}')?;
                Some((name.to_owned(), segment.len()))
            });
    let field = query
        .into_iter()
        .chain(path)
        .max_by_key(|(_, len)| *len)
        .map_or_else(|| "url".to_owned(), |(name, _)| name);
    Err(InvalidInput::new(
        field,
        InputProblem::Other(format!(
            "is too long: the request URL would be {len} bytes, and at most {MAX_URL_LEN} \
             can be sent"
        )),
    ))
}

impl Client {
    /// The URL of a path below the base URL: each segment percent-encoded (so a value with
    /// `/`, `?` or `#` stays one segment), then the query, form-encoded (a `+` becomes
    /// `%2B`, as Bland's examples send it; a raw `+` would be read as a space).
    pub(crate) fn endpoint(&self, segments: &[&str], query: &[(&str, Cow<'_, str>)]) -> Url {
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .expect("the base URL is checked to be http(s)");
            path.pop_if_empty();
            // Path parameters went through `path_segment`: none is empty, `.` or `..`,
            // which the URL parser would drop or resolve.
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(name, value)| (*name, value.as_ref())));
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::builder()
            .api_key("k")
            .base_url(base)
            .build()
            .unwrap()
    }

    #[test]
    fn endpoints_encode_segments_and_queries() {
        let client = client("https://proxy.example/bland/");
        let url = client.endpoint(&["v1", "sip"], &[("phone_number", "+1415".into())]);
        assert_eq!(
            url.as_str(),
            "https://proxy.example/bland/v1/sip?phone_number=%2B1415"
        );
        let url = client.endpoint(&["v1", "sip", "port", "a/b?c#d"], &[]);
        assert_eq!(
            url.as_str(),
            "https://proxy.example/bland/v1/sip/port/a%2Fb%3Fc%23d"
        );
        for climb in ["..", ".", ""] {
            let err = path_segment("id", climb).unwrap_err();
            assert_eq!(err.field, "id");
        }
        assert_eq!(path_segment("id", "port_xyz789"), Ok("port_xyz789"));
        assert_eq!(path_segment("id", "..."), Ok("..."));
        // A parser would drop these and climb anyway.
        for hidden in ["..\t", ".\n.", "\t", "\r", "a\u{7f}b"] {
            let err = path_segment("id", hidden).unwrap_err();
            assert!(
                err.to_string().contains("control character"),
                "{hidden:?}: {err}"
            );
        }
        assert!(
            path_segment("id", "..\t")
                .unwrap_err()
                .to_string()
                .contains("position 3")
        );
        let url = client.endpoint(
            &["v1"],
            &[
                ("phone_numbers[]", "+1".into()),
                ("phone_numbers[]", "+2".into()),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://proxy.example/bland/v1?phone_numbers%5B%5D=%2B1&phone_numbers%5B%5D=%2B2"
        );
    }

    #[test]
    fn query_values_are_their_wire_text() {
        let number: crate::PhoneNumber = "+14150000000".parse().unwrap();
        assert_eq!(number.query_text(), "+14150000000");
        assert_eq!("abc@sip".to_owned().query_text(), "abc@sip");
        // A date-time parameter goes in RFC 3339, in UTC like every `Timestamp`.
        let time = crate::Timestamp::parse("2024-05-01T12:30:00.250+02:00").unwrap();
        assert_eq!(time.query_text(), "2024-05-01T10:30:00.250Z");
        assert_eq!(10u32.query_text(), "10");
        assert_eq!((-3i64).query_text(), "-3");
        assert_eq!(true.query_text(), "true");
        assert_eq!(0.5f64.query_text(), "0.5");
        let client = client("https://api.bland.ai");
        let url = client.endpoint(&["v1"], &[("since", time.query_text())]);
        assert_eq!(
            url.as_str(),
            "https://api.bland.ai/v1?since=2024-05-01T10%3A30%3A00.250Z"
        );
    }

    /// A URL longer than the HTTP stack sends is refused before any request, naming the
    /// parameter that made it long; one byte shorter is still sent.
    #[test]
    fn a_url_too_long_to_send_names_its_longest_parameter() {
        use crate::generated_api::operations::{
            CANCEL_PORT_REQUEST, LIST_SIP_CALLS, LIST_SIP_NUMBERS,
        };
        let client = client("https://proxy.example/bland/");
        let base = client
            .endpoint(&["v1", "sip", "port", ""], &[])
            .as_str()
            .len();
        let id = "i".repeat(MAX_URL_LEN - base);
        let url = client.endpoint(&["v1", "sip", "port", &id], &[]);
        assert_eq!(url.as_str().len(), MAX_URL_LEN);
        assert_eq!(check_url_length(&CANCEL_PORT_REQUEST, &url), Ok(()));
        let id = "i".repeat(MAX_URL_LEN - base + 1);
        let url = client.endpoint(&["v1", "sip", "port", &id], &[]);
        let err = check_url_length(&CANCEL_PORT_REQUEST, &url).unwrap_err();
        assert_eq!(err.field, "id");
        assert_eq!(
            err.to_string(),
            format!(
                "invalid `id`: is too long: the request URL would be {} bytes, and at most \
                 65534 can be sent",
                MAX_URL_LEN + 1
            )
        );
        // In the query, the parameter with the longest value as sent is named: 15,000 `+`
        // are sent as 45,000 bytes of `%2B`, more than 40,000 `x`.
        let long = "x".repeat(40_000);
        let longer = "+".repeat(15_000);
        let url = client.endpoint(
            &["v1", "sip", "calls"],
            &[("phone_number", longer.into()), ("direction", long.into())],
        );
        let err = check_url_length(&LIST_SIP_CALLS, &url).unwrap_err();
        assert_eq!(err.field, "phone_number");
        // A repeated parameter counts every time it is sent (25 bytes each here, 125,000 in
        // all, against 30,008), and is named as the spec names it.
        let many: Vec<(&str, Cow<'_, str>)> =
            std::iter::repeat_n(("phone_numbers[]", "+1".into()), 5_000)
                .chain([("call_id", "c".repeat(30_000).into())])
                .collect();
        let url = client.endpoint(&["v1", "sip", "numbers"], &many);
        let err = check_url_length(&LIST_SIP_NUMBERS, &url).unwrap_err();
        assert_eq!(err.field, "phone_numbers[]");
    }
}
