//! The spec's example answers against their schemas, before anything is generated.
//!
//! The mocks embed each operation's example answer and decode it into the generated type
//! when called (`mock::examples`): an example that no longer fits its schema (a property
//! renamed in the schema and not in the example) would generate without complaint and panic
//! in a user's test. So generation refuses it, naming the example's place and what does not
//! fit.
//!
//! The check is what the generated types' decoding will refuse, and no more, so that it
//! never refuses an example the client decodes: a required property missing, a value of
//! the wrong JSON type, `null` where the Rust type is no `Option` (a required property that
//! is not `nullable`, an item of a list), a key an object with `additionalProperties:
//! false` does not know. Enum values are not checked (the client's enums are open), nor
//! formats and ranges (Spectral's example rule checks them in `cargo xtask ci`).

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// How many `$ref`s are followed one inside another: a value's own nesting ends the walk
/// of its properties and items, but a schema can refer to itself without consuming any
/// (`allOf: [$ref: itself]`), so the walk stops there, the rest taken as fitting.
const MAX_REFS: usize = 64;

/// Where in `example` (a JSON pointer, `""` for the whole) it does not fit `schema`, and
/// why; `None` when it fits.
pub(crate) fn misfit(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    example: &Value,
) -> Option<(String, String)> {
    let mut at = String::new();
    check(spec, schema, example, &mut at, 0).map(|why| (at, why))
}

fn check(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    value: &Value,
    at: &mut String,
    refs: usize,
) -> Option<String> {
    let (schema, refs) = match schema {
        ReferenceOr::Item(schema) => (schema, refs),
        ReferenceOr::Reference { reference } => {
            if refs == MAX_REFS {
                return None;
            }
            // A reference elsewhere than components/schemas is refused by the model.
            let name = crate::model::ref_name(reference)?;
            let schema = spec.components.as_ref()?.schemas.get(name)?.as_item()?;
            (schema, refs + 1)
        }
    };
    if value.is_null() {
        return (!schema.schema_data.nullable && !matches!(schema.schema_kind, SchemaKind::Any(_)))
            .then(|| "null, where the schema is not nullable".to_owned());
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => (!value.is_string())
            .then(|| format!("{}, where the schema wants a string", kind(value))),
        SchemaKind::Type(Type::Boolean(_)) => (!value.is_boolean())
            .then(|| format!("{}, where the schema wants a boolean", kind(value))),
        SchemaKind::Type(Type::Integer(_)) => (!(value.is_i64() || value.is_u64()))
            .then(|| format!("{}, where the schema wants an integer", kind(value))),
        SchemaKind::Type(Type::Number(_)) => (!value.is_number())
            .then(|| format!("{}, where the schema wants a number", kind(value))),
        SchemaKind::Type(Type::Array(array)) => {
            let Some(items) = value.as_array() else {
                return Some(format!("{}, where the schema wants a list", kind(value)));
            };
            let schema = array.items.as_ref()?.clone().unbox();
            items.iter().enumerate().find_map(|(index, item)| {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                let found = check(spec, &schema, item, at, refs);
                if found.is_none() {
                    at.truncate(len);
                }
                found
            })
        }
        SchemaKind::Type(Type::Object(object)) => {
            let Some(map) = value.as_object() else {
                return Some(format!("{}, where the schema wants an object", kind(value)));
            };
            if let Some(missing) = object.required.iter().find(|name| !map.contains_key(*name)) {
                return Some(format!("the required property {missing:?} is missing"));
            }
            let closed = matches!(
                object.additional_properties,
                Some(AdditionalProperties::Any(false))
            );
            map.iter().find_map(|(key, item)| {
                let len = at.len();
                at.push('/');
                at.push_str(&crate::spec::pointer_token(key));
                let found = match object.properties.get(key) {
                    // A property that is not required is an `Option`: `null` is `None`.
                    Some(_) if item.is_null() && !object.required.contains(key) => None,
                    Some(property) => check(spec, &property.clone().unbox(), item, at, refs),
                    None if closed => Some(
                        "a key the schema does not have (its additionalProperties is false)"
                            .to_owned(),
                    ),
                    None => None,
                };
                if found.is_none() {
                    at.truncate(len);
                }
                found
            })
        }
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .find_map(|part| check(spec, part, value, at, refs)),
        SchemaKind::OneOf { one_of: choices } | SchemaKind::AnyOf { any_of: choices } => {
            // Decoded as an untagged enum: it fits when one alternative takes it.
            let mut first = None;
            for choice in choices {
                let mut here = at.clone();
                match check(spec, choice, value, &mut here, refs) {
                    None => return None,
                    Some(why) => {
                        first.get_or_insert((here, why));
                    }
                }
            }
            let (here, why) = first?;
            *at = here;
            Some(format!("no alternative takes it; the first says: {why}"))
        }
        // `not`, and a schema of any value: whatever the value is.
        SchemaKind::Not { .. } | SchemaKind::Any(_) => None,
    }
}

