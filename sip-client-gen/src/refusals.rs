//! Every shape of spec the generator refuses: each refusal says what is wrong and where (a
//! JSON pointer into the spec), and nothing is generated.
//!
//! Each case edits the small valid spec of `test_spec` and generates it.

use serde_json::{Value, json};

use crate::test_spec::{GET, POST, UPLOAD, base};
use crate::{Error, generate};

/// The generator's answer for the base spec with `edit` applied at `pointer`.
fn generate_with(pointer: &str, edit: impl FnOnce(&mut Value)) -> Result<(), Error> {
    let mut spec = base();
    edit(
        spec.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("the base spec has {pointer}")),
    );
    generate("things.json", &spec.to_string()).map(|_| ())
}

/// Asserts that the edit is refused as a shape error at `at` whose message holds `says`.
#[track_caller]
fn refused(pointer: &str, edit: impl FnOnce(&mut Value), at: &str, says: &str) {
    match generate_with(pointer, edit) {
        Err(Error::Shape {
            at: found_at,
            message,
        }) => {
            assert_eq!(found_at, at, "{message}");
            assert!(message.contains(says), "{message:?} says {says:?}");
        }
        other => panic!("expected a shape error at {at}, got {other:?}"),
    }
}

/// [`refused`] for a string query parameter `name` added to `get_thing` (after its two).
#[track_caller]
fn refused_query_parameter(name: &str, says: &str) {
    refused(
        &format!("{GET}/parameters"),
        |list| {
            list.as_array_mut()
                .unwrap()
                .push(json!({"name": name, "in": "query", "schema": {"type": "string"}}))
        },
        &format!("{GET}/parameters/2"),
        says,
    );
}

fn set(value: Value) -> impl FnOnce(&mut Value) {
    move |slot| *slot = value
}

fn insert(key: &str, value: Value) -> impl FnOnce(&mut Value) {
    let key = key.to_owned();
    move |slot| {
        slot.as_object_mut().unwrap().insert(key, value);
    }
}

fn remove(key: &str) -> impl FnOnce(&mut Value) {
    let key = key.to_owned();
    move |slot| {
        slot.as_object_mut().unwrap().remove(&key).unwrap();
    }
}

#[test]
fn the_base_spec_generates() {
    generate_with("", |_| {}).unwrap();
}

#[test]
fn schemas_the_client_cannot_name() {
    refused(
        "/components/schemas/Thing",
        insert("x-sip-client-type", json!("Thing")),
        "/components/schemas/Thing/x-sip-client-type",
        "\"Thing\" is not a hand-written type of sip-client; one of: PhoneNumber,",
    );
    for (values, says) in [
        (
            json!(["big", "7up"]),
            "the value \"7up\" gives no Rust variant name",
        ),
        (
            json!(["big", "-"]),
            "the value \"-\" gives no Rust variant name",
        ),
        (
            json!(["big", "unknown"]),
            "\"unknown\" would collide with the variant",
        ),
        (
            json!(["big", "self"]),
            "the value \"self\" becomes the variant Self, a keyword that cannot name one",
        ),
        (
            json!(["big", "no-answer", "no_answer"]),
            "\"no-answer\" and \"no_answer\" both become the variant NoAnswer",
        ),
    ] {
        refused(
            "/components/schemas/Kind/enum",
            set(values),
            "/components/schemas/Kind/enum",
            says,
        );
    }
    // A schema (an enum, an object) named like an item of sip-client's crate root, or of
    // Rust's prelude.
    let renamed = |from: &str, to: &str| {
        let mut spec = base();
        let schemas = spec.pointer_mut("/components/schemas").unwrap();
        let schema = schemas.as_object_mut().unwrap().remove(from).unwrap();
        schemas[to] = schema;
        let text = spec.to_string().replace(
            &format!("#/components/schemas/{from}\""),
            &format!("#/components/schemas/{to}\""),
        );
        generate("things.json", &text).map(|_| ())
    };
    for name in [
        "Error",
        "TimestampOutOfRange",
        "Escaped",
        "RedirectNotFollowed",
        "PhoneNumber",
    ] {
        for from in ["Kind", "Thing"] {
            assert_eq!(
                renamed(from, name),
                Err(Error::Shape {
                    at: format!("/components/schemas/{name}"),
                    message: format!(
                        "the name {name} is taken by sip-client's own {name}; rename the schema"
                    ),
                }),
                "{from}"
            );
        }
    }
    for name in [
        "Result", "Option", "Box", "String", "Vec", "Some", "Cow", "Clone",
    ] {
        for from in ["Kind", "Thing"] {
            assert_eq!(
                renamed(from, name),
                Err(Error::Shape {
                    at: format!("/components/schemas/{name}"),
                    message: format!(
                        "the name {name} is Rust's {name}, which the generated code uses; \
                         rename the schema"
                    ),
                }),
                "{from}"
            );
        }
    }
}

/// A property that becomes the field `build`: its builder setter would be a second `build`
/// beside the one that finishes the value, and the crate would not compile. `Build`,
/// `build_` and `_build` too (typify names each `build`); `builds` is another name.
#[test]
fn a_property_named_as_the_builders_finish() {
    for name in ["build", "Build", "BUILD", "build_", "_build"] {
        refused(
            "/components/schemas/Thing/properties",
            insert(name, json!({"type": "string"})),
            "/components/schemas/Thing/properties",
            &format!(
                "the property {name:?} becomes the field build of Thing, which its builder's \
                 own build() would collide with; rename the property"
            ),
        );
    }
    for name in ["builds", "rebuild", "build_it"] {
        let answer = generate_with(
            "/components/schemas/Thing/properties",
            insert(name, json!({"type": "string"})),
        );
        assert_eq!(answer, Ok(()), "{name}");
    }
}

/// Two schemas that become one Rust type (`probe-thing` and `ProbeThing`) made a crate
/// with the type defined twice; a name that makes no Rust type (`1Thing`, `Self`) was
/// refused with a message about something else. Both are refused at the schema, naming it.
/// (Found by the review of spec edits.)
#[test]
fn schema_names_that_make_no_type_or_the_same_one() {
    // (In the document's order, which for this test's JSON is sorted.)
    for (first, second) in [("ProbeThing", "probe-thing"), ("ProbeKind", "probe_kind")] {
        refused(
            "/components/schemas",
            |schemas| {
                schemas[first] = json!({"type": "object", "properties": {"a": {"type": "string"}}});
                schemas[second] = json!({"type": "string", "enum": ["x"]});
            },
            &format!("/components/schemas/{}", crate::spec::pointer_token(second)),
            &format!("the schemas {first:?} and {second:?} both become the Rust type ProbeThing")
                .replace("ProbeThing", &crate::rust::upper_camel(second)),
        );
    }
    // typify writes a run of capitals as one word and other letters than ASCII its own way:
    // the surface, the report and the open enums would name types the crate does not have.
    let object = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    for (name, says) in [
        (
            "SIPTrunk",
            "has a run of capitals, which the Rust type names as one word; name it \"SipTrunk\"",
        ),
        ("DNSOptions", "name it \"DnsOptions\""),
        ("sipIP", "name it \"sipIp\""),
        ("THING", "name it \"Thing\""),
        ("SIPV", "name it \"Sipv\""),
        // Digits carry a run of capitals on (typify writes `V2X` as `V2x`: found by a review).
        ("V2X", "name it \"V2x\""),
        ("A1B", "name it \"A1b\""),
        ("X9Y9", "name it \"X9y9\""),
        ("A2BCd", "name it \"A2bCd\""),
        ("Über", "has a letter outside ASCII"),
    ] {
        refused(
            "/components/schemas",
            insert(name, object.clone()),
            &format!("/components/schemas/{}", crate::spec::pointer_token(name)),
            says,
        );
    }
    // The names that are kept are the names of the crate's types.
    for (name, rust) in [
        ("SipTrunk", "SipTrunk"),
        ("sip_trunk", "SipTrunk"),
        ("sip-trunk", "SipTrunk"),
        ("sipTrunk", "SipTrunk"),
        ("Sip2Fa", "Sip2Fa"),
        ("Ipv4Range", "Ipv4Range"),
        // A capital that a small letter follows begins a word, after a capital too.
        ("IPv4Range", "IPv4Range"),
        ("ASip", "ASip"),
        // After a small letter and digits, a capital begins a word.
        ("Ab1C", "Ab1C"),
        ("A1b2C", "A1b2C"),
        ("Ab12Cd", "Ab12Cd"),
        ("A2bC", "A2bC"),
    ] {
        let mut spec = base();
        spec["components"]["schemas"][name] = object.clone();
        spec["components"]["schemas"]["NewThing"]["properties"]["x"] =
            json!({"$ref": format!("#/components/schemas/{name}")});
        let client = crate::test_spec::generated_file(&spec, crate::CLIENT_PATH);
        assert!(
            client.contains(&format!("pub struct {rust} {{")),
            "{name}: {client}"
        );
        assert_eq!(crate::rust::upper_camel(name), rust);
    }
    for name in ["1Thing", "Self", "-"] {
        refused(
            "/components/schemas",
            insert(
                name,
                json!({"type": "object", "properties": {"a": {"type": "string"}}}),
            ),
            &format!("/components/schemas/{}", crate::spec::pointer_token(name)),
            &format!("the schema name {name:?} makes no Rust type name"),
        );
    }
}

/// progenitor calls `reqwest::Client::options` and `::trace`, which do not exist (the
/// crate did not compile), and a HEAD answer has no body to decode (every call failed).
/// Refused at the operation.
#[test]
fn methods_the_client_cannot_send() {
    for method in ["options", "trace", "head"] {
        refused(
            "/paths/~1v1~1things~1{id}",
            |item| {
                let get = item["get"].clone();
                item[method] = get;
                item[method]["operationId"] = json!(format!("{method}_thing"));
            },
            &format!("/paths/~1v1~1things~1{{id}}/{method}"),
            &format!("{} operations are not supported", method.to_uppercase()),
        );
    }
}

