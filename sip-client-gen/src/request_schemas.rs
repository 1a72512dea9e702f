//! The constraints of what the client sends: every schema a request body or a parameter
//! reaches (through `$ref`s too), walked by the role it plays, so that a constraint stands
//! only where the front door checks it, and a `default` meets its own schema. Schemas only
//! answers reach are not judged here: the client checks nothing of an answer's values.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::Error;
use crate::model::invalid;
use crate::spec::pointer_token;

/// The keywords the front door checks before a request is sent (beside `pattern`, which a
/// hand-written type checks).
const CHECKED_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
];

/// The role of a schema in what is sent, which decides whether its constraints are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A property's own schema, written in place.
    Property,
    /// A parameter's schema, or a request body's.
    Parameter,
    /// The items of a list written in place as a property or a parameter.
    Items,
    /// A schema of `components/schemas`, reached by a `$ref`.
    Named,
    /// A member of `allOf`, `anyOf` or `oneOf`.
    Member,
    /// The items of any other list: a list inside a list, a named list's items.
    NestedItems,
    /// The values of a map (`additionalProperties`), or a `not`.
    Elsewhere,
}

/// Refuses a constraint the client would not check in anything it sends, and a `default`
/// that breaks its own schema, naming the place.
pub(crate) fn check(root: &Value) -> Result<(), Error> {
    let mut walk = Walk {
        root,
        seen: BTreeSet::new(),
    };
    let Some(Value::Object(paths)) = root.get("paths") else {
        return Ok(());
    };
    for (path, item) in paths {
        let at = format!("/paths/{}", pointer_token(path));
        walk.parameters(item, &at)?;
        for method in crate::spec::METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = format!("{at}/{method}");
            walk.parameters(operation, &at)?;
            if let Some(body) = operation.get("requestBody") {
                let (body, at) = walk.resolve(body, format!("{at}/requestBody"));
                if let Some(Value::Object(content)) = body.get("content") {
                    for (media, media_type) in content {
                        if let Some(schema) = media_type.get("schema") {
                            let at = format!("{at}/content/{}/schema", pointer_token(media));
                            walk.schema(schema, at, Role::Parameter)?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

struct Walk<'a> {
    root: &'a Value,
    /// The `$ref`s followed already (a named schema plays one role wherever it is used).
    seen: BTreeSet<String>,
}

impl<'a> Walk<'a> {
    /// `value`, or what its `$ref` names, with its pointer.
    fn resolve(&self, value: &'a Value, at: String) -> (&'a Value, String) {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|pointer| Some((self.root.pointer(pointer)?, pointer)))
            {
                Some((target, pointer)) => (target, pointer.to_owned()),
                None => (value, at),
            },
            None => (value, at),
        }
    }

    fn parameters(&mut self, owner: &'a Value, at: &str) -> Result<(), Error> {
        let Some(Value::Array(parameters)) = owner.get("parameters") else {
            return Ok(());
        };
        for (index, parameter) in parameters.iter().enumerate() {
            let (parameter, at) = self.resolve(parameter, format!("{at}/parameters/{index}"));
            if let Some(schema) = parameter.get("schema") {
                self.schema(schema, format!("{at}/schema"), Role::Parameter)?;
            }
        }
        Ok(())
    }

    fn schema(&mut self, schema: &'a Value, at: String, role: Role) -> Result<(), Error> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let (target, at) = self.resolve(schema, at);
            if self.seen.insert(reference.to_owned()) {
                self.schema(target, at, Role::Named)?;
            }
            return Ok(());
        }
        let Value::Object(map) = schema else {
            return Ok(());
        };
        constraints_stand_where_checked(map, role, &at)?;
        default_meets_its_schema(self.root, map, &at)?;
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (name, property) in properties {
                let at = format!("{at}/properties/{}", pointer_token(name));
                self.schema(property, at, Role::Property)?;
            }
        }
        if let Some(items) = map.get("items") {
            let role = match role {
                Role::Property | Role::Parameter => Role::Items,
                _ => Role::NestedItems,
            };
            self.schema(items, format!("{at}/items"), role)?;
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                for (index, member) in members.iter().enumerate() {
                    self.schema(member, format!("{at}/{key}/{index}"), Role::Member)?;
                }
            }
        }
        if let Some(values @ Value::Object(_)) = map.get("additionalProperties") {
            self.schema(
                values,
                format!("{at}/additionalProperties"),
                Role::Elsewhere,
            )?;
        }
        if let Some(not) = map.get("not") {
            self.schema(not, format!("{at}/not"), Role::Elsewhere)?;
        }
        Ok(())
    }
}

