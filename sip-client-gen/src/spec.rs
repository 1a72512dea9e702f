//! Loading and checking a spec before progenitor sees it.
//!
//! progenitor takes an `openapiv3::OpenAPI` and trusts it: a 3.1 document is refused with a
//! terse message, and a dangling `$ref` can panic deep inside typify. These checks run first
//! so that each mistake gets a message that says where it is.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::{Map, Value};

use crate::error::{Culprit, Error};

/// Parses spec text (YAML or JSON) and checks version and references.
pub(crate) fn load(text: &str) -> Result<OpenAPI, Error> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|err| {
        let location = err.location();
        Error::Yaml {
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: err.to_string(),
        }
    })?;
    // Through JSON so that integer keys (an unquoted `200:` status) become strings, as
    // OpenAPI means them.
    let mut json = serde_json::to_value(&yaml).map_err(|err| Error::Shape {
        at: String::new(),
        message: err.to_string(),
    })?;

    let version = json
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or(Error::MissingVersion)?;
    if !version.trim().starts_with("3.0.") {
        return Err(Error::UnsupportedVersion {
            found: version.to_owned(),
        });
    }

    check_refs(&json, &json, &mut String::new(), false)?;
    check_no_empty_cycles(&json)?;
    nullable_references(&mut json);
    crate::markdown::doc_safe_descriptions(&mut json);
    crate::model::check_document(&json)?;

    serde_path_to_error::deserialize(json).map_err(|err| Error::Shape {
        at: pointer(err.path()),
        message: err.inner().to_string(),
    })
}

/// Reads each reference made nullable the way OpenAPI 3.0.3 allows, an `anyOf` (or `oneOf`)
/// of the `$ref` and a schema that admits only null (see [`only_null`]), as the
/// `nullable: true` and `allOf: [$ref]` progenitor makes an `Option` of. That second form
/// is what generators read, but a validator refuses null with it: OpenAPI 3.0.3 says
/// `nullable` widens only the `type` beside it, and the referenced schema's own `type`
/// still refuses null (Prism refused Bland's documented `"inbound": null` so).
fn nullable_references(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["anyOf", "oneOf"] {
                let Some(Value::Array(members)) = map.get(key) else {
                    continue;
                };
                let [first, second] = members.as_slice() else {
                    continue;
                };
                let (reference, null) = if is_ref(first) {
                    (first, second)
                } else {
                    (second, first)
                };
                if !only_null(null)
                    || !is_ref(reference)
                    || map.contains_key("type")
                    || map.contains_key("allOf")
                {
                    continue;
                }
                let (reference, ty) = (reference.clone(), null.get("type").cloned());
                map.remove(key);
                map.extend(ty.map(|ty| ("type".to_owned(), ty)));
                map.insert("nullable".to_owned(), Value::Bool(true));
                map.insert("allOf".to_owned(), Value::Array(vec![reference]));
                break;
            }
            map.values_mut().for_each(nullable_references);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_references),
        _ => {}
    }
}

/// Whether a schema admits null and nothing else: `enum: [null]`, with nothing more but a
/// `type`, `nullable: true` and a `description`. Our spec writes `{enum: [null]}` alone:
/// Prism 5.14 checks nothing of an answer whose schema holds `enum: [null]` beside
/// `nullable: true` (openapi/README.md says what else was tried).
fn only_null(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let known = ["type", "nullable", "enum", "description"];
    map.get("enum") == Some(&Value::Array(vec![Value::Null]))
        && map
            .get("nullable")
            .is_none_or(|nullable| *nullable == Value::Bool(true))
        && map.keys().all(|key| known.contains(&key.as_str()))
}

/// A key as one token of a JSON pointer: `~` and `/` escaped as RFC 6901 says.
pub(crate) fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// serde's path to a value as a JSON pointer, like every other place an error names. A
/// segment serde could not name ends the pointer there (at the value holding it).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let token = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => pointer_token(key),
            Segment::Enum { variant } => pointer_token(variant),
            Segment::Unknown => break,
        };
        out.push('/');
        out.push_str(&token);
    }
    out
}

/// Keys of maps whose keys are names (of properties, schemas, status codes, media types...),
/// not keywords: a property named `example` is a schema like any other.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "parameters",
    "requestBodies",
    "responses",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "encoding",
    "variables",
    "paths",
    "content",
];

