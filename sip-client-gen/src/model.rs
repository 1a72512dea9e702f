//! The model of the API that the hand-written-looking parts are generated from: operations
//! with their parameters, bodies, outputs and retry classes; the open enums, constants and
//! hand-written types of the spec; the checks of request types.
//!
//! Built from the spec and from the types progenitor generated for it (read back with
//! [`crate::rust::Types`]), so that every name it emits exists in the generated code.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::Error;
use crate::rust::{self, Types};
use crate::spec::Place;

/// Hand-written types of `sip-client` a schema can ask for with `x-sip-client-type`, and
/// what a parameter of that type accepts.
pub(crate) const HAND_WRITTEN: &[(&str, &str, ParamUse)] = &[
    ("PhoneNumber", "crate::PhoneNumber", ParamUse::Validated),
    ("SipSecret", "crate::SipSecret", ParamUse::No),
    ("SipCredentials", "crate::SipCredentials", ParamUse::No),
];

/// Whether a hand-written type may be a parameter, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamUse {
    /// Taken through `IntoParam` (the value itself, or text validated at send).
    Validated,
    /// Not a parameter type.
    No,
}

/// The extension naming a hand-written type.
pub(crate) const TYPE_EXTENSION: &str = "x-sip-client-type";
/// The extension holding cross-field rules of an object schema.
pub(crate) const RULES_EXTENSION: &str = "x-sip-client-rules";
/// The extension marking an operation idempotent.
pub(crate) const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// The extension that says how an operation's answers are paged: `{cursor, items, next}`
/// (see [`Pagination`]).
pub(crate) const PAGINATION_EXTENSION: &str = "x-pagination";

/// Names of `sip-client`'s own items at the crate root: a schema of the same name would
/// collide with them.
const RESERVED: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "ApiError",
    "BuildError",
    "DecodeError",
    "TransportError",
    "TransportErrorKind",
    "UnexpectedResponse",
    "NotRetried",
    "InvalidInput",
    "InputProblem",
    "IntoParam",
    "IntoBody",
    "Upload",
    "Timestamp",
    "Operation",
    "RetryClass",
    "Response",
    "Pages",
    "Items",
    "Paginated",
    "Envelope",
    "AuthScheme",
    "RawContext",
    "PhoneNumberError",
    "ConversionError",
    "TimestampOutOfRange",
    "Escaped",
    "RedirectNotFollowed",
    // Hand-written types, which only a schema marked `x-sip-client-type` may name.
    "PhoneNumber",
    "SipSecret",
    "SipCredentials",
];

/// Names of Rust's prelude (types, their variants, traits) and of what `generated_api.rs`
/// imports (`Cow`): a schema of the same name would shadow them in the generated code
/// (`Result<T, E>` would be the schema, which takes no parameters).
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "Cow",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "ToOwned",
    "ToString",
];

#[derive(Clone)]
pub(crate) struct Api {
    pub operations: Vec<Operation>,
    /// The spec's example of an error answer (the first documented one), if any.
    pub error_example: Option<Value>,
    pub enums: Vec<OpenEnum>,
    /// Rust names of single-value enums with a default: constants the client sets itself.
    pub constants: BTreeSet<String>,
    /// Schema name -> hand-written Rust path.
    pub hand_written: BTreeMap<String, &'static str>,
    /// Checks of every type a request carries, by Rust name.
    pub checks: BTreeMap<String, TypeChecks>,
    /// Every name the crate root re-exports from the generated types.
    pub exported: Vec<String>,
    /// The servers' URLs, without a trailing `/`: the first is the client's default base URL.
    pub servers: Vec<String>,
    /// Rust names of the types a request carries (bodies and what they hold).
    pub request_types: BTreeSet<String>,
    /// Rust names of the types an answer carries (success types and what they hold).
    pub response_types: BTreeSet<String>,
    pub types: Types,
}

#[derive(Clone)]
pub(crate) struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    /// (variant, wire value)
    pub variants: Vec<(String, String)>,
}

#[derive(Clone)]
pub(crate) struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub segments: Vec<Segment>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    pub retry: Retry,
    /// Whether progenitor generated it (the raw client and its mocks have it).
    pub in_progenitor: bool,
    /// Statuses of the documented error answers, with the name of each.
    pub error_statuses: Vec<u16>,
    /// The security requirements of the operation (its own, or the spec's), as text.
    pub security: Vec<String>,
    /// The spec marks it `deprecated: true`: its method is `#[deprecated]`.
    pub deprecated: bool,
    /// Whether its calls carry the API key: unless the spec says it needs none (its
    /// `security` is `[]` or `[{}]`, or no security is declared at all). An operation
    /// whose key is optional (`[{}, {apiKey: []}]`) gets it: the client has one. (Judged on
    /// the requirements, not `security`'s text, where a scheme may be named `none`.)
    pub sends_key: bool,
    /// How its answers are paged, when the spec says (`x-pagination`).
    pub pagination: Option<Pagination>,
}

/// How the answers of an operation are paged by a cursor: the page after one is asked with
/// the query parameter `cursor` set to the property `next` of the last item of the list
/// `items` of the answer (its `data`, in Bland's envelope); an empty page ends.
#[derive(Clone)]
pub(crate) struct Pagination {
    /// The wire name of the query parameter that takes the cursor.
    pub cursor: String,
    /// Its setter on the request builder.
    pub cursor_ident: String,
    /// Whether the call's answer is an `Option` (an envelope whose `data` is optional):
    /// none is an empty page.
    pub data_optional: bool,
    /// The wire name of the answer's list of items.
    pub items: String,
    /// Its Rust field, and whether it is an `Option<Vec<..>>`.
    pub items_ident: syn::Ident,
    pub items_optional: bool,
    /// The Rust type of an item.
    pub item: syn::Type,
    /// The wire name of the item's property that is the next page's cursor.
    pub next: String,
    /// Its Rust field, and whether it is an `Option<String>`.
    pub next_ident: syn::Ident,
    pub next_optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(String),
}

impl Operation {
    /// The parameters that are arguments of the operation's method, in order: path
    /// parameters in path order, then required query parameters. (The body, or the
    /// required form fields, come after them.) The front door, the CLI and the probe all
    /// follow this order.
    pub(crate) fn positional(&self) -> Vec<&Param> {
        positional(&self.segments, &self.params)
    }

    /// The optional query parameters: setters of the operation's request.
    pub(crate) fn optional(&self) -> impl Iterator<Item = &Param> {
        optional(&self.params)
    }
}

fn optional(params: &[Param]) -> impl Iterator<Item = &Param> {
    params
        .iter()
        .filter(|p| p.location != Location::Path && !p.required)
}

fn positional<'a>(segments: &[Segment], params: &'a [Param]) -> Vec<&'a Param> {
    let path = segments.iter().filter_map(|segment| match segment {
        // A query parameter may share a path parameter's name: both must match.
        Segment::Param(name) => params
            .iter()
            .find(|p| p.location == Location::Path && &p.name == name),
        Segment::Literal(_) => None,
    });
    let query = params
        .iter()
        .filter(|p| p.location != Location::Path && p.required);
    path.chain(query).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
}

#[derive(Clone)]
pub(crate) struct Param {
    pub name: String,
    pub ident: String,
    pub location: Location,
    pub required: bool,
    pub ty: ParamType,
    pub description: Option<String>,
    /// What the schema constrains (a pattern, lengths, item counts).
    pub constraints: Constraints,
}

/// The JSON Schema keywords that constrain a value, as `key=value` texts in a stable order:
/// what a change report compares to tell a tightening from a relaxation.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Constraints(pub BTreeMap<String, String>);

