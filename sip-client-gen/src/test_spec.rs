//! A small spec the generator accepts (a GET with a path parameter, a POST with a JSON
//! body, a multipart upload, an open enum and cross-field rules), for the generator's tests
//! to vary, and ways to read what it generates; and where the hand-written sources of the
//! checkout under test are.

use serde_json::{Value, json};

/// JSON pointers of its three operations.
pub(crate) const GET: &str = "/paths/~1v1~1things~1{id}/get";
pub(crate) const POST: &str = "/paths/~1v1~1things/post";
pub(crate) const UPLOAD: &str = "/paths/~1v1~1things~1{id}~1document/post";

/// A small spec the generator accepts: every case below breaks one thing of it.
pub(crate) fn base() -> Value {
    let thing = json!({"description": "the thing", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ThingEnvelope"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/v1/things/{id}": {"get": {
                "operationId": "get_thing",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
                ],
                "responses": {"200": thing}
            }},
            "/v1/things": {"post": {
                "operationId": "create_thing",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewThing"}}}},
                "responses": {"200": thing}
            }},
            "/v1/things/{id}/document": {"post": {
                "operationId": "upload_document",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                ],
                "requestBody": {"required": true, "content": {"multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/Document"}}}},
                "responses": {"200": thing}
            }}
        },
        "components": {"schemas": {
            "ThingEnvelope": {"type": "object", "properties": {
                "data": {"$ref": "#/components/schemas/Thing"},
                "errors": {"type": "array", "nullable": true,
                           "items": {"$ref": "#/components/schemas/ApiErrorEntry"}}
            }},
            "ApiErrorEntry": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string"},
                "message": {"type": "string", "nullable": true}
            }},
            "Thing": {"type": "object", "properties": {
                "name": {"type": "string"},
                "kind": {"$ref": "#/components/schemas/Kind"}
            }},
            "Kind": {"type": "string", "enum": ["big", "small"]},
            // A secret (never a parameter: it would be in URLs and logs) and a constant.
            "Secret": {"type": "string", "x-sip-client-type": "SipSecret"},
            "Service": {"type": "string", "enum": ["sip"], "default": "sip"},
            "NewThing": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "alias": {"type": "string"},
                    "kind": {"$ref": "#/components/schemas/Kind"}
                },
                "x-sip-client-rules": [{"exclusive": ["name", "alias"]}]
            },
            "Document": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"},
                "note": {"type": "string"}
            }}
        }}
    })
}

/// The pointer of `list_things`, the operation [`with_pagination`] adds.
pub(crate) const LIST: &str = "/paths/~1v1~1things/get";

/// The base spec with `list_things` (`GET /v1/things`: an optional string `after`, a
/// required integer `limit`; its data a `ThingList` of `things`, `Thing`s), whose
/// `x-pagination` is `paging`.
pub(crate) fn with_pagination(paging: Value) -> Value {
    let mut spec = base();
    spec["paths"]["/v1/things"]["get"] = json!({
        "operationId": "list_things",
        "x-pagination": paging,
        "parameters": [
            {"name": "after", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}}
        ],
        "responses": {"200": {"description": "a page", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ThingListEnvelope"}}}}}
    });
    let schemas = &mut spec["components"]["schemas"];
    schemas["ThingListEnvelope"] = json!({"type": "object", "properties": {
        "data": {"$ref": "#/components/schemas/ThingList"},
        "errors": {"type": "array", "nullable": true,
                   "items": {"$ref": "#/components/schemas/ApiErrorEntry"}}
    }});
    schemas["ThingList"] = json!({"type": "object", "required": ["things"], "properties": {
        "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
        "kinds": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}},
        "total": {"type": "integer"}
    }});
    spec
}

/// The base spec with query parameters of `get_thing` added: `(name, schema)`.
pub(crate) fn with_query_parameters(
    parameters: impl IntoIterator<Item = (&'static str, Value)>,
) -> Value {
    let mut spec = base();
    let list = spec
        .pointer_mut(&format!("{GET}/parameters"))
        .and_then(Value::as_array_mut)
        .expect("get_thing has parameters");
    for (name, schema) in parameters {
        list.push(json!({"name": name, "in": "query", "schema": schema}));
    }
    spec
}

/// The file at `path` the generator writes for `spec`.
pub(crate) fn generated_file(spec: &Value, path: &str) -> String {
    let generated = crate::generate("things.json", &spec.to_string()).expect("the spec generates");
    generated
        .file(path)
        .expect("a generated file")
        .contents
        .clone()
}

/// The line of `text` that starts with `start`.
pub(crate) fn line_starting<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|line| line.starts_with(start))
        .unwrap_or_else(|| panic!("a line starting {start:?} in\n{text}"))
}

/// `sip-client/src` of the checkout under test, found at run time: the package directory
/// cargo (and nextest) gives the test process, not one compiled into the binary, which a
/// target directory shared between checkouts would reuse for another checkout's tests.
pub(crate) fn sip_client_src() -> std::path::PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::current_dir().expect("the current directory"));
    package.join("../sip-client/src")
}
