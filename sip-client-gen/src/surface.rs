//! The API surface: a compact, line-per-item text view of the generated public API and of
//! the contract on the wire, which the change report ([`crate::changes`]) compares.
//!
//! One line per server, security scheme, operation, security requirement, the positional
//! arguments of an operation's `Client` method in order, cross-field rule, parameter, body,
//! output, retry class, response, example of the mocks, type, the traits of a type, field
//! and enum variant, so that a one-field change in the spec is a one-line change in the
//! surface. Each line is `<kind> <name>: <core>[ | <extra>]...`: the
//! core says what users compile against (Rust types, requiredness, nullability); the extras
//! (`key=value`) say what the wire adds: media types, which way a type travels
//! (`in=request`, `in=response`), the constraints of its schema and its default.
//!
//! Requiredness and nullability come from the spec (in Rust both are `Option`); Rust types
//! come from the generated code, so the surface shows what users actually compile against.

use openapiv3::{
    APIKeyLocation, OpenAPI, ReferenceOr, Schema, SchemaKind, SecurityScheme, StatusCode, Type,
};

use crate::model::{Api, Body, Constraints, Location, ParamType, PartKind, Retry, Rule, Scalar};
use crate::rust::{self, short_type};
use std::collections::BTreeMap;

/// The version of the surface's format; a report between surfaces of different formats
/// compares what both say. Format 2 added the extras; format 3 the `scheme` and `rule`
/// lines; format 4 the `traits` lines, and names path parameters by their Rust names;
/// format 5 the `args` lines (the order of a `Client` method's positional arguments), the
/// `default=` extras, the `example` lines (the functions of `mock::examples`), and the
/// constraints `multipleOf`, `exclusiveMinimum`, `exclusiveMaximum`, `uniqueItems`,
/// `minProperties` and `maxProperties`; format 6 the `raw=` type of a parameter (where the
/// raw client and the mocks take another type than the front door), the constraints of a
/// form's text fields, a form's schema as a request type (`in=request`), the enums of
/// alternatives as `non_exhaustive`, a composed schema's fields as an object's (required,
/// nullable, constraints) and an alias's target (`alias of Thing`); format 7 the `variant`
/// lines of an enum of alternatives (each variant's name, what it holds and its position,
/// which decides what a value decodes into); format 8 the `deprecated` lines of operations the
/// spec marks deprecated; format 9 the `paginated` lines of operations whose answers come in
/// pages (`x-pagination`: the item type, the cursor parameter, the list and the item's property
/// that gives the next cursor). A `|` in an extra's value is written `\|`.
pub const FORMAT: u32 = 9;

/// How a security scheme asks for the key: where it goes and under which name (header
/// names in lower case, as HTTP compares them).
pub(crate) fn scheme_text(scheme: &SecurityScheme) -> String {
    match scheme {
        SecurityScheme::APIKey { location, name, .. } => {
            let location = match location {
                APIKeyLocation::Header => "header",
                APIKeyLocation::Query => "query",
                APIKeyLocation::Cookie => "cookie",
            };
            let name = if location == "header" {
                name.to_ascii_lowercase()
            } else {
                name.clone()
            };
            format!("apiKey, {location} {name}")
        }
        SecurityScheme::HTTP { scheme, .. } => format!("http {}", scheme.to_ascii_lowercase()),
        SecurityScheme::OAuth2 { .. } => "oauth2".to_owned(),
        SecurityScheme::OpenIDConnect { .. } => "openIdConnect".to_owned(),
    }
}