impl Constraints {
    /// The constraints of a schema (one level of `$ref` followed), and of its items when it
    /// is an array (as `items.<key>`).
    pub(crate) fn of(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Constraints {
        let mut out = BTreeMap::new();
        if let Some(schema) = resolve(spec, schema) {
            collect(spec, schema, "", &mut out);
        }
        Constraints(out)
    }

    pub(crate) fn of_boxed(spec: &OpenAPI, schema: &ReferenceOr<Box<Schema>>) -> Constraints {
        let mut out = BTreeMap::new();
        if let Some((schema, _)) = resolve_boxed(spec, schema) {
            collect(spec, schema, "", &mut out);
        }
        Constraints(out)
    }
}

/// The constraints of an object schema on itself (how many properties), which its type's
/// line records (the fields that refer to it do not repeat them).
pub(crate) fn object_constraints(object: &openapiv3::ObjectType) -> Constraints {
    let mut out = BTreeMap::new();
    for (key, value) in [
        ("minProperties", object.min_properties),
        ("maxProperties", object.max_properties),
    ] {
        if let Some(value) = value {
            out.insert(key.to_owned(), value.to_string());
        }
    }
    Constraints(out)
}

/// A keyword that is either there (`true`) or not: recorded only when there.
fn flag(set: bool) -> Option<String> {
    set.then(|| "true".to_owned())
}

/// The constraints a value must meet, by keyword: what a change of the spec may tighten or
/// relax (the change report judges each by the way the value travels).
fn collect(spec: &OpenAPI, schema: &Schema, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            out.insert(format!("{prefix}{key}"), value);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            put("pattern", string.pattern.clone());
            put("minLength", string.min_length.map(|n| n.to_string()));
            put("maxLength", string.max_length.map(|n| n.to_string()));
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            put("minimum", integer.minimum.map(|n| n.to_string()));
            put("maximum", integer.maximum.map(|n| n.to_string()));
            put("exclusiveMinimum", flag(integer.exclusive_minimum));
            put("exclusiveMaximum", flag(integer.exclusive_maximum));
            put("multipleOf", integer.multiple_of.map(|n| n.to_string()));
        }
        SchemaKind::Type(Type::Number(number)) => {
            put("minimum", number.minimum.map(|n| n.to_string()));
            put("maximum", number.maximum.map(|n| n.to_string()));
            put("exclusiveMinimum", flag(number.exclusive_minimum));
            put("exclusiveMaximum", flag(number.exclusive_maximum));
            put("multipleOf", number.multiple_of.map(|n| n.to_string()));
        }
        SchemaKind::Type(Type::Array(array)) => {
            put("minItems", array.min_items.map(|n| n.to_string()));
            put("maxItems", array.max_items.map(|n| n.to_string()));
            put("uniqueItems", flag(array.unique_items));
            if prefix.is_empty()
                && let Some((items, _)) = array.items.as_ref().and_then(|i| resolve_boxed(spec, i))
            {
                collect(spec, items, "items.", out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamType {
    One(Scalar),
    Many(Scalar),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// A hand-written validated type (its Rust path).
    Validated(&'static str),
    Text,
    /// An open enum (its Rust name).
    Enum(String),
    Integer(&'static str),
    Float,
    Bool,
}

#[derive(Clone)]
pub(crate) enum Body {
    Json {
        /// Rust name of the body type.
        ty: String,
        required: bool,
    },
    Multipart {
        fields: Vec<MultipartField>,
    },
}

#[derive(Clone)]
pub(crate) struct MultipartField {
    pub name: String,
    pub ident: String,
    pub required: bool,
    pub description: Option<String>,
    pub kind: PartKind,
    /// The constraints of its schema (a text part's `pattern`, `maxLength`, ...), which the
    /// surface records: the client does not check them, Bland does.
    pub constraints: Constraints,
}

#[derive(Clone)]
pub(crate) enum PartKind {
    File {
        max_bytes: Option<u64>,
        content_types: Vec<String>,
    },
    Text,
}

#[derive(Clone)]
pub(crate) struct Success {
    /// The spec's example of the answer, if it has one.
    pub example: Option<Value>,
    pub status: u16,
    /// Rust name of the success type.
    pub ty: String,
    /// The type of its `data`, when the answer is Bland's envelope and a call returns the
    /// data alone.
    pub data: Option<syn::Type>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    Safe,
    Idempotent,
    NotIdempotent,
}

/// The checks of one request type: of a struct, its fields' and its rules; of an enum of
/// alternatives (`oneOf`, `anyOf`), those of the value its variant holds.
#[derive(Clone, Default)]
pub(crate) struct TypeChecks {
    pub fields: Vec<FieldCheck>,
    pub rules: Vec<Rule>,
    /// For an enum of alternatives, the variants whose value is itself checked (any other
    /// passes); `None` for a struct.
    pub alternatives: Option<Vec<String>>,
}

/// A bound of a number as the spec writes it: an integer, or any other number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum NumberBound {
    Int(i64),
    Float(f64),
}

/// The bounds of an integer or number schema: `(minimum, maximum)`, each with whether it is
/// exclusive.
pub(crate) fn number_bounds(schema: &Schema) -> [Option<(NumberBound, bool)>; 2] {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => [
            integer
                .minimum
                .map(|n| (NumberBound::Int(n), integer.exclusive_minimum)),
            integer
                .maximum
                .map(|n| (NumberBound::Int(n), integer.exclusive_maximum)),
        ],
        SchemaKind::Type(Type::Number(number)) => [
            number
                .minimum
                .map(|n| (NumberBound::Float(n), number.exclusive_minimum)),
            number
                .maximum
                .map(|n| (NumberBound::Float(n), number.exclusive_maximum)),
        ],
        _ => [None, None],
    }
}

#[derive(Clone)]
pub(crate) struct FieldCheck {
    pub field: rust::Field,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// `minimum` / `maximum` of a number, each with whether it is exclusive.
    pub minimum: Option<(NumberBound, bool)>,
    pub maximum: Option<(NumberBound, bool)>,
    /// The same of each item of a list of numbers.
    pub item_minimum: Option<(NumberBound, bool)>,
    pub item_maximum: Option<(NumberBound, bool)>,
    /// Whether the field's type (inside `Option`/`Vec`) is itself a checked type.
    pub nested: bool,
    /// Whether the field's type (inside `Option`) is a newtype of typify's (a constrained
    /// string), read through its `Deref` to the text.
    pub newtype: bool,
    /// Whether the JSON always holds the property: the spec requires it, or gives it a
    /// `default`. typify leaves out of the JSON only an optional list without a default
    /// (not nullable) when it is empty: then empty is absent, and its count not checked.
    pub always_sent: bool,
}

impl FieldCheck {
    /// The check of `field` with no constraint yet (each is set from the schema) and no
    /// nested check (set once it is known which types have checks).
    pub(crate) fn new(field: rust::Field, newtype: bool, always_sent: bool) -> FieldCheck {
        FieldCheck {
            field,
            min_length: None,
            max_length: None,
            min_items: None,
            max_items: None,
            minimum: None,
            maximum: None,
            item_minimum: None,
            item_maximum: None,
            nested: false,
            newtype,
            always_sent,
        }
    }
}

#[derive(Clone)]
pub(crate) enum Rule {
    /// At most one of the fields is set.
    Exclusive(Vec<rust::Field>),
    /// Exactly one of the fields is set.
    OneOf(Vec<rust::Field>),
    E164Unless {
        fields: Vec<rust::Field>,
        set: Box<rust::Field>,
    },
    RequiredIf {
        field: Box<rust::Field>,
        when: Box<rust::Field>,
        value: String,
    },
}

/// The schemas of the spec that become hand-written types, by `x-sip-client-type`.
pub(crate) fn hand_written(spec: &OpenAPI) -> Result<BTreeMap<String, &'static str>, Error> {
    let mut found = BTreeMap::new();
    for (name, schema) in schemas(spec) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let Some(value) = schema.schema_data.extensions.get(TYPE_EXTENSION) else {
            continue;
        };
        let wanted = value.as_str().unwrap_or_default();
        let Some((_, path, _)) = HAND_WRITTEN.iter().find(|(n, _, _)| *n == wanted) else {
            return Err(invalid(
                format!("/components/schemas/{name}/{TYPE_EXTENSION}"),
                format!(
                    "{value} is not a hand-written type of sip-client; one of: {}",
                    HAND_WRITTEN
                        .iter()
                        .map(|(n, _, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        found.insert(name.clone(), *path);
    }
    Ok(found)
}

/// Every string enum of `components/schemas` that is not hand-written: open enums, and the
/// constants (one value, which is also the default).
pub(crate) fn enums(
    spec: &OpenAPI,
    hand_written: &BTreeMap<String, &'static str>,
) -> Result<(Vec<OpenEnum>, BTreeSet<String>), Error> {
    let mut open = Vec::new();
    let mut constants = BTreeSet::new();
    for (name, schema) in schemas(spec) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        if hand_written.contains_key(name) {
            continue;
        }
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            continue;
        };
        if string.enumeration.is_empty() {
            continue;
        }
        let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
        let rust_name = rust::upper_camel(name);
        let default = schema.schema_data.default.as_ref().and_then(Value::as_str);
        if values.len() == 1 && default == Some(values[0].as_str()) {
            constants.insert(rust_name);
            continue;
        }
        let mut variants: Vec<(String, String)> = Vec::new();
        for value in values {
            let variant = rust::upper_camel(&value);
            if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(invalid(
                    format!("/components/schemas/{name}/enum"),
                    format!("the value {value:?} gives no Rust variant name"),
                ));
            }
            if variant == "Self" {
                return Err(invalid(
                    format!("/components/schemas/{name}/enum"),
                    format!(
                        "the value {value:?} becomes the variant Self, a keyword that cannot \
                         name one"
                    ),
                ));
            }
            if variant == "Unknown" {
                return Err(invalid(
                    format!("/components/schemas/{name}/enum"),
                    "the value \"unknown\" would collide with the variant that keeps values \
                     the client does not know"
                        .to_owned(),
                ));
            }
            if let Some((_, other)) = variants.iter().find(|(v, _)| *v == variant) {
                return Err(invalid(
                    format!("/components/schemas/{name}/enum"),
                    format!("{other:?} and {value:?} both become the variant {variant}"),
                ));
            }
            variants.push((variant, value));
        }
        open.push(OpenEnum {
            name: rust_name,
            description: schema.schema_data.description.clone(),
            variants,
        });
    }
    Ok((open, constants))
}

/// The types of OpenAPI 3.0's schemas.
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// Checks every schema and parameter of the document (its JSON, before progenitor sees it)
/// for shapes the client cannot serve faithfully; each refusal names where the shape is.
pub(crate) fn check_document(json: &Value) -> Result<(), Error> {
    crate::spec::walk(json, |visit, at| match visit {
        crate::spec::Visit::Schema { schema, place } => check_schema(schema, place, at),
        crate::spec::Visit::Parameter(parameter) => check_parameter(json, parameter, at),
    })?;
    crate::request_schemas::check(json)
}

/// One schema, at `at`.
fn check_schema(
    schema: &serde_json::Map<String, Value>,
    place: Place,
    at: &str,
) -> Result<(), Error> {
    // typify cannot make a type of an unknown one, and progenitor's failure would be
    // blamed on whichever schema it was tried with.
    if let Some(ty) = schema.get("type")
        && !ty.as_str().is_some_and(|ty| TYPES.contains(&ty))
    {
        return Err(invalid(
            format!("{at}/type"),
            format!(
                "{ty} is not a type of OpenAPI 3.0: one of {} (a value that may be null is \
                 `nullable: true`)",
                TYPES.join(", ")
            ),
        ));
    }
    // typify makes it `#[serde(deny_unknown_fields)]`.
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        return Err(invalid(
            format!("{at}/additionalProperties"),
            "additionalProperties: false would make the client refuse every answer holding a \
             key Bland adds later; leave it out: the client ignores keys it does not know (or \
             keeps them, with additionalProperties: {} or a schema)"
                .to_owned(),
        ));
    }
    // typify makes it `::uuid::Uuid`, a crate sip-client does not depend on: the generated
    // crate would not compile.
    if schema.get("format").and_then(Value::as_str) == Some("uuid") {
        return Err(invalid(
            format!("{at}/format"),
            "format: uuid would be a `uuid::Uuid`, and sip-client does not depend on the uuid \
             crate; leave the format out (the value is then a string) and say it in the \
             description"
                .to_owned(),
        ));
    }
    // typify makes an enum of other values (integers, numbers, booleans) a closed newtype:
    // a value Bland adds later would fail the whole answer. (Its `JsonSchema` impl also
    // names `gen`, a keyword of edition 2024: the crate would not build with `schemars`.)
    if let Some(Value::Array(values)) = schema.get("enum")
        && values
            .iter()
            .any(|value| !value.is_string() && !value.is_null())
    {
        return Err(invalid(
            format!("{at}/enum"),
            "an enum of values that are not strings would be a closed type, which refuses \
             every value Bland adds later; leave the enum out and list the values in the \
             description (a string enum, which the client keeps open, is accepted)"
                .to_owned(),
        ));
    }
    // typify checks a pattern with the `regress` crate, which sip-client does not depend
    // on: the generated crate would not compile. A hand-written type checks its own.
    if schema.contains_key("pattern") && !schema.contains_key(TYPE_EXTENSION) {
        return Err(invalid(
            format!("{at}/pattern"),
            "a pattern needs a hand-written type that checks it (x-sip-client-type, as \
             PhoneNumber checks E.164): the generated client carries no regex engine; leave \
             the pattern out and say it in the description, or add such a type"
                .to_owned(),
        ));
    }
    if place == Place::Named {
        return Ok(());
    }
    // Each would be a type of typify's that the surface does not list: a closed enum, or
    // a struct whose fields the change report cannot see.
    if schema.get("enum").is_some_and(Value::is_array)
        && schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
            == "string"
    {
        return Err(invalid(
            at.to_owned(),
            "an inline string enum: move it to components/schemas and $ref it, so that the \
             client can keep values Bland adds later"
                .to_owned(),
        ));
    }
    if place == Place::Inline
        && schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|members| members.len() > 1)
    {
        return Err(invalid(
            at.to_owned(),
            "an inline allOf of several schemas (typify merges them into a struct without a \
             name): move it to components/schemas and $ref it, so that its fields are part of \
             the API surface and of the change report, and a request's are checked"
                .to_owned(),
        ));
    }
    if place == Place::Inline
        && schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty())
    {
        return Err(invalid(
            at.to_owned(),
            "an inline object schema: move it to components/schemas and $ref it, so that its \
             fields are part of the API surface and of the change report"
                .to_owned(),
        ));
    }
    Ok(())
}

/// One parameter, at `at`: the client serializes a query parameter as OpenAPI's default
/// (`style: form`, `explode: true`: an array as `name=a&name=b`) and a path parameter as
/// its (`style: simple`, `explode: false`), and nothing else; any other serialization
/// would be generated and then not honoured. `explode` changes only how an array or object
/// is written: on a single value it is accepted either way. (Header and cookie parameters
/// are refused where the operation is built.)
fn check_parameter(
    root: &Value,
    parameter: &serde_json::Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (location, style, explode, sent) = match parameter.get("in").and_then(Value::as_str) {
        Some("query") => (
            "query",
            "form",
            true,
            "style: form, explode: true (an array as repeated name=a&name=b), reserved \
             characters percent-encoded",
        ),
        Some("path") => (
            "path",
            "simple",
            false,
            "style: simple, explode: false, reserved characters percent-encoded",
        ),
        _ => return Ok(()),
    };
    if parameter.contains_key("content") {
        return Err(invalid(
            at.to_owned(),
            format!(
                "parameter {name:?} has a content (a value serialized as a media type), which \
                 the client does not implement: it sends a {location} parameter by its schema, \
                 as {sent}; give it a schema"
            ),
        ));
    }
    let mut defaults = vec![("style", Value::from(style))];
    if !is_single_value(root, parameter.get("schema")) {
        defaults.push(("explode", Value::from(explode)));
    }
    if location == "query" {
        defaults.push(("allowReserved", Value::from(false)));
    }
    for (key, default) in defaults {
        if let Some(found) = parameter.get(key)
            && *found != default
        {
            return Err(invalid(
                at.to_owned(),
                format!(
                    "parameter {name:?} has {key}: {found}, a serialization the client does \
                     not implement: it sends a {location} parameter as {sent}; leave {key} out \
                     or set it to {default}"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a parameter's schema (its `$ref`s followed) is one string, number, integer or
/// boolean, whose serialization `explode` does not change.
fn is_single_value(root: &Value, schema: Option<&Value>) -> bool {
    let mut schema = schema;
    // `$ref` cycles are refused before this runs; the bound only keeps a bad one finite.
    for _ in 0..16 {
        match schema {
            Some(Value::Object(map)) => match map.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    schema = reference
                        .strip_prefix('#')
                        .and_then(|pointer| root.pointer(pointer));
                }
                None => {
                    return matches!(
                        map.get("type").and_then(Value::as_str),
                        Some("string" | "number" | "integer" | "boolean")
                    );
                }
            },
            _ => return false,
        }
    }
    false
}

/// The JSON pointer of a path item.
/// An operation's parameters (its path item's, then its own), each with the pointer a
/// refusal of it names: its place in its list, or the component a `$ref` names. A `$ref`
/// that names no parameter of `components/parameters` is `Err(reference)`.
/// `operation_at`: the operation's pointer, `/paths/<path>/<method>`.
pub(crate) fn located_parameters<'a>(
    spec: &'a OpenAPI,
    operation_at: &str,
    shared: &'a [ReferenceOr<Parameter>],
    own: &'a [ReferenceOr<Parameter>],
) -> Vec<(String, Result<&'a Parameter, &'a str>)> {
    let item_at = operation_at.rsplit_once('/').map_or("", |(item, _)| item);
    let lists = [(item_at, shared), (operation_at, own)];
    let mut out = Vec::new();
    for (list_at, list) in lists {
        for (i, parameter) in list.iter().enumerate() {
            out.push(match parameter {
                ReferenceOr::Item(parameter) => {
                    (format!("{list_at}/parameters/{i}"), Ok(parameter))
                }
                ReferenceOr::Reference { reference } => {
                    let found =
                        reference
                            .strip_prefix("#/components/parameters/")
                            .and_then(|name| {
                                let found = spec.components.as_ref()?.parameters.get(name)?;
                                Some((name, found.as_item()?))
                            });
                    match found {
                        Some((name, parameter)) => (
                            format!(
                                "/components/parameters/{}",
                                crate::spec::pointer_token(name)
                            ),
                            Ok(parameter),
                        ),
                        None => (format!("{list_at}/parameters/{i}"), Err(reference.as_str())),
                    }
                }
            });
        }
    }
    out
}

fn path_pointer(path: &str) -> String {
    format!("/paths/{}", crate::spec::pointer_token(path))
}

pub(crate) fn invalid(at: String, message: String) -> Error {
    Error::Shape { at, message }
}

/// The client sends the API key one way: in the `authorization` header, raw or as
/// `Bearer <key>` (`AuthScheme`). A scheme that asks for anything else would be generated
/// and then not honoured, so it is refused.
fn check_security_schemes(spec: &OpenAPI) -> Result<(), Error> {
    for (name, scheme) in spec
        .components
        .iter()
        .flat_map(|components| components.security_schemes.iter())
    {
        let at = format!(
            "/components/securitySchemes/{}",
            crate::spec::pointer_token(name)
        );
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(invalid(
                at,
                "a $ref security scheme is not supported".to_owned(),
            ));
        };
        let text = crate::surface::scheme_text(scheme);
        if text != "apiKey, header authorization" && text != "http bearer" {
            return Err(invalid(
                at,
                format!(
                    "the client sends the API key in the authorization header (raw, or as \
                     `Bearer <key>`), not as {text}"
                ),
            ));
        }
    }
    Ok(())
}

/// The servers' URLs. The first is the client's default base URL, and a base URL on one's
/// origin must be that server (`https://api.bland.ai/v1` would call `/v1/v1/sip`), so each
/// is an absolute `https://` URL without variables, query or fragment.
fn servers(spec: &OpenAPI) -> Result<Vec<String>, Error> {
    if spec.servers.is_empty() {
        return Err(invalid(
            "/servers".to_owned(),
            "the spec names no server: the first is the client's default base URL".to_owned(),
        ));
    }
    spec.servers
        .iter()
        .enumerate()
        .map(|(at, server)| {
            let refused = |problem: String| {
                invalid(
                    format!("/servers/{at}/url"),
                    format!("{problem}: {:?}", server.url),
                )
            };
            let absolute =
                "a server is an absolute https:// URL (the client sends the key over TLS)";
            if server.variables.as_ref().is_some_and(|v| !v.is_empty()) || server.url.contains('{')
            {
                return Err(refused("server variables are not supported".to_owned()));
            }
            if server.url.contains(['\\', ' ']) || server.url.contains(char::is_whitespace) {
                return Err(refused(
                    "a server URL takes no backslash or space".to_owned(),
                ));
            }
            let url = url::Url::parse(&server.url)
                .map_err(|err| refused(format!("{absolute}; this one does not parse ({err})")))?;
            if url.scheme() != "https" || url.host_str().is_none() {
                return Err(refused(absolute.to_owned()));
            }
            if url.query().is_some()
                || url.fragment().is_some()
                || !url.username().is_empty()
                || url.password().is_some()
            {
                return Err(refused(
                    "a server URL takes no query, fragment or credentials".to_owned(),
                ));
            }
            // As the client compares it with a base URL: parsed, without a trailing `/`.
            Ok(url.as_str().trim_end_matches('/').to_owned())
        })
        .collect()
}

fn schemas(spec: &OpenAPI) -> impl Iterator<Item = (&String, &ReferenceOr<Schema>)> {
    spec.components
        .iter()
        .flat_map(|components| components.schemas.iter())
}

fn component_schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

/// Why an example answer is refused: it does not decode into its schema's type.
fn example_misfit(schema: &str, place: &str, why: &str) -> String {
    let place = if place.is_empty() {
        "the whole".to_owned()
    } else {
        format!("at {place}")
    };
    format!(
        "its example does not fit the schema {schema} ({place}: {why}), so the mocks' typed \
         example would not decode; fix the example or the schema"
    )
}

pub(crate) fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The schema behind a reference or inline schema (one level of `$ref`).
pub(crate) fn resolve<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => component_schema(spec, ref_name(reference)?),
    }
}

fn resolve_boxed<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<(&'a Schema, Option<&'a str>)> {
    match schema {
        ReferenceOr::Item(schema) => Some((schema, None)),
        ReferenceOr::Reference { reference } => {
            let name = ref_name(reference)?;
            Some((component_schema(spec, name)?, Some(name)))
        }
    }
}

/// Builds the model of `spec`, whose client progenitor generated as `types`.
pub(crate) fn build(
    spec: &OpenAPI,
    types: Types,
    skipped: &BTreeSet<String>,
) -> Result<Api, Error> {
    check_security_schemes(spec)?;
    let hand_written = hand_written(spec)?;
    let (enums, constants) = enums(spec, &hand_written)?;
    for name in types.items.keys().chain(enums.iter().map(|e| &e.name)) {
        if RESERVED.contains(&name.as_str()) {
            return Err(invalid(
                format!("/components/schemas/{name}"),
                format!("the name {name} is taken by sip-client's own {name}; rename the schema"),
            ));
        }
        if PRELUDE.contains(&name.as_str()) {
            return Err(invalid(
                format!("/components/schemas/{name}"),
                format!(
                    "the name {name} is Rust's {name}, which the generated code uses; rename \
                     the schema"
                ),
            ));
        }
    }
    check_field_names(spec, &types)?;
    let error_example = spec.components.iter().flat_map(|c| c.responses.iter()).find_map(|(key, response)| {
        let media = response.as_item()?.content.get("application/json")?;
        let is_error = matches!(&media.schema, Some(ReferenceOr::Reference { reference }) if reference.ends_with("/ErrorEnvelope"));
        if !is_error {
            return None;
        }
        Some((key, media.schema.as_ref()?, media.example.clone()?))
    });
    // The mocks embed it as they embed the answers' examples: it must decode.
    if let Some((key, schema, example)) = &error_example
        && let Some((place, why)) = crate::example_check::misfit(spec, schema, example)
    {
        return Err(invalid(
            format!("/components/responses/{}", crate::spec::pointer_token(key)),
            example_misfit("ErrorEnvelope", &place, &why),
        ));
    }
    let error_example = error_example.map(|(_, _, example)| example);
    let mut api = Api {
        servers: servers(spec)?,
        operations: Vec::new(),
        error_example,
        enums,
        constants,
        hand_written,
        checks: BTreeMap::new(),
        exported: types.items.keys().cloned().collect(),
        request_types: BTreeSet::new(),
        response_types: BTreeSet::new(),
        types,
    };
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(invalid(
                path_pointer(path),
                "a $ref path item is not supported".to_owned(),
            ));
        };
        for (method, operation) in item.iter() {
            let mut op = build_operation(spec, &api, path, method, &item.parameters, operation)?;
            op.in_progenitor = !skipped.contains(&op.id);
            api.operations.push(op);
        }
    }
    api.operations.sort_by(|a, b| a.id.cmp(&b.id));
    let mut roots: Vec<String> = api
        .operations
        .iter()
        .filter_map(|op| match &op.body {
            Some(Body::Json { ty, .. }) => Some(ty.clone()),
            _ => None,
        })
        .collect();
    // A form's schema named in components is only ever sent (the front door sends its
    // fields; typify generates the type all the same): its constraints are judged as a
    // request's.
    roots.extend(form_schemas(spec));
    api.checks = checks(spec, &api, &roots)?;
    let members = composed_members(spec);
    api.request_types = reachable(&api.types, &members, roots);
    let answers: Vec<String> = api
        .operations
        .iter()
        .map(|op| op.success.ty.clone())
        .chain(std::iter::once("ErrorEnvelope".to_owned()))
        .collect();
    api.response_types = reachable(&api.types, &members, answers);
    Ok(api)
}