/// Two properties of one object that become one Rust field.
#[test]
fn properties_named_alike() {
    for (a, b) in [("Name", "name"), ("sip-x", "sip_x")] {
        refused(
            "/components/schemas/Thing/properties",
            |properties| {
                properties[a] = json!({"type": "string"});
                properties[b] = json!({"type": "string"});
            },
            "/components/schemas/Thing/properties",
            &format!(
                "the properties {a:?} and {b:?} both become the field {} of Thing; rename one",
                crate::rust::snake(b)
            ),
        );
    }
    // In another schema: named where it is.
    let inner = json!({"type": "object", "properties": {
        "Mode": {"type": "string"}, "mode": {"type": "integer"}
    }});
    refused(
        "/components/schemas",
        insert("Inner", inner.clone()),
        "/components/schemas/Inner/properties",
        "the properties \"Mode\" and \"mode\" both become the field mode of Inner",
    );
    // An example that looks like a schema holding both names (in a schema before it) is
    // data: the pointer is the schema's.
    refused(
        "/components/schemas",
        |schemas| {
            schemas["Document"]["example"] = json!({"properties": {"Mode": 1, "mode": 2}});
            schemas["Inner"] = inner;
        },
        "/components/schemas/Inner/properties",
        "the properties \"Mode\" and \"mode\" both become the field mode of Inner",
    );
    // The map of an object's unknown keys is its field `extra`: a property of that name is
    // refused for what it collides with, not as two properties of one name.
    refused(
        "/components/schemas",
        insert(
            "Open",
            json!({"type": "object", "additionalProperties": {}, "properties": {
                "Extra": {"type": "string"}
            }}),
        ),
        "/components/schemas/Open/properties",
        "the property \"Extra\" becomes the field extra of Open, which holds the object's \
         unknown keys (its additionalProperties); rename the property",
    );
}