/// The JSON type of `value`, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(schemas: Value) -> OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        }))
        .unwrap()
    }

    fn thing() -> ReferenceOr<Schema> {
        ReferenceOr::ref_("#/components/schemas/Thing")
    }

    fn schemas() -> Value {
        json!({
            "Thing": {
                "type": "object",
                "required": ["id", "tags", "note"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "note": {"type": "string", "nullable": true},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                    "either": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
                    "anything": {}
                }
            },
            "Tag": {
                "type": "object",
                "required": ["label"],
                "additionalProperties": false,
                "properties": {"label": {"type": "string"}, "weight": {"type": "number"}}
            }
        })
    }

    fn misfit_of(example: Value) -> Option<(String, String)> {
        misfit(&spec(schemas()), &thing(), &example)
    }

    #[test]
    fn an_example_that_fits_passes() {
        let fits = json!({
            "id": -7, "name": null, "note": null, "either": true, "anything": [1, "x"],
            "tags": [{"label": "a", "weight": 1.5}, {"label": "b"}],
            "unknown": "kept: the object is open"
        });
        assert_eq!(misfit_of(fits), None);
    }

    #[test]
    fn each_misfit_is_named_where_it_is() {
        let ok = || json!({"id": 7, "note": "n", "tags": [{"label": "a"}]});
        let cases: [(&str, Value, &str, &str); 9] = [
            (
                "/",
                json!(null),
                "",
                "null, where the schema is not nullable",
            ),
            (
                "/id",
                json!("7"),
                "/id",
                "a string, where the schema wants an integer",
            ),
            (
                "/id",
                json!(7.5),
                "/id",
                "a number, where the schema wants an integer",
            ),
            (
                "/note",
                Value::Null,
                "",
                "the required property \"note\" is missing",
            ),
            (
                "/name",
                json!(3),
                "/name",
                "a number, where the schema wants a string",
            ),
            (
                "/tags",
                json!({}),
                "/tags",
                "an object, where the schema wants a list",
            ),
            (
                "/tags/0/label",
                json!(false),
                "/tags/0/label",
                "a boolean, where the schema wants a string",
            ),
            (
                "/tags/0/colour",
                json!("red"),
                "/tags/0/colour",
                "a key the schema does not have (its additionalProperties is false)",
            ),
            (
                "/either",
                json!(1),
                "/either",
                "no alternative takes it; the first says: a number, where the schema wants a string",
            ),
        ];
        for (pointer, value, at, why) in cases {
            let mut example = ok();
            if pointer == "/" {
                example = value;
            } else if pointer == "/note" {
                example.as_object_mut().unwrap().remove("note");
            } else {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                example.pointer_mut(parent).unwrap()[key] = value;
            }
            assert_eq!(
                misfit_of(example),
                Some((at.to_owned(), why.to_owned())),
                "{pointer}"
            );
        }
    }

    /// `null` is an `Option`'s `None` for a property that is not required, and a required
    /// one that is nullable; a required one that is not, or an item of a list, refuses it.
    #[test]
    fn null_is_judged_by_what_decodes_it() {
        let required_not_nullable = json!({"id": null, "note": "n", "tags": []});
        assert_eq!(
            misfit_of(required_not_nullable),
            Some((
                "/id".to_owned(),
                "null, where the schema is not nullable".to_owned()
            ))
        );
        let item = json!({"id": 1, "note": "n", "tags": [null]});
        assert_eq!(
            misfit_of(item),
            Some((
                "/tags/0".to_owned(),
                "null, where the schema is not nullable".to_owned()
            ))
        );
    }

    /// A schema that refers to itself without consuming the value (through `allOf` or an
    /// alternative) stops being followed rather than recurse for ever; one that consumes
    /// it (a property of its own type) is followed as deep as the value, up to the bound.
    #[test]
    fn schemas_that_refer_to_themselves_end() {
        let spec = spec(json!({
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]},
            "Either": {"anyOf": [{"$ref": "#/components/schemas/Either"}, {"type": "string"}]},
            "Node": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"},
                "next": {"$ref": "#/components/schemas/Node"}
            }}
        }));
        let named = |name: &str| ReferenceOr::ref_(&format!("#/components/schemas/{name}"));
        assert_eq!(misfit(&spec, &named("Loop"), &json!(1)), None);
        assert_eq!(misfit(&spec, &named("Either"), &json!(1)), None);
        // A misfit within the bound is found at its place; one beyond it is not looked at.
        let nested = |levels: usize| {
            let mut value = json!({"next": {}});
            for _ in 0..levels {
                value = json!({"id": 1, "next": value});
            }
            value
        };
        let at = |levels: usize| "/next".repeat(levels);
        let missing = || "the required property \"id\" is missing".to_owned();
        assert_eq!(
            misfit(&spec, &named("Node"), &nested(3)),
            Some((at(3), missing()))
        );
        assert_eq!(
            misfit(&spec, &named("Node"), &nested(MAX_REFS - 1)),
            Some((at(MAX_REFS - 1), missing()))
        );
        assert_eq!(misfit(&spec, &named("Node"), &nested(MAX_REFS)), None);
    }
}