/// The Rust names of the schemas that `multipart/form-data` request bodies `$ref`.
fn form_schemas(spec: &OpenAPI) -> Vec<String> {
    spec.paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .flat_map(|item| item.iter().map(|(_, operation)| operation))
        .filter_map(|operation| match operation.request_body.as_ref()? {
            ReferenceOr::Item(body) => Some(body),
            ReferenceOr::Reference { .. } => None,
        })
        .flat_map(|body| body.content.iter())
        .filter(|(media, _)| {
            media.split(';').next().unwrap_or_default().trim() == "multipart/form-data"
        })
        .filter_map(|(_, media)| match media.schema.as_ref()? {
            ReferenceOr::Reference { reference } => ref_name(reference).map(rust::upper_camel),
            ReferenceOr::Item(_) => None,
        })
        .collect()
}

/// Two properties of one object whose Rust fields have the same name (`sip` and `Sip`,
/// `sip-x` and `sip_x`) are refused, at the properties of the schema holding both; so is a
/// property whose field is `build`, the name of the method that finishes a builder (its
/// setter would be a second one).
fn check_field_names(spec: &OpenAPI, types: &Types) -> Result<(), Error> {
    for (name, item) in &types.items {
        let rust::Item::Struct(fields) = item else {
            continue;
        };
        for (index, field) in fields.iter().enumerate() {
            if field.ident == "build" {
                let json = serde_json::to_value(spec).unwrap_or_default();
                let at = properties_holding(&json, &field.json, &field.json, &mut String::new())
                    .unwrap_or_else(|| format!("/components/schemas/{name}"));
                return Err(invalid(
                    at,
                    format!(
                        "the property {:?} becomes the field build of {name}, which its \
                         builder's own build() would collide with; rename the property",
                        field.json
                    ),
                ));
            }
            let Some(first) = fields[..index].iter().find(|f| f.ident == field.ident) else {
                continue;
            };
            let json = serde_json::to_value(spec).unwrap_or_default();
            // The map of unknown keys (`additionalProperties`, flattened) is a field too.
            let unknown_keys = first.flatten || field.flatten;
            let (a, b) = if unknown_keys {
                let property = if first.flatten { field } else { first };
                (property, property)
            } else {
                (first, field)
            };
            let at = properties_holding(&json, &a.json, &b.json, &mut String::new())
                .unwrap_or_else(|| format!("/components/schemas/{name}"));
            let message = if unknown_keys {
                format!(
                    "the property {:?} becomes the field {} of {name}, which holds the \
                     object's unknown keys (its additionalProperties); rename the property",
                    a.json, field.ident
                )
            } else {
                format!(
                    "the properties {:?} and {:?} both become the field {} of {name}; rename \
                     one",
                    first.json, field.json, field.ident
                )
            };
            return Err(invalid(at, message));
        }
    }
    Ok(())
}