/// Renders the surface of a spec and the client generated from it.
pub(crate) fn render(spec: &OpenAPI, api: &Api) -> String {
    let mut lines = vec![format!("surface-format: {FORMAT}")];
    // As the client has them (`DEFAULT_BASE_URL`): without a trailing `/`.
    let servers: Vec<&str> = spec
        .servers
        .iter()
        .map(|s| s.url.trim_end_matches('/'))
        .collect();
    lines.push(format!("server: {}", servers.join(", ")));
    for (name, scheme) in spec
        .components
        .iter()
        .flat_map(|components| components.security_schemes.iter())
    {
        if let ReferenceOr::Item(scheme) = scheme {
            lines.push(format!("scheme {name}: {}", scheme_text(scheme)));
        }
    }

    if api.error_example.is_some() {
        lines.push("example api_error: mock::examples::api_error() -> ErrorEnvelope".to_owned());
    }

    for op in &api.operations {
        let id = &op.id;
        // A path parameter is named by its Rust name: its spec name is on neither the wire
        // (the value fills the segment) nor the Rust API (`{Id}` and `{id}` are both `id`).
        let rust_name = |param: &crate::model::Param| match param.location {
            Location::Path => param.ident.trim_start_matches("r#").to_owned(),
            Location::Query => param.name.clone(),
        };
        let path = op
            .params
            .iter()
            .filter(|param| matches!(param.location, Location::Path))
            .fold(op.path.clone(), |path, param| {
                path.replace(
                    &format!("{{{}}}", param.name),
                    &format!("{{{}}}", rust_name(param)),
                )
            });
        lines.push(format!("operation {id}: {} {path}", op.method));
        if op.deprecated {
            lines.push(format!("deprecated {id}: the spec marks it deprecated"));
        }
        lines.push(format!(
            "security {id}: {}",
            if op.security.is_empty() {
                "none".to_owned()
            } else {
                op.security.join(" or ")
            }
        ));
        // The positional arguments of the operation's `Client` method, in their order
        // (`param` lines are sorted): two of one type swapped still compile.
        let mut args: Vec<String> = op
            .positional()
            .iter()
            .map(|param| param.ident.trim_start_matches("r#").to_owned())
            .collect();
        match &op.body {
            Some(Body::Json { required: true, .. }) => args.push("body".to_owned()),
            Some(Body::Multipart { fields }) => args.extend(
                fields
                    .iter()
                    .filter(|field| field.required)
                    .map(|field| field.ident.trim_start_matches("r#").to_owned()),
            ),
            _ => {}
        }
        if !args.is_empty() {
            lines.push(format!("args {id}: {}", args.join(", ")));
        }
        let item = spec
            .paths
            .paths
            .get(&op.path)
            .and_then(ReferenceOr::as_item);
        let operation = item.and_then(|item| {
            item.iter()
                .find(|(method, _)| method.eq_ignore_ascii_case(&op.method))
                .map(|(_, operation)| operation)
        });
        let mut params = Vec::new();
        for param in &op.params {
            let location = match param.location {
                Location::Path => "path",
                Location::Query => "query",
            };
            let default = item.and_then(|item| {
                let spec_params = operation
                    .into_iter()
                    .flat_map(|operation| operation.parameters.iter())
                    .chain(item.parameters.iter());
                param_default(spec, spec_params, &param.name, param.location)
            });
            // Where the raw client and the mocks take another type than the front door
            // (typify's for the schema: `u32` for `format: uint32`), it is recorded too.
            let front = param_type(&param.ty);
            let mut constraints = with_default(&param.constraints, default);
            if let Some(raw) = api
                .types
                .raw_params
                .get(&(rust::upper_camel(id), rust_name(param)))
                .filter(|raw| **raw != front)
            {
                constraints.0.insert("raw".to_owned(), raw.clone());
            }
            params.push(format!(
                "param {id}.{}: {location}, {}, {front}{}",
                rust_name(param),
                required(param.required),
                extras(&[], &constraints)
            ));
        }
        match &op.body {
            Some(Body::Json { ty, required: is }) => params.push(format!(
                "body {id}: {ty}, {} | media=application/json",
                required(*is)
            )),
            Some(Body::Multipart { fields }) => {
                for field in fields {
                    let (kind, mut constraints) = match &field.kind {
                        PartKind::File {
                            max_bytes,
                            content_types,
                        } => {
                            let mut c = Constraints::default();
                            if let Some(max) = max_bytes {
                                c.0.insert("maxLength".to_owned(), max.to_string());
                            }
                            if !content_types.is_empty() {
                                c.0.insert("contentType".to_owned(), content_types.join(" "));
                            }
                            ("Upload", c)
                        }
                        PartKind::Text => ("String", field.constraints.clone()),
                    };
                    constraints
                        .0
                        .insert("media".to_owned(), "multipart/form-data".to_owned());
                    params.push(format!(
                        "body {id}.{}: {kind}, {}{}",
                        field.name,
                        required(field.required),
                        extras(&[], &constraints)
                    ));
                }
            }
            None => {}
        }
        params.sort();
        lines.extend(params);
        let output = match &op.success.data {
            Some(data) => format!("{} (data of {})", short_type(data), op.success.ty),
            None => op.success.ty.clone(),
        };
        lines.push(format!("output {id}: {output}"));
        let retry = match op.retry {
            Retry::Safe => "safe",
            Retry::Idempotent => "idempotent",
            Retry::NotIdempotent => "not idempotent",
        };
        lines.push(format!("retry {id}: {retry}"));
        if let Some(paging) = &op.pagination {
            lines.push(format!(
                "paginated {id}: {} | cursor={} | items={} | next={}",
                short_type(&paging.item),
                paging.cursor,
                paging.items,
                paging.next
            ));
        }
        let mut responses: Vec<String> = operation
            .into_iter()
            .flat_map(|operation| operation.responses.responses.iter())
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => code.to_string(),
                    StatusCode::Range(range) => format!("{range}XX"),
                };
                format!("response {id}.{status}: {}", response_type(spec, response))
            })
            .collect();
        responses.sort();
        lines.extend(responses);
        // The `mock` feature's function that returns the example answer.
        if op.success.example.is_some() {
            lines.push(format!(
                "example {id}: mock::examples::{id}() -> {}",
                op.success.ty
            ));
        }
    }

    let schemas = spec
        .components
        .as_ref()
        .map(|c| c.schemas.clone())
        .unwrap_or_default();
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    for name in names {
        let Some(schema) = schemas[name].as_item() else {
            // typify makes a newtype of the schema it names: pointed elsewhere, it holds
            // another type (`e.0.kind`, `From<Thing>` stop compiling).
            let target = match &schemas[name] {
                ReferenceOr::Reference { reference } => {
                    crate::model::ref_name(reference).unwrap_or(reference)
                }
                ReferenceOr::Item(_) => "?",
            };
            lines.push(format!("type {name}: alias of {target}"));
            continue;
        };
        let rust_name = rust::upper_camel(name);
        if let Some(path) = api.hand_written.get(name) {
            lines.push(format!("type {name}: hand-written, {}", rust::short(path)));
            continue;
        }
        if let Some(open) = api.enums.iter().find(|e| e.name == rust_name) {
            lines.push(format!("type {name}: open enum, {rust_name}"));
            let mut values: Vec<&String> = open.variants.iter().map(|(_, wire)| wire).collect();
            values.sort();
            lines.extend(
                values
                    .into_iter()
                    .map(|value| format!("variant {name}.{value}")),
            );
            continue;
        }
        if api.constants.contains(&rust_name) {
            let value = enum_values(schema).join("");
            lines.push(format!(
                "type {name}: constant {value:?}, set by the client"
            ));
            continue;
        }
        let direction = direction(api, &rust_name);
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                // Built through its builder: users cannot write it as a literal, so a new
                // optional field breaks no code.
                lines.push(format!(
                    "type {name}: struct, non_exhaustive{}",
                    extras(&direction, &crate::model::object_constraints(object))
                ));
                lines.extend(traits_line(api, name, &rust_name));
                let mut fields = Vec::new();
                for (property, property_schema) in &object.properties {
                    let rust_type = api
                        .types
                        .field(&rust_name, property)
                        .map(|field| short_type(&field.ty))
                        .unwrap_or_else(|| "?".to_owned());
                    let nullable = if is_nullable(spec, property_schema) {
                        ", nullable"
                    } else {
                        ""
                    };
                    fields.push(format!(
                        "field {name}.{property}: {rust_type}, {}{nullable}{}",
                        required(object.required.contains(property)),
                        extras(
                            &direction,
                            &with_default(
                                &Constraints::of_boxed(spec, property_schema),
                                boxed_default(spec, property_schema)
                            )
                        )
                    ));
                }
                if let Some(extra) = api.types.flattened(&rust_name) {
                    fields.push(format!(
                        "field {name}.*: {}, unknown keys kept{}",
                        short_type(&extra.ty),
                        extras(&direction, &Constraints::default())
                    ));
                }
                fields.extend(
                    api.checks
                        .get(&rust_name)
                        .into_iter()
                        .flat_map(|checks| checks.rules.iter())
                        .map(|rule| {
                            format!("rule {name}.{}: checked before sending", rule_text(rule))
                        }),
                );
                fields.sort();
                lines.extend(fields);
            }
            // A schema composed (`allOf` of several) that typify made a struct of: its
            // fields as the Rust type has them, each with what its members say of it
            // (required, nullable, constraints, default), in the form of an object's lines:
            // an object rewritten as an `allOf` of the same fields is no change.
            _ if let Some(rust::Item::Struct(fields)) = api.types.items.get(&rust_name) => {
                lines.push(format!(
                    "type {name}: struct, non_exhaustive{}",
                    extras(&direction, &Constraints::default())
                ));
                lines.extend(traits_line(api, name, &rust_name));
                let properties = composed_properties(spec, schema);
                let mut members: Vec<String> = fields
                    .iter()
                    .map(|field| {
                        let ty = short_type(&field.ty);
                        if field.flatten {
                            return format!(
                                "field {name}.{}: {ty}, flattened{}",
                                field.json,
                                extras(&direction, &Constraints::default())
                            );
                        }
                        let Some((is_required, property)) = properties.get(&field.json) else {
                            return format!(
                                "field {name}.{}: {ty}, composed{}",
                                field.json,
                                extras(&direction, &Constraints::default())
                            );
                        };
                        let nullable = if is_nullable(spec, property) {
                            ", nullable"
                        } else {
                            ""
                        };
                        format!(
                            "field {name}.{}: {ty}, {}{nullable}{}",
                            field.json,
                            required(*is_required),
                            extras(
                                &direction,
                                &with_default(
                                    &Constraints::of_boxed(spec, property),
                                    boxed_default(spec, property)
                                )
                            )
                        )
                    })
                    .collect();
                members.sort();
                lines.extend(members);
            }
            _ => {
                let kind = match api.types.items.get(&rust_name) {
                    Some(rust::Item::Newtype(ty)) => format!("newtype of {}", short_type(ty)),
                    // `oneOf` or `anyOf`: typify's enum of the alternatives.
                    // `#[non_exhaustive]` (see `types.rs`): an alternative added breaks no
                    // `match`.
                    Some(rust::Item::Enum(_)) => "enum of alternatives, non_exhaustive".to_owned(),
                    _ => "newtype of ?".to_owned(),
                };
                lines.push(format!(
                    "type {name}: {kind}{}",
                    extras(
                        &direction,
                        &with_default(
                            &Constraints::of(spec, &schemas[name]),
                            schema.schema_data.default.as_ref()
                        )
                    )
                ));
                lines.extend(traits_line(api, name, &rust_name));
                // Each alternative by name, with what it holds and where it is tried: typify
                // names alternatives by position (`Variant0`) when their types cannot name
                // them, and decoding takes the first that fits.
                if let Some(rust::Item::Enum(variants)) = api.types.items.get(&rust_name) {
                    for (position, (variant, held)) in variants.iter().enumerate() {
                        let held = held.as_deref().unwrap_or("()");
                        lines.push(format!(
                            "variant {name}.{variant}: {held} | position={position}"
                        ));
                    }
                }
            }
        }
    }

    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `traits <schema>: Trait, ...`: what the generated type implements (derived or not),