/// Checks that every `$ref` in `value` resolves inside `root`; `at` is `value`'s JSON pointer,
/// `names` says whether `value`'s keys are names rather than keywords.
///
/// Examples are literal JSON: an `example`, the items of a schema's `examples` and the
/// `value` of an Example Object may hold a `$ref` key that is data. (An Example Object may
/// itself be a `$ref` to `components/examples`.) So are a schema's `default`, `enum` and
/// `const` values, and specification extensions (`x-...`), whose content OpenAPI leaves free.
fn check_refs(root: &Value, value: &Value, at: &mut String, names: bool) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if !names {
                check_ref(root, map, at)?;
            }
            for (key, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer_token(key));
                match (names, key.as_str(), child) {
                    (false, "example" | "default" | "enum" | "const", _)
                    | (false, "examples", Value::Array(_)) => {}
                    (false, extension, _) if extension.starts_with("x-") => {}
                    (false, "examples", Value::Object(examples)) => {
                        for (name, example) in examples {
                            let len = at.len();
                            at.push('/');
                            at.push_str(&pointer_token(name));
                            if let Value::Object(example) = example {
                                check_ref(root, example, at)?;
                            }
                            at.truncate(len);
                        }
                    }
                    _ => {
                        let child_names = !names && NAME_MAPS.contains(&key.as_str());
                        check_refs(root, child, at, child_names)?;
                    }
                }
                at.truncate(len);
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&index.to_string());
                check_refs(root, child, at, false)?;
                at.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks the `$ref` of one object, if it has one.
fn check_ref(root: &Value, map: &serde_json::Map<String, Value>, at: &str) -> Result<(), Error> {
    let Some(Value::String(reference)) = map.get("$ref") else {
        return Ok(());
    };
    let resolves = reference
        .strip_prefix('#')
        .is_some_and(|pointer| root.pointer(pointer).is_some());
    if resolves {
        return Ok(());
    }
    Err(Error::UnresolvedRef {
        reference: reference.clone(),
        at: if at.is_empty() {
            "/".to_owned()
        } else {
            at.to_owned()
        },
    })
}

/// What [`walk`] visits: the objects of a document a refusal may be about.
pub(crate) enum Visit<'a> {
    /// A schema written in place (not a `$ref`), and where it stands.
    Schema {
        schema: &'a Map<String, Value>,
        place: Place,
    },
    /// A Parameter Object written in place (not a `$ref`).
    Parameter(&'a Map<String, Value>),
}

/// Where a schema stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A named schema of `components/schemas`.
    Named,
    /// The schema of a `multipart/form-data` request body written in place: its properties
    /// are form fields, which the front door sends itself (progenitor never sees the
    /// operation) and the surface lists.
    Form,
    /// Anywhere else.
    Inline,
}

/// Calls `visit` with every schema and parameter of a document and its JSON pointer,
/// following OpenAPI 3.0's structure: schemas stand in `components/schemas`, in the
/// `schema` of a parameter, header or media type, and inside a schema in `properties`,
/// `items`, `allOf`, `oneOf`, `anyOf`, `not` and an `additionalProperties` that is a schema.
///
/// Nothing else is entered: an `example`, `examples`, `default`, `enum`, `const` or `x-`
/// extension is data, and a key of `properties` is a name (a property may be called
/// `example`), never a keyword.
pub(crate) fn walk(
    json: &Value,
    mut visit: impl FnMut(Visit<'_>, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    Walker {
        at: String::new(),
        visit: &mut visit,
    }
    .document(json)
}

/// The methods of a Path Item Object.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct Walker<'w> {
    /// The JSON pointer of the value being walked.
    at: String,
    visit: &'w mut dyn FnMut(Visit<'_>, &str) -> Result<(), Error>,
}

/// One step of [`Walker`]: what the value at its pointer is walked as.
type Step<'w> = fn(&mut Walker<'w>, &Value) -> Result<(), Error>;

impl<'w> Walker<'w> {
    /// Runs `f` with the pointer one token deeper.
    fn under(
        &mut self,
        token: &str,
        f: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let len = self.at.len();
        self.at.push('/');
        self.at.push_str(&pointer_token(token));
        let result = f(self);
        self.at.truncate(len);
        result
    }

