//! The operations of our spec, read from the YAML independently of the client, for tests
//! that check the client against what the spec declares.

use serde_json::Value;

use crate::spec_text;

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// One operation as the spec declares it.
pub struct SpecOperation {
    /// Its `operationId`.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path, as the spec writes it.
    pub path: String,
    /// The operation object.
    pub definition: Value,
}

impl SpecOperation {
    /// The example of the 200 answer, if the spec gives one.
    pub fn answer_example(&self) -> Option<&Value> {
        self.definition
            .pointer("/responses/200/content/application~1json/example")
    }

    /// The example of the JSON request body, if the spec gives one.
    pub fn request_example(&self) -> Option<&Value> {
        self.definition
            .pointer("/requestBody/content/application~1json/example")
    }
}

/// The spec as JSON.
pub fn spec() -> Value {
    serde_yaml_ng::from_str(&spec_text()).expect("the spec is YAML that maps to JSON")
}

/// Every operation of the spec, by `operationId`.
pub fn spec_operations() -> Vec<SpecOperation> {
    let spec = spec();
    let paths = spec["paths"].as_object().expect("the spec has paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        let item = item.as_object().expect("a path item is an object");
        for (method, definition) in item {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = definition["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_owned();
            operations.push(SpecOperation {
                id,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                definition: definition.clone(),
            });
        }
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    operations
}