/// which users' code may rely on (`SipConfigData::default()`).
fn traits_line(api: &Api, name: &str, rust_name: &str) -> Option<String> {
    let traits = api.types.traits.get(rust_name)?;
    Some(format!("traits {name}: {}", traits.join(", ")))
}

fn required(is: bool) -> &'static str {
    if is { "required" } else { "optional" }
}

/// Which way a type travels: `in=request`, `in=response` or `in=request+response`.
fn direction(api: &Api, rust_name: &str) -> Vec<String> {
    let ways: Vec<&str> = [
        (api.request_types.contains(rust_name), "request"),
        (api.response_types.contains(rust_name), "response"),
    ]
    .into_iter()
    .filter_map(|(is, way)| is.then_some(way))
    .collect();
    if ways.is_empty() {
        Vec::new()
    } else {
        vec![format!("in={}", ways.join("+"))]
    }
}

/// ` | key=value` for each extra, direction first, then constraints by key.
/// A cross-field rule as the surface names it: its kind and fields, without spaces.
fn rule_text(rule: &Rule) -> String {
    let names = |fields: &[crate::rust::Field]| {
        fields
            .iter()
            .map(|field| field.json.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    match rule {
        Rule::Exclusive(fields) => format!("exclusive({})", names(fields)),
        Rule::OneOf(fields) => format!("one-of({})", names(fields)),
        Rule::E164Unless { fields, set } => {
            format!("e164-unless({};set={})", names(fields), set.json)
        }
        Rule::RequiredIf { field, when, value } => {
            format!("required-if({};{}={value})", field.json, when.json)
        }
    }
}

fn extras(direction: &[String], constraints: &Constraints) -> String {
    direction
        .iter()
        .cloned()
        .chain(
            constraints
                .0
                .iter()
                // `|` in a value (a pattern's alternatives, a default's text) is written
                // `\|`, so that ` | ` only ever separates extras.
                .map(|(key, value)| format!("{key}={}", value.replace('|', "\\|"))),
        )
        .map(|extra| format!(" | {extra}"))
        .collect()
}

fn param_type(ty: &ParamType) -> String {
    let scalar = |scalar: &Scalar| match scalar {
        Scalar::Validated(path) => rust::short(path),
        Scalar::Text => "String".to_owned(),
        Scalar::Enum(name) => name.clone(),
        Scalar::Integer(ty) => (*ty).to_owned(),
        Scalar::Float => "f64".to_owned(),
        Scalar::Bool => "bool".to_owned(),
    };
    match ty {
        ParamType::One(one) => scalar(one),
        ParamType::Many(item) => format!("Vec<{}>", scalar(item)),
    }
}

/// `Type | media=...` of a response, or what it has instead of a JSON schema.
fn response_type(spec: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> String {
    let Some(response) = crate::model::resolve_response(spec, response) else {
        return "?".to_owned();
    };
    let media: Vec<&str> = response.content.keys().map(String::as_str).collect();
    let media = if media.is_empty() {
        String::new()
    } else {
        format!(" | media={}", media.join(" "))
    };
    let ty = match response
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
    {
        Some(ReferenceOr::Reference { reference }) => {
            reference.rsplit('/').next().unwrap_or(reference).to_owned()
        }
        Some(ReferenceOr::Item(_)) => "inline schema".to_owned(),
        None if response.content.is_empty() => "no body".to_owned(),
        None => "bytes".to_owned(),
    };
    format!("{ty}{media}")
}

/// The values of a string enum (none for any other schema).
fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.enumeration.iter().flatten().cloned().collect()
        }
        _ => Vec::new(),
    }
}

/// The constraints with the default as one more extra, `default=<JSON>`: what the client
/// sends (or reads) when nothing sets the value.
fn with_default(constraints: &Constraints, default: Option<&serde_json::Value>) -> Constraints {
    let mut out = constraints.clone();
    if let Some(default) = default {
        out.0.insert(
            "default".to_owned(),
            serde_json::to_string(default).expect("a JSON value serializes"),
        );
    }
    out
}

/// The schema of a property: its own, or the one its `$ref` names.
fn resolved<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec.components.as_ref()?.schemas.get(name)?.as_item()),
    }
}

/// The default of a property (its own, or that of the schema its `$ref` names).
fn boxed_default<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a serde_json::Value> {
    resolved(spec, schema)?.schema_data.default.as_ref()
}

/// The default of the parameter `name` in `location`, among the spec's `parameters` of an
/// operation and of its path (a `$ref` to `components/parameters` followed).
fn param_default<'a>(
    spec: &'a OpenAPI,
    parameters: impl Iterator<Item = &'a ReferenceOr<openapiv3::Parameter>>,
    name: &str,
    location: Location,
) -> Option<&'a serde_json::Value> {
    parameters
        .filter_map(|parameter| match parameter {
            ReferenceOr::Item(parameter) => Some(parameter),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| spec.components.as_ref()?.parameters.get(name)?.as_item()),
        })
        .find_map(|parameter| {
            let (data, matches) = match parameter {
                openapiv3::Parameter::Query { parameter_data, .. } => {
                    (parameter_data, location == Location::Query)
                }
                openapiv3::Parameter::Path { parameter_data, .. } => {
                    (parameter_data, location == Location::Path)
                }
                _ => return None,
            };
            if !matches || data.name != name {
                return None;
            }
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return None;
            };
            match schema {
                ReferenceOr::Item(schema) => schema.schema_data.default.as_ref(),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|name| spec.components.as_ref()?.schemas.get(name)?.as_item())
                    .and_then(|schema| schema.schema_data.default.as_ref()),
            }
        })
}