/// The pointer of the first `properties` (examples left out) that holds both `a` and `b`.
fn properties_holding(value: &Value, a: &str, b: &str, at: &mut String) -> Option<String> {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties")
                && properties.contains_key(a)
                && properties.contains_key(b)
            {
                return Some(format!("{at}/properties"));
            }
            map.iter()
                .filter(|(key, _)| *key != "example" && *key != "examples")
                .map(|(key, child)| (crate::spec::pointer_token(key), child))
                .collect()
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, child)| (index.to_string(), child))
            .collect(),
        _ => return None,
    };
    for (token, child) in children {
        let len = at.len();
        at.push('/');
        at.push_str(&token);
        let found = properties_holding(child, a, b, at);
        at.truncate(len);
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The types reachable from `roots` through the fields of generated structs and the
/// newtypes around them.
/// The generated types reachable from `roots`: through every type a field or a newtype
/// names (in an `Option`, a `Vec`, a `Box`, a map), and through the schemas a composed one
/// is made of (`members`: typify merges an `allOf`'s members into one struct, so the
/// members' own types are reached only through the spec).
fn reachable(
    types: &Types,
    members: &BTreeMap<String, Vec<String>>,
    roots: Vec<String>,
) -> BTreeSet<String> {
    let named = |ty: &syn::Type| -> Vec<String> {
        quote::ToTokens::to_token_stream(ty)
            .to_string()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| types.items.contains_key(*word))
            .map(str::to_owned)
            .collect()
    };
    let mut seen = BTreeSet::new();
    let mut queue = roots;
    while let Some(ty) = queue.pop() {
        if !types.items.contains_key(&ty) || !seen.insert(ty.clone()) {
            continue;
        }
        match types.items.get(&ty) {
            Some(rust::Item::Struct(fields)) => {
                queue.extend(fields.iter().flat_map(|field| named(&field.ty)));
            }
            Some(rust::Item::Newtype(inner)) => queue.extend(named(inner)),
            _ => {}
        }
        queue.extend(members.get(&ty).into_iter().flatten().cloned());
    }
    seen
}

/// The schemas each composed schema (`allOf`, `oneOf`, `anyOf`) names as its members, by
/// Rust name.
fn composed_members(spec: &OpenAPI) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (name, schema) in spec.components.iter().flat_map(|c| c.schemas.iter()) {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let members = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AnyOf { any_of } => any_of,
            _ => continue,
        };
        let names: Vec<String> = members
            .iter()
            .filter_map(|member| match member {
                ReferenceOr::Reference { reference } => ref_name(reference).map(rust::upper_camel),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        out.insert(rust::upper_camel(name), names);
    }
    out
}

