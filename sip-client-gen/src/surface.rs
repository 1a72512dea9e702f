//! The API surface: a compact, line-per-item text view of the generated public API, and
//! the change report between two of them.
//!
//! One line per operation, parameter, response, type, field and enum variant, sorted, so
//! that a one-field change in the spec is a one-line change in the surface. Each line is
//! `<kind> <name>: <details>`; the report compares lines by `<kind> <name>`.
//!
//! Requiredness and nullability come from the spec (in Rust both are `Option`); Rust types
//! come from the generated code, so the surface shows what users actually compile against.

use std::collections::BTreeMap;
use std::fmt;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::model::{Api, Body, Location, ParamType, PartKind, Retry, Scalar};
use crate::rust::{self, short_type};

/// Renders the surface of a spec and the client generated from it.
pub(crate) fn render(spec: &OpenAPI, api: &Api) -> String {
    let mut lines = Vec::new();

    for op in &api.operations {
        let id = &op.id;
        lines.push(format!("operation {id}: {} {}", op.method, op.path));
        let mut params = Vec::new();
        for param in &op.params {
            let location = match param.location {
                Location::Path => "path",
                Location::Query => "query",
            };
            let required = if param.required {
                "required"
            } else {
                "optional"
            };
            params.push(format!(
                "param {id}.{}: {location}, {required}, {}",
                param.name,
                param_type(&param.ty)
            ));
        }
        match &op.body {
            Some(Body::Json { ty, required }) => {
                let required = if *required { "required" } else { "optional" };
                params.push(format!("body {id}: application/json, {required}, {ty}"));
            }
            Some(Body::Multipart { fields }) => {
                for field in fields {
                    let required = if field.required {
                        "required"
                    } else {
                        "optional"
                    };
                    let kind = match field.kind {
                        PartKind::File { .. } => "Upload",
                        PartKind::Text => "String",
                    };
                    params.push(format!(
                        "body {id}.{}: multipart/form-data, {required}, {kind}",
                        field.name
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
        let operation = spec
            .paths
            .paths
            .get(&op.path)
            .and_then(ReferenceOr::as_item)
            .and_then(|item| {
                item.iter()
                    .find(|(method, _)| method.eq_ignore_ascii_case(&op.method))
                    .map(|(_, operation)| operation)
            });
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
            let value = string_enum(schema).unwrap_or_default().join("");
            lines.push(format!(
                "type {name}: constant {value:?}, set by the client"
            ));
            continue;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                lines.push(format!("type {name}: struct"));
                let mut fields = Vec::new();
                for (property, property_schema) in &object.properties {
                    let rust_type = api
                        .types
                        .field(&rust_name, property)
                        .map(|field| short_type(&field.ty))
                        .unwrap_or_else(|| "?".to_owned());
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
                if let Some(extra) = api.types.flattened(&rust_name) {
                    fields.push(format!(
                        "field {name}.*: {}, unknown keys kept",
                        short_type(&extra.ty)
                    ));
                }
                fields.sort();
                lines.extend(fields);
            }
            _ => {
                let inner = match api.types.items.get(&rust_name) {
                    Some(rust::Item::Newtype(ty)) => short_type(ty),
                    _ => "?".to_owned(),
                };
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
            "param" | "body" => Some(format!(
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