/// The properties of a composed schema (`allOf`, followed through `$ref`s and nested
/// `allOf`s), each with whether a member requires it: what typify merges into one struct.
/// A property two members give is taken from the first (typify merges them; the report
/// sees the first's constraints).
fn composed_properties<'a>(
    spec: &'a OpenAPI,
    schema: &'a Schema,
) -> BTreeMap<String, (bool, &'a ReferenceOr<Box<Schema>>)> {
    fn walk<'a>(
        spec: &'a OpenAPI,
        schema: &'a Schema,
        depth: usize,
        out: &mut BTreeMap<String, (bool, &'a ReferenceOr<Box<Schema>>)>,
        required: &mut std::collections::BTreeSet<String>,
    ) {
        // Cycles of `allOf` are refused by the generator; the depth bounds the walk anyway.
        if depth > 32 {
            return;
        }
        let (own_required, properties) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (&object.required, &object.properties),
            // A member with properties but no `type: object` (openapiv3 reads it as `Any`).
            SchemaKind::Any(any) => (&any.required, &any.properties),
            SchemaKind::AllOf { all_of } => {
                for member in all_of.iter().filter_map(|m| crate::model::resolve(spec, m)) {
                    walk(spec, member, depth + 1, out, required);
                }
                return;
            }
            _ => return,
        };
        required.extend(own_required.iter().cloned());
        for (name, property) in properties {
            out.entry(name.clone()).or_insert((false, property));
        }
    }
    let mut out = BTreeMap::new();
    let mut required = std::collections::BTreeSet::new();
    walk(spec, schema, 0, &mut out, &mut required);
    for (name, (is_required, _)) in out.iter_mut() {
        *is_required = required.contains(name);
    }
    out
}