    /// `step` on `value[key]`, if there is one.
    fn one(&mut self, value: &Value, key: &str, step: Step<'w>) -> Result<(), Error> {
        match value.get(key) {
            Some(child) => self.under(key, |w| step(w, child)),
            None => Ok(()),
        }
    }

    /// `step` on every item of the list `value[key]`.
    fn list(&mut self, value: &Value, key: &str, step: Step<'w>) -> Result<(), Error> {
        let Some(Value::Array(items)) = value.get(key) else {
            return Ok(());
        };
        self.under(key, |w| {
            for (index, item) in items.iter().enumerate() {
                w.under(&index.to_string(), |w| step(w, item))?;
            }
            Ok(())
        })
    }

    /// `step` on every entry of the map of names `value[key]`; with `extensible`, the map
    /// is an object of OpenAPI's whose `x-` keys are extensions, not names.
    fn map(
        &mut self,
        value: &Value,
        key: &str,
        extensible: bool,
        step: Step<'w>,
    ) -> Result<(), Error> {
        let Some(Value::Object(entries)) = value.get(key) else {
            return Ok(());
        };
        self.under(key, |w| {
            for (name, entry) in entries {
                if !(extensible && name.starts_with("x-")) {
                    w.under(name, |w| step(w, entry))?;
                }
            }
            Ok(())
        })
    }

    fn document(&mut self, document: &Value) -> Result<(), Error> {
        self.one(document, "components", |w, components| {
            w.map(components, "schemas", false, Walker::named_schema)?;
            w.map(components, "parameters", false, Walker::parameter)?;
            w.map(components, "headers", false, Walker::header)?;
            w.map(components, "requestBodies", false, Walker::request_body)?;
            w.map(components, "responses", false, Walker::response)?;
            w.map(components, "callbacks", false, Walker::callback)
        })?;
        self.map(document, "paths", true, Walker::path_item)
    }

    fn path_item(&mut self, item: &Value) -> Result<(), Error> {
        if is_ref(item) {
            return Ok(());
        }
        self.list(item, "parameters", Walker::parameter)?;
        for method in METHODS {
            self.one(item, method, Walker::operation)?;
        }
        Ok(())
    }

    fn operation(&mut self, operation: &Value) -> Result<(), Error> {
        self.list(operation, "parameters", Walker::parameter)?;
        self.one(operation, "requestBody", Walker::request_body)?;
        self.map(operation, "responses", true, Walker::response)?;
        self.map(operation, "callbacks", false, Walker::callback)
    }

    fn callback(&mut self, callback: &Value) -> Result<(), Error> {
        if is_ref(callback) {
            return Ok(());
        }
        let Value::Object(expressions) = callback else {
            return Ok(());
        };
        for (expression, item) in expressions {
            if !expression.starts_with("x-") {
                self.under(expression, |w| w.path_item(item))?;
            }
        }
        Ok(())
    }

    fn parameter(&mut self, parameter: &Value) -> Result<(), Error> {
        let Value::Object(map) = parameter else {
            return Ok(());
        };
        if is_ref(parameter) {
            return Ok(());
        }
        (self.visit)(Visit::Parameter(map), &self.at)?;
        self.one(parameter, "schema", Walker::schema)?;
        self.map(parameter, "content", false, Walker::media_type)
    }

    fn header(&mut self, header: &Value) -> Result<(), Error> {
        if is_ref(header) {
            return Ok(());
        }
        self.one(header, "schema", Walker::schema)?;
        self.map(header, "content", false, Walker::media_type)
    }

    fn request_body(&mut self, body: &Value) -> Result<(), Error> {
        if is_ref(body) {
            return Ok(());
        }
        let Some(Value::Object(content)) = body.get("content") else {
            return Ok(());
        };
        self.under("content", |w| {
            for (media, media_type) in content {
                let form =
                    media.split(';').next().unwrap_or_default().trim() == "multipart/form-data";
                w.under(media, |w| {
                    match media_type.get("schema") {
                        Some(schema) if form => {
                            w.under("schema", |w| w.schema_of(schema, Place::Form))?
                        }
                        _ => w.one(media_type, "schema", Walker::schema)?,
                    }
                    w.media_type_but_schema(media_type)
                })?;
            }
            Ok(())
        })
    }