fn build_operation(
    spec: &OpenAPI,
    api: &Api,
    path: &str,
    method: &str,
    path_params: &[ReferenceOr<Parameter>],
    operation: &openapiv3::Operation,
) -> Result<Operation, Error> {
    let at = format!("{}/{method}", path_pointer(path));
    let id = operation.operation_id.clone().ok_or_else(|| {
        invalid(
            at.clone(),
            "an operation needs an operationId: it names the client's method".to_owned(),
        )
    })?;
    // Its name, and those of its parameters, were checked before progenitor ran (`names`).

    let mut params = Vec::new();
    for (here, parameter) in located_parameters(spec, &at, path_params, &operation.parameters) {
        let parameter = parameter.map_err(|reference| {
            invalid(
                here.clone(),
                format!("parameter {reference} is not in components/parameters"),
            )
        })?;
        let (location, data) = match parameter {
            Parameter::Query { parameter_data, .. } => (Location::Query, parameter_data),
            Parameter::Path { parameter_data, .. } => (Location::Path, parameter_data),
            Parameter::Header { parameter_data, .. } | Parameter::Cookie { parameter_data, .. } => {
                return Err(invalid(
                    here.clone(),
                    format!(
                        "parameter {:?}: header and cookie parameters are not supported \
                         (the client sets its own headers)",
                        parameter_data.name
                    ),
                ));
            }
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(invalid(
                here.clone(),
                format!("parameter {:?} needs a schema", data.name),
            ));
        };
        let ty = param_type(spec, api, schema).ok_or_else(|| {
            invalid(
                here.clone(),
                format!(
                    "parameter {:?}: only strings, numbers, booleans, enums, hand-written \
                     validated types and arrays of them are supported",
                    data.name
                ),
            )
        })?;
        // A path parameter is one segment; the client sends no list in a path (style
        // simple would be `a,b,c`), and its arguments have no text of a list.
        if location == Location::Path && matches!(ty, ParamType::Many(_)) {
            return Err(invalid(
                here.clone(),
                format!(
                    "parameter {:?}: a path parameter is one value (a string, number, \
                     boolean, enum or hand-written validated type); the client sends no array \
                     in a path",
                    data.name
                ),
            ));
        }
        let ident = rust::snake(&data.name);
        params.push(Param {
            name: data.name.clone(),
            ident,
            location,
            required: data.required || location == Location::Path,
            ty,
            description: data.description.clone(),
            constraints: Constraints::of(spec, schema),
        });
    }

    let mut segments = Vec::new();
    for part in path.split('/').filter(|part| !part.is_empty()) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                if !params
                    .iter()
                    .any(|p| p.location == Location::Path && p.name == name)
                {
                    return Err(invalid(
                        at.clone(),
                        format!("path parameter {{{name}}} is not declared"),
                    ));
                }
                segments.push(Segment::Param(name.to_owned()));
            }
            None if part.contains(['{', '}']) => {
                return Err(invalid(
                    at.clone(),
                    format!("path segment {part:?}: a parameter must be a whole segment"),
                ));
            }
            None => segments.push(Segment::Literal(part.to_owned())),
        }
    }

    let body = match &operation.request_body {
        None => None,
        Some(body) => {
            let body = match body {
                ReferenceOr::Item(body) => body,
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| {
                        spec.components
                            .as_ref()?
                            .request_bodies
                            .get(name)?
                            .as_item()
                    })
                    .ok_or_else(|| {
                        invalid(
                            at.clone(),
                            format!("request body {reference} is not in components/requestBodies"),
                        )
                    })?,
            };
            Some(request_body(spec, &at, body)?)
        }
    };
    if let Some(Body::Multipart { fields }) = &body {
        for field in fields {
            if params.iter().any(|p| p.ident == field.ident) {
                return Err(invalid(
                    at.clone(),
                    format!(
                        "form field {:?} has the Rust name of a parameter",
                        field.name
                    ),
                ));
            }
            // `send` holds each path parameter's text in a local `<name>_segment`.
            if let Some(param) = params.iter().find(|p| {
                p.location == Location::Path && field.ident == format!("{}_segment", p.ident)
            }) {
                return Err(invalid(
                    at.clone(),
                    format!(
                        "form field {:?} gives the Rust name {:?}, which is taken by the path \
                         parameter {:?}; rename it",
                        field.name, field.ident, param.name
                    ),
                ));
            }
        }
    }

    let success = success(spec, api, &at, operation)?;
    let error_statuses = operation
        .responses
        .responses
        .keys()
        .filter_map(|status| match status {
            StatusCode::Code(code) if *code >= 400 => Some(*code),
            _ => None,
        })
        .collect();

    let idempotent = match operation.extensions.get(IDEMPOTENT_EXTENSION) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid(
                format!("{at}/{IDEMPOTENT_EXTENSION}"),
                format!("must be true or false, not {other}"),
            ));
        }
    };
    let retry = match method {
        "get" | "head" | "options" => Retry::Safe,
        _ if idempotent => Retry::Idempotent,
        _ => Retry::NotIdempotent,
    };

    let pagination = pagination(api, &at, operation, method, &params, &success)?;

    let requirements = operation.security.as_ref().or(spec.security.as_ref());
    let sends_key = requirements.is_some_and(|requirements| {
        requirements
            .iter()
            .any(|requirement| !requirement.is_empty())
    });
    let security = requirements
        .map(|requirements| {
            requirements
                .iter()
                .map(|requirement| {
                    let mut names: Vec<String> = requirement
                        .iter()
                        .map(|(name, scopes)| {
                            if scopes.is_empty() {
                                name.clone()
                            } else {
                                format!("{name}({})", scopes.join(" "))
                            }
                        })
                        .collect();
                    names.sort();
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(" + ")
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    Ok(Operation {
        sends_key,
        security,
        id,
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        segments,
        params,
        body,
        success,
        retry,
        in_progenitor: true,
        error_statuses,
        deprecated: operation.deprecated,
        pagination,
    })
}

/// How the operation's answers are paged, from its `x-pagination`: `cursor` names an
/// optional string query parameter of a GET (pages are asked by repeating the request), `items`
/// a list of the answer's data, whose items are objects with the string property `next`.
fn pagination(
    api: &Api,
    at: &str,
    operation: &openapiv3::Operation,
    method: &str,
    params: &[Param],
    success: &Success,
) -> Result<Option<Pagination>, Error> {
    let Some(value) = operation.extensions.get(PAGINATION_EXTENSION) else {
        return Ok(None);
    };
    let at = format!("{at}/{PAGINATION_EXTENSION}");
    let refuse = |message: String| Err(invalid(at.clone(), message));
    let Some(object) = value.as_object() else {
        return refuse(format!(
            "must be an object of `cursor`, `items` and `next`, not {value}"
        ));
    };
    if let Some(key) = object
        .keys()
        .find(|key| !["cursor", "items", "next"].contains(&key.as_str()))
    {
        return refuse(format!(
            "has {key:?}, which is none of `cursor`, `items` and `next`"
        ));
    }
    let name = |key: &str| match object.get(key) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
        Some(other) => Err(invalid(
            format!("{at}/{key}"),
            format!("must be a property's name, not {other}"),
        )),
        None => Err(invalid(at.clone(), format!("needs `{key}`"))),
    };
    let (cursor, items, next) = (name("cursor")?, name("items")?, name("next")?);
    if let Some(param) = params.iter().find(|param| param.ident == "all") {
        return refuse(format!(
            "the parameter {:?} would be the CLI's `--all`, which a paginated operation's \
             command has (every page); rename it",
            param.name
        ));
    }
    if method != "get" {
        return refuse(
            "pages are asked by sending the request again with a cursor: only a GET may \
             be paginated"
                .to_owned(),
        );
    }
    let Some(param) = params
        .iter()
        .find(|param| param.name == cursor && param.location == Location::Query)
    else {
        return refuse(format!(
            "`cursor` is {cursor:?}, which is no query parameter of the operation"
        ));
    };
    if param.required || param.ty != ParamType::One(Scalar::Text) {
        return refuse(format!(
            "the cursor parameter {cursor:?} must be an optional string: the first page is \
             asked without it"
        ));
    }
    let data_optional = success
        .data
        .as_ref()
        .is_some_and(|data| rust::option_inner(data).is_some());
    let data = match &success.data {
        Some(data) => rust::type_name(rust::option_inner(data).unwrap_or(data)),
        None => Some(success.ty.clone()),
    };
    let Some(field) = data
        .as_deref()
        .and_then(|data| api.types.field(data, &items))
    else {
        return refuse(format!(
            "`items` is {items:?}, which is no property of the answer's {}",
            data.as_deref().unwrap_or("data")
        ));
    };
    let items_optional = rust::option_inner(&field.ty).is_some();
    let list = rust::option_inner(&field.ty).unwrap_or(&field.ty);
    let item = rust::vec_inner(list);
    let Some((item, item_name)) = item.and_then(|ty| Some((ty, rust::type_name(ty)?))) else {
        return refuse(format!(
            "`items` must name a list of objects; {items:?} is {}",
            rust::short_type(&field.ty)
        ));
    };
    let Some(next_field) = api.types.field(&item_name, &next) else {
        return refuse(format!(
            "`next` is {next:?}, which is no property of the items ({item_name})"
        ));
    };
    let next_optional = rust::option_inner(&next_field.ty).is_some();
    let next_ty = rust::option_inner(&next_field.ty).unwrap_or(&next_field.ty);
    if rust::short_type(next_ty) != "String" {
        return refuse(format!(
            "`next` must name a string property; {next:?} is {}",
            rust::short_type(&next_field.ty)
        ));
    }
    Ok(Some(Pagination {
        cursor_ident: param.ident.clone(),
        cursor,
        data_optional,
        items,
        items_ident: field.ident.clone(),
        items_optional,
        item: item.clone(),
        next,
        next_ident: next_field.ident.clone(),
        next_optional,
    }))
}

fn scalar(spec: &OpenAPI, api: &Api, schema: &ReferenceOr<Schema>) -> Option<Scalar> {
    if let ReferenceOr::Reference { reference } = schema {
        let name = ref_name(reference)?;
        if let Some(path) = api.hand_written.get(name) {
            let (_, _, usage) = HAND_WRITTEN.iter().find(|(_, p, _)| p == path)?;
            return (*usage == ParamUse::Validated).then_some(Scalar::Validated(path));
        }
        let rust_name = rust::upper_camel(name);
        if api.enums.iter().any(|e| e.name == rust_name) {
            return Some(Scalar::Enum(rust_name));
        }
    }
    let schema = resolve(spec, schema)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
            Some(Scalar::Text)
        }
        SchemaKind::Type(Type::Integer(integer)) => Some(Scalar::Integer(match &integer.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => "i32",
            _ => "i64",
        })),
        SchemaKind::Type(Type::Number(_)) => Some(Scalar::Float),
        SchemaKind::Type(Type::Boolean(_)) => Some(Scalar::Bool),
        _ => None,
    }
}

fn param_type(spec: &OpenAPI, api: &Api, schema: &ReferenceOr<Schema>) -> Option<ParamType> {
    if let Some(scalar) = scalar(spec, api, schema) {
        return Some(ParamType::One(scalar));
    }
    let SchemaKind::Type(Type::Array(array)) = &resolve(spec, schema)?.schema_kind else {
        return None;
    };
    let items = match array.items.as_ref()? {
        ReferenceOr::Item(item) => ReferenceOr::Item((**item).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    };
    scalar(spec, api, &items).map(ParamType::Many)
}

fn request_body(spec: &OpenAPI, at: &str, body: &RequestBody) -> Result<Body, Error> {
    let mut content = body.content.iter();
    let (media, media_type) = match (content.next(), content.next()) {
        (Some(first), None) => first,
        _ => {
            return Err(invalid(
                format!("{at}/requestBody"),
                "a request body needs exactly one media type".to_owned(),
            ));
        }
    };
    let schema = media_type.schema.as_ref().ok_or_else(|| {
        invalid(
            format!("{at}/requestBody"),
            "the request body needs a schema".to_owned(),
        )
    })?;
    match media.split(';').next().unwrap_or_default().trim() {
        "application/json" => {
            let ReferenceOr::Reference { reference } = schema else {
                return Err(invalid(
                    format!("{at}/requestBody"),
                    "a JSON body schema must be a $ref to components/schemas, so that its \
                     type has a name users can build"
                        .to_owned(),
                ));
            };
            let name = ref_name(reference).ok_or_else(|| {
                invalid(
                    format!("{at}/requestBody"),
                    format!("{reference} is not a schema"),
                )
            })?;
            Ok(Body::Json {
                ty: rust::upper_camel(name),
                required: body.required,
            })
        }
        "multipart/form-data" => {
            let object = resolve(spec, schema).and_then(|schema| match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => Some(object),
                _ => None,
            });
            let object = object.ok_or_else(|| {
                invalid(
                    format!("{at}/requestBody"),
                    "a multipart body's schema must be an object of its fields".to_owned(),
                )
            })?;
            let mut fields = Vec::new();
            for (name, property) in &object.properties {
                let (property, _) = resolve_boxed(spec, property).ok_or_else(|| {
                    invalid(
                        format!("{at}/requestBody"),
                        format!("field {name:?} is not a schema"),
                    )
                })?;
                let kind = match &property.schema_kind {
                    SchemaKind::Type(Type::String(string))
                        if matches!(
                            string.format,
                            VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                        ) =>
                    {
                        let content_types = media_type
                            .encoding
                            .get(name)
                            .and_then(|encoding| encoding.content_type.as_deref())
                            .map(|types| {
                                types
                                    .split(',')
                                    .map(|t| t.trim().to_ascii_lowercase())
                                    .filter(|t| !t.is_empty())
                                    .collect()
                            })
                            .unwrap_or_default();
                        PartKind::File {
                            max_bytes: string.max_length.map(|n| n as u64),
                            content_types,
                        }
                    }
                    SchemaKind::Type(Type::String(_)) => PartKind::Text,
                    _ => {
                        return Err(invalid(
                            format!("{at}/requestBody"),
                            format!(
                                "form field {name:?}: only files (format: binary) and strings are supported"
                            ),
                        ));
                    }
                };
                let ident = rust::snake(name);
                let what = format!("form field {name:?}");
                let problem =
                    crate::names::argument_problem(&what, &ident, false, false).or_else(|| {
                        fields
                            .iter()
                            .any(|field: &MultipartField| field.ident == ident)
                            .then(|| {
                                format!(
                                    "{what} gives the Rust name {ident:?}, which is taken by \
                                     another form field; rename one"
                                )
                            })
                    });
                if let Some(problem) = problem {
                    return Err(invalid(format!("{at}/requestBody"), problem));
                }
                fields.push(MultipartField {
                    name: name.clone(),
                    ident,
                    required: object.required.contains(name),
                    description: property.schema_data.description.clone(),
                    kind,
                    constraints: Constraints::of_boxed(spec, &object.properties[name]),
                });
            }
            Ok(Body::Multipart { fields })
        }
        other => Err(invalid(
            format!("{at}/requestBody"),
            format!(
                "media type {other:?} is not supported (application/json, multipart/form-data)"
            ),
        )),
    }
}

