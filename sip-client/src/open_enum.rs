//! Enums whose values come from Bland and must survive values Bland adds later.
//!
//! typify generates closed enums: a new `transport` value such as `wss` would make the whole
//! response fail to decode. The generator instead defines every string enum of the spec with
//! the [`open_enum!`] macro below, which keeps an unknown value in `Unknown(String)` and
//! serializes it back unchanged. (A single-value enum with that value as its default, such
//! as `SipService`, is a constant the client sets and stays typify's closed enum.)

/// Defines an open string enum: known variants, plus `Unknown(String)` for everything else.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values this version of the crate does not know decode into `Unknown` and are
        /// serialized back unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value this version of the crate knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl crate::validate::Validate for $name {
            fn validate(
                &self,
                at: &crate::validate::FieldPath,
            ) -> ::std::result::Result<(), crate::InvalidInput> {
                match self {
                    $name::Unknown(text) => crate::open_enum::near_miss(text, $name::KNOWN, at),
                    _ => Ok(()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => $name::$variant, )+
                    _ => $name::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl crate::endpoint::QueryValue for $name {
            fn query_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Borrowed when the input allows it: known values then allocate nothing.
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(match text {
                    ::std::borrow::Cow::Borrowed(s) => $name::from(s),
                    ::std::borrow::Cow::Owned(s) => $name::from(s),
                })
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn json_schema(_: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {
                use ::schemars::schema::{InstanceType, Metadata, SchemaObject};
                // Any string is accepted; the known values are documented, not enforced.
                SchemaObject {
                    instance_type: Some(InstanceType::String.into()),
                    metadata: Some(Box::new(Metadata {
                        description: Some(format!(
                            "One of {:?}, or a value Bland adds later (kept as sent).",
                            $name::KNOWN
                        )),
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    };
}

pub(crate) use open_enum;

/// Refuses `text`, a value no known one equals, when it differs from a known one only in
/// ASCII case, surrounding white space, or the separators between words (any run of white
/// space, `-` and `_`: `Register`, ` register`, `no answer` for `no-answer`): a typo, which Bland would not take for the
/// value (a rule on it, such as `register_auth` required when `auth_mode` is `register`,
/// would not hold either). Any other unknown value is one Bland may have added: sent.
pub(crate) fn near_miss(
    text: &str,
    known: &[&'static str],
    at: &crate::validate::FieldPath,
) -> Result<(), crate::InvalidInput> {
    // Small ASCII letters, and each run of separators (any white space, `-`, `_`) one `-`.
    let folded = |value: &str| -> String {
        let mut out = String::with_capacity(value.len());
        for c in value.trim().chars() {
            if c.is_whitespace() || c == '-' || c == '_' {
                if !out.ends_with('-') {
                    out.push('-');
                }
            } else {
                out.push(c.to_ascii_lowercase());
            }
        }
        out
    };
    let given = folded(text);
    match known.iter().find(|value| folded(value) == given) {
        Some(value) => Err(at.error(crate::InputProblem::NearMiss {
            known: (*value).to_owned(),
        })),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    open_enum! {
        /// A direction, for the tests of the macro.
        Direction {
            /// In.
            Inbound = "inbound",
            /// Out.
            Outbound = "outbound",
        }
    }

    open_enum! {
        /// An auth mode, for the tests of the macro.
        AuthMode {
            /// By IP.
            Ip = "ip",
            /// By REGISTER.
            Register = "register",
        }
    }

    open_enum! {
        /// A transport, for the tests of the macro.
        Transport {
            /// UDP.
            Udp = "udp",
            /// TCP.
            Tcp = "tcp",
            /// TLS.
            Tls = "tls",
        }
    }

    #[test]
    fn known_values_decode_to_their_variant() {
        let t: Transport = serde_json::from_str("\"tls\"").unwrap();
        assert_eq!(t, Transport::Tls);
        let d: Direction = serde_json::from_str("\"outbound\"").unwrap();
        assert_eq!(d, Direction::Outbound);
        let a: AuthMode = serde_json::from_str("\"register\"").unwrap();
        assert_eq!(a, AuthMode::Register);
    }

    #[test]
    fn unknown_values_round_trip_unchanged() {
        for wire in ["\"wss\"", "\"TLS\"", "\"\"", "\"tls \""] {
            let t: Transport = serde_json::from_str(wire).unwrap();
            assert!(t.is_unknown(), "{wire} should be unknown");
            assert_eq!(serde_json::to_string(&t).unwrap(), wire);
        }
        let a: AuthMode = serde_json::from_str("\"oauth\"").unwrap();
        assert!(a.is_unknown());
        assert_eq!(a, AuthMode::Unknown("oauth".to_owned()));
        assert!(!Direction::Inbound.is_unknown());
        assert_eq!(a.to_string(), "oauth");
    }

    /// `KNOWN` lists the wire values in the order declared, and each decodes into a known
    /// variant that sends it back.
    #[test]
    fn known_lists_every_wire_value() {
        assert_eq!(Transport::KNOWN, ["udp", "tcp", "tls"]);
        assert_eq!(Direction::KNOWN, ["inbound", "outbound"]);
        for wire in AuthMode::KNOWN {
            let mode: AuthMode = serde_json::from_value(serde_json::json!(wire)).unwrap();
            assert!(!mode.is_unknown());
            assert_eq!(mode.as_str(), *wire);
        }
    }

    #[test]
    fn escaped_strings_decode_too() {
        // An escape forces serde_json to hand over an owned string.
        let t: Transport = serde_json::from_str("\"t\\u006cs\"").unwrap();
        assert_eq!(t, Transport::Tls);
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_str::<Direction>("1").is_err());
        assert!(serde_json::from_str::<Direction>("null").is_err());
    }

    fn problem(text: &str) -> Option<crate::InputProblem> {
        const KNOWN: &[&str] = &["register", "no-answer", "no_answer", "sip-tls"];
        super::near_miss(text, KNOWN, &crate::validate::FieldPath::new("mode"))
            .err()
            .map(|err| err.problem)
    }

    #[test]
    fn a_near_miss_names_the_value_it_comes_close_to() {
        let near = |known: &str| {
            Some(crate::InputProblem::NearMiss {
                known: known.to_owned(),
            })
        };
        assert_eq!(problem("Register"), near("register"));
        assert_eq!(problem("\tREGISTER \n"), near("register"));
        // The first known value that folds alike is named.
        assert_eq!(problem("No Answer"), near("no-answer"));
        assert_eq!(problem("SIP_TLS"), near("sip-tls"));
        // Any run of separators, white space of any kind (found by a review).
        for near_miss in ["no\u{a0}answer", "no  answer", "no\t_answer", "SIP - TLS"] {
            assert!(problem(near_miss).is_some(), "{near_miss:?}");
        }
        for other in [
            "noanswer",
            "registered",
            "regi ster",
            "",
            "answer",
            "sip.tls",
        ] {
            assert_eq!(problem(other), None, "{other:?}");
        }
        // Through the macro's `Validate`: a known value and a new one pass.
        use crate::validate::{FieldPath, Validate};
        let at = FieldPath::new("auth_mode");
        assert!(AuthMode::Register.validate(&at).is_ok());
        assert!(AuthMode::from("certificate").validate(&at).is_ok());
        let err = AuthMode::from("IP").validate(&at).unwrap_err();
        assert_eq!(err.field, "auth_mode");
        assert_eq!(
            err.problem,
            crate::InputProblem::NearMiss {
                known: "ip".to_owned()
            }
        );
    }
}
