//! The API surface: a compact, line-per-item text view of the generated public API, and
//! the change report between two of them.
//!
//! One line per operation, parameter, response, type, field and enum variant, sorted, so
//! that a one-field change in the spec is a one-line change in the surface. Each line is
//! `<kind> <name>: <details>`; the report compares lines by `<kind> <name>`.
//!
//! Requiredness and nullability come from the spec (in Rust both are `Option`); Rust types
//! come from the generated code, so the surface shows what users actually compile against.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use quote::ToTokens;

/// Renders the surface of a spec and the client generated from it.
pub(crate) fn render(spec: &OpenAPI, client: &syn::File, replaced: &[(&str, &str)]) -> String {
    let rust = RustTypes::collect(client);
    let mut lines = Vec::new();

    for (path, method, operation) in operations(spec) {
        let id = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        lines.push(format!("operation {id}: {} {path}", method.to_uppercase()));
        let builder = upper_camel(&id);
        let mut params = Vec::new();
        for parameter in &operation.parameters {
            let Some(parameter) = resolve_parameter(spec, parameter) else {
                continue;
            };
            let (location, data) = match parameter {
                Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                Parameter::Path { parameter_data, .. } => ("path", parameter_data),
                Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
            };
            let rust_type = rust
                .field(&builder, &data.name)
                .map(|t| strip_wrapper(&t, "Result<", ",String>"))
                .unwrap_or_else(|| "?".to_owned());
            let required = if data.required {
                "required"
            } else {
                "optional"
            };
            params.push(format!(
                "param {id}.{}: {location}, {required}, {rust_type}",
                data.name
            ));
        }
        params.sort();
        lines.extend(params);
        let mut responses: Vec<String> = operation
            .responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => code.to_string(),
                    StatusCode::Range(range) => format!("{range}XX"),
                };
                format!("response {id}.{status}: {}", response_type(spec, response))
            })
            .collect();
        if let Some(default) = &operation.responses.default {
            responses.push(format!(
                "response {id}.default: {}",
                response_type(spec, default)
            ));
        }
        responses.sort();
        lines.extend(responses);
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
            lines.push(format!("type {name}: alias of another schema"));
            continue;
        };
        let replacement = replaced
            .iter()
            .find(|(schema, _)| schema == name)
            .map(|(_, r)| *r);
        let enum_values = string_enum(schema);
        match (replacement, &enum_values, &schema.schema_kind) {
            (Some(rust_type), Some(values), _) => {
                lines.push(format!("type {name}: open enum, {}", short(rust_type)));
                lines.extend(variant_lines(name, values));
            }
            (Some(rust_type), None, _) => {
                lines.push(format!("type {name}: hand-written, {}", short(rust_type)))
            }
            (None, Some(values), _) => {
                lines.push(format!("type {name}: enum"));
                lines.extend(variant_lines(name, values));
            }
            (None, None, SchemaKind::Type(Type::Object(object))) => {
                lines.push(format!("type {name}: struct"));
                let mut fields = Vec::new();
                for (property, property_schema) in &object.properties {
                    let rust_type = rust.field(name, property).unwrap_or_else(|| "?".to_owned());
                    let required = if object.required.contains(property) {
                        "required"
                    } else {
                        "optional"
                    };
                    let nullable = if is_nullable(spec, property_schema) {
                        ", nullable"
                    } else {
                        ""
                    };
                    fields.push(format!(
                        "field {name}.{property}: {rust_type}, {required}{nullable}"
                    ));
                }
                if let Some(extra) = rust.flattened(name) {
                    fields.push(format!("field {name}.*: {extra}, unknown keys kept"));
                }
                fields.sort();
                lines.extend(fields);
            }
            (None, None, _) => {
                let inner = rust.newtype(name).unwrap_or_else(|| "?".to_owned());
                lines.push(format!("type {name}: newtype of {inner}"));
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

fn variant_lines(name: &str, values: &[String]) -> Vec<String> {
    let sorted: BTreeSet<&String> = values.iter().collect();
    sorted
        .into_iter()
        .map(|value| format!("variant {name}.{value}"))
        .collect()
}

fn operations(spec: &OpenAPI) -> Vec<(&str, &str, &openapiv3::Operation)> {
    let mut all: Vec<_> = spec
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path.as_str(), item)))
        .flat_map(|(path, item)| item.iter().map(move |(method, op)| (path, method, op)))
        .collect();
    all.sort_by_key(|(path, method, op)| (op.operation_id.clone(), *path, *method));
    all
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

fn response_type(spec: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> String {
    let response = match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name)?.as_item()),
    };
    let Some(response) = response else {
        return "?".to_owned();
    };
    match response
        .content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
    {
        Some(ReferenceOr::Reference { reference }) => {
            reference.rsplit('/').next().unwrap_or(reference).to_owned()
        }
        Some(ReferenceOr::Item(_)) => "inline schema".to_owned(),
        None if response.content.is_empty() => "no body".to_owned(),
        None => {
            let types: Vec<&str> = response.content.keys().map(String::as_str).collect();
            format!("bytes ({})", types.join(", "))
        }
    }
}

fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            Some(string.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
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

/// Rust types of the generated structs' fields, by struct and JSON name.
struct RustTypes {
    fields: BTreeMap<(String, String), String>,
    flattened: BTreeMap<String, String>,
    newtypes: BTreeMap<String, String>,
}

impl RustTypes {
    fn collect(file: &syn::File) -> RustTypes {
        let mut types = RustTypes {
            fields: BTreeMap::new(),
            flattened: BTreeMap::new(),
            newtypes: BTreeMap::new(),
        };
        types.walk(&file.items);
        types
    }

    fn walk(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        self.walk(items);
                    }
                }
                syn::Item::Struct(item) => self.add_struct(item),
                _ => {}
            }
        }
    }

    fn add_struct(&mut self, item: &syn::ItemStruct) {
        let name = item.ident.to_string();
        // The builders of `mod types::builder` repeat the type names with `Result`-wrapped
        // fields; the first definition seen (the type itself) wins.
        match &item.fields {
            syn::Fields::Named(fields) => {
                for field in &fields.named {
                    let Some(ident) = &field.ident else { continue };
                    let rust_type = short(&field.ty.to_token_stream().to_string());
                    if has_serde_word(&field.attrs, "flatten") {
                        self.flattened.entry(name.clone()).or_insert(rust_type);
                        continue;
                    }
                    let json = serde_rename(&field.attrs)
                        .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
                    self.fields.entry((name.clone(), json)).or_insert(rust_type);
                }
            }
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let rust_type = short(&fields.unnamed[0].ty.to_token_stream().to_string());
                self.newtypes.entry(name).or_insert(rust_type);
            }
            _ => {}
        }
    }

    fn field(&self, type_name: &str, json_name: &str) -> Option<String> {
        self.fields
            .get(&(type_name.to_owned(), json_name.to_owned()))
            .cloned()
    }

    fn flattened(&self, type_name: &str) -> Option<String> {
        self.flattened.get(type_name).cloned()
    }

    fn newtype(&self, type_name: &str) -> Option<String> {
        self.newtypes.get(type_name).cloned()
    }
}

fn serde_args(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .map(|attr| attr.meta.to_token_stream().to_string().replace(' ', ""))
        .collect()
}

fn has_serde_word(attrs: &[syn::Attribute], word: &str) -> bool {
    serde_args(attrs).iter().any(|args| {
        args.trim_start_matches("serde(")
            .trim_end_matches(')')
            .split(',')
            .any(|arg| arg == word)
    })
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_args(attrs).iter().find_map(|args| {
        let start = args.find("rename=\"")? + "rename=\"".len();
        let end = args[start..].find('"')?;
        Some(args[start..start + end].to_owned())
    })
}

/// A Rust type as a reader writes it: no spaces, no `::std::...::` paths.
fn short(rust_type: &str) -> String {
    let mut text = rust_type.replace(' ', "");
    for (long, short) in [
        ("::std::option::", ""),
        ("::std::string::", ""),
        ("::std::vec::", ""),
        ("::std::collections::", ""),
        ("::serde_json::", "serde_json::"),
        ("::chrono::offset::", ""),
        ("::chrono::", ""),
        ("crate::", ""),
    ] {
        text = text.replace(long, short);
    }
    text
}

fn strip_wrapper(text: &str, prefix: &str, suffix: &str) -> String {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or(text)
        .to_owned()
}

fn upper_camel(id: &str) -> String {
    id.split(['_', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether a change can break users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code or data that worked before may not work after.
    Breaking,
    /// Only adds: what worked before still works.
    Additive,
}

/// One classified difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// Breaking or additive.
    pub impact: Impact,
    /// What changed, in one line.
    pub description: String,
}

/// Every difference between two surfaces, breaking ones first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeReport {
    /// The changes.
    pub changes: Vec<ApiChange>,
}

impl ChangeReport {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// How many changes are additive.
    pub fn additive(&self) -> usize {
        self.changes.len() - self.breaking()
    }

    /// `api changes: N breaking, M additive`, or `api changes: none`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            "api changes: none".to_owned()
        } else {
            format!(
                "api changes: {} breaking, {} additive",
                self.breaking(),
                self.additive()
            )
        }
    }
}

impl fmt::Display for ChangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "breaking",
                Impact::Additive => "additive",
            };
            writeln!(f, "{impact}: {}", change.description)?;
        }
        writeln!(f, "{}", self.summary())
    }
}

/// Parses surface text into `"<kind> <name>" -> details`, skipping comments.
fn entries(surface: &str) -> BTreeMap<&str, &str> {
    surface
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("//"))
        .map(|line| line.split_once(": ").unwrap_or((line, "")))
        .collect()
}

