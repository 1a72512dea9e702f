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
}