    fn response(&mut self, response: &Value) -> Result<(), Error> {
        if is_ref(response) {
            return Ok(());
        }
        self.map(response, "headers", false, Walker::header)?;
        self.map(response, "content", false, Walker::media_type)
    }

    fn media_type(&mut self, media_type: &Value) -> Result<(), Error> {
        self.one(media_type, "schema", Walker::schema)?;
        self.media_type_but_schema(media_type)
    }

    fn media_type_but_schema(&mut self, media_type: &Value) -> Result<(), Error> {
        self.map(media_type, "encoding", false, |w, encoding| {
            w.map(encoding, "headers", false, Walker::header)
        })
    }

    fn named_schema(&mut self, schema: &Value) -> Result<(), Error> {
        self.schema_of(schema, Place::Named)
    }

    fn schema(&mut self, schema: &Value) -> Result<(), Error> {
        self.schema_of(schema, Place::Inline)
    }

    fn schema_of(&mut self, schema: &Value, place: Place) -> Result<(), Error> {
        // `additionalProperties: true` is no schema; a `$ref` is walked where it leads.
        let Value::Object(map) = schema else {
            return Ok(());
        };
        if is_ref(schema) {
            return Ok(());
        }
        (self.visit)(Visit::Schema { schema: map, place }, &self.at)?;
        self.map(schema, "properties", false, Walker::schema)?;
        self.one(schema, "items", Walker::schema)?;
        for key in ["allOf", "oneOf", "anyOf"] {
            self.list(schema, key, Walker::schema)?;
        }
        self.one(schema, "not", Walker::schema)?;
        self.one(schema, "additionalProperties", Walker::schema)
    }
}

/// Whether `value` is a Reference Object.
fn is_ref(value: &Value) -> bool {
    value.get("$ref").is_some()
}

/// Refuses schemas that lead back to themselves through `$ref`, `allOf`, `oneOf` and `anyOf`
/// alone: a value of them never ends (`struct Loop(Loop2); struct Loop2(Box<Loop>)`), and
/// decoding one overflows the stack. A cycle through a property or an array's items is
/// fine: each step reads a part of the input.
fn check_no_empty_cycles(json: &Value) -> Result<(), Error> {
    let Some(schemas) = json
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let edges: BTreeMap<&str, Vec<String>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut to = Vec::new();
            same_value(schema, &mut to);
            (name.as_str(), to)
        })
        .collect();
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(*start).to_owned()];
        if let Some(cycle) = cycle_from(&edges, &mut stack, &mut done) {
            return Err(Error::Shape {
                at: format!("/components/schemas/{}", pointer_token(&cycle[0])),
                message: format!(
                    "the schemas {} lead to one another through $ref, allOf, oneOf or anyOf \
                     alone, so a value of them never ends; let the recursion go through a \
                     property or an array's items",
                    cycle.join(" -> ")
                ),
            });
        }
    }
    Ok(())
}

/// The schemas of `components/schemas` whose value `schema`'s value also is.
fn same_value(schema: &Value, out: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(name) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .filter(|name| !name.contains('/'))
    {
        out.push(name.replace("~1", "/").replace("~0", "~"));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for item in map.get(key).and_then(Value::as_array).into_iter().flatten() {
            same_value(item, out);
        }
    }
}

/// A cycle through the last schema of `stack` back to one in it (depth first), as the
/// schemas from the first of the cycle to it again.
fn cycle_from(
    edges: &BTreeMap<&str, Vec<String>>,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    let last = stack.last()?.clone();
    if done.contains(&last) {
        return None;
    }
    for next in edges.get(last.as_str()).into_iter().flatten() {
        if let Some(start) = stack.iter().position(|name| name == next) {
            let mut cycle = stack[start..].to_vec();
            cycle.push(next.clone());
            return Some(cycle);
        }
        stack.push(next.clone());
        let found = cycle_from(edges, stack, done);
        stack.pop();
        if found.is_some() {
            return found;
        }
    }
    done.insert(last);
    None
}