/// progenitor gives an operation one success type and one error type (it asserts it, and
/// panics otherwise), and counts a `default` answer among both: answers of several types
/// are refused here, before progenitor runs, saying which differ.
pub(crate) fn check_answers(spec: &OpenAPI) -> Result<(), Error> {
    for (at, operation, _) in crate::names::operations(spec) {
        let at = format!("{at}/responses");
        let answers: Vec<(String, String)> = operation
            .responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => code.to_string(),
                    StatusCode::Range(range) => format!("{range}XX"),
                };
                (status, answer_type(spec, response))
            })
            .collect();
        let default = operation
            .responses
            .default
            .as_ref()
            .map(|response| answer_type(spec, response));
        let success_range = answers.iter().any(|(status, _)| status == "2XX");
        for kind in ["success", "error"] {
            let group: Vec<&(String, String)> = answers
                .iter()
                .filter(|(status, _)| answer_group(status) == Some(kind))
                .collect();
            let types: BTreeSet<&String> = group.iter().map(|(_, ty)| ty).collect();
            if types.len() > 1 {
                let listed: Vec<String> = group
                    .iter()
                    .map(|(status, ty)| format!("{status}: {ty}"))
                    .collect();
                return Err(invalid(
                    at,
                    format!(
                        "the {kind} answers have different types ({}): an operation has one \
                         {kind} type; give them one schema",
                        listed.join("; ")
                    ),
                ));
            }
            // progenitor drops a `default` beside a `2XX` range from the successes.
            let counts = kind == "error" || !success_range;
            if let Some(default) = &default
                && counts
                && types.iter().any(|ty| *ty != default)
            {
                return Err(invalid(
                    at,
                    format!(
                        "a `default` answer is both a success and an error to progenitor, so \
                         its type ({default}) must be the type of each; list the error \
                         statuses it stands for instead (400, 404, 500, ...)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// progenitor's group of a status (a code or a range): 101 and 2xx are successes, 4xx and
/// 5xx errors.
fn answer_group(status: &str) -> Option<&'static str> {
    match status.as_bytes().first() {
        _ if status == "101" => Some("success"),
        Some(b'2') => Some("success"),
        Some(b'4' | b'5') => Some("error"),
        _ => None,
    }
}

/// The answer behind a reference to `components/responses` or written in place, if any.
pub(crate) fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name)?.as_item()),
    }
}

/// What an answer holds, as the messages of [`check_answers`] name it: its JSON schema's
/// name (or the inline schema), another media type, or no content.
fn answer_type(spec: &OpenAPI, response: &ReferenceOr<Response>) -> String {
    let Some(response) = resolve_response(spec, response) else {
        return "an answer not in components/responses".to_owned();
    };
    match response.content.get("application/json") {
        Some(media) => match &media.schema {
            Some(ReferenceOr::Reference { reference }) => {
                ref_name(reference).unwrap_or(reference).to_owned()
            }
            Some(ReferenceOr::Item(schema)) => format!(
                "the inline schema {}",
                serde_json::to_string(schema).unwrap_or_default()
            ),
            None => "application/json without a schema".to_owned(),
        },
        None => match response.content.keys().next() {
            Some(media) => media.clone(),
            None => "no content".to_owned(),
        },
    }
}

fn success(
    spec: &OpenAPI,
    api: &Api,
    at: &str,
    operation: &openapiv3::Operation,
) -> Result<Success, Error> {
    // The lowest 2xx, not the first written: a 201 added before the 200 leaves the success
    // (and the mock's method named after it, `ok`) as it was.
    let (status, response) = operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| match status {
            StatusCode::Code(code) if (200..300).contains(code) => Some((*code, response)),
            _ => None,
        })
        .min_by_key(|(code, _)| *code)
        .ok_or_else(|| invalid(format!("{at}/responses"), "no 2xx response".to_owned()))?;
    let response = resolve_response(spec, response).ok_or_else(|| {
        let reference = match response {
            ReferenceOr::Reference { reference } => reference.as_str(),
            ReferenceOr::Item(_) => "the answer",
        };
        invalid(
            format!("{at}/responses"),
            format!("{reference} is not in components/responses"),
        )
    })?;
    let media = response.content.get("application/json");
    let example = media.and_then(|media| media.example.clone());
    let schema = media.and_then(|media| media.schema.as_ref());
    let Some(ReferenceOr::Reference { reference }) = schema else {
        return Err(invalid(
            format!("{at}/responses/{status}"),
            "the success answer needs an application/json schema that is a $ref to \
             components/schemas, so that its type has a name"
                .to_owned(),
        ));
    };
    let name = ref_name(reference).ok_or_else(|| {
        invalid(
            format!("{at}/responses/{status}"),
            format!("{reference} is not a schema"),
        )
    })?;
    if let (Some(example), Some(schema)) = (&example, schema)
        && let Some((place, why)) = crate::example_check::misfit(spec, schema, example)
    {
        return Err(invalid(
            format!("{at}/responses/{status}"),
            example_misfit(name, &place, &why),
        ));
    }
    let ty = rust::upper_camel(name);
    let fields = api.types.fields(&ty).ok_or_else(|| {
        invalid(
            format!("{at}/responses/{status}"),
            format!("the success answer {name} must be an object"),
        )
    })?;
    // Bland's envelope holds `data` and `errors` and nothing else; a call returns the data.
    // Any other shape is returned whole, so that nothing of it is lost.
    let is_envelope = fields.iter().any(|f| f.json == "data")
        && fields
            .iter()
            .all(|f| !f.flatten && (f.json == "data" || f.json == "errors"));
    // Its `errors` are Bland's entries, which the client reports as the call's failure:
    // any other type would be dropped unread.
    if is_envelope
        && let Some(errors) = fields.iter().find(|f| f.json == "errors")
        && !matches!(
            rust::short_type(&errors.ty).as_str(),
            "Option<Vec<ApiErrorEntry>>" | "Vec<ApiErrorEntry>"
        )
    {
        return Err(invalid(
            format!(
                "/components/schemas/{}/properties/errors",
                crate::spec::pointer_token(name)
            ),
            format!(
                "the `errors` of an envelope must be a list of ApiErrorEntry, which the \
                 client reports as Bland's errors; it is {}",
                rust::short_type(&errors.ty)
            ),
        ));
    }
    let data = is_envelope
        .then(|| fields.iter().find(|f| f.json == "data"))
        .flatten()
        .map(|f| f.ty.clone());
    Ok(Success {
        example,
        status,
        ty,
        data,
    })
}

/// The checks of every type reachable from a request body.
fn checks(
    spec: &OpenAPI,
    api: &Api,
    roots: &[String],
) -> Result<BTreeMap<String, TypeChecks>, Error> {
    // Rust name -> schema name, for every component object.
    let by_rust: BTreeMap<String, &String> = schemas(spec)
        .map(|(name, _)| (rust::upper_camel(name), name))
        .collect();
    let mut reachable = BTreeSet::new();
    let mut queue: Vec<String> = roots.to_vec();
    while let Some(ty) = queue.pop() {
        if !reachable.insert(ty.clone()) {
            continue;
        }
        let checkable = |inner: &String| {
            matches!(
                api.types.items.get(inner),
                Some(rust::Item::Struct(_) | rust::Item::Enum(_))
            )
        };
        match api.types.items.get(&ty) {
            Some(rust::Item::Struct(fields)) => queue.extend(
                fields
                    .iter()
                    .filter_map(|field| struct_inside(&field.ty))
                    .filter(checkable),
            ),
            Some(rust::Item::Enum(variants)) => queue.extend(
                variants
                    .iter()
                    .filter_map(|(_, held)| held_inside(held.as_deref()?))
                    .filter(checkable),
            ),
            _ => {}
        }
    }

    let mut all = BTreeMap::new();
    for ty in &reachable {
        let Some(schema_name) = by_rust.get(ty) else {
            continue;
        };
        let at = format!("/components/schemas/{schema_name}");
        let Some(schema) = component_schema(spec, schema_name) else {
            continue;
        };
        let parts = object_parts(spec, schema, at.clone(), 0);
        if parts.is_empty() {
            continue;
        }
        let mut checks = TypeChecks::default();
        let objects = || {
            parts.iter().map(|(at, part)| match &part.schema_kind {
                SchemaKind::Type(Type::Object(object)) => (at, object),
                _ => unreachable!("object_parts holds object schemas only"),
            })
        };
        let required: BTreeSet<&String> =
            objects().flat_map(|(_, object)| &object.required).collect();
        let properties = objects().flat_map(|(at, object)| {
            object
                .properties
                .iter()
                .map(move |(name, schema)| (at, name, schema))
        });
        for (part_at, property, property_schema) in properties {
            let Some(field) = api.types.field(ty, property) else {
                continue;
            };
            let Some((resolved, named)) = resolve_boxed(spec, property_schema) else {
                continue;
            };
            // OpenAPI 3.0: a read-only property is not sent, and `required` holds for
            // answers only. The generated request type would send it, and demand it when
            // required.
            if resolved.schema_data.read_only {
                // Where the flag stands: the property's schema, or the one it $refs.
                let schema_at = match named {
                    Some(name) => {
                        format!("/components/schemas/{}", crate::spec::pointer_token(name))
                    }
                    None => format!(
                        "{part_at}/properties/{}",
                        crate::spec::pointer_token(property)
                    ),
                };
                return Err(invalid(
                    format!("{schema_at}/readOnly"),
                    format!(
                        "{property} is read-only in a type sent in a request ({ty}): the \
                         client would send it, and demand it where it is required; give the \
                         request its own schema without it"
                    ),
                ));
            }
            let newtype = struct_inside(&field.ty).is_some_and(|inner| {
                matches!(api.types.items.get(&inner), Some(rust::Item::Newtype(_)))
            });
            let always_sent = required.contains(property) || resolved.schema_data.default.is_some();
            let mut check = FieldCheck::new(field.clone(), newtype, always_sent);
            match &resolved.schema_kind {
                SchemaKind::Type(Type::String(string)) => {
                    check.min_length = string.min_length.map(|n| n as u64);
                    check.max_length = string.max_length.map(|n| n as u64);
                }
                SchemaKind::Type(Type::Array(array)) => {
                    check.min_items = array.min_items.map(|n| n as u64);
                    check.max_items = array.max_items.map(|n| n as u64);
                    if let Some((items, _)) = array
                        .items
                        .as_ref()
                        .and_then(|items| resolve_boxed(spec, items))
                    {
                        [check.item_minimum, check.item_maximum] = number_bounds(items);
                    }
                }
                _ => [check.minimum, check.maximum] = number_bounds(resolved),
            }
            checks.fields.push(check);
        }
        // The rules of the schema and of each part (an object schema is its own one part).
        let composed = !matches!(schema.schema_kind, SchemaKind::Type(Type::Object(_)));
        let own = composed.then(|| (at.clone(), schema));
        for (at, part) in own.iter().chain(&parts) {
            if let Some(rules) = part.schema_data.extensions.get(RULES_EXTENSION) {
                checks.rules.extend(parse_rules(
                    api,
                    ty,
                    &format!("{at}/{RULES_EXTENSION}"),
                    rules,
                )?);
            }
        }
        all.insert(ty.clone(), checks);
    }
    // An enum of alternatives is checked through the variants whose value is checked; one
    // with none needs no checks. (An enum may hold another: repeat until nothing changes.)
    let enums: Vec<&String> = reachable
        .iter()
        .filter(|ty| matches!(api.types.items.get(*ty), Some(rust::Item::Enum(_))))
        .collect();
    let checked_variants = |ty: &str, all: &BTreeMap<String, TypeChecks>| -> Vec<String> {
        let Some(rust::Item::Enum(variants)) = api.types.items.get(ty) else {
            return Vec::new();
        };
        variants
            .iter()
            .filter(|(_, held)| {
                held.as_deref()
                    .and_then(held_inside)
                    .is_some_and(|inner| all.contains_key(&inner))
            })
            .map(|(variant, _)| variant.clone())
            .collect()
    };
    loop {
        let before = all.len();
        for ty in &enums {
            let checked = checked_variants(ty, &all);
            if !checked.is_empty() {
                all.entry(ty.to_string()).or_default().alternatives = Some(checked);
            }
        }
        if all.len() == before {
            break;
        }
    }
    for ty in &enums {
        let checked = checked_variants(ty, &all);
        if let Some(checks) = all.get_mut(*ty) {
            checks.alternatives = Some(checked);
        }
    }
    // An open enum checks itself too: a near miss of a known value is refused.
    let with_checks: BTreeSet<String> = all
        .keys()
        .cloned()
        .chain(api.enums.iter().map(|e| e.name.clone()))
        .collect();
    for checks in all.values_mut() {
        for check in &mut checks.fields {
            check.nested =
                struct_inside(&check.field.ty).is_some_and(|inner| with_checks.contains(&inner));
        }
    }
    // A struct of a request whose schema the checks above could not read would have no
    // `Validate` impl, and the crate would not compile: say so here instead.
    if let Some(ty) = reachable
        .iter()
        .find(|ty| api.types.fields(ty).is_some() && !all.contains_key(*ty))
    {
        return Err(invalid(
            by_rust.get(ty).map_or_else(
                || "/components/schemas".to_owned(),
                |name| format!("/components/schemas/{name}"),
            ),
            format!(
                "{ty}, a struct of a request, comes from no object schema or allOf of them \
                 that the client can read its rules from; make it a named object schema"
            ),
        ));
    }
    Ok(all)
}