/// Compares two surfaces and classifies each difference.
///
/// Removals are breaking. Additions are additive, except a required field or a required
/// parameter. A type change is breaking; a field or parameter becoming optional (or
/// nullable) is additive, the reverse breaking. A new enum variant is additive: the client's
/// enums keep values they do not know, so readers are not broken by a new server value.
pub fn compare(old: &str, new: &str) -> ChangeReport {
    let old = entries(old);
    let new = entries(new);
    let mut changes = Vec::new();
    for (key, old_details) in &old {
        match new.get(key) {
            None if old_details.is_empty() => changes.push(ApiChange {
                impact: Impact::Breaking,
                description: format!("removed {key}"),
            }),
            None => changes.push(ApiChange {
                impact: Impact::Breaking,
                description: format!("removed {key} ({old_details})"),
            }),
            Some(new_details) if new_details != old_details => {
                changes.push(classify_change(key, old_details, new_details))
            }
            Some(_) => {}
        }
    }
    for (key, details) in &new {
        if old.contains_key(key) {
            continue;
        }
        let (kind, name) = key.split_once(' ').unwrap_or((key, ""));
        // A required member of a type or operation that existed before breaks its users; one
        // of a new type or operation is part of something new.
        let owner = match kind {
            "field" => Some(format!(
                "type {}",
                name.split('.').next().unwrap_or_default()
            )),
            "param" => Some(format!(
                "operation {}",
                name.split('.').next().unwrap_or_default()
            )),
            _ => None,
        };
        let required = details.split(", ").any(|part| part == "required");
        let breaks = required && owner.is_some_and(|owner| old.contains_key(owner.as_str()));
        let impact = if breaks {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        let what = if breaks { "added required" } else { "added" };
        let details = if details.is_empty() {
            String::new()
        } else {
            format!(" ({details})")
        };
        changes.push(ApiChange {
            impact,
            description: format!("{what} {key}{details}"),
        });
    }
    changes.sort_by(|a, b| (a.impact, &a.description).cmp(&(b.impact, &b.description)));
    ChangeReport { changes }
}

fn classify_change(key: &str, old: &str, new: &str) -> ApiChange {
    let kind = key.split(' ').next().unwrap_or_default();
    let breaking = |why: String| ApiChange {
        impact: Impact::Breaking,
        description: format!("{key}: {why} ({old} -> {new})"),
    };
    if kind != "field" && kind != "param" {
        return breaking("changed".to_owned());
    }
    let parse = |details: &str| -> (String, bool, bool) {
        let parts: Vec<&str> = details.split(", ").collect();
        let required = parts.contains(&"required");
        let nullable = parts.contains(&"nullable");
        let shape: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| !matches!(*p, "required" | "optional" | "nullable"))
            .map(|p| {
                p.strip_prefix("Option<")
                    .and_then(|t| t.strip_suffix('>'))
                    .unwrap_or(p)
            })
            .collect();
        (shape.join(", "), required, nullable)
    };
    let (old_shape, old_required, old_nullable) = parse(old);
    let (new_shape, new_required, new_nullable) = parse(new);
    if old_shape != new_shape {
        return breaking("type changed".to_owned());
    }
    if new_required && !old_required {
        return breaking("became required".to_owned());
    }
    if old_nullable && !new_nullable {
        return breaking("is no longer nullable".to_owned());
    }
    let why = if old_required && !new_required {
        "became optional"
    } else {
        "became nullable"
    };
    ApiChange {
        impact: Impact::Additive,
        description: format!("{key}: {why} ({old} -> {new})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_types() {
        assert_eq!(
            short(":: std :: option :: Option < :: std :: string :: String >"),
            "Option<String>"
        );
        assert_eq!(
            short(":: chrono :: DateTime < :: chrono :: offset :: Utc >"),
            "DateTime<Utc>"
        );
        assert_eq!(upper_camel("get_sip_config"), "GetSipConfig");
    }

    #[test]
    fn classification() {
        let old = "field A.x: String, required\nfield A.y: Option<i64>, optional\nvariant E.a\n";
        let report = compare(old, old);
        assert_eq!(report.summary(), "api changes: none");

        let new = "field A.x: Option<String>, optional\nfield A.y: Option<i64>, optional\nvariant E.a\nvariant E.b\n";
        let report = compare(old, new);
        assert_eq!(report.summary(), "api changes: 0 breaking, 2 additive");

        let new = "field A.x: String, required\nfield A.y: Option<String>, optional\n";
        let report = compare(old, new);
        assert_eq!(report.summary(), "api changes: 2 breaking, 0 additive");
        assert!(
            report
                .to_string()
                .contains("breaking: field A.y: type changed"),
            "{report}"
        );
        assert!(
            report.to_string().contains("breaking: removed variant E.a"),
            "{report}"
        );

        let old = format!("type A: struct\n{old}");
        let new =
            format!("{old}field A.z: String, required\nparam op.q: query, optional, String\n");
        let report = compare(&old, &new);
        assert_eq!(report.summary(), "api changes: 1 breaking, 1 additive");
        // Required members of a new type are part of something new.
        let new = format!("{new}type B: struct\nfield B.z: String, required\n");
        let report = compare(&old, &new);
        assert_eq!(report.summary(), "api changes: 1 breaking, 3 additive");
    }
}