/// The spec as progenitor gets it: without the operations whose request body it cannot
/// generate (`multipart/form-data`), which the front door serves on its own. Returns the
/// ids of the operations left out.
pub(crate) fn for_progenitor(spec: &OpenAPI) -> (OpenAPI, BTreeSet<String>) {
    let mut trimmed = spec.clone();
    let mut skipped = BTreeSet::new();
    for item in trimmed.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for slot in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ] {
            let multipart = slot.as_ref().is_some_and(|operation| {
                matches!(&operation.request_body, Some(ReferenceOr::Item(body))
                    if body.content.keys().any(|media| media.starts_with("multipart/")))
            });
            if multipart && let Some(operation) = slot.take() {
                skipped.extend(operation.operation_id);
            }
        }
    }
    (trimmed, skipped)
}

/// Narrows a failure down to one schema or one operation.
///
/// `fails` runs the generator on a reduced spec. Schemas are tried first, with no operation:
/// each with the schemas it refers to (alone, its references would dangle, and fail on their
/// own), then narrowed down to one that fails with its references while each schema it
/// refers to does not (with its own); then each operation alone with every schema.
pub(crate) fn find_culprit(spec: &OpenAPI, fails: impl Fn(&OpenAPI) -> bool) -> Option<Culprit> {
    let mut without_paths = spec.clone();
    without_paths.paths.paths.clear();
    if fails(&without_paths) {
        let schemas = spec
            .components
            .as_ref()
            .map(|c| c.schemas.clone())
            .unwrap_or_default();
        // Schema -> the schemas its `$ref`s point at.
        let edges: BTreeMap<&String, Vec<String>> = schemas
            .iter()
            .map(|(name, schema)| {
                let mut to = Vec::new();
                references_in(&serde_json::to_value(schema).unwrap_or_default(), &mut to);
                (name, to)
            })
            .collect();
        let referenced = |name: &String| -> BTreeSet<String> {
            let mut found = BTreeSet::new();
            let mut queue = vec![name.clone()];
            while let Some(name) = queue.pop() {
                if let Some(to) = edges.get(&name)
                    && found.insert(name)
                {
                    queue.extend(to.iter().cloned());
                }
            }
            found
        };
        let with_references = |name: &String| -> OpenAPI {
            let kept = referenced(name);
            let mut reduced = without_paths.clone();
            let components = reduced.components.get_or_insert_with(Default::default);
            components.schemas.retain(|name, _| kept.contains(name));
            reduced
        };
        let Some(mut culprit) = schemas
            .keys()
            .find(|name| fails(&with_references(name)))
            .cloned()
        else {
            return Some(Culprit::Components);
        };
        // A schema it refers to whose own try fails too is nearer the fault. Only schemas
        // with fewer references are tried, so that a cycle of references ends.
        loop {
            let kept = referenced(&culprit);
            let nearer = kept.iter().find(|name| {
                **name != culprit
                    && referenced(name).len() < kept.len()
                    && fails(&with_references(name))
            });
            match nearer {
                Some(name) => culprit = name.clone(),
                None => return Some(Culprit::Schema(culprit)),
            }
        }
    }

    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let mut alone = spec.clone();
            let mut only = item.clone();
            for (other, slot) in [
                ("get", &mut only.get),
                ("put", &mut only.put),
                ("post", &mut only.post),
                ("delete", &mut only.delete),
                ("options", &mut only.options),
                ("head", &mut only.head),
                ("patch", &mut only.patch),
                ("trace", &mut only.trace),
            ] {
                if other != method {
                    *slot = None;
                }
            }
            alone.paths.paths.clear();
            alone
                .paths
                .paths
                .insert(path.clone(), ReferenceOr::Item(only));
            if fails(&alone) {
                return Some(Culprit::Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    operation_id: operation.operation_id.clone(),
                });
            }
        }
    }
    None
}