/// The front door checks the bounds of a number and the count of a list where they stand on
/// a property's, a parameter's or (bounds) a list item's own schema; elsewhere they would be
/// generated unchecked (or not compile), and a value the spec forbids would be sent. Text
/// checks its own length wherever it stands (typify makes constrained text a newtype that
/// refuses to be built too long or too short). An integer's bounds are integers (else
/// openapiv3 reads the schema as untyped and drops them), and a date has no length.
fn constraints_stand_where_checked(
    schema: &Map<String, Value>,
    role: Role,
    at: &str,
) -> Result<(), Error> {
    let Some(keyword) = CHECKED_KEYWORDS
        .iter()
        .find(|keyword| schema.contains_key(**keyword))
    else {
        return Ok(());
    };
    let refuse = |why: &str| {
        Err(invalid(
            format!("{at}/{keyword}"),
            format!(
                "{keyword} is not checked where it stands, so the client would send values \
                 it forbids: {why}"
            ),
        ))
    };
    let ty = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    if ty.is_none() {
        return refuse(
            "the schema has no type (a $ref, allOf, anyOf or oneOf beside it, or nothing); \
             give it its type, or move the constraint to the schema that has one",
        );
    }
    if ty == Some("integer") {
        for bound in ["minimum", "maximum"] {
            if let Some(value) = schema.get(bound)
                && value.as_i64().is_none()
            {
                return Err(invalid(
                    format!("{at}/{bound}"),
                    format!(
                        "{bound} {value} of an integer must be a whole number within i64's \
                         range, written without a fraction; otherwise the schema is read as \
                         untyped and none of its bounds is checked"
                    ),
                ));
            }
        }
    }
    if ty == Some("string") && matches!(format, Some("date" | "date-time")) {
        return refuse(&format!(
            "a date (format {}) is no text to count; remove it",
            format.unwrap_or_default()
        ));
    }
    match role {
        _ if ty == Some("string") => Ok(()),
        Role::Property | Role::Parameter => Ok(()),
        Role::Items if ty != Some("array") => Ok(()),
        Role::Named if ty == Some("object") => Ok(()),
        Role::Named => refuse(
            "a named list or number is a newtype where a property $refs it, which the checks \
             cannot read; write the schema in place in each property",
        ),
        Role::Member => refuse(
            "it is on a member of allOf, anyOf or oneOf (which member holds is not known); \
             move the member to a property of its own",
        ),
        Role::Items | Role::NestedItems => refuse(
            "it is on a list inside a list, or on a named list's items; hold the inner list \
             in an object's property, or write the list in place",
        ),
        Role::Elsewhere => refuse(
            "it is on a map's values or under `not`; constraints are checked on a \
             property's schema, a parameter's and their lists' items",
        ),
    }
}

/// A `default` that is not a value of its own schema (of another type, or breaking its
/// bounds, lengths, item counts or its items' bounds) would be sent, and refused, in every
/// call that leaves the field out (or make progenitor fail with a message naming no place):
/// refused here, naming the default.
fn default_meets_its_schema(
    root: &Value,
    schema: &Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let Some(default) = schema.get("default") else {
        return Ok(());
    };
    match broken(root, schema, default, 0) {
        Some(why) => Err(invalid(
            format!("{at}/default"),
            format!(
                "the default {default} {why}: every call that leaves the field out would \
                 send it and be refused; fix one or the other"
            ),
        )),
        None => Ok(()),
    }
}

/// What `value` breaks of `schema` (its type, a bound, a length, a count, or the same of
/// an item), if anything. A `$ref` and the members of an `allOf` are followed; a schema
/// without a type is not judged further.
fn broken(
    root: &Value,
    schema: &Map<String, Value>,
    value: &Value,
    depth: usize,
) -> Option<String> {
    if depth > 16 {
        return None;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| root.pointer(reference.strip_prefix('#')?))
        .and_then(Value::as_object)
    {
        return broken(root, target, value, depth + 1);
    }
    // A null is judged by a schema with a type alone (`nullable` beside it): an `anyOf` of
    // `{enum: [null]}` may allow it, and `nullable` beside an `allOf` widens its members.
    if value.is_null() {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        return (schema.contains_key("type") && !nullable)
            .then(|| "is null, which the schema is not".to_owned());
    }
    // A value of an `allOf` is a value of each member.
    if let Some(Value::Array(members)) = schema.get("allOf")
        && let Some(why) = members
            .iter()
            .filter_map(Value::as_object)
            .find_map(|member| broken(root, member, value, depth + 1))
    {
        return Some(why);
    }
    let ty = schema.get("type").and_then(Value::as_str)?;
    let of_type = match ty {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !of_type {
        return Some(match ty {
            "integer" => "is not an integer (one is written without a fraction)".to_owned(),
            _ => format!("is not of the schema's type, {ty}"),
        });
    }
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    let breaks = |keyword: &str| Some(format!("breaks the schema's own {keyword}"));
    match value {
        Value::Number(number) => {
            for (keyword, exclusive, below) in [
                ("minimum", "exclusiveMinimum", true),
                ("maximum", "exclusiveMaximum", false),
            ] {
                let Some(Value::Number(bound)) = schema.get(keyword) else {
                    continue;
                };
                let order = compare(number, bound)?;
                let outside = match below {
                    true => order.is_lt(),
                    false => order.is_gt(),
                };
                if outside || (flag(exclusive) && order.is_eq()) {
                    return breaks(keyword);
                }
            }
            None
        }
        Value::String(text) => {
            let length = text.chars().count() as u64;
            if count("minLength").is_some_and(|min| length < min) {
                return breaks("minLength");
            }
            count("maxLength")
                .is_some_and(|max| length > max)
                .then(|| breaks("maxLength"))
                .flatten()
        }
        Value::Array(items) => {
            let length = items.len() as u64;
            if count("minItems").is_some_and(|min| length < min) {
                return breaks("minItems");
            }
            if count("maxItems").is_some_and(|max| length > max) {
                return breaks("maxItems");
            }
            let item_schema = schema.get("items").and_then(Value::as_object)?;
            items.iter().enumerate().find_map(|(index, item)| {
                broken(root, item_schema, item, depth + 1)
                    .map(|why| format!("has an item ({index}) that {why}"))
            })
        }
        _ => None,
    }
}

/// How two JSON numbers compare, exactly when both are integers (an `f64` cannot tell
/// 2^53 from 2^53 + 1).
fn compare(a: &serde_json::Number, b: &serde_json::Number) -> Option<std::cmp::Ordering> {
    let int = |n: &serde_json::Number| n.as_i64().map(i128::from).or(n.as_u64().map(i128::from));
    match (int(a), int(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}