/// A path parameter named by a keyword: a raw identifier would do for most, but not in a
/// path (progenitor), which the message says; `self` cannot be an argument anywhere, so it
/// is not blamed on the path.
#[test]
fn path_parameters_named_by_keywords() {
    for (name, says) in [
        (
            "type",
            "parameter \"type\" gives the Rust name \"type\", a keyword that cannot be an \
             argument (progenitor cannot take one in a path; the name of a path parameter is not \
             sent); rename it",
        ),
        (
            "self",
            "parameter \"self\" gives the Rust name \"self\", a keyword that cannot be an \
             argument; rename it",
        ),
    ] {
        let mut spec = base();
        let paths = spec["paths"].as_object_mut().unwrap();
        let mut item = paths.remove("/v1/things/{id}").unwrap();
        item["get"]["parameters"][0]["name"] = json!(name);
        paths.insert(format!("/v1/things/{{{name}}}"), item);
        match generate("things.json", &spec.to_string()) {
            Err(Error::Shape { message, .. }) => assert_eq!(message, says, "{name}"),
            other => panic!(
                "{name}: expected a shape error, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}

/// An `x-pagination` the client could not follow: each refused where it is, saying why.
#[test]
fn paginations_the_client_cannot_follow() {
    use crate::test_spec::{LIST, with_pagination};
    let paging = json!({"cursor": "after", "items": "things", "next": "name"});
    let at = format!("{LIST}/x-pagination");
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut paging = paging.clone();
        edit(&mut paging);
        paging
    };
    for (paging, at, says) in [
        (
            json!("after"),
            &at,
            "must be an object of `cursor`, `items` and `next`",
        ),
        (
            edited(&|p| p["page"] = json!(2)),
            &at,
            "has \"page\", which is none of `cursor`, `items` and `next`",
        ),
        (
            edited(&|p| {
                p.as_object_mut().unwrap().remove("next");
            }),
            &at,
            "needs `next`",
        ),
        (
            edited(&|p| p["items"] = json!(3)),
            &format!("{at}/items"),
            "must be a property's name, not 3",
        ),
        (
            edited(&|p| p["next"] = json!("")),
            &format!("{at}/next"),
            "must be a property's name, not \"\"",
        ),
        (
            edited(&|p| p["cursor"] = json!("before")),
            &at,
            "`cursor` is \"before\", which is no query parameter of the operation",
        ),
        (
            edited(&|p| p["cursor"] = json!("limit")),
            &at,
            "the cursor parameter \"limit\" must be an optional string",
        ),
        (
            edited(&|p| p["items"] = json!("count")),
            &at,
            "`items` is \"count\", which is no property of the answer's ThingList",
        ),
        (
            edited(&|p| p["items"] = json!("total")),
            &at,
            "`items` must name a list of objects; \"total\" is Option<i64>",
        ),
        (
            edited(&|p| p["items"] = json!("kinds")),
            &at,
            "`next` is \"name\", which is no property of the items (Kind)",
        ),
        (
            edited(&|p| p["next"] = json!("id")),
            &at,
            "`next` is \"id\", which is no property of the items (Thing)",
        ),
        (
            edited(&|p| p["next"] = json!("kind")),
            &at,
            "`next` must name a string property; \"kind\" is Option<Kind>",
        ),
    ] {
        match generate("things.json", &with_pagination(paging.clone()).to_string()) {
            Err(Error::Shape {
                at: found_at,
                message,
            }) => {
                assert_eq!(&found_at, at, "{paging}: {message}");
                assert!(
                    message.contains(says),
                    "{paging}: {message:?} says {says:?}"
                );
            }
            other => panic!(
                "{paging}: expected a shape error, got {:?}",
                other.map(|_| ())
            ),
        }
    }
    // A parameter that would be the command's `--all`.
    let mut spec = with_pagination(paging.clone());
    spec["paths"]["/v1/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "all", "in": "query", "schema": {"type": "boolean"}}));
    match generate("things.json", &spec.to_string()) {
        Err(Error::Shape { at: found, message }) => {
            assert_eq!(found, at);
            assert!(message.contains("would be the CLI's `--all`"), "{message}");
        }
        other => panic!("expected a shape error, got {:?}", other.map(|_| ())),
    }
    // Only a GET: a page is asked by sending the request again.
    let mut spec = with_pagination(paging);
    let list = spec["paths"]["/v1/things"]
        .as_object_mut()
        .unwrap()
        .remove("get")
        .unwrap();
    spec["paths"]["/v1/things/search"] = json!({ "post": list });
    match generate("things.json", &spec.to_string()) {
        Err(Error::Shape { at, message }) => {
            assert_eq!(at, "/paths/~1v1~1things~1search/post/x-pagination");
            assert!(message.contains("only a GET may be paginated"), "{message}");
        }
        other => panic!("expected a shape error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn operations_the_client_cannot_name() {
    refused(
        &format!("{GET}/operationId"),
        set(json!("getThing")),
        &format!("{GET}/operationId"),
        "operationId \"getThing\" must be snake_case (\"get_thing\")",
    );
    refused(
        POST,
        insert("x-idempotent", json!("yes")),
        &format!("{POST}/x-idempotent"),
        "must be true or false, not \"yes\"",
    );
    let id = format!("{GET}/operationId");
    // Methods `Client` has: its own, progenitor's raw client's, and those of traits users
    // call on it (which an inherent method would hide); and the CLI's commands.
    for (name, says) in [
        ("new", "the method new of progenitor's raw client"),
        ("from_env", "Client's own method from_env"),
        ("builder", "Client's own method builder"),
        ("raw", "Client's own method raw"),
        ("base_url", "Client's own method base_url"),
        ("call", "Client's own method call"),
        ("inner", "the method inner of progenitor's raw client"),
        ("pre", "the method pre of progenitor's raw client"),
        ("reset", "the method reset of httpmock's MockServer"),
        (
            "playback_async",
            "the method playback_async of httpmock's MockServer",
        ),
        ("clone", "the trait method clone users call on Client"),
        ("fmt", "the trait method fmt"),
        ("to_owned", "the trait method to_owned"),
        ("into", "the trait method into"),
        ("type_id", "the trait method type_id"),
        ("get", "the hand-written command `bland-sip get`"),
        ("run", "the function run of the generated CLI"),
    ] {
        refused(
            &id,
            set(json!(name)),
            &id,
            &format!("operationId {name:?} would collide with {says}"),
        );
    }
    for keyword in [
        "type", "match", "self", "async", "crate", "super", "fn", "gen",
    ] {
        refused(
            &id,
            set(json!(keyword)),
            &id,
            &format!("operationId {keyword:?} is a Rust keyword, which cannot name the method"),
        );
    }
    // No suggestion that would be refused in turn.
    for name in ["Self", "Type", "Clone", "--"] {
        refused(
            &id,
            set(json!(name)),
            &id,
            &format!("operationId {name:?} must be snake_case: it is the method's name"),
        );
    }
    refused(
        &id,
        set(json!("_2fa")),
        &id,
        "operationId \"_2fa\" must start with a lowercase letter",
    );
}

#[test]
fn operations_named_alike() {
    // Both operations are named by their pointers (POST's path comes first).
    refused(
        &format!("{POST}/operationId"),
        set(json!("get_thing")),
        &format!("{GET}/operationId"),
        &format!(
            "operationId \"get_thing\" is also the operationId at {POST}/operationId; each \
             operation needs its own"
        ),
    );
    refused(
        "",
        |spec| {
            *spec.pointer_mut(&format!("{GET}/operationId")).unwrap() = json!("get_thing2");
            *spec.pointer_mut(&format!("{POST}/operationId")).unwrap() = json!("get_thing_2");
        },
        &format!("{GET}/operationId"),
        &format!(
            "operationId \"get_thing2\" gives the request type GetThing2, like \"get_thing_2\" \
             at {POST}/operationId; rename one"
        ),
    );
    refused(
        &format!("{GET}/operationId"),
        set(json!("thing_envelope")),
        &format!("{GET}/operationId"),
        "operationId \"thing_envelope\" gives the request type ThingEnvelope, which is the \
         type of schema ThingEnvelope",
    );
}

#[test]
fn parameters_the_client_cannot_take() {
    for (parameter, says) in [
        (
            json!({"name": "trace", "in": "header", "schema": {"type": "string"}}),
            "parameter \"trace\": header and cookie parameters are not supported",
        ),
        (
            json!({"name": "filter", "in": "query", "schema": {"type": "object"}}),
            "parameter \"filter\": only strings, numbers, booleans, enums",
        ),
        (
            json!({"name": "password", "in": "query",
                   "schema": {"$ref": "#/components/schemas/Secret"}}),
            "parameter \"password\": only strings, numbers, booleans, enums",
        ),
        (
            json!({"name": "service", "in": "query",
                   "schema": {"$ref": "#/components/schemas/Service"}}),
            "parameter \"service\": only strings, numbers, booleans, enums",
        ),
        (
            json!({"name": "body", "in": "query", "schema": {"type": "string"}}),
            "parameter \"body\" gives the Rust name \"body\", which is taken",
        ),
        (
            json!({"name": "Verbose", "in": "query", "schema": {"type": "string"}}),
            "parameter \"Verbose\" gives the Rust name \"verbose\", which is taken",
        ),
        (
            json!({"name": "self", "in": "query", "schema": {"type": "string"}}),
            "parameter \"self\" gives the Rust name \"self\", a keyword that cannot be an \
             argument; rename it",
        ),
        (
            json!({"name": "[]", "in": "query", "schema": {"type": "string"}}),
            "parameter \"[]\" gives no Rust name",
        ),
        (
            json!({"name": "1x", "in": "query", "schema": {"type": "string"}}),
            "parameter \"1x\" gives the Rust name \"_1x\", which does not start with a letter",
        ),
        (
            json!({"name": "id-segment", "in": "query", "schema": {"type": "string"}}),
            "a parameter gives the Rust name \"id_segment\", which is taken by the path \
             parameter \"id\"; rename it",
        ),
    ] {
        refused(
            &format!("{GET}/parameters"),
            |list| list.as_array_mut().unwrap().push(parameter),
            &format!("{GET}/parameters/2"),
            says,
        );
    }
    // The request builder's own names, progenitor's raw builders', a mock's, and the CLI's.
    let taken = crate::front::REQUEST_NAMES
        .iter()
        .chain(crate::names::RAW_BUILDER_NAMES)
        .chain(crate::mock::MOCK_NAMES)
        .chain(crate::cli::TAKEN_ARGUMENTS)
        .chain(&["max-retries", "Attempt-Timeout"]);
    for name in taken {
        let ident = crate::rust::snake(name);
        refused_query_parameter(
            name,
            &format!("parameter {name:?} gives the Rust name {ident:?}, which is taken"),
        );
    }
    // The refusal says what holds the name: another parameter, or the generated code.
    refused_query_parameter(
        "Verbose",
        &format!(
            "parameter \"Verbose\" gives the Rust name \"verbose\", which is taken by the \
             parameter at {GET}/parameters/1; rename one"
        ),
    );
    for (name, by) in [
        (
            "timeout",
            "the request builder's own (its per-call settings",
        ),
        ("url", "a method of progenitor's raw builders"),
        ("into_inner", "a method of every mock's `When`"),
        ("show_secrets", "`bland-sip`'s own options"),
    ] {
        refused_query_parameter(
            name,
            &format!("parameter {name:?} gives the Rust name {name:?}, which is taken by {by}"),
        );
    }
    // A keyword is a raw identifier in an optional query parameter (`r#type`); progenitor
    // takes none in a path, nor as a required one (its output was not valid Rust, and the
    // message named no parameter: found by the review of spec edits).
    generate_with(&format!("{GET}/parameters/1/name"), set(json!("type"))).unwrap();
    for name in ["type", "mut"] {
        refused(
            &format!("{GET}/parameters/1"),
            |parameter| {
                parameter["name"] = json!(name);
                parameter["required"] = json!(true);
            },
            &format!("{GET}/parameters/1"),
            &format!(
                "parameter {name:?} gives the Rust name {name:?}, a keyword that cannot be an \
                 argument (progenitor takes none as a required query parameter)"
            ),
        );
    }
    refused(
        "/paths",
        |paths| {
            let mut get = paths
                .as_object_mut()
                .unwrap()
                .remove("/v1/things/{id}")
                .unwrap();
            get["get"]["parameters"][0]["name"] = json!("type");
            paths["/v1/things/{type}"] = get;
        },
        "/paths/~1v1~1things~1{type}/get/parameters/0",
        "parameter \"type\" gives the Rust name \"type\", a keyword that cannot be an argument \
         (progenitor cannot take one in a path; the name of a path parameter is not sent)",
    );
    for (name, says) in [
        (
            "timeout",
            "form field \"timeout\" gives the Rust name \"timeout\", which is taken",
        ),
        (
            "texts",
            "form field \"texts\" gives the Rust name \"texts\", which is taken",
        ),
        (
            "super",
            "form field \"super\" gives the Rust name \"super\", a keyword",
        ),
        (
            "1note",
            "form field \"1note\" gives the Rust name \"_1note\", which does not start with a \
             letter",
        ),
    ] {
        refused(
            "/components/schemas/Document/properties",
            insert(name, json!({"type": "string"})),
            &format!("{UPLOAD}/requestBody"),
            says,
        );
    }
    // Two fields of one Rust name, in a schema written in place (progenitor, which leaves
    // multipart bodies to us, does not see it).
    refused(
        &format!("{UPLOAD}/requestBody/content/multipart~1form-data/schema"),
        set(json!({"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"},
            "Note": {"type": "string"}, "note": {"type": "string"}
        }})),
        &format!("{UPLOAD}/requestBody"),
        "form field \"note\" gives the Rust name \"note\", which is taken",
    );
    refused(
        &format!("{UPLOAD}/parameters"),
        |list| {
            list.as_array_mut()
                .unwrap()
                .push(json!({"name": "note", "in": "query", "schema": {"type": "string"}}))
        },
        UPLOAD,
        "form field \"note\" has the Rust name of a parameter",
    );
    refused(
        "/components/schemas/Document/properties",
        insert("id_segment", json!({"type": "string"})),
        UPLOAD,
        "form field \"id_segment\" gives the Rust name \"id_segment\", which is taken by the \
         path parameter \"id\"; rename it",
    );
}

#[test]
fn bodies_the_client_cannot_send() {
    let body = format!("{POST}/requestBody");
    let content = format!("{body}/content");
    refused(
        &content,
        set(json!({"text/plain": {"schema": {"type": "string"}}})),
        &body,
        "media type \"text/plain\" is not supported (application/json, multipart/form-data)",
    );
    refused(
        &format!("{content}/application~1json/schema"),
        set(json!({"type": "object", "additionalProperties": {"type": "string"}})),
        &body,
        "a JSON body schema must be a $ref to components/schemas",
    );
    let upload_body = format!("{UPLOAD}/requestBody");
    refused(
        "/components/schemas/Document/properties/note",
        set(json!({"type": "integer"})),
        &upload_body,
        "form field \"note\": only files (format: binary) and strings are supported",
    );
    refused(
        "/components/schemas/Document",
        set(json!({"type": "string"})),
        &upload_body,
        "a multipart body's schema must be an object of its fields",
    );
}

#[test]
fn answers_the_client_cannot_return() {
    refused(
        &format!("{GET}/responses"),
        |responses| {
            let ok = responses.as_object_mut().unwrap().remove("200").unwrap();
            responses["404"] = ok;
        },
        &format!("{GET}/responses"),
        "no 2xx response",
    );
    refused(
        &format!("{GET}/responses/200/content/application~1json/schema"),
        set(json!({"type": "object", "additionalProperties": {"type": "string"}})),
        &format!("{GET}/responses/200"),
        "the success answer needs an application/json schema that is a $ref",
    );
    refused(
        &format!("{GET}/responses/200/content/application~1json/schema"),
        set(json!({"$ref": "#/components/schemas/Kind"})),
        &format!("{GET}/responses/200"),
        "the success answer Kind must be an object",
    );
}

#[test]
fn rules_the_client_cannot_check() {
    let rules = "/components/schemas/NewThing/x-sip-client-rules";
    for (value, says) in [
        (json!({"exclusive": ["name"]}), "must be a list of rules"),
        (
            json!([{"exclusive": ["name", "alias"], "required-if": {}}]),
            "each rule is one of exclusive, one-of, e164-unless, required-if: {",
        ),
        (
            json!([{"any-of": ["name", "alias"]}]),
            "unknown rule \"any-of\": one of exclusive, one-of, e164-unless, required-if",
        ),
        (
            json!([{"exclusive": "name"}]),
            "expected a list of property names",
        ),
        (
            json!([{"exclusive": ["name", "nickname"]}]),
            "\"nickname\" is not a property of this schema",
        ),
        (
            json!([{"required-if": {"field": "alias", "when": "kind"}}]),
            "required-if needs `when: {field: value}`",
        ),
        (
            json!([{"e164-unless": {"fields": ["name"], "set": "owner"}}]),
            "\"owner\" is not a property of this schema",
        ),
    ] {
        refused(rules, set(value), rules, says);
    }
}

/// What progenitor refuses before our model sees it: still an error that names the
/// operation, and nothing written. (The model checks the same things, should progenitor
/// ever let them through; those checks are listed in `.cargo/mutants-survivors.txt`.)
/// The path's `{names}` and the operation's path parameters are the same: a parameter the
/// path does not hold made a crate that did not compile, a name no parameter declares made
/// progenitor panic; a path parameter that is not required made progenitor panic too.
#[test]
fn path_parameters_and_the_path_agree() {
    let says = "the path \"/v1/things/{id}\" has `{id}`, which no path parameter of the \
                operation declares";
    refused(GET, remove("parameters"), GET, says);
    // A query parameter of the path parameter's name does not declare it.
    refused(
        &format!("{GET}/parameters/0/in"),
        set(json!("query")),
        GET,
        says,
    );
    refused(
        &format!("{GET}/parameters/0/required"),
        set(json!(false)),
        &format!("{GET}/parameters/0"),
        "the path parameter \"id\" is not required: a path parameter always is",
    );
    // The path loses its `{id}`: the parameter is refused where it is declared.
    let moved = generate_with("/paths", |paths| {
        let item = paths
            .as_object_mut()
            .unwrap()
            .remove("/v1/things/{id}")
            .unwrap();
        paths["/v1/things/x"] = item;
    });
    match moved {
        Err(Error::Shape { at, message }) => {
            assert_eq!(at, "/paths/~1v1~1things~1x/get/parameters/0");
            assert_eq!(
                message,
                "the path parameter \"id\" is not in the path \"/v1/things/x\"; add `{id}` \
                 to it or remove the parameter"
            );
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    // Declared on the path item, the parameter serves every operation of the path.
    generate_with("", |spec| {
        let item = &mut spec["paths"]["/v1/things/{id}"];
        let parameter = item["get"]["parameters"].as_array_mut().unwrap().remove(0);
        item["parameters"] = json!([parameter]);
    })
    .unwrap();
}

#[test]
fn shapes_progenitor_refuses_first() {
    #[track_caller]
    fn refused_by_progenitor(pointer: &str, edit: impl FnOnce(&mut Value), says: &str) {
        match generate_with(pointer, edit) {
            Err(Error::Progenitor { message, .. }) => {
                assert!(message.contains(says), "{message:?} says {says:?}")
            }
            other => panic!("expected progenitor's refusal, got {other:?}"),
        }
    }
    refused_by_progenitor(
        "/paths",
        insert("/v1/other", json!({"$ref": "#/paths/~1v1~1things"})),
        "path /v1/other uses reference, unsupported",
    );
    refused_by_progenitor(GET, remove("operationId"), "is missing operation ID");
    refused_by_progenitor(
        &format!("{POST}/requestBody/content"),
        insert("text/plain", json!({"schema": {"type": "string"}})),
        "more media types than expected for create_thing: 2",
    );
    refused_by_progenitor(
        &format!("{POST}/requestBody/content/application~1json"),
        remove("schema"),
        "No schema specified for request body",
    );
}

#[test]
fn a_parameter_is_a_whole_path_segment() {
    match generate_with("/paths", |paths| {
        let get = paths
            .as_object_mut()
            .unwrap()
            .remove("/v1/things/{id}")
            .unwrap();
        paths["/v1/things/x{id}"] = get;
    }) {
        Err(Error::Shape { at, message }) => {
            assert_eq!(at, "/paths/~1v1~1things~1x{id}/get");
            assert_eq!(
                message,
                "path segment \"x{id}\": a parameter must be a whole segment"
            );
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn a_document_that_is_not_openapi_is_named_by_json_pointer() {
    for (pointer, edit, at) in [
        (
            "/paths/~1v1~1things~1{id}/get",
            set(json!({"operationId": 7, "responses": {}})),
            // serde loses the way through the untagged `$ref`-or-item of a path item.
            "/paths",
        ),
        ("/info", set(json!({"title": "things"})), "/info"),
        ("/info/version", set(json!(["1"])), "/info/version"),
    ] {
        match generate_with(pointer, edit) {
            Err(Error::Shape { at: found, message }) => assert_eq!(found, at, "{message}"),
            other => panic!("expected a shape error, got {other:?}"),
        }
    }
}

/// A `$ref` that resolves, to a component of another kind than its place needs.
#[test]
fn references_to_the_wrong_kind_of_component() {
    let mut spec = base();
    spec["components"]["responses"] = json!({"Thing": {"description": "the thing",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingEnvelope"}}}}});
    let refused = |pointer: &str, reference: &str, at: &str, says: &str| {
        let mut spec = spec.clone();
        *spec.pointer_mut(pointer).unwrap() = json!({ "$ref": reference });
        assert_eq!(
            generate("things.json", &spec.to_string()).map(|_| ()),
            Err(Error::Shape {
                at: at.to_owned(),
                message: says.to_owned()
            }),
            "{pointer}"
        );
    };
    refused(
        &format!("{GET}/responses/200"),
        "#/components/schemas/Thing",
        &format!("{GET}/responses"),
        "#/components/schemas/Thing is not in components/responses",
    );
    refused(
        &format!("{GET}/responses/200/content/application~1json/schema"),
        "#/components/responses/Thing",
        &format!("{GET}/responses/200"),
        "#/components/responses/Thing is not a schema",
    );
    refused(
        &format!("{POST}/requestBody/content/application~1json/schema"),
        "#/components/responses/Thing",
        &format!("{POST}/requestBody"),
        "#/components/responses/Thing is not a schema",
    );
    refused(
        "/components/schemas/Document/properties/note",
        "#/components/responses/Thing",
        &format!("{UPLOAD}/requestBody"),
        "field \"note\" is not a schema",
    );
}

/// Parameters, bodies and answers may be `$ref`s to `components`: the client is the same
/// as with them written in place.
#[test]
fn references_to_components_are_followed() {
    let mut spec = base();
    let mut components = |kind: &str, name: &str, pointer: &str| {
        let value = spec.pointer(pointer).unwrap().clone();
        spec["components"][kind][name] = value;
        *spec.pointer_mut(pointer).unwrap() =
            json!({ "$ref": format!("#/components/{kind}/{name}") });
    };
    components("parameters", "Id", &format!("{GET}/parameters/0"));
    components("requestBodies", "NewThing", &format!("{POST}/requestBody"));
    components("responses", "Thing", &format!("{GET}/responses/200"));
    let body = |spec: &Value| -> Vec<String> {
        let generated = generate("things.json", &spec.to_string()).unwrap();
        [
            crate::CLIENT_PATH,
            crate::API_PATH,
            crate::MOCK_PATH,
            crate::CLI_PATH,
            crate::SURFACE_PATH,
        ]
        .iter()
        .map(|path| crate::surface_body(&generated.file(path).unwrap().contents).to_owned())
        .collect()
    };
    assert!(body(&spec) == body(&base()), "the same client");
}

/// The client sends the key in the `authorization` header, raw or as `Bearer <key>`: a
/// scheme asking for another place would be generated and not honoured.
#[test]
fn security_schemes_the_client_cannot_honour() {
    let with_scheme = |scheme: Value| insert("securitySchemes", json!({ "key": scheme }));
    for scheme in [
        json!({ "type": "apiKey", "in": "header", "name": "authorization" }),
        json!({ "type": "apiKey", "in": "header", "name": "Authorization" }),
        json!({ "type": "http", "scheme": "bearer" }),
    ] {
        generate_with("/components", with_scheme(scheme.clone()))
            .unwrap_or_else(|err| panic!("{scheme}: {err}"));
    }
    for (scheme, says) in [
        (
            json!({ "type": "apiKey", "in": "header", "name": "x-api-key" }),
            "not as apiKey, header x-api-key",
        ),
        (
            json!({ "type": "apiKey", "in": "query", "name": "api_key" }),
            "not as apiKey, query api_key",
        ),
        (
            json!({ "type": "http", "scheme": "basic" }),
            "not as http basic",
        ),
    ] {
        refused(
            "/components",
            with_scheme(scheme),
            "/components/securitySchemes/key",
            says,
        );
    }
}

/// The first server is the client's default base URL, and a base URL on a server's origin
/// must be that server: each is an absolute `https://` URL the client can compare.
#[test]
fn servers_the_client_cannot_use() {
    for (servers, at, says) in [
        (json!([]), "/servers", "names no server"),
        (
            json!([{"url": "/api"}]),
            "/servers/0/url",
            "absolute https://",
        ),
        (
            json!([{"url": "https://"}]),
            "/servers/0/url",
            "absolute https://",
        ),
        (
            json!([{"url": "https://a.example"}, {"url": "http://a.example"}]),
            "/servers/1/url",
            "absolute https://",
        ),
        (
            json!([{"url": "https://{region}.a.example"}]),
            "/servers/0/url",
            "server variables",
        ),
        (
            json!([{"url": "https://a.example", "variables": {"v": {"default": "1"}}}]),
            "/servers/0/url",
            "server variables",
        ),
        (
            json!([{"url": "https://a.example?x=1"}]),
            "/servers/0/url",
            "no query",
        ),
        (
            json!([{"url": "https://k@a.example"}]),
            "/servers/0/url",
            "credentials",
        ),
        // URLs the client could not parse: every client built with the default failed
        // (found by a review).
        (
            json!([{"url": "https://a.example:abc"}]),
            "/servers/0/url",
            "does not parse",
        ),
        (
            json!([{"url": "https://a.example:99999"}]),
            "/servers/0/url",
            "does not parse",
        ),
        (
            json!([{"url": "https://[::1"}]),
            "/servers/0/url",
            "does not parse",
        ),
        (
            json!([{"url": "https://a.example/a b"}]),
            "/servers/0/url",
            "space",
        ),
    ] {
        refused("", insert("servers", servers.clone()), at, says);
    }
    refused("", remove("servers"), "/servers", "names no server");
}

/// The default base URL follows the spec's first server, without its trailing `/`.
#[test]
fn the_default_base_url_is_the_first_server() {
    let mut spec = base();
    spec["servers"] = json!([{"url": "HTTPS://EU.a.example/api/"}, {"url": "https://a.example"}]);
    let api = crate::test_spec::generated_file(&spec, crate::API_PATH);
    assert!(
        api.contains("pub const DEFAULT_BASE_URL: &str = \"https://eu.a.example/api\";"),
        "{api}"
    );
    assert!(
        api.contains("pub(crate) const SERVERS: &[&str] = &[\"https://eu.a.example/api\", \"https://a.example\"];"),
        "{api}"
    );
}

/// Schemas that lead back to themselves without reading any input: a value of them would
/// never end. Through a property or an array's items, recursion is fine.
#[test]
fn schemas_that_never_end() {
    let cycle = |schemas: Value| {
        move |slot: &mut Value| {
            for (name, schema) in schemas.as_object().unwrap() {
                slot[name] = schema.clone();
            }
            slot["Thing"]["properties"]["loop"] = json!({"$ref": "#/components/schemas/Loop"});
        }
    };
    let to = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    for (schemas, path) in [
        (
            json!({"Loop": to("Loop2"), "Loop2": to("Loop")}),
            "Loop -> Loop2 -> Loop",
        ),
        (json!({"Loop": to("Loop")}), "Loop -> Loop"),
        (
            json!({"Loop": {"allOf": [to("Loop2")]}, "Loop2": {"oneOf": [{"type": "string"}, to("Loop3")]},
                   "Loop3": {"anyOf": [to("Loop")]}}),
            "Loop -> Loop2 -> Loop3 -> Loop",
        ),
    ] {
        refused(
            "/components/schemas",
            cycle(schemas),
            "/components/schemas/Loop",
            &format!(
                "the schemas {path} lead to one another through $ref, allOf, oneOf or anyOf \
                 alone, so a value of them never ends; let the recursion go through a property \
                 or an array's items"
            ),
        );
    }
    for schemas in [
        json!({"Loop": {"type": "object", "properties": {"next": to("Loop2")}}, "Loop2": to("Loop")}),
        json!({"Loop": {"type": "array", "items": to("Loop2")}, "Loop2": {"allOf": [to("Loop")]}}),
    ] {
        generate_with("/components/schemas", cycle(schemas.clone()))
            .unwrap_or_else(|err| panic!("{schemas}: {err}"));
    }
}

/// A schema's `default`, `enum` and `const` values and a specification extension's content
/// are literal JSON too: a `$ref` key in them is data, not a reference to resolve. A property
/// or parameter named like one of those keywords is still a schema whose `$ref` must resolve.
#[test]
fn references_in_defaults_enums_and_extensions_are_data() {
    let dangling = json!({"$ref": "#/nowhere"});
    let free_form = json!({"type": "object", "additionalProperties": true});
    for (key, value) in [
        ("default", dangling.clone()),
        ("const", dangling.clone()),
        ("x-note", dangling.clone()),
    ] {
        let mut schema = free_form.clone();
        schema[key] = value;
        generate_with(
            "/components/schemas/Thing/properties",
            insert("options", schema),
        )
        .unwrap_or_else(|err| panic!("{key}: {err}"));
    }
    // An enum of objects is refused as such (an enum of values that are not strings), not
    // for the reference in its value.
    let mut schema = free_form.clone();
    schema["enum"] = json!([dangling.clone()]);
    refused(
        "/components/schemas/Thing/properties",
        insert("options", schema),
        "/components/schemas/Thing/properties/options/enum",
        "an enum of values that are not strings",
    );
    generate_with(GET, insert("x-note", json!({"see": dangling.clone()}))).unwrap();
    for name in ["default", "enum", "x-note"] {
        match generate_with(
            "/components/schemas/Thing/properties",
            insert(name, json!({"$ref": "#/components/schemas/Missing"})),
        ) {
            Err(Error::UnresolvedRef { at, .. }) => {
                assert_eq!(at, format!("/components/schemas/Thing/properties/{name}"))
            }
            other => panic!("{name}: expected an unresolved $ref, got {other:?}"),
        }
    }
}

/// Examples are literal JSON: a `$ref` key in one is data. An Example Object may be a
/// `$ref`, which must resolve; a property named `example` is a schema.
#[test]
fn references_in_examples_are_data() {
    let ok = format!("{GET}/responses/200/content/application~1json");
    let data = json!({"data": {"ports": {"$ref": "5061 TLS"}}});
    generate_with(&ok, insert("example", data.clone())).unwrap();
    generate_with(
        &ok,
        insert(
            "examples",
            json!({"one": {"summary": "one", "value": data.clone()}}),
        ),
    )
    .unwrap();
    generate_with(
        "/components/schemas/Thing/properties/name",
        insert("example", json!({"$ref": "#/nowhere"})),
    )
    .unwrap();
    generate_with(
        "/components",
        insert("examples", json!({"one": {"value": data}})),
    )
    .unwrap();
    let missing = json!({"one": {"$ref": "#/components/examples/Missing"}});
    match generate_with(&ok, insert("examples", missing)) {
        Err(Error::UnresolvedRef { reference, at }) => {
            assert_eq!(reference, "#/components/examples/Missing");
            assert_eq!(at, format!("{ok}/examples/one"));
        }
        other => panic!("expected an unresolved $ref, got {other:?}"),
    }
    match generate_with(
        "/components/schemas/Thing/properties",
        insert("example", json!({"$ref": "#/components/schemas/Missing"})),
    ) {
        Err(Error::UnresolvedRef { at, .. }) => {
            assert_eq!(at, "/components/schemas/Thing/properties/example")
        }
        other => panic!("expected an unresolved $ref, got {other:?}"),
    }
}

/// The walk of the document enters callbacks (an inline object in a callback's request
/// body is refused there) and never enters a Reference Object: a `$ref`'s siblings, which
/// OpenAPI 3.0 ignores, are not read as a schema written in place.
#[test]
fn callbacks_are_walked_and_references_are_not() {
    let inline = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    refused(
        GET,
        insert(
            "callbacks",
            json!({"onEvent": {"{$request.query.url}": {"post": {
                "requestBody": {"content": {"application/json": {"schema": inline.clone()}}},
                "responses": {"200": {"description": "ok"}}}}}}),
        ),
        &format!(
            "{GET}/callbacks/onEvent/{{$request.query.url}}/post/requestBody/content/application~1json/schema"
        ),
        "an inline object schema",
    );
    let mut with_siblings = inline;
    with_siblings["$ref"] = json!("#/components/schemas/Thing");
    generate_with(
        "/components/schemas/NewThing/properties",
        insert("thing", with_siblings),
    )
    .unwrap();
}

/// A `pattern` made typify check it with the `regress` crate, which sip-client does not
/// depend on: the generated crate did not compile. A pattern is checked by a hand-written
/// type (`x-sip-client-type`, as `PhoneNumber` checks E.164 without a regex engine), and
/// refused anywhere else: on a named schema, a property and a parameter.
#[test]
fn patterns_without_a_hand_written_type() {
    let says = "a pattern needs a hand-written type that checks it";
    let pattern = json!({"type": "string", "pattern": "^[a-z]+$"});
    refused(
        "/components/schemas",
        insert("Code", pattern.clone()),
        "/components/schemas/Code/pattern",
        says,
    );
    refused(
        "/components/schemas/Thing/properties",
        insert("code", pattern.clone()),
        "/components/schemas/Thing/properties/code/pattern",
        says,
    );
    refused(
        &format!("{GET}/parameters"),
        |parameters| {
            parameters
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "code", "in": "query", "schema": pattern.clone()}));
        },
        &format!("{GET}/parameters/2/schema/pattern"),
        says,
    );
    // With a hand-written type, the pattern documents what the type checks.
    let answer = generate_with(
        "/components/schemas",
        insert(
            "Number",
            json!({"type": "string", "pattern": "^\\+[1-9][0-9]{0,14}$",
                   "x-sip-client-type": "PhoneNumber"}),
        ),
    );
    assert_eq!(answer, Ok(()));
}

/// progenitor gives an operation one success type and one error type, and asserted it
/// (the generator reported "progenitor panicked: assertion failed"); a `default` answer
/// counts among both. Refused before progenitor runs, saying which answers differ; answers
/// of one type, and a `default` of the errors' type beside a `2XX` range, are accepted.
#[test]
fn answers_of_several_types() {
    let answer = |schema: &str| {
        json!({"description": "an answer", "content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    };
    let responses = format!("{GET}/responses");
    refused(
        &responses,
        insert("202", answer("Thing")),
        &responses,
        "the success answers have different types (200: ThingEnvelope; 202: Thing)",
    );
    refused(
        &responses,
        |responses| {
            responses["400"] = answer("ThingEnvelope");
            responses["404"] = answer("Thing");
        },
        &responses,
        "the error answers have different types (400: ThingEnvelope; 404: Thing)",
    );
    refused(
        &responses,
        insert("default", answer("Thing")),
        &responses,
        "a `default` answer is both a success and an error to progenitor",
    );
    refused(
        &responses,
        insert("204", json!({"description": "no content"})),
        &responses,
        "the success answers have different types (200: ThingEnvelope; 204: no content)",
    );
    // 101 (Switching Protocols) is one of progenitor's successes too.
    refused(
        &responses,
        insert("101", answer("Thing")),
        &responses,
        "the success answers have different types (101: Thing; 200: ThingEnvelope)",
    );
    let same = generate_with(&responses, |responses| {
        responses["201"] = answer("ThingEnvelope");
        responses["400"] = answer("Thing");
        responses["500"] = answer("Thing");
    });
    assert_eq!(same, Ok(()));
}

/// An `allOf` of several schemas written in place is a struct typify merges from them: one
/// the surface does not list, and, in a request, one whose members' rules the client could
/// not check (the crate did not compile). Refused where it stands; an `allOf` of one schema
/// (`nullable: true` beside it, as our spec writes a nullable reference) and a named `allOf`
/// of several are not.
#[test]
fn inline_all_of_several_schemas() {
    let says = "an inline allOf of several schemas (typify merges them into a struct without \
                a name): move it to components/schemas and $ref it";
    let two = json!({"allOf": [
        {"$ref": "#/components/schemas/Thing"},
        {"$ref": "#/components/schemas/NewThing"}
    ]});
    for schemas in ["Thing", "NewThing"] {
        refused(
            &format!("/components/schemas/{schemas}/properties"),
            insert("both", two.clone()),
            &format!("/components/schemas/{schemas}/properties/both"),
            says,
        );
    }
    let one = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/NewThing"}]});
    let answer = generate_with("/components/schemas/Thing/properties", insert("one", one));
    assert_eq!(answer, Ok(()));
    let answer = generate_with("/components/schemas", insert("Both", two));
    assert_eq!(answer, Ok(()));
}

/// An object schema with properties written in place would be a struct of typify's that the
/// surface does not list (a change of its fields would go unreported), and one inside a
/// request body gave a crate that does not compile (it has no checks): refused wherever a
/// schema may stand, at its pointer. Free-form objects (open maps) stay allowed.
#[test]
fn inline_object_schemas() {
    let says = "an inline object schema: move it to components/schemas and $ref it, so that its \
                fields are part of the API surface and of the change report";
    let object = json!({"type": "object", "properties": {"port": {"type": "integer"}}});
    // Without `type`, `properties` alone makes it an object.
    let untyped = json!({"properties": {"port": {"type": "integer"}}});
    let things = "/components/schemas/Thing/properties";
    // A property of a request body's schema (the case that did not compile), and of an
    // answer's.
    refused(
        "/components/schemas/NewThing/properties",
        insert("probe", object.clone()),
        "/components/schemas/NewThing/properties/probe",
        says,
    );
    for (name, schema, at) in [
        ("region", untyped, "region"),
        // A property named like a keyword is a schema all the same.
        ("example", object.clone(), "example"),
        (
            "list",
            json!({"type": "array", "items": object.clone()}),
            "list/items",
        ),
        (
            "map",
            json!({"type": "object", "additionalProperties": object.clone()}),
            "map/additionalProperties",
        ),
        (
            "both",
            // (An inline allOf of several schemas is refused as such first.)
            json!({"allOf": [object.clone()]}),
            "both/allOf/0",
        ),
        (
            "either",
            json!({"oneOf": [{"type": "string"}, object.clone()]}),
            "either/oneOf/1",
        ),
        ("any", json!({"anyOf": [object.clone()]}), "any/anyOf/0"),
        ("not", json!({"not": object.clone()}), "not/not"),
    ] {
        refused(
            things,
            insert(name, schema),
            &format!("{things}/{at}"),
            says,
        );
    }
    // In a named schema's own composition.
    refused(
        "/components/schemas",
        insert(
            "Both",
            json!({"allOf": [{"$ref": "#/components/schemas/Thing"}, object.clone()]}),
        ),
        "/components/schemas/Both/allOf/1",
        says,
    );
    // A parameter's schema, a body's, an answer's, a header's.
    refused(
        &format!("{GET}/parameters"),
        |list| {
            list.as_array_mut()
                .unwrap()
                .push(json!({"name": "filter", "in": "query", "schema": object.clone()}))
        },
        &format!("{GET}/parameters/2/schema"),
        says,
    );
    for media in [
        format!("{POST}/requestBody/content/application~1json"),
        format!("{GET}/responses/200/content/application~1json"),
    ] {
        refused(
            &media,
            insert("schema", object.clone()),
            &format!("{media}/schema"),
            says,
        );
    }
    refused(
        "/components",
        insert("headers", json!({"Limit": {"schema": object.clone()}})),
        "/components/headers/Limit/schema",
        says,
    );
    refused(
        &format!("{GET}/responses/200"),
        insert("headers", json!({"X-Limit": {"schema": object.clone()}})),
        &format!("{GET}/responses/200/headers/X-Limit/schema"),
        says,
    );
    // Free-form objects (open maps), in an answer's type and in a request body's: allowed.
    for free_form in [
        json!({"type": "object"}),
        json!({"type": "object", "properties": {}}),
        json!({"type": "object", "additionalProperties": true}),
        json!({"type": "object", "additionalProperties": {}}),
        json!({"type": "object", "additionalProperties": {"type": "string"}}),
        json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Thing"}}),
    ] {
        for schema in ["Thing", "NewThing"] {
            generate_with(
                &format!("/components/schemas/{schema}/properties"),
                insert("options", free_form.clone()),
            )
            .unwrap_or_else(|err| panic!("{schema}: {free_form}: {err}"));
        }
    }
    // An object schema in an example, a default, an enum, a const or an extension is data.
    for key in ["example", "default", "const", "x-note"] {
        let mut free_form = json!({"type": "object", "additionalProperties": true});
        free_form[key] = object.clone();
        generate_with(
            "/components/schemas/Thing/properties",
            insert("options", free_form),
        )
        .unwrap_or_else(|err| panic!("{key}: {err}"));
    }
    generate_with(
        &format!("{GET}/responses/200/content/application~1json"),
        insert("examples", json!({"one": {"value": object.clone()}})),
    )
    .unwrap();
    // An enum of objects is refused as such, not as an inline object schema.
    refused(
        "/components/schemas/Thing/properties",
        insert(
            "options",
            json!({"type": "object", "enum": [object.clone()]}),
        ),
        "/components/schemas/Thing/properties/options/enum",
        "an enum of values that are not strings",
    );
    generate_with(GET, insert("x-shape", json!({"schema": object}))).unwrap();
}

/// `format: uuid` made the generated code name `::uuid::Uuid`, a crate sip-client does not
/// depend on: the generator accepted it and wrote a crate that did not compile. Refused on
/// any schema, named or in a property.
#[test]
fn format_uuid() {
    let says = "format: uuid would be a `uuid::Uuid`, and sip-client does not depend on the \
                uuid crate";
    refused(
        "/components/schemas/Thing",
        insert(
            "properties",
            json!({"id": {"type": "string", "format": "uuid"}}),
        ),
        "/components/schemas/Thing/properties/id/format",
        says,
    );
    refused(
        "/components/schemas",
        insert("ThingId", json!({"type": "string", "format": "uuid"})),
        "/components/schemas/ThingId/format",
        says,
    );
}

/// An enum of values that are not strings (integers, numbers, booleans) became typify's
/// closed newtype: a value Bland adds later failed the whole answer, and its `JsonSchema`
/// impl names `gen`, a keyword of edition 2024, so the crate did not build with the
/// `schemars` feature. Refused on any schema; an enum of strings (open) and a plain integer
/// are not.
#[test]
fn enum_of_values_that_are_not_strings() {
    let says = "would be a closed type, which refuses every value Bland adds later";
    for schema in [
        json!({"type": "integer", "enum": [1, 2]}),
        json!({"type": "number", "enum": [0.5]}),
        json!({"type": "boolean", "enum": [true]}),
        json!({"enum": [1, "two"]}),
    ] {
        refused(
            "/components/schemas/Thing/properties",
            insert("level", schema.clone()),
            "/components/schemas/Thing/properties/level/enum",
            says,
        );
        refused(
            "/components/schemas",
            insert("Level", schema),
            "/components/schemas/Level/enum",
            says,
        );
    }
    for schema in [
        json!({"type": "integer"}),
        json!({"type": "string", "enum": ["one", "two"]}),
    ] {
        let answer = generate_with("/components/schemas", insert("Level", schema.clone()));
        assert_eq!(answer, Ok(()), "{schema}");
    }
}

/// `additionalProperties: false` becomes `deny_unknown_fields`: an answer holding a key
/// Bland adds would not decode. Refused on any schema.
#[test]
fn additional_properties_false() {
    let says = "additionalProperties: false would make the client refuse every answer holding \
                a key Bland adds later; leave it out";
    refused(
        "/components/schemas/Thing",
        insert("additionalProperties", json!(false)),
        "/components/schemas/Thing/additionalProperties",
        says,
    );
    refused(
        "/components/schemas/Thing/properties",
        insert(
            "options",
            json!({"type": "object", "additionalProperties": false}),
        ),
        "/components/schemas/Thing/properties/options/additionalProperties",
        says,
    );
    refused(
        "/components/schemas/NewThing",
        insert("additionalProperties", json!(false)),
        "/components/schemas/NewThing/additionalProperties",
        says,
    );
    // In data, it is data.
    generate_with(
        "/components/schemas/Thing",
        insert("x-note", json!({"additionalProperties": false})),
    )
    .unwrap();
}

/// The client sends a query parameter as `style: form, explode: true` and a path parameter
/// as `style: simple, explode: false`, and nothing else: any other serialization would be
/// generated and then not honoured. Refused at the parameter; the defaults written out are
/// accepted.
#[test]
fn parameter_serializations_the_client_does_not_implement() {
    let verbose = format!("{GET}/parameters/1");
    let id = format!("{GET}/parameters/0");
    for (key, value) in [
        ("style", json!("pipeDelimited")),
        ("style", json!("spaceDelimited")),
        ("style", json!("deepObject")),
        ("allowReserved", json!(true)),
    ] {
        refused(
            &verbose,
            insert(key, value.clone()),
            &verbose,
            &format!(
                "parameter \"verbose\" has {key}: {value}, a serialization the client does \
                 not implement: it sends a query parameter as style: form, explode: true (an \
                 array as repeated name=a&name=b)"
            ),
        );
    }
    for (key, value) in [("style", json!("label")), ("style", json!("matrix"))] {
        refused(
            &id,
            insert(key, value.clone()),
            &id,
            &format!(
                "parameter \"id\" has {key}: {value}, a serialization the client does not \
                 implement: it sends a path parameter as style: simple, explode: false"
            ),
        );
    }
    // `content` instead of `schema` (progenitor refused it, without saying where).
    refused(
        &verbose,
        set(json!({"name": "verbose", "in": "query",
                   "content": {"application/json": {"schema": {"type": "string"}}}})),
        &verbose,
        "parameter \"verbose\" has a content (a value serialized as a media type), which the \
         client does not implement",
    );
    // A parameter of components/parameters is named where it is written, and so is one of a
    // path item.
    refused(
        "",
        |spec| {
            spec["components"]["parameters"] = json!({"Tags": {"name": "tags", "in": "query",
                "explode": false, "schema": {"type": "array", "items": {"type": "string"}}}});
            spec.pointer_mut(&format!("{GET}/parameters"))
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/parameters/Tags"}));
        },
        "/components/parameters/Tags",
        "parameter \"tags\" has explode: false",
    );
    refused(
        "/paths/~1v1~1things",
        insert(
            "parameters",
            json!([{"name": "tags", "in": "query", "style": "spaceDelimited",
                    "schema": {"type": "array", "items": {"type": "string"}}}]),
        ),
        "/paths/~1v1~1things/parameters/0",
        "parameter \"tags\" has style: \"spaceDelimited\"",
    );
    // `explode` either way on a single value, which it does not change (`verbose=true`,
    // `/things/abc`), including one given by a `$ref`.
    for explode in [true, false] {
        generate_with(&verbose, insert("explode", json!(explode))).unwrap();
        generate_with(&id, insert("explode", json!(explode))).unwrap();
    }
    generate_with("", |spec| {
        spec["components"]["schemas"]["Flag"] = json!({"type": "boolean"});
        spec.pointer_mut(&verbose).unwrap()["schema"] =
            json!({"$ref": "#/components/schemas/Flag"});
        spec.pointer_mut(&verbose).unwrap()["explode"] = json!(false);
    })
    .unwrap();
    // On an array it does change it (`tags=a,b`), given in place or by a `$ref`.
    for schema in [
        json!({"type": "array", "items": {"type": "string"}}),
        json!({"$ref": "#/components/schemas/Tags"}),
    ] {
        refused(
            "",
            |spec| {
                spec["components"]["schemas"]["Tags"] =
                    json!({"type": "array", "items": {"type": "string"}});
                spec.pointer_mut(&format!("{GET}/parameters"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "tags", "in": "query", "explode": false,
                                 "schema": schema}));
            },
            &format!("{GET}/parameters/2"),
            "parameter \"tags\" has explode: false",
        );
    }
    // The defaults written out.
    generate_with(&verbose, |parameter| {
        parameter["style"] = json!("form");
        parameter["explode"] = json!(true);
        parameter["allowReserved"] = json!(false);
    })
    .unwrap();
    generate_with(&id, |parameter| {
        parameter["style"] = json!("simple");
        parameter["explode"] = json!(false);
    })
    .unwrap();
    // An array in a path (`a,b,c` in style simple): the client sends none (the generated
    // call asked the list for the text of one segment, which only a single value has).
    refused(
        &format!("{id}/schema"),
        set(json!({"type": "array", "items": {"type": "string"}})),
        &id,
        "parameter \"id\": a path parameter is one value (a string, number, boolean, enum or \
         hand-written validated type); the client sends no array in a path",
    );
    // A header parameter is refused for where it is sent, whatever its style.
    refused(
        &format!("{GET}/parameters"),
        |list| {
            list.as_array_mut()
                .unwrap()
                .push(json!({"name": "trace", "in": "header",
                "style": "simple", "explode": true, "schema": {"type": "string"}}))
        },
        &format!("{GET}/parameters/2"),
        "parameter \"trace\": header and cookie parameters are not supported",
    );
}

/// A refused parameter is named where it is written: its place in the operation's list or
/// its path item's, or the component its `$ref` names (the operation alone left the reader
/// to search every list and component of it).
#[test]
fn a_refused_parameter_is_pointed_at() {
    let header = json!({"name": "trace", "in": "header", "schema": {"type": "string"}});
    let says = "parameter \"trace\": header and cookie parameters are not supported";
    // In the path item's list, before the operation's own.
    refused(
        "/paths/~1v1~1things~1{id}",
        insert("parameters", json!([header.clone()])),
        "/paths/~1v1~1things~1{id}/parameters/0",
        says,
    );
    // Through a `$ref`: the component.
    refused(
        "",
        |spec| {
            spec["components"]["parameters"] = json!({"Trace": header});
            spec.pointer_mut(&format!("{GET}/parameters"))
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/parameters/Trace"}));
        },
        "/components/parameters/Trace",
        says,
    );
    // A name taken twice, once in the path item's list: the second of them, the
    // operation's own (the path item's come first).
    refused(
        "/paths/~1v1~1things~1{id}",
        insert(
            "parameters",
            json!([{"name": "Verbose", "in": "query", "schema": {"type": "string"}}]),
        ),
        &format!("{GET}/parameters/1"),
        "parameter \"verbose\" gives the Rust name \"verbose\", which is taken",
    );
}

/// A `type` OpenAPI 3.0 does not have is refused where it is written: progenitor's failure
/// on it named another schema (one that refers to it).
#[test]
fn unknown_types() {
    let says = "is not a type of OpenAPI 3.0: one of string, number, integer, boolean, array, \
                object";
    for (pointer, at, value) in [
        (
            "/components/schemas/Thing/properties/name",
            "/components/schemas/Thing/properties/name/type",
            json!("strng"),
        ),
        (
            "/components/schemas/Thing",
            "/components/schemas/Thing/type",
            json!("objekt"),
        ),
        (
            "/components/schemas/Thing/properties/name",
            "/components/schemas/Thing/properties/name/type",
            json!(["string", "null"]),
        ),
        (
            &format!("{GET}/parameters/1/schema"),
            &format!("{GET}/parameters/1/schema/type"),
            json!("bool"),
        ),
    ] {
        refused(
            pointer,
            insert("type", value.clone()),
            at,
            &format!("{value} {says}"),
        );
    }
}

/// When progenitor fails on a schema, the culprit is the schema at fault, not one that
/// refers to it: each schema is tried with the schemas it refers to (alone, a reference
/// would dangle and fail on its own), then narrowed down to the one whose own try fails.
#[test]
fn the_culprit_is_the_schema_at_fault() {
    let mut spec = base();
    // `Broken` fails; `Attempt`, tried first, refers to it through `Thing`.
    spec["components"]["schemas"]["Attempt"] = json!({"type": "object", "properties": {
        "thing": {"$ref": "#/components/schemas/Thing"}}});
    spec["components"]["schemas"]["Thing"]["properties"]["broken"] =
        json!({"$ref": "#/components/schemas/Broken"});
    spec["components"]["schemas"]["Broken"] = json!({"type": "string"});
    let spec = crate::spec::load(&spec.to_string()).unwrap();
    // As progenitor: a dangling reference fails, and so does `Broken`.
    let fails = |spec: &openapiv3::OpenAPI| {
        let json = serde_json::to_value(spec).unwrap();
        let schemas = json
            .pointer("/components/schemas")
            .cloned()
            .unwrap_or_default();
        let dangling = json
            .to_string()
            .split("#/components/schemas/")
            .skip(1)
            .any(|rest| {
                let name = rest.split('"').next().unwrap();
                schemas.get(name).is_none()
            });
        dangling || schemas.get("Broken").is_some()
    };
    assert_eq!(
        crate::spec::find_culprit(&spec, fails),
        Some(crate::Culprit::Schema("Broken".to_owned()))
    );
    // A reference inside a list (`allOf`) is followed the same way.
    let mut through_all_of = base();
    through_all_of["components"]["schemas"]["Attempt"] = json!({"type": "object",
        "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}});
    through_all_of["components"]["schemas"]["Thing"]["properties"]["broken"] =
        json!({"allOf": [{"$ref": "#/components/schemas/Broken"}]});
    through_all_of["components"]["schemas"]["Broken"] = json!({"type": "string"});
    let through_all_of = crate::spec::load(&through_all_of.to_string()).unwrap();
    assert_eq!(
        crate::spec::find_culprit(&through_all_of, fails),
        Some(crate::Culprit::Schema("Broken".to_owned()))
    );
    // Two schemas that refer to each other: the search ends, at the first of them that
    // fails with what it refers to (neither is nearer the fault than the other).
    let mut mutual = base();
    mutual["components"]["schemas"]["Thing"]["properties"]["broken"] =
        json!({"$ref": "#/components/schemas/Broken"});
    mutual["components"]["schemas"]["Broken"] = json!({"type": "object", "properties": {
        "back": {"$ref": "#/components/schemas/Thing"}}});
    let mutual = crate::spec::load(&mutual.to_string()).unwrap();
    assert!(matches!(
        crate::spec::find_culprit(&mutual, fails),
        Some(crate::Culprit::Schema(_))
    ));
    // progenitor itself, on a default its type cannot hold: `Thing`, not `NewThing` (tried
    // before it, and failing alone on its reference to `Kind`).
    match generate_with(
        "/components/schemas/Thing/properties/name",
        insert("default", json!({"a": 1})),
    ) {
        Err(Error::Progenitor { culprit, message }) => assert_eq!(
            culprit,
            Some(crate::Culprit::Schema("Thing".to_owned())),
            "{message}"
        ),
        other => panic!("expected progenitor's refusal, got {other:?}"),
    }
}

/// A constraint of what is sent stands only where the front door checks it (the bounds of a
/// number and the count of a list on a property's schema, a parameter's, and the bounds of
/// their lists' items; text checks its own length anywhere): elsewhere it would be generated
/// unchecked, or not compile, and the client would send values the spec forbids. Each is
/// refused, naming the keyword's place. In what only answers hold, nothing is refused: the
/// client checks nothing there.
#[test]
fn constraints_the_client_would_not_check() {
    let thing = "/components/schemas/NewThing/properties";
    let unchecked = "is not checked where it stands, so the client would send values it forbids";
    // A named schema, and a property of the request that $refs it.
    let named = |name: &'static str, schema: Value| {
        move |spec: &mut Value| {
            spec["components"]["schemas"][name] = schema;
            spec["components"]["schemas"]["NewThing"]["properties"]["named"] =
                json!({"$ref": format!("#/components/schemas/{name}")});
        }
    };
    refused(
        "",
        named(
            "Tags",
            json!({"type": "array", "maxItems": 2, "items": {"type": "string"}}),
        ),
        "/components/schemas/Tags/maxItems",
        "a named list or number",
    );
    refused(
        "",
        named("Percent", json!({"type": "number", "minimum": 0})),
        "/components/schemas/Percent/minimum",
        "a named list or number",
    );
    refused(
        "",
        named(
            "Levels",
            json!({"type": "array", "items": {"type": "integer", "maximum": 5}}),
        ),
        "/components/schemas/Levels/items/maximum",
        "a named list's items",
    );
    let cases = [
        // A member of a composition: which member holds is not known. (Text checks itself.)
        (
            "tags",
            json!({"anyOf": [{"type": "array", "maxItems": 2, "items": {"type": "string"}},
                             {"type": "string"}]}),
            "tags/anyOf/0/maxItems",
            "a member of allOf, anyOf or oneOf",
        ),
        (
            "size",
            json!({"oneOf": [{"type": "string", "maxLength": 2},
                             {"type": "integer", "maximum": 3}]}),
            "size/oneOf/1/maximum",
            "a member of allOf, anyOf or oneOf",
        ),
        // Beside a $ref or a composition: a schema without a type.
        (
            "level",
            json!({"allOf": [{"$ref": "#/components/schemas/Kind"}], "maxLength": 3}),
            "level/maxLength",
            "the schema has no type",
        ),
        // A list inside a list, its items or its own count.
        (
            "grid",
            json!({"type": "array", "items": {"type": "array", "maxItems": 2,
                                              "items": {"type": "integer"}}}),
            "grid/items/maxItems",
            "a list inside a list",
        ),
        (
            "grid",
            json!({"type": "array", "items": {"type": "array",
                                              "items": {"type": "integer", "maximum": 5}}}),
            "grid/items/items/maximum",
            "a list inside a list",
        ),
        // A map's values, also under a property named `properties`.
        (
            "scores",
            json!({"type": "object", "additionalProperties": {"type": "integer", "maximum": 5}}),
            "scores/additionalProperties/maximum",
            "a map's values",
        ),
        (
            "properties",
            json!({"type": "object", "additionalProperties": {"type": "integer", "maximum": 5}}),
            "properties/additionalProperties/maximum",
            "a map's values",
        ),
        // A date has no length.
        (
            "on",
            json!({"type": "string", "format": "date", "maxLength": 10}),
            "on/maxLength",
            "a date (format date) is no text to count",
        ),
    ];
    for (key, schema, at, says) in cases {
        let at = format!("{thing}/{at}");
        refused(thing, insert(key, schema.clone()), &at, unchecked);
        refused(thing, insert(key, schema), &at, says);
    }
    // An integer's bounds are whole numbers within i64: openapiv3 reads any other as an
    // untyped schema, and every bound of it would be dropped unchecked.
    for bound in [json!(1.5), json!(1.0), json!(18446744073709551615u64)] {
        refused(
            thing,
            insert(
                "count",
                json!({"type": "integer", "minimum": 0, "maximum": bound}),
            ),
            "/components/schemas/NewThing/properties/count/maximum",
            "must be a whole number within i64's range",
        );
    }
    // Where the front door reads them, they stand: a property's schema, its list's items,
    // a parameter's and its list's items, text anywhere.
    for (key, schema) in [
        (
            "count",
            json!({"type": "integer", "minimum": -3, "maximum": 9}),
        ),
        (
            "tags",
            json!({"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 4}}),
        ),
        (
            "weight",
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0}),
        ),
        (
            "labels",
            json!({"type": "object", "additionalProperties": {"type": "string", "maxLength": 4}}),
        ),
    ] {
        assert_eq!(
            generate_with(thing, insert(key, schema.clone())),
            Ok(()),
            "{schema}"
        );
    }
    assert_eq!(
        generate_with(
            "",
            named(
                "Code",
                json!({"type": "string", "minLength": 2, "maxLength": 4})
            )
        ),
        Ok(())
    );
    let spec = crate::test_spec::with_query_parameters([(
        "pick",
        json!({"type": "array", "maxItems": 3, "items": {"type": "integer", "minimum": 1}}),
    )]);
    assert!(generate("things.json", &spec.to_string()).is_ok());
    // In what only answers hold (Thing), each of the refused shapes stands.
    let answers = "/components/schemas/Thing/properties";
    for (key, schema) in [
        ("named", json!({"$ref": "#/components/schemas/Count"})),
        (
            "on",
            json!({"type": "string", "format": "date-time", "maxLength": 40}),
        ),
        (
            "n",
            json!({"type": "integer", "format": "uint64", "maximum": 18446744073709551615u64}),
        ),
        (
            "scores",
            json!({"type": "object", "additionalProperties": {"type": "integer", "maximum": 5}}),
        ),
        (
            "size",
            json!({"allOf": [{"type": "integer", "minimum": 1}]}),
        ),
    ] {
        let answer = generate_with("", |spec| {
            spec["components"]["schemas"]["Count"] = json!({"type": "integer", "minimum": 0});
            spec.pointer_mut(answers)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert(key.to_owned(), schema.clone());
        });
        assert_eq!(answer, Ok(()), "{schema}");
    }
}

/// OpenAPI 3.0's `readOnly`: not sent in a request, and `required` only in answers. A type
/// sent in a request would send it (and demand it where required): refused there, naming
/// the property. In a type only answers hold, it is what it says.
#[test]
fn read_only_properties_in_a_request_type() {
    let read_only = json!({"type": "string", "readOnly": true});
    refused(
        "/components/schemas/NewThing/properties",
        insert("id", read_only.clone()),
        "/components/schemas/NewThing/properties/id/readOnly",
        "id is read-only in a type sent in a request (NewThing)",
    );
    // Through a $ref, the flag's own place is named.
    refused(
        "",
        |spec| {
            spec["components"]["schemas"]["Id"] = json!({"type": "string", "readOnly": true});
            spec["components"]["schemas"]["NewThing"]["properties"]["id"] =
                json!({"$ref": "#/components/schemas/Id"});
        },
        "/components/schemas/Id/readOnly",
        "id is read-only in a type sent in a request (NewThing)",
    );
    assert_eq!(
        generate_with(
            "/components/schemas/Thing/properties",
            insert("id", read_only)
        ),
        Ok(())
    );
}

/// A `default` that breaks its own schema's constraints would be sent in every call that
/// leaves the field out, and refused: the spec is refused instead, naming the default and
/// the keyword it breaks. A default within them stands.
#[test]
fn defaults_that_break_their_own_constraints() {
    let thing = "/components/schemas/NewThing/properties";
    for (schema, keyword) in [
        (
            json!({"type": "integer", "maximum": 5, "default": 10}),
            "maximum",
        ),
        (
            json!({"type": "integer", "minimum": 1, "default": 0}),
            "minimum",
        ),
        (
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "default": 0}),
            "minimum",
        ),
        (
            json!({"type": "number", "maximum": 1, "exclusiveMaximum": true, "default": 1}),
            "maximum",
        ),
        (
            json!({"type": "string", "maxLength": 2, "default": "abc"}),
            "maxLength",
        ),
        (
            json!({"type": "string", "minLength": 2, "default": "é"}),
            "minLength",
        ),
        (
            json!({"type": "array", "maxItems": 1, "items": {"type": "integer"}, "default": [1, 2]}),
            "maxItems",
        ),
        (
            json!({"type": "array", "minItems": 1, "items": {"type": "integer"}, "default": []}),
            "minItems",
        ),
    ] {
        refused(
            thing,
            insert("level", schema.clone()),
            "/components/schemas/NewThing/properties/level/default",
            &format!("breaks the schema's own {keyword}"),
        );
    }
    for schema in [
        json!({"type": "integer", "minimum": 1, "maximum": 5, "default": 5}),
        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "default": 0.5}),
        json!({"type": "string", "maxLength": 2, "default": "éé"}),
        json!({"type": "string", "minLength": 2, "default": "éé"}),
        json!({"type": "array", "minItems": 2, "items": {"type": "integer"}, "default": [1, 2]}),
        json!({"type": "integer", "minimum": 1, "default": 1}),
        json!({"type": "number", "maximum": 1, "exclusiveMaximum": true, "default": 0.5}),
        json!({"type": "array", "maxItems": 2, "items": {"type": "integer"}, "default": [1, 2]}),
    ] {
        assert_eq!(
            generate_with(thing, insert("level", schema.clone())),
            Ok(()),
            "{schema}"
        );
    }
}

/// The defaults the check above missed: one breaking its items' bounds, one of another
/// type, an integer beyond an `f64`'s precision, text under an `allOf` of a named text. A
/// null is judged only where a type says whether it may be.
#[test]
fn defaults_that_are_no_values_of_their_schema() {
    let thing = "/components/schemas/NewThing/properties";
    let at = "/components/schemas/NewThing/properties/level/default";
    for (schema, says) in [
        (
            json!({"type": "array", "items": {"type": "integer", "minimum": 1}, "default": [1, 0]}),
            "has an item (1) that breaks the schema's own minimum",
        ),
        (
            json!({"type": "integer", "minimum": 1, "default": "0"}),
            "is not an integer",
        ),
        (
            json!({"type": "integer", "default": 1.0}),
            "is not an integer",
        ),
        (
            json!({"type": "string", "default": 5}),
            "is not of the schema's type, string",
        ),
        (
            json!({"type": "integer", "maximum": 9007199254740992u64, "default": 9007199254740993u64}),
            "breaks the schema's own maximum",
        ),
        (
            json!({"type": "string", "default": null}),
            "is null, which the schema is not",
        ),
        (
            json!({"allOf": [{"$ref": "#/components/schemas/Short"}], "default": "abc"}),
            "breaks the schema's own maxLength",
        ),
    ] {
        refused(
            "",
            |spec| {
                spec["components"]["schemas"]["Short"] = json!({"type": "string", "maxLength": 2});
                spec.pointer_mut(thing)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert("level".to_owned(), schema.clone());
            },
            at,
            says,
        );
    }
    for schema in [
        json!({"type": "string", "nullable": true, "default": null}),
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Kind"}], "default": null}),
        json!({"anyOf": [{"$ref": "#/components/schemas/Kind"}, {"enum": [null]}], "default": null}),
        json!({"type": "integer", "maximum": 9007199254740993u64, "default": 9007199254740993u64}),
    ] {
        assert_eq!(
            generate_with(thing, insert("level", schema.clone())),
            Ok(()),
            "{schema}"
        );
    }
}

/// A parameter's schema is judged as a property's is: its default, a list inside its list,
/// at the parameter's place (path-wide parameters too). A named object with a keyword of
/// another type (`maxLength`) is not judged here: openapiv3 reads it as untyped, which the
/// model refuses as no object it can read.
#[test]
fn parameters_constraints_and_defaults_are_judged_in_place() {
    let spec = crate::test_spec::with_query_parameters([(
        "limit",
        json!({"type": "integer", "maximum": 5, "default": 10}),
    )]);
    match generate("things.json", &spec.to_string()) {
        Err(Error::Shape { at, message }) => {
            assert_eq!(at, format!("{GET}/parameters/2/schema/default"));
            assert!(
                message.contains("breaks the schema's own maximum"),
                "{message}"
            );
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    refused(
        "/paths/~1v1~1things~1{id}",
        insert(
            "parameters",
            json!([{"name": "grid", "in": "query", "schema": {"type": "array",
                "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 2}}}]),
        ),
        "/paths/~1v1~1things~1{id}/parameters/0/schema/items/maxItems",
        "a list inside a list",
    );
    let bag = generate_with("", |spec| {
        spec["components"]["schemas"]["Bag"] =
            json!({"type": "object", "maxLength": 3, "properties": {"a": {"type": "string"}}});
        spec["components"]["schemas"]["NewThing"]["properties"]["bag"] =
            json!({"$ref": "#/components/schemas/Bag"});
    });
    match bag {
        Err(Error::Shape { at, message }) => {
            assert_eq!(at, "/components/schemas/Bag");
            assert!(message.contains("comes from no object schema"), "{message}");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

/// Each type judges its default's kind; an integer may be negative or beyond i64 (u64).
/// A default whose schema is a cycle of `$ref`s is refused for the cycle, before any default
/// is judged.
#[test]
fn defaults_of_each_type_and_a_cycle_of_refs() {
    let thing = "/components/schemas/NewThing/properties";
    let at = "/components/schemas/NewThing/properties/level/default";
    for (schema, says) in [
        (
            json!({"type": "number", "default": "1"}),
            "is not of the schema's type, number",
        ),
        (
            json!({"type": "boolean", "default": "yes"}),
            "is not of the schema's type, boolean",
        ),
        (
            json!({"type": "array", "items": {"type": "string"}, "default": "a"}),
            "is not of the schema's type, array",
        ),
        (
            json!({"type": "object", "additionalProperties": {"type": "string"}, "default": []}),
            "is not of the schema's type, object",
        ),
    ] {
        refused(thing, insert("level", schema), at, says);
    }
    for schema in [
        json!({"type": "integer", "default": -1}),
        json!({"type": "integer", "format": "uint64", "default": 18446744073709551615u64}),
        json!({"type": "number", "default": 2}),
        json!({"type": "boolean", "default": false}),
        json!({"type": "object", "additionalProperties": {"type": "string"}, "default": {"a": "b"}}),
    ] {
        assert_eq!(
            generate_with(thing, insert("level", schema.clone())),
            Ok(()),
            "{schema}"
        );
    }
    let cycle = generate_with("", |spec| {
        spec["components"]["schemas"]["Loop1"] = json!({"$ref": "#/components/schemas/Loop2"});
        spec["components"]["schemas"]["Loop2"] = json!({"$ref": "#/components/schemas/Loop1"});
        spec["components"]["schemas"]["NewThing"]["properties"]["level"] = json!({
            "type": "array", "items": {"$ref": "#/components/schemas/Loop1"}, "default": [1]});
    });
    match cycle {
        Err(Error::Shape { message, .. }) => {
            assert!(
                message.contains("lead to one another through $ref"),
                "{message}"
            )
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

/// An example answer that does not decode into its schema's type: the mocks embed it typed
/// (`mock::examples`), so it would panic in a user's test (found by a review of spec
/// edits: a property renamed in its schema and not in the example generated without a
/// word).
#[test]
fn example_answers_that_do_not_fit_their_schemas() {
    let media = format!("{GET}/responses/200/content/application~1json");
    refused(
        &media,
        insert("example", json!({"data": {"name": 3}})),
        &format!("{GET}/responses/200"),
        "its example does not fit the schema ThingEnvelope (at /data/name: a number, where \
         the schema wants a string), so the mocks' typed example would not decode; fix the \
         example or the schema",
    );
    // What decodes passes: unknown keys, `null` for an optional property, any enum value
    // (the client's enums are open).
    generate_with(
        &media,
        insert(
            "example",
            json!({"data": {"name": null, "kind": "huge", "new": 1}, "errors": null}),
        ),
    )
    .unwrap();
    // The error envelope's example, which the mocks embed too.
    refused(
        "/components",
        |components| {
            components["schemas"]["ErrorEnvelope"] = json!({"type": "object",
                "required": ["errors"], "properties": {"errors": {"type": "array",
                "items": {"$ref": "#/components/schemas/ApiErrorEntry"}}}});
            components["responses"] = json!({"Error": {"description": "an error",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorEnvelope"},
                    "example": {"errors": [{"message": "no error code"}]}}}}});
        },
        "/components/responses/Error",
        "its example does not fit the schema ErrorEnvelope (at /errors/0: the required \
         property \"error\" is missing)",
    );
}