/// The names of `components/schemas` that the `$ref`s of `value` point at.
fn references_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
            {
                // A pointer into a schema refers to the schema.
                let name = name.split('/').next().unwrap_or_default();
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|child| references_in(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| references_in(child, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenAPI 3.0.3's nullable reference, in either order and under `anyOf` or `oneOf`,
    /// becomes the form progenitor reads; anything else is left as it was.
    #[test]
    fn a_reference_or_null_is_read_as_a_nullable_reference() {
        let to = serde_json::json!({"$ref": "#/components/schemas/Thing"});
        let null_alone = serde_json::json!({"enum": [null]});
        let typed_null = serde_json::json!({"type": "object", "nullable": true, "enum": [null]});
        let read_as = |ty: Option<&str>| {
            let mut schema =
                serde_json::json!({"description": "d", "nullable": true, "allOf": [to]});
            if let Some(ty) = ty {
                schema["type"] = ty.into();
            }
            schema
        };
        for key in ["anyOf", "oneOf"] {
            for (members, ty) in [
                ([&to, &null_alone], None),
                ([&null_alone, &to], None),
                ([&to, &typed_null], Some("object")),
            ] {
                let mut schema = serde_json::json!({"description": "d", key: members});
                nullable_references(&mut schema);
                assert_eq!(schema, read_as(ty), "{key} {members:?}");
            }
        }
        // Deep in a document, in objects and lists.
        let or_null = serde_json::json!({"description": "d", "anyOf": [to, null_alone]});
        let mut spec = serde_json::json!({"components": {"schemas": {"A": {
            "properties": {"x": or_null},
            "allOf": [{"properties": {"y": or_null}}]
        }}}});
        nullable_references(&mut spec);
        let a = &spec["components"]["schemas"]["A"];
        assert_eq!(a["properties"]["x"], read_as(None));
        assert_eq!(a["allOf"][0]["properties"]["y"], read_as(None));

        for unchanged in [
            // Two references, or a second schema that admits more than null.
            serde_json::json!({"anyOf": [to, to]}),
            serde_json::json!({"anyOf": [to, {"type": "object", "nullable": true}]}),
            serde_json::json!({"anyOf": [to, {"enum": [null, 1]}]}),
            serde_json::json!({"anyOf": [to, {"enum": []}]}),
            serde_json::json!({"anyOf": [to, {"enum": [null], "nullable": false}]}),
            serde_json::json!({"anyOf": [to, {"enum": [null], "minProperties": 1}]}),
            serde_json::json!({"anyOf": [to, {"type": "object", "nullable": true, "not": {"type": "object"}}]}),
            // Not two members, or not beside a type or allOf of its own.
            serde_json::json!({"anyOf": [to, null_alone, {"type": "string"}]}),
            serde_json::json!({"anyOf": [to]}),
            serde_json::json!({"type": "object", "anyOf": [to, null_alone]}),
            serde_json::json!({"allOf": [to], "anyOf": [to, null_alone]}),
            serde_json::json!({"anyOf": [{"type": "string"}, null_alone]}),
            serde_json::json!({"allOf": [to, null_alone]}),
        ] {
            let mut schema = unchanged.clone();
            nullable_references(&mut schema);
            assert_eq!(schema, unchanged);
        }
    }

    fn unresolved(spec: &str) -> Error {
        load(spec).expect_err("a dangling $ref")
    }

    #[test]
    fn a_dangling_ref_is_found_anywhere_with_its_json_pointer() {
        // Inside an array (`allOf`), named by its index.
        let in_array = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      allOf:
        - type: object
        - $ref: '#/components/schemas/Missing'
";
        assert_eq!(
            unresolved(in_array),
            Error::UnresolvedRef {
                reference: "#/components/schemas/Missing".to_owned(),
                at: "/components/schemas/A/allOf/1".to_owned(),
            }
        );
        // Under a path, whose `/` and `~` are escaped as RFC 6901 says.
        let under_path = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/a~b:
    get:
      responses:
        '200': {$ref: '#/components/responses/Nope'}
";
        assert_eq!(
            unresolved(under_path),
            Error::UnresolvedRef {
                reference: "#/components/responses/Nope".to_owned(),
                at: "/paths/~1v1~1a~0b/get/responses/200".to_owned(),
            }
        );
        // A reference to another document is not followed: it does not resolve here.
        let elsewhere = under_path.replace("'#/components/responses/Nope'", "'other.yaml#/x'");
        assert!(matches!(
            unresolved(&elsewhere),
            Error::UnresolvedRef { reference, .. } if reference == "other.yaml#/x"
        ));
    }
}
