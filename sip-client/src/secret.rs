//! Secrets: values that must never reach `Debug`, `Display`, logs or panics.

use std::fmt;

/// A SIP credential from Bland (`options.sip_password`).
///
/// Bland redacts credentials in GET responses, but how a redacted value looks is not
/// documented, so the client treats whatever arrives as secret: `Debug` shows
/// `SipSecret(<redacted>)` and there is no `Display`. Serialization writes the value back
/// unchanged, so a configuration round-trips; [`SipSecret::expose`] reads it deliberately.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SipSecret(String);

impl SipSecret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        SipSecret(value.into())
    }

    /// The credential itself. Named so that every read of it stands out in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SipSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SipSecret(<redacted>)")
    }
}

impl schemars::JsonSchema for SipSecret {
    fn schema_name() -> String {
        "SipSecret".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = String::json_schema(generator).into_object();
        schema.metadata().description =
            Some("A SIP credential (redacted by Bland; never printed by the client).".to_owned());
        schema.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_serde_round_trips() {
        let secret: SipSecret = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(format!("{secret:?}"), "SipSecret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
    }
}