fn is_nullable(spec: &OpenAPI, schema: &ReferenceOr<Box<Schema>>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => schema.schema_data.nullable,
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec.components.as_ref()?.schemas.get(name)?.as_item())
            .is_some_and(|schema| schema.schema_data.nullable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The surface of `spec`, without its header.
    fn surface(spec: &serde_json::Value) -> String {
        crate::surface_body(&crate::test_spec::generated_file(spec, crate::SURFACE_PATH)).to_owned()
    }

    /// A schema named `Value` is not serde_json's `Value`, which the generated code names by
    /// its absolute path: an untyped schema still converts into serde_json's, the schema's
    /// struct gets no conversion it lacks, and is only where it is used (found by the review
    /// of spec edits: a false "removed impl Into<serde_json::Value>", breaking).
    #[test]
    fn a_schema_named_value_is_not_serde_jsons() {
        let mut spec = crate::test_spec::base();
        spec["components"]["schemas"]["Raw"] = serde_json::json!({"description": "any"});
        spec["components"]["schemas"]["Thing"]["properties"]["raw"] =
            serde_json::json!({"$ref": "#/components/schemas/Raw"});
        let line = |surface: &str, start: &str| {
            surface
                .lines()
                .find(|line| line.starts_with(start))
                .unwrap_or_else(|| panic!("{start} in\n{surface}"))
                .to_owned()
        };
        let before = surface(&spec);
        assert!(line(&before, "traits Raw: ").contains("Into<serde_json::Value>"));
        spec["components"]["schemas"]["Value"] =
            serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}});
        spec["components"]["schemas"]["Thing"]["properties"]["value"] =
            serde_json::json!({"$ref": "#/components/schemas/Value"});
        let after = surface(&spec);
        assert_eq!(line(&after, "traits Raw: "), line(&before, "traits Raw: "));
        assert!(!line(&after, "traits Value: ").contains("From<"), "{after}");
        assert!(
            line(&after, "type Value: ").contains("in=response"),
            "{after}"
        );
        assert!(!line(&after, "type Value: ").contains("request"), "{after}");
    }

    /// The surface says which types are `#[non_exhaustive]` (the change report's rules for
    /// literals rest on it): what it says is what the generated code has.
    #[test]
    fn the_surface_says_non_exhaustive_of_exactly_the_types_that_are() {
        let mut spec = crate::test_spec::base();
        spec["components"]["schemas"]["Either"] = serde_json::json!({"oneOf": [
            {"$ref": "#/components/schemas/Thing"},
            {"type": "integer"}]});
        let client: syn::File =
            syn::parse_str(&crate::test_spec::generated_file(&spec, crate::CLIENT_PATH)).unwrap();
        let types = client
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
                _ => None,
            })
            .expect("mod types")
            .1
            .iter();
        let non_exhaustive =
            |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
        let mut in_code: Vec<String> = types
            .filter_map(|item| match item {
                syn::Item::Struct(item) if non_exhaustive(&item.attrs) => {
                    Some(item.ident.to_string())
                }
                syn::Item::Enum(item) if non_exhaustive(&item.attrs) => {
                    Some(item.ident.to_string())
                }
                _ => None,
            })
            .collect();
        in_code.sort();
        let surface = crate::test_spec::generated_file(&spec, crate::SURFACE_PATH);
        let mut in_surface: Vec<String> = surface
            .lines()
            .filter_map(|line| line.strip_prefix("type "))
            .filter_map(|line| line.split_once(": "))
            .filter(|(_, details)| {
                details
                    .split(" | ")
                    .next()
                    .unwrap_or_default()
                    .contains("non_exhaustive")
            })
            .map(|(name, _)| rust::upper_camel(name))
            .collect();
        in_surface.sort();
        assert!(in_code.contains(&"Either".to_owned()), "{in_code:?}");
        assert_eq!(in_surface, in_code);
    }

    /// A property whose name holds a space, a quote or a comma is recorded under its name,
    /// with its type, and a change of that type is breaking (the surface said `?` for each
    /// such field, so a type change was no change; found by a review of spec edits).
    #[test]
    fn fields_with_any_name_are_recorded_and_judged() {
        let with = |ty: &str| {
            let mut spec = crate::test_spec::base();
            let properties = &mut spec["components"]["schemas"]["Thing"]["properties"];
            for name in ["has space", "a\"b", "x,flatten,y"] {
                properties[name] = serde_json::json!({"type": ty});
            }
            spec
        };
        let before = surface(&with("string"));
        for name in ["has space", "a\"b", "x,flatten,y"] {
            let line = crate::test_spec::line_starting(&before, &format!("field Thing.{name}: "));
            assert!(line.contains(": Option<String>, optional"), "{line}");
        }
        let report = crate::compare_surfaces(&before, &surface(&with("integer"))).to_string();
        assert!(
            report.ends_with("api changes: 3 breaking, 0 additive\n"),
            "{report}"
        );
    }

    /// An operation marked `deprecated: true` has a `deprecated` line, and its method the
    /// attribute (the warning at every call, naming the operation); marking it, or
    /// withdrawing the mark, is additive; removing a deprecated operation is one removal.
    #[test]
    fn a_deprecated_operation_is_marked_and_judged_additive() {
        let spec = crate::test_spec::base();
        let mut deprecated = spec.clone();
        deprecated.pointer_mut(crate::test_spec::GET).unwrap()["deprecated"] = true.into();
        let (before, after) = (surface(&spec), surface(&deprecated));
        assert!(!before.contains("deprecated"), "{before}");
        assert!(
            after.contains(
                "operation get_thing: GET /v1/things/{id}\n\
                 deprecated get_thing: the spec marks it deprecated\n"
            ),
            "{after}"
        );
        assert_eq!(
            crate::compare_surfaces(&before, &after).to_string(),
            "additive: added deprecated get_thing (the spec marks it deprecated)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        assert_eq!(
            crate::compare_surfaces(&after, &before).to_string(),
            "additive: removed deprecated get_thing (the spec marks it deprecated)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        let api = crate::test_spec::generated_file(&deprecated, crate::API_PATH);
        let method = api.find("pub fn get_thing(").expect("the method");
        let attribute = api[..method].rfind("#[deprecated(").expect("the attribute");
        assert!(
            api[attribute..method].contains(
                "note = \"`get_thing` is deprecated by the API (the spec marks `GET \
                 /v1/things/{id}` deprecated)\""
            ),
            "{}",
            &api[attribute..method]
        );
        assert!(
            !api[attribute..method].contains("pub fn "),
            "the attribute is get_thing's"
        );
        assert_eq!(
            api.matches("#[deprecated(").count(),
            1,
            "no other method has it"
        );
        let cli = crate::test_spec::generated_file(&deprecated, crate::CLI_PATH);
        assert!(
            cli.contains(".about(\"GET /v1/things/{id} (deprecated)\")"),
            "{cli}"
        );
        assert!(
            cli.contains("#[allow(deprecated)]\nasync fn get_thing("),
            "{cli}"
        );

        let mut removed = deprecated.clone();
        removed["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/v1/things/{id}");
        let report = crate::compare_surfaces(&after, &surface(&removed)).to_string();
        assert!(
            report.starts_with("breaking: removed operation get_thing"),
            "{report}"
        );
        assert!(!report.contains("deprecated"), "{report}");
    }

    /// A path parameter renamed in the spec only (`{id}` to `{Id}`: the same Rust name, the
    /// same URL) changes neither the surface nor the report; a query parameter's name is on
    /// the wire, so renaming one still breaks callers.
    #[test]
    fn a_path_parameter_is_named_by_its_rust_name() {
        let spec = crate::test_spec::base();
        let before = surface(&spec);
        assert!(
            before.contains("operation get_thing: GET /v1/things/{id}\nsecurity get_thing: none\nargs get_thing: id\nparam get_thing.id: path, required, String\n"),
            "{before}"
        );
        let mut renamed = spec.clone();
        let paths = renamed["paths"].as_object_mut().unwrap();
        let item = paths.remove("/v1/things/{id}").unwrap();
        paths.insert("/v1/things/{Id}".to_owned(), item);
        renamed["paths"]["/v1/things/{Id}"]["get"]["parameters"][0]["name"] = "Id".into();
        assert_eq!(surface(&renamed), before);
        assert_eq!(
            crate::compare_surfaces(&before, &surface(&renamed)).to_string(),
            "api changes: none\n"
        );

        let mut query = spec;
        query.pointer_mut(crate::test_spec::GET).unwrap()["parameters"][1]["name"] =
            "Verbose".into();
        let report = crate::compare_surfaces(&before, &surface(&query));
        assert!(
            report
                .to_string()
                .starts_with("breaking: removed param get_thing.verbose"),
            "{report}"
        );
    }

    /// The positional arguments of each operation's `Client` method, in order: path
    /// parameters, required query parameters, then the JSON body or the required form
    /// fields. Two required query parameters swapped in the spec swap the arguments, which
    /// compiles when their types are the same: the report calls it breaking.
    #[test]
    fn the_order_of_a_methods_arguments_is_recorded() {
        let string = serde_json::json!({"type": "string"});
        let mut spec = crate::test_spec::with_query_parameters([
            ("from", string.clone()),
            ("to", string.clone()),
        ]);
        let parameters = format!("{}/parameters", crate::test_spec::GET);
        for at in [2, 3] {
            spec.pointer_mut(&format!("{parameters}/{at}")).unwrap()["required"] = true.into();
        }
        let before = surface(&spec);
        for line in [
            "args get_thing: id, from, to",
            "args create_thing: body",
            "args upload_document: id, file",
        ] {
            assert!(before.lines().any(|l| l == line), "{line} in\n{before}");
        }
        let list = spec
            .pointer_mut(&parameters)
            .unwrap()
            .as_array_mut()
            .unwrap();
        list.swap(2, 3);
        let after = surface(&spec);
        assert!(
            after.lines().any(|l| l == "args get_thing: id, to, from"),
            "{after}"
        );
        assert_eq!(
            crate::compare_surfaces(&before, &after).to_string(),
            "breaking: args get_thing: arguments of `Client::get_thing` reordered (id, from, \
             to -> id, to, from): calls that compile against both pass their values in other \
             places\napi changes: 1 breaking, 0 additive\n"
        );
    }

    /// A form's schema is only sent: its type travels as a request (a bound raised on it
    /// breaks nobody; it was judged both ways, so as breaking), and a text part's
    /// constraints are recorded (one added breaks senders; none was seen).
    #[test]
    fn a_form_is_a_request_and_its_text_parts_constraints_are_judged() {
        let with = |max: u64, note: serde_json::Value| {
            let mut spec = crate::test_spec::base();
            let document = &mut spec["components"]["schemas"]["Document"]["properties"];
            document["file"]["maxLength"] = serde_json::json!(max);
            document["note"] = note;
            spec
        };
        let plain = serde_json::json!({"type": "string"});
        let before = surface(&with(10, plain.clone()));
        let file = crate::test_spec::line_starting(&before, "field Document.file: ");
        assert!(file.contains(" | in=request | maxLength=10"), "{file}");
        let report = crate::compare_surfaces(&before, &surface(&with(20, plain))).to_string();
        assert!(
            report.ends_with("api changes: 0 breaking, 2 additive\n"),
            "{report}"
        );

        let tight = serde_json::json!({"type": "string", "maxLength": 5});
        let after = surface(&with(10, tight));
        let part = crate::test_spec::line_starting(&after, "body upload_document.note: ");
        assert!(
            part.ends_with("| maxLength=5 | media=multipart/form-data"),
            "{part}"
        );
        let report = crate::compare_surfaces(&before, &after).to_string();
        assert!(
            report.contains("breaking: body upload_document.note: maxLength added"),
            "{report}"
        );
    }

    /// A default is what the client sends (or reads) when nothing sets the value: the
    /// same code sends `port: 5060` with one crate and `5080` with the other. The surface
    /// records each field's, parameter's and newtype's default, and a changed one is
    /// breaking.
    #[test]
    fn defaults_are_recorded_and_a_changed_one_breaks() {
        let with = |port: u16, limit: u16| {
            let mut spec = crate::test_spec::with_query_parameters([(
                "limit",
                serde_json::json!({"type": "integer", "default": limit}),
            )]);
            spec["components"]["schemas"]["NewThing"]["properties"]["port"] =
                serde_json::json!({"type": "integer", "default": port});
            spec
        };
        let before = surface(&with(5060, 50));
        let field = crate::test_spec::line_starting(&before, "field NewThing.port: ");
        assert!(field.ends_with(" | in=request | default=5060"), "{field}");
        let param = crate::test_spec::line_starting(&before, "param get_thing.limit: ");
        assert!(param.ends_with(" | default=50"), "{param}");
        assert_eq!(
            crate::compare_surfaces(&before, &surface(&with(5080, 50))).to_string(),
            format!(
                "breaking: field NewThing.port: default 5060 -> 5080: code that leaves it \
                 unset sends or reads another value ({} -> {})\n\
                 api changes: 1 breaking, 0 additive\n",
                field.split_once(": ").unwrap().1,
                field.split_once(": ").unwrap().1.replace("5060", "5080")
            )
        );
        let report = crate::compare_surfaces(&before, &surface(&with(5060, 20))).to_string();
        assert!(
            report.starts_with(
                "breaking: param get_thing.limit: default 50 -> 20: calls that leave it out \
                 get another value (the server applies it)"
            ),
            "{report}"
        );
    }

    /// Every constraint keyword a value can be refused by is recorded, on the member's line
    /// or, for an object's own (`minProperties`), on its type's line: one added to a request
    /// breaks senders; a bound relaxed on an answer breaks old readers.
    #[test]
    fn every_constraint_keyword_is_recorded_and_judged() {
        let mut base = crate::test_spec::base();
        schemas(&mut base)["NewThing"]["properties"]["port"] =
            serde_json::json!({"type": "integer"});
        let report = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut spec = base.clone();
            edit(&mut spec);
            crate::compare_surfaces(&surface(&base), &surface(&spec)).to_string()
        };
        fn schemas(spec: &mut serde_json::Value) -> &mut serde_json::Value {
            &mut spec["components"]["schemas"]
        }
        for (edit, says) in [
            (
                Box::new(|spec: &mut serde_json::Value| {
                    schemas(spec)["NewThing"]["minProperties"] = serde_json::json!(2);
                }) as Box<dyn Fn(&mut serde_json::Value)>,
                "breaking: type NewThing: minProperties added (2) tightened",
            ),
            (
                Box::new(|spec: &mut serde_json::Value| {
                    schemas(spec)["NewThing"]["properties"]["port"]["multipleOf"] =
                        serde_json::json!(2);
                }),
                "breaking: field NewThing.port: multipleOf added (2) tightened",
            ),
            (
                Box::new(|spec: &mut serde_json::Value| {
                    schemas(spec)["Thing"]["maxProperties"] = serde_json::json!(5);
                }),
                "additive: type Thing: maxProperties added (5) tightened",
            ),
        ] {
            let report = report(&*edit);
            assert!(report.starts_with(says), "{says}\n{report}");
        }
        // Keywords recorded as the spec writes them.
        let mut spec = base.clone();
        let properties = &mut schemas(&mut spec)["NewThing"]["properties"];
        properties["port"] = serde_json::json!({"type": "integer", "multipleOf": 2,
            "minimum": 0, "exclusiveMinimum": true});
        properties["tags"] = serde_json::json!({"type": "array", "uniqueItems": true,
            "items": {"type": "string"}});
        schemas(&mut spec)["NewThing"]["maxProperties"] = serde_json::json!(9);
        let lines = surface(&spec);
        let line = |start: &str| crate::test_spec::line_starting(&lines, start);
        assert!(
            line("field NewThing.port: ")
                .ends_with("| exclusiveMinimum=true | minimum=0 | multipleOf=2"),
            "{}",
            line("field NewThing.port: ")
        );
        assert!(line("field NewThing.tags: ").ends_with("| uniqueItems=true"));
        assert!(line("type NewThing: ").ends_with("| maxProperties=9"));
    }

    /// Text in an extra (a default's, a pattern's alternatives) cannot pose as another
    /// extra: a default `"x | in=response"` stays the default of a request field.
    #[test]
    fn a_bar_in_a_value_does_not_split_the_extras() {
        let surface_with_default = |default: &str| {
            let mut spec = crate::test_spec::base();
            spec["components"]["schemas"]["NewThing"]["properties"]["alias"]["default"] =
                serde_json::json!(default);
            surface(&spec)
        };
        let before = surface_with_default("x | in=response | maxLength=10");
        let line = crate::test_spec::line_starting(&before, "field NewThing.alias: ");
        assert!(
            line.ends_with(r#" | in=request | default="x \| in=response \| maxLength=10""#),
            "{line}"
        );
        let report = crate::compare_surfaces(
            &before,
            &surface_with_default("x | in=response | maxLength=5"),
        )
        .to_string();
        assert!(
            report.starts_with("breaking: field NewThing.alias: default "),
            "{report}"
        );
        assert!(
            report.ends_with("api changes: 1 breaking, 0 additive\n"),
            "{report}"
        );
    }

    /// A schema composed of others (`allOf` of several) is a struct whose fields are its
    /// members': recorded as an object's are (required, constraints), so that a member's
    /// change is judged as one of an object; one of alternatives is an enum, said as such.
    #[test]
    fn composed_schemas_are_recorded_by_their_rust_shape() {
        let with_extra = |extra: serde_json::Value| {
            let mut spec = crate::test_spec::base();
            let schemas = &mut spec["components"]["schemas"];
            schemas["Extra"] = extra;
            schemas["Both"] = serde_json::json!({"allOf": [
                {"$ref": "#/components/schemas/Thing"},
                {"$ref": "#/components/schemas/Extra"}]});
            schemas["Either"] = serde_json::json!({"oneOf": [
                {"$ref": "#/components/schemas/Thing"},
                {"type": "integer"}]});
            surface(&spec)
        };
        let note = |schema: serde_json::Value| {
            with_extra(serde_json::json!({"type": "object", "properties": {"note": schema}}))
        };
        let before = note(serde_json::json!({"type": "string", "maxLength": 10}));
        assert!(
            before.contains("\ntype Both: struct, non_exhaustive\n"),
            "{before}"
        );
        let field = crate::test_spec::line_starting(&before, "field Both.note: ");
        assert_eq!(
            field,
            "field Both.note: Option<BothNote>, optional | maxLength=10"
        );
        assert!(
            before.contains("\ntype Either: enum of alternatives, non_exhaustive"),
            "{before}"
        );
        // A member's field whose type changes.
        let report =
            crate::compare_surfaces(&before, &note(serde_json::json!({"type": "integer"})))
                .to_string();
        assert!(
            report.contains("breaking: field Both.note: type changed"),
            "{report}"
        );
        // A member's constraint tightened: judged as an object's (it said nothing).
        let tighter = note(serde_json::json!({"type": "string", "maxLength": 5}));
        let report = crate::compare_surfaces(&before, &tighter).to_string();
        assert!(
            report.contains("breaking: field Both.note: maxLength 10 -> 5 tightened"),
            "{report}"
        );
        // Also in a member that does not say `type: object`.
        let untyped = with_extra(serde_json::json!({"required": ["label"],
            "properties": {"note": {"type": "string", "maxLength": 10},
                           "label": {"type": "string"}}}));
        let report = crate::compare_surfaces(&before, &untyped).to_string();
        assert!(
            report.contains("breaking: added required field Both.label"),
            "{report}"
        );
        // A required property added to a member (it was "additive: added field").
        let required = with_extra(serde_json::json!({"type": "object", "required": ["label"],
            "properties": {"note": {"type": "string", "maxLength": 10},
                           "label": {"type": "string"}}}));
        let report = crate::compare_surfaces(&before, &required).to_string();
        assert!(
            report.contains("breaking: added required field Both.label"),
            "{report}"
        );
    }

    /// A schema sent inside a composed body (`allOf` members are merged by typify, so no
    /// Rust field names them) travels as a request too: a bound tightened on it breaks
    /// senders. It was judged as read only, and so additive.
    #[test]
    fn the_members_of_a_composed_body_travel_as_its_request() {
        let with_max = |max: u64| {
            let mut spec = crate::test_spec::base();
            let schemas = &mut spec["components"]["schemas"];
            schemas["Thing"]["properties"]["name"] =
                serde_json::json!({"type": "string", "maxLength": max});
            schemas["Extra"] = serde_json::json!({"type": "object", "properties": {
                "note": {"type": "string"}}});
            schemas["Both"] = serde_json::json!({"allOf": [
                {"$ref": "#/components/schemas/Thing"},
                {"$ref": "#/components/schemas/Extra"}]});
            *spec
                .pointer_mut(&format!(
                    "{}/requestBody/content/application~1json/schema",
                    crate::test_spec::POST
                ))
                .unwrap() = serde_json::json!({"$ref": "#/components/schemas/Both"});
            surface(&spec)
        };
        let before = with_max(10);
        let thing = crate::test_spec::line_starting(&before, "type Thing: ");
        assert!(thing.contains("in=request+response"), "{thing}");
        let report = crate::compare_surfaces(&before, &with_max(5)).to_string();
        assert!(
            report.contains("breaking: field Thing.name: maxLength 10 -> 5 tightened"),
            "{report}"
        );
    }

    /// An alias (a schema that is a `$ref`) names its target: pointed at another schema, it
    /// holds another type, which breaks (only the traits of its targets said so).
    #[test]
    fn an_alias_pointed_elsewhere_is_breaking() {
        let with_target = |target: &str| {
            let mut spec = crate::test_spec::base();
            spec["components"]["schemas"]["Endpoint"] =
                serde_json::json!({"$ref": format!("#/components/schemas/{target}")});
            surface(&spec)
        };
        let before = with_target("Thing");
        assert!(
            before.contains("\ntype Endpoint: alias of Thing\n"),
            "{before}"
        );
        let report = crate::compare_surfaces(&before, &with_target("NewThing")).to_string();
        assert!(
            report.contains(
                "\nbreaking: type Endpoint: changed (alias of Thing -> alias of NewThing)"
            ),
            "{report}"
        );
    }

    /// The walk through an `allOf`'s members ends on a cycle of them (the generator refuses
    /// such specs first; the walk does not rely on it), with what it found.
    #[test]
    fn a_cycle_of_all_ofs_is_walked_to_an_end() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "cycle", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "A": {"allOf": [{"$ref": "#/components/schemas/B"},
                    {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/A"},
                    {"type": "object", "properties": {"b": {"type": "integer"}}}]}
            }}
        }))
        .unwrap();
        let a = spec.components.as_ref().unwrap().schemas["A"]
            .as_item()
            .unwrap();
        let properties = super::composed_properties(&spec, a);
        let found: Vec<(&String, bool)> = properties
            .iter()
            .map(|(name, (required, _))| (name, *required))
            .collect();
        assert_eq!(found, [(&"a".to_owned(), true), (&"b".to_owned(), false)]);
    }

    /// A schema sent through an alias of it (typify's newtype) or as an alternative of a
    /// `oneOf` body travels as a request too.
    #[test]
    fn a_body_sent_through_an_alias_or_an_alternative_travels_as_a_request() {
        for body in [
            serde_json::json!({"$ref": "#/components/schemas/Thing"}),
            serde_json::json!({"oneOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "integer"}]}),
        ] {
            let mut spec = crate::test_spec::base();
            spec["components"]["schemas"]["Sent"] = body.clone();
            *spec
                .pointer_mut(&format!(
                    "{}/requestBody/content/application~1json/schema",
                    crate::test_spec::POST
                ))
                .unwrap() = serde_json::json!({"$ref": "#/components/schemas/Sent"});
            let surface = surface(&spec);
            let thing = crate::test_spec::line_starting(&surface, "type Thing: ");
            assert!(thing.contains("in=request+response"), "{body}: {thing}");
        }
    }

    /// An object rewritten as an `allOf` of schemas holding the same properties is the
    /// same struct, on the wire and in Rust: no change (it was breaking, line by line).
    #[test]
    fn an_object_rewritten_as_an_all_of_of_the_same_fields_is_no_change() {
        let with_both = |both: serde_json::Value| {
            let mut spec = crate::test_spec::base();
            let schemas = &mut spec["components"]["schemas"];
            schemas["Named"] = serde_json::json!({"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string", "maxLength": 9}}});
            schemas["Noted"] = serde_json::json!({"type": "object",
                "properties": {"note": {"type": "string"}}});
            schemas["Both"] = both;
            surface(&spec)
        };
        let object = with_both(serde_json::json!({"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string", "maxLength": 9},
                           "note": {"type": "string"}}}));
        let composed = with_both(serde_json::json!({"allOf": [
            {"$ref": "#/components/schemas/Named"},
            {"$ref": "#/components/schemas/Noted"}]}));
        assert_eq!(
            crate::compare_surfaces(&object, &composed).to_string(),
            "api changes: none\n"
        );
    }

    /// A parameter's format that changes only typify's type (the raw client's and the
    /// mocks', not the front door's `i64`) is reported: `When::limit(50_i64)` stops
    /// compiling. It reported nothing.
    #[test]
    fn a_format_that_changes_the_mocks_type_is_breaking() {
        let with = |schema: serde_json::Value| {
            surface(&crate::test_spec::with_query_parameters([(
                "limit", schema,
            )]))
        };
        let before = with(serde_json::json!({"type": "integer"}));
        let after = with(serde_json::json!({"type": "integer", "format": "uint32"}));
        let line = crate::test_spec::line_starting(&after, "param get_thing.limit: ");
        assert_eq!(
            line,
            "param get_thing.limit: query, optional, i64 | raw=u32"
        );
        let report = crate::compare_surfaces(&before, &after).to_string();
        assert!(
            report.starts_with(
                "breaking: param get_thing.limit: type in the raw client and the mocks changed \
                 (i64 -> u32)"
            ),
            "{report}"
        );
    }

    /// The surface of the test spec with a second object schema, `Extra`, and `Either`, the
    /// `oneOf` of `alternatives`.
    fn surface_of_either(alternatives: serde_json::Value) -> String {
        let mut spec = crate::test_spec::base();
        let schemas = &mut spec["components"]["schemas"];
        schemas["Extra"] = serde_json::json!({"type": "object", "properties": {
            "note": {"type": "string"}}});
        schemas["Either"] = serde_json::json!({ "oneOf": alternatives });
        surface(&spec)
    }

    /// An enum of alternatives is `#[non_exhaustive]` (matched with a wildcard): an
    /// alternative added is additive, one removed breaks what converts from it.
    #[test]
    fn an_alternative_added_is_additive_and_one_removed_breaking() {
        let with = surface_of_either;
        let two = with(serde_json::json!([
            {"$ref": "#/components/schemas/Thing"}, {"type": "integer"}]));
        let three = with(serde_json::json!([
            {"$ref": "#/components/schemas/Thing"}, {"type": "integer"},
            {"$ref": "#/components/schemas/Extra"}]));
        let added = crate::compare_surfaces(&two, &three).to_string();
        assert!(
            added.contains("additive: added impl From<Extra> for Either")
                && added.contains("additive: added variant Either.Extra (Extra | position=2)")
                && added.ends_with(" 0 breaking, 2 additive\n"),
            "{added}"
        );
        let removed = crate::compare_surfaces(&three, &two).to_string();
        assert!(
            removed.contains("breaking: removed impl From<Extra> for Either")
                && removed.contains("breaking: removed variant Either.Extra"),
            "{removed}"
        );
    }

    /// What code names of an enum of alternatives is its variants, which typify names after
    /// their types or, when the types cannot name them all, by position (`Variant0`); and a
    /// value decodes into the first that fits. Alternatives added that rename the others,
    /// one inserted before the others, alternatives reordered: each broke code (E0599,
    /// E0308) or changed what a value decodes into, and the report called them additive or
    /// no change at all, as it saw only the `From` impls.
    #[test]
    fn alternatives_are_judged_by_name_what_they_hold_and_order() {
        let with = surface_of_either;
        let thing = serde_json::json!({"$ref": "#/components/schemas/Thing"});
        let extra = serde_json::json!({"$ref": "#/components/schemas/Extra"});
        let list_of = |ty: &str| serde_json::json!({"type": "array", "items": {"type": ty}});
        let report = |before: serde_json::Value, after: serde_json::Value| {
            crate::compare_surfaces(&with(before), &with(after)).to_string()
        };

        // Named after their types, then all renamed by position.
        let named = with(serde_json::json!([thing, extra]));
        assert!(
            named.contains("\nvariant Either.Thing: Thing | position=0\n")
                && named.contains("\nvariant Either.Extra: Extra | position=1\n"),
            "{named}"
        );
        let renamed = report(
            serde_json::json!([thing, extra]),
            serde_json::json!([thing, extra, list_of("string"), list_of("integer")]),
        );
        assert!(
            renamed.contains("breaking: removed variant Either.Thing (Thing | position=0)")
                && renamed.contains("additive: added variant Either.Variant0 (Thing | position=0)"),
            "{renamed}"
        );

        // An alternative inserted first: each variant holds another type.
        let shifted = report(
            serde_json::json!([list_of("string"), list_of("integer")]),
            serde_json::json!([list_of("boolean"), list_of("string"), list_of("integer")]),
        );
        assert!(
            shifted.contains(
                "breaking: variant Either.Variant0: holds another type: code that builds or \
                 matches it breaks (Vec<String> | position=0 -> Vec<bool> | position=0)"
            ) && shifted.contains("additive: added variant Either.Variant2"),
            "{shifted}"
        );

        // Reordered, the names kept: values decode into another variant.
        let integer = serde_json::json!({"type": "integer"});
        let number = serde_json::json!({"type": "number"});
        let reordered = report(
            serde_json::json!([integer, number]),
            serde_json::json!([number, integer]),
        );
        assert!(
            reordered.contains(
                "breaking: variant Either.Integer: tried in another order: a value may now \
                 decode into another variant (i64 | position=0 -> i64 | position=1)"
            ),
            "{reordered}"
        );

        // The same alternatives in the same order: no change.
        let same = report(
            serde_json::json!([thing, extra]),
            serde_json::json!([thing, extra]),
        );
        assert!(same.ends_with("api changes: none\n"), "{same}");
    }

    /// A path parameter's default is recorded on its line, as a query parameter's is.
    #[test]
    fn a_path_parameters_default_is_its_own() {
        let mut spec = crate::test_spec::base();
        let get = crate::test_spec::GET;
        spec.pointer_mut(&format!("{get}/parameters/0/schema"))
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("default".to_owned(), serde_json::json!("first"));
        let surface = surface(&spec);
        let path = crate::test_spec::line_starting(&surface, "param get_thing.id: path");
        assert!(path.ends_with(r#" | default="first""#), "{path}");
    }

    /// Each success example is a public function of the `mock` feature,
    /// `mock::examples::<operation>`: an example removed from the spec removes it (E0425).
    #[test]
    fn the_mocks_examples_are_recorded() {
        let without = crate::test_spec::base();
        let mut with = without.clone();
        with.pointer_mut(&format!(
            "{}/responses/200/content/application~1json",
            crate::test_spec::GET
        ))
        .unwrap()["example"] = serde_json::json!({"data": {"name": "a thing"}});
        let (without, with) = (surface(&without), surface(&with));
        assert!(
            with.lines()
                .any(|line| line
                    == "example get_thing: mock::examples::get_thing() -> ThingEnvelope"),
            "{with}"
        );
        assert_eq!(
            crate::compare_surfaces(&with, &without).to_string(),
            "breaking: removed example get_thing (mock::examples::get_thing() -> ThingEnvelope): \
             the function is gone from the mock feature\n\
             api changes: 1 breaking, 0 additive\n"
        );
        assert_eq!(
            crate::compare_surfaces(&without, &with).to_string(),
            "additive: added example get_thing (mock::examples::get_thing() -> ThingEnvelope)\n\
             api changes: 0 breaking, 1 additive\n"
        );
    }

    /// An operation removed is one breaking line: its parameters, body, security,
    /// responses and example go with it, and the types it alone sent no longer travel that
    /// way, which the report does not list beside it.
    #[test]
    fn an_operation_removed_is_one_line() {
        let mut spec = crate::test_spec::base();
        spec["security"] = serde_json::json!([{"apiKey": []}]);
        spec["components"]["securitySchemes"] = serde_json::json!({"apiKey": {"type": "apiKey", "in": "header", "name": "authorization"}});
        let before = surface(&spec);
        spec["paths"].as_object_mut().unwrap().remove("/v1/things");
        let report = crate::compare_surfaces(&before, &surface(&spec)).to_string();
        assert_eq!(
            report,
            "breaking: removed operation create_thing (POST /v1/things)\n\
             api changes: 1 breaking, 0 additive\n"
        );
    }

    #[test]
    fn a_response_is_named_by_its_schema_or_by_what_it_has_instead() {
        let spec: OpenAPI = serde_yaml_ng::from_str(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  responses:
    Failed:
      description: x
      content:
        application/json: {schema: {$ref: '#/components/schemas/ErrorEnvelope'}}
",
        )
        .unwrap();
        let response = |yaml: &str| -> ReferenceOr<openapiv3::Response> {
            serde_yaml_ng::from_str(yaml).unwrap()
        };
        let cases = [
            (
                "$ref: '#/components/responses/Failed'",
                "ErrorEnvelope | media=application/json",
            ),
            ("description: none", "no body"),
            (
                "{description: x, content: {text/plain: {}}}",
                "bytes | media=text/plain",
            ),
            (
                "{description: x, content: {application/json: {schema: {type: object}}}}",
                "inline schema | media=application/json",
            ),
            ("$ref: '#/components/responses/Missing'", "?"),
        ];
        for (yaml, expected) in cases {
            assert_eq!(response_type(&spec, &response(yaml)), expected, "{yaml}");
        }
    }
}