/// The object schemas whose properties make the struct of `schema` (at `at`): itself, or,
/// for an `allOf`, those of each member in order (typify merges them into one struct),
/// each with its pointer. Empty for any other schema.
fn object_parts<'a>(
    spec: &'a OpenAPI,
    schema: &'a Schema,
    at: String,
    depth: usize,
) -> Vec<(String, &'a Schema)> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) => vec![(at, schema)],
        // A cycle of allOf alone is refused before; the depth is a guard all the same.
        SchemaKind::AllOf { all_of } if depth < 32 => all_of
            .iter()
            .enumerate()
            .flat_map(|(index, member)| {
                let at = match member {
                    ReferenceOr::Reference { reference } => ref_name(reference).map_or_else(
                        || format!("{at}/allOf/{index}"),
                        |name| format!("/components/schemas/{name}"),
                    ),
                    ReferenceOr::Item(_) => format!("{at}/allOf/{index}"),
                };
                resolve(spec, member)
                    .map(|member| object_parts(spec, member, at, depth + 1))
                    .unwrap_or_default()
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The struct named inside `Option<..>`, `Vec<..>`, `Box<..>` (typify's for a recursive
/// type) or plainly, if any.
pub(crate) fn struct_inside(ty: &syn::Type) -> Option<String> {
    let inner = rust::option_inner(ty).unwrap_or(ty);
    let inner = rust::vec_inner(inner).unwrap_or(inner);
    let inner = rust::generic_inner(inner, "Box").unwrap_or(inner);
    rust::type_name(inner)
}

/// The type named inside what a variant of an enum holds (its short form, `Types`' `Enum`),
/// as [`struct_inside`].
fn held_inside(held: &str) -> Option<String> {
    struct_inside(&syn::parse_str(held).ok()?)
}

fn parse_rules(api: &Api, ty: &str, at: &str, rules: &Value) -> Result<Vec<Rule>, Error> {
    let field = |name: &Value| -> Result<rust::Field, Error> {
        let name = name.as_str().unwrap_or_default();
        api.types.field(ty, name).cloned().ok_or_else(|| {
            invalid(
                at.to_owned(),
                format!("{name:?} is not a property of this schema"),
            )
        })
    };
    let fields = |names: &Value| -> Result<Vec<rust::Field>, Error> {
        names
            .as_array()
            .ok_or_else(|| {
                invalid(
                    at.to_owned(),
                    "expected a list of property names".to_owned(),
                )
            })?
            .iter()
            .map(field)
            .collect()
    };
    let Some(list) = rules.as_array() else {
        return Err(invalid(at.to_owned(), "must be a list of rules".to_owned()));
    };
    let mut out = Vec::new();
    for rule in list {
        let Some((kind, args)) = rule
            .as_object()
            .and_then(|map| (map.len() == 1).then(|| map.iter().next()).flatten())
        else {
            return Err(invalid(
                at.to_owned(),
                format!("each rule is one of exclusive, one-of, e164-unless, required-if: {rule}"),
            ));
        };
        out.push(match kind.as_str() {
            "exclusive" => Rule::Exclusive(fields(args)?),
            "one-of" => Rule::OneOf(fields(args)?),
            "e164-unless" => Rule::E164Unless {
                fields: fields(&args["fields"])?,
                set: Box::new(field(&args["set"])?),
            },
            "required-if" => {
                let when = args["when"]
                    .as_object()
                    .filter(|m| m.len() == 1)
                    .ok_or_else(|| {
                        invalid(
                            at.to_owned(),
                            "required-if needs `when: {field: value}`".to_owned(),
                        )
                    })?;
                let (when_field, value) = when.iter().next().expect("one entry");
                Rule::RequiredIf {
                    field: Box::new(field(&args["field"])?),
                    when: Box::new(field(&Value::String(when_field.clone()))?),
                    value: match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    },
                }
            }
            other => {
                return Err(invalid(
                    at.to_owned(),
                    format!(
                        "unknown rule {other:?}: one of exclusive, one-of, e164-unless, required-if"
                    ),
                ));
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_spec::{base, generated_file, line_starting, with_query_parameters};

    fn param(name: &str, location: Location, required: bool) -> Param {
        Param {
            name: name.to_owned(),
            ident: name.to_owned(),
            location,
            required,
            ty: ParamType::One(Scalar::Text),
            description: None,
            constraints: Constraints::default(),
        }
    }

    /// The members of a type composed with `allOf` are found through `$ref`s, in order; a
    /// cycle of them (which the generator refuses before) still ends, with no member.
    #[test]
    fn the_parts_of_an_all_of_are_found_and_a_cycle_ends() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Both": {"allOf": [{"$ref": "#/components/schemas/One"},
                                   {"$ref": "#/components/schemas/Two"}]},
                "One": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Two": {"allOf": [{"$ref": "#/components/schemas/One"}]},
                "Loop": {"allOf": [{"$ref": "#/components/schemas/Pool"}]},
                "Pool": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
            }}
        }))
        .unwrap();
        let parts = |name: &str| -> Vec<String> {
            let schema = component_schema(&spec, name).unwrap();
            object_parts(&spec, schema, format!("/components/schemas/{name}"), 0)
                .into_iter()
                .map(|(at, _)| at)
                .collect()
        };
        assert_eq!(
            parts("Both"),
            ["/components/schemas/One", "/components/schemas/One"]
        );
        assert_eq!(parts("One"), ["/components/schemas/One"]);
        assert!(parts("Loop").is_empty());
    }

    #[test]
    fn arguments_are_path_parameters_in_path_order_then_required_query_parameters() {
        // `/v1/{a}/x/{b}`, the parameters declared in another order, and a query parameter
        // named like a path parameter.
        let segments = [
            Segment::Literal("v1".to_owned()),
            Segment::Param("a".to_owned()),
            Segment::Literal("x".to_owned()),
            Segment::Param("b".to_owned()),
        ];
        let params = [
            param("limit", Location::Query, false),
            param("a", Location::Query, true),
            param("b", Location::Path, true),
            param("a", Location::Path, true),
            param("q", Location::Query, true),
        ];
        let order: Vec<(&str, Location)> = positional(&segments, &params)
            .into_iter()
            .map(|p| (p.name.as_str(), p.location))
            .collect();
        assert_eq!(
            order,
            [
                ("a", Location::Path),
                ("b", Location::Path),
                ("a", Location::Query),
                ("q", Location::Query),
            ]
        );
        let setters: Vec<&str> = optional(&params).map(|p| p.name.as_str()).collect();
        assert_eq!(setters, ["limit"]);
    }

    /// Each schema a query parameter may have becomes the type of its setter on the
    /// operation's request (arrays: one value per item, repeated in the query).
    #[test]
    fn each_parameter_schema_becomes_its_rust_type() {
        let mut spec = with_query_parameters([
            (
                "count",
                serde_json::json!({"type": "integer", "format": "int32"}),
            ),
            (
                "since",
                serde_json::json!({"type": "integer", "format": "int64"}),
            ),
            ("offset", serde_json::json!({"type": "integer"})),
            ("ratio", serde_json::json!({"type": "number"})),
            (
                "kind",
                serde_json::json!({"$ref": "#/components/schemas/Kind"}),
            ),
            ("note", serde_json::json!({"type": "string"})),
            (
                "tags",
                serde_json::json!({"type": "array", "items": {"type": "string"}}),
            ),
            (
                "sizes",
                serde_json::json!({"type": "array", "items": {"type": "integer", "format": "int32"}}),
            ),
            (
                "kinds",
                serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Kind"}}),
            ),
            (
                "label",
                serde_json::json!({"$ref": "#/components/schemas/Label"}),
            ),
        ]);
        // A string of the spec's own, not an enum: text.
        spec["components"]["schemas"]["Label"] =
            serde_json::json!({"type": "string", "maxLength": 9});
        let api = &generated_file(&spec, crate::API_PATH);
        let setter = |name: &str| -> String {
            let start = api
                .find(&format!("pub fn {name}("))
                .unwrap_or_else(|| panic!("a setter {name} in\n{api}"));
            let end = start + api[start..].find(") -> Self").unwrap();
            let text = api[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            text.replace("( ", "(").trim_end_matches(',').to_owned()
        };
        let into = |ty: &str| format!("impl ::std::convert::Into<{ty}>");
        let text = "::std::string::String";
        let kind = "Kind";
        for (name, ty) in [
            ("verbose", "bool".to_owned()),
            ("count", "i32".to_owned()),
            ("since", "i64".to_owned()),
            ("offset", "i64".to_owned()),
            ("ratio", "f64".to_owned()),
            ("kind", into(kind)),
            ("note", into(text)),
            ("label", into(text)),
        ] {
            assert_eq!(
                setter(name),
                format!("pub fn {name}(mut self, value: {ty}"),
                "{name}"
            );
        }
        let many = |item: &str| format!("impl ::std::iter::IntoIterator<Item = {item}>");
        for (name, ty) in [
            ("tags", many(&into(text))),
            ("sizes", many("i32")),
            ("kinds", many(&into(kind))),
        ] {
            let found = setter(name).replace("< ", "<").replace(", >", ">");
            assert_eq!(
                found,
                format!("pub fn {name}(mut self, value: {ty}"),
                "{name}"
            );
        }
    }

    /// Every keyword that constrains a parameter's value (and its items') is named in the
    /// surface, where the change report compares them.
    #[test]
    fn the_constraints_of_each_kind_of_parameter_are_in_the_surface() {
        let spec = with_query_parameters([
            (
                "count",
                serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100}),
            ),
            (
                "ratio",
                serde_json::json!({"type": "number", "minimum": 0.5, "maximum": 2}),
            ),
            (
                "note",
                serde_json::json!({"type": "string", "minLength": 1, "maxLength": 9}),
            ),
            (
                "tags",
                serde_json::json!({"type": "array", "minItems": 1, "maxItems": 3,
                                        "items": {"type": "string", "maxLength": 5}}),
            ),
            ("flag", serde_json::json!({"type": "boolean"})),
        ]);
        let surface = generated_file(&spec, crate::SURFACE_PATH);
        let line = |name: &str| line_starting(&surface, &format!("param get_thing.{name}: "));
        for (name, expected) in [
            // typify's type for the raw client and the mocks: `minimum: 1` makes it
            // `NonZeroU64`, where the front door takes an `i64` it checks.
            (
                "count",
                "query, optional, i64 | maximum=100 | minimum=1 | raw=NonZeroU64",
            ),
            ("ratio", "query, optional, f64 | maximum=2 | minimum=0.5"),
            (
                "note",
                "query, optional, String | maxLength=9 | minLength=1 | raw=GetThingNote",
            ),
            (
                "tags",
                "query, optional, Vec<String> | items.maxLength=5 | maxItems=3 | minItems=1 | \
                 raw=Vec<GetThingTagsItem>",
            ),
            ("flag", "query, optional, bool"),
        ] {
            assert_eq!(line(name), format!("param get_thing.{name}: {expected}"));
        }
    }

    /// Reads are retried; a write only when the spec marks it idempotent (`x-idempotent`),
    /// else only when it was provably not sent.
    #[test]
    fn retries_follow_the_method_and_x_idempotent() {
        let retried = |idempotent: Option<bool>| -> String {
            let mut spec = base();
            if let Some(idempotent) = idempotent {
                spec["paths"]["/v1/things"]["post"]["x-idempotent"] = idempotent.into();
            }
            let generated = crate::generate("things.json", &spec.to_string()).unwrap();
            generated
                .operations_table
                .lines()
                .filter(|line| line.contains("`get_thing`") || line.contains("`create_thing`"))
                .map(|line| line.rsplit('|').nth(1).unwrap().trim().to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        // The table lists operations by name: create_thing, then get_thing.
        assert_eq!(retried(None), "only if not sent, safe");
        assert_eq!(retried(Some(false)), "only if not sent, safe");
        assert_eq!(retried(Some(true)), "idempotent, safe");
    }

    /// A call returns the `data` of Bland's envelope (an object of `data` and, optionally,
    /// `errors`, and nothing else); any other answer is returned whole.
    #[test]
    fn a_call_returns_the_data_of_an_envelope_and_anything_else_whole() {
        let data = serde_json::json!({"$ref": "#/components/schemas/Thing"});
        let errors = serde_json::json!({"type": "array",
            "items": {"$ref": "#/components/schemas/ApiErrorEntry"}});
        let text = serde_json::json!({"type": "string"});
        let output = |envelope: serde_json::Value| -> String {
            let mut spec = base();
            spec["components"]["schemas"]["ThingEnvelope"] = envelope;
            let surface = generated_file(&spec, crate::SURFACE_PATH);
            line_starting(&surface, "output get_thing: ").to_owned()
        };
        let object = |properties: serde_json::Value| serde_json::json!({"type": "object", "properties": properties});
        // `data` is not required in these schemas: an `Option`.
        let data_of = "output get_thing: Option<Thing> (data of ThingEnvelope)";
        let whole = "output get_thing: ThingEnvelope";
        assert_eq!(
            output(object(serde_json::json!({"data": data, "errors": errors}))),
            data_of
        );
        assert_eq!(output(object(serde_json::json!({"data": data}))), data_of);
        assert_eq!(output(object(serde_json::json!({"errors": errors}))), whole);
        assert_eq!(
            output(object(
                serde_json::json!({"data": data, "errors": errors, "count": text})
            )),
            whole
        );
        assert_eq!(output(object(serde_json::json!({"name": text}))), whole);
        // Keys the schema does not name are kept (a flattened map): not an envelope either.
        let mut open = object(serde_json::json!({"data": data, "errors": errors}));
        open["additionalProperties"] = text;
        assert_eq!(output(open), whole);
    }

    /// An envelope's `errors` are Bland's entries, which the client reports as the call's
    /// failure: of any other type (a list of text) they would be dropped unread. Refused at
    /// the property; a list of `ApiErrorEntry`, required or not, nullable or not, is
    /// Bland's.
    #[test]
    fn an_envelopes_errors_are_blands_entries() {
        let entries = serde_json::json!({"type": "array",
            "items": {"$ref": "#/components/schemas/ApiErrorEntry"}});
        let texts = serde_json::json!({"type": "array", "items": {"type": "string"}});
        let generate = |errors: serde_json::Value, required: bool| {
            let mut spec = base();
            let envelope = &mut spec["components"]["schemas"]["ThingEnvelope"];
            envelope["properties"]["errors"] = errors;
            if required {
                envelope["required"] = serde_json::json!(["errors"]);
            }
            crate::generate("things.json", &spec.to_string()).map(|_| ())
        };
        for (errors, required, ty) in [
            (texts.clone(), false, "Vec<String>"),
            (texts, true, "Vec<String>"),
        ] {
            assert_eq!(
                generate(errors, required),
                Err(Error::Shape {
                    at: "/components/schemas/ThingEnvelope/properties/errors".to_owned(),
                    message: format!(
                        "the `errors` of an envelope must be a list of ApiErrorEntry, which the \
                         client reports as Bland's errors; it is {ty}"
                    ),
                })
            );
        }
        assert_eq!(generate(entries.clone(), false), Ok(()));
        assert_eq!(generate(entries.clone(), true), Ok(()));
        let mut nullable = entries;
        nullable["nullable"] = true.into();
        assert_eq!(generate(nullable, true), Ok(()));
    }

    /// Every public item of sip-client's crate root a schema could be named like (defined
    /// there or re-exported, the generated types left out) is in `RESERVED`.
    #[test]
    fn every_item_of_the_crate_root_is_reserved() {
        fn leaves(tree: &syn::UseTree, out: &mut Vec<String>) {
            match tree {
                syn::UseTree::Path(path) => leaves(&path.tree, out),
                syn::UseTree::Name(name) => out.push(name.ident.to_string()),
                syn::UseTree::Rename(rename) => out.push(rename.rename.to_string()),
                syn::UseTree::Group(group) => group.items.iter().for_each(|t| leaves(t, out)),
                syn::UseTree::Glob(_) => out.push("*".to_owned()),
            }
        }
        let path = crate::test_spec::sip_client_src().join("lib.rs");
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut names = Vec::new();
        for item in &file.items {
            let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
            match item {
                syn::Item::Use(item) if public(&item.vis) => {
                    let mut found = Vec::new();
                    leaves(&item.tree, &mut found);
                    let generated =
                        matches!(&item.tree, syn::UseTree::Path(p) if p.ident == "generated_api");
                    if found.iter().any(|name| name == "*") {
                        assert!(
                            generated,
                            "a glob re-export other than the generated types: list its items in RESERVED and read them here"
                        );
                        continue;
                    }
                    names.extend(found);
                }
                syn::Item::Struct(item) if public(&item.vis) => names.push(item.ident.to_string()),
                syn::Item::Enum(item) if public(&item.vis) => names.push(item.ident.to_string()),
                syn::Item::Trait(item) if public(&item.vis) => names.push(item.ident.to_string()),
                syn::Item::Type(item) if public(&item.vis) => names.push(item.ident.to_string()),
                _ => {}
            }
        }
        assert!(names.iter().any(|name| name == "Client"), "{names:?}");
        for name in names {
            // Modules, functions and constants are named otherwise than a schema's type.
            if !name.starts_with(|c: char| c.is_ascii_uppercase())
                || !name.contains(|c: char| c.is_ascii_lowercase())
            {
                continue;
            }
            assert!(
                RESERVED.contains(&name.as_str()),
                "{name} is not in RESERVED"
            );
        }
    }

    #[test]
    fn inline_enums_are_refused_with_where_they_are() {
        let spec = serde_json::json!({
            "components": {"schemas": {
                "Ok": {"type": "string", "enum": ["a", "b"]},
                "Obj": {"type": "object", "properties": {"bad": {"type": "string", "enum": ["x"]}}}
            }},
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"example": {"enum": ["fine"]}}}}}}}}
        });
        let err = check_document(&spec).unwrap_err();
        assert_eq!(
            err,
            Error::Shape {
                at: "/components/schemas/Obj/properties/bad".to_owned(),
                message: "an inline string enum: move it to components/schemas and $ref it, \
                          so that the client can keep values Bland adds later"
                    .to_owned()
            }
        );
        // In a list (a parameter's schema), named by its index.
        let in_list = serde_json::json!({"paths": {"/x": {"get": {"parameters": [
            {"name": "a", "in": "query", "schema": {"type": "string"}},
            {"name": "b", "in": "query", "schema": {"enum": ["x", "y"]}}
        ]}}}});
        assert_eq!(
            check_document(&in_list).unwrap_err(),
            Error::Shape {
                at: "/paths/~1x/get/parameters/1/schema".to_owned(),
                message: "an inline string enum: move it to components/schemas and $ref it, \
                          so that the client can keep values Bland adds later"
                    .to_owned()
            }
        );
        // Examples are data: an `enum` key in one is not a schema. (Enums of values that
        // are not strings are refused wherever they are: `refusals.rs`.)
        let fine = serde_json::json!({
            "components": {"schemas": {
                "Ok": {"type": "string", "enum": ["a"]},
                "Obj": {"type": "object", "properties": {
                    "level": {"type": "integer", "minimum": 1}
                }}
            }},
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
                "example": {"enum": ["fine"]},
                "examples": {"one": {"value": {"enum": ["fine"]}}}
            }}}}}}}
        });
        assert_eq!(check_document(&fine), Ok(()));
    }
}
