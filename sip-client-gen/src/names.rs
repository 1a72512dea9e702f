//! The Rust names the spec gives: schemas become types; operations become methods (of
//! `Client`, of progenitor's raw client, of the mock server) and functions of the CLI;
//! parameters become arguments, setters of a request builder and flags. A name Rust cannot take, or one the generated
//! code already uses, is refused here, before progenitor runs, with where it is: the crate
//! would not compile, or (worse) would compile with a method that hides one users call.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use crate::error::Error;
use crate::model::invalid;
use crate::rust;

/// Rust's keywords: strict (all editions), reserved for later, and those of the 2018 and
/// 2024 editions. Any of them is a raw identifier at best (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// The keywords that cannot be raw identifiers either.
const NEVER_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Whether `name` is a Rust keyword.
pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a keyword that not even a raw identifier can spell.
pub(crate) fn never_raw(name: &str) -> bool {
    NEVER_RAW.contains(&name)
}

/// The methods of sip-client's hand-written `Client` (its `impl Client` blocks; a test
/// reads them and checks this list).
pub(crate) const CLIENT_METHODS: &[&str] =
    &["builder", "from_env", "raw", "base_url", "call", "endpoint"];

/// The methods of progenitor's raw client (`Client::raw`) that are not operations: its
/// constructors, and those of the traits the generated code calls on it (`ClientInfo`,
/// `ClientHooks`). An operation of the same name would be defined twice, or hide the
/// trait's method from the code that calls it.
pub(crate) const RAW_CLIENT_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "api_version",
    "baseurl",
    "client",
    "inner",
    "pre",
    "post",
    "exec",
];

/// The inherent methods of httpmock's `MockServer` (0.8.3): an operation's method of the
/// generated `MockServerExt` of the same name would be hidden by it (an inherent method
/// wins), so `server.reset(|when, then| ..)` would not compile.
pub(crate) const MOCK_SERVER_METHODS: &[&str] = &[
    "start",
    "start_async",
    "connect",
    "connect_async",
    "connect_from_env",
    "connect_from_env_async",
    "host",
    "port",
    "address",
    "url",
    "base_url",
    "mock",
    "mock_async",
    "reset",
    "reset_async",
    "forward_to",
    "forward_to_async",
    "proxy",
    "proxy_async",
    "record",
    "record_async",
    "playback",
    "playback_async",
    "playback_from_yaml",
    "playback_from_yaml_async",
];

/// The names progenitor's raw request builders use beside the parameters: their fields and
/// methods (`client`, `body_map`) and the locals of their `send` (a parameter `url` would be
/// shadowed by the URL, and sent as it).
pub(crate) const RAW_BUILDER_NAMES: &[&str] = &[
    "new",
    "client",
    "body",
    "body_map",
    "send",
    "header_map",
    "request",
    "info",
    "response",
    "result",
    "url",
];

/// Methods an operation's method would hide on `Client`: those of the traits it implements
/// (`Clone`, `Debug`, and the blanket impls every type gets: `Borrow`, `BorrowMut`, `Any`,
/// `From`/`Into`, `TryFrom`/`TryInto`, `ToOwned`), and those of the other traits of the std
/// prelude (and `Hash`), which a type like `Client` may implement or derive. An inherent
/// method wins over a trait's, so `client.clone()` would quietly call the operation.
/// `Iterator` and the closure traits are left out: a client is neither.
pub(crate) const TRAIT_METHODS: &[&str] = &[
    // Clone, ToOwned, Debug, ToString, Hash.
    "clone",
    "clone_from",
    "to_owned",
    "clone_into",
    "fmt",
    "to_string",
    "hash",
    // Conversions.
    "from",
    "into",
    "try_from",
    "try_into",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "type_id",
    // Default, Drop.
    "default",
    "drop",
    // PartialEq, PartialOrd, Ord.
    "eq",
    "ne",
    "partial_cmp",
    "lt",
    "le",
    "gt",
    "ge",
    "cmp",
    "max",
    "min",
    "clamp",
    // Collections.
    "extend",
    "into_iter",
    "from_iter",
];

/// What already has the method name `name`, if anything.
fn taken_method(name: &str) -> Option<String> {
    if CLIENT_METHODS.contains(&name) {
        return Some(format!("Client's own method {name}"));
    }
    if RAW_CLIENT_METHODS.contains(&name) {
        return Some(format!(
            "the method {name} of progenitor's raw client (Client::raw)"
        ));
    }
    if MOCK_SERVER_METHODS.contains(&name) {
        return Some(format!(
            "the method {name} of httpmock's MockServer (the mock of the operation would be \
             hidden by it)"
        ));
    }
    if TRAIT_METHODS.contains(&name) {
        return Some(format!(
            "the trait method {name} users call on Client (an operation's method would hide it)"
        ));
    }
    if let Some(&(_, what)) = crate::cli::TAKEN_COMMANDS.iter().find(|(n, _)| *n == name) {
        return Some(what.to_owned());
    }
    None
}

/// Why `id`, a snake_case operationId, cannot name the operation's method, if it cannot.
fn method_name_problem(id: &str) -> Option<String> {
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!(
            "operationId {id:?} must start with a lowercase letter: it is the method's name"
        ));
    }
    if is_keyword(id) {
        return Some(format!(
            "operationId {id:?} is a Rust keyword, which cannot name the method; rename the \
             operation"
        ));
    }
    taken_method(id)
        .map(|taken| format!("operationId {id:?} would collide with {taken}; rename the operation"))
}

/// The JSON pointer of each operation with its operationId, in the spec's order.
pub(crate) fn operations(
    spec: &OpenAPI,
) -> Vec<(String, &openapiv3::Operation, &openapiv3::PathItem)> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let at = format!("/paths/{}/{method}", crate::spec::pointer_token(path));
            out.push((at, operation, item));
        }
    }
    out
}

/// `name` with each run of capitals written as one word, as typify writes it: `SIPTrunk` is
/// `SipTrunk`, `THING` `Thing`, `sipIP` `sipIp`, `V2X` `V2x` (the last capital of a run that
/// a small letter follows begins the next word; digits carry a run on).
fn one_capital_a_word(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    for (at, &c) in chars.iter().enumerate() {
        // Digits carry the run on: the letter before them decides (`V2X` is `V2x`).
        let after_capital = chars[..at]
            .iter()
            .rev()
            .find(|c| !c.is_ascii_digit())
            .is_some_and(char::is_ascii_uppercase);
        let begins_word = chars.get(at + 1).is_some_and(char::is_ascii_lowercase);
        if c.is_ascii_uppercase() && after_capital && !begins_word {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks the names of schemas, operations and parameters before progenitor sees them,
/// and the HTTP methods of operations.
pub(crate) fn check(spec: &OpenAPI) -> Result<(), Error> {
    // Rust type name -> schema name; two schemas of one type name would define it twice.
    let mut schemas: BTreeMap<String, &String> = BTreeMap::new();
    for name in spec
        .components
        .iter()
        .flat_map(|components| components.schemas.keys())
    {
        let at = format!("/components/schemas/{}", crate::spec::pointer_token(name));
        let rust = rust::upper_camel(name);
        if !rust.starts_with(|c: char| c.is_ascii_alphabetic()) || is_keyword(&rust) {
            return Err(invalid(
                at,
                format!(
                    "the schema name {name:?} makes no Rust type name ({rust:?}): it must \
                     start with a letter and not be a keyword; rename the schema"
                ),
            ));
        }
        // typify writes a run of capitals as one word (`SIPTrunk` is `SipTrunk`) and treats
        // other letters than ASCII its own way: the generator would name another type than
        // the crate has (its surface, report and open enums would miss it).
        if !name.is_ascii() {
            return Err(invalid(
                at,
                format!(
                    "the schema name {name:?} has a letter outside ASCII; name it with ASCII \
                     letters and digits"
                ),
            ));
        }
        let one_word = one_capital_a_word(name);
        if one_word != *name {
            return Err(invalid(
                at,
                format!(
                    "the schema name {name:?} has a run of capitals, which the Rust type names \
                     as one word; name it {one_word:?}"
                ),
            ));
        }
        if let Some(first) = schemas.insert(rust.clone(), name) {
            return Err(invalid(
                at,
                format!(
                    "the schemas {first:?} and {name:?} both become the Rust type {rust}; \
                     rename one"
                ),
            ));
        }
    }
    // operationId -> pointer, and request type -> (operationId, pointer).
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut types: BTreeMap<String, (&str, String)> = BTreeMap::new();
    for (at, operation, item) in operations(spec) {
        // progenitor sends OPTIONS and TRACE through methods reqwest does not have, and a
        // HEAD answer has no body for the client to decode.
        let method = at.rsplit('/').next().unwrap_or_default().to_owned();
        if matches!(method.as_str(), "options" | "trace" | "head") {
            return Err(invalid(
                at,
                format!(
                    "{} operations are not supported: the client sends GET, POST, PUT, PATCH \
                     and DELETE, and decodes a JSON answer",
                    method.to_uppercase()
                ),
            ));
        }
        let Some(id) = operation.operation_id.as_deref() else {
            continue;
        };
        let id_at = format!("{at}/operationId");
        let snake = rust::snake(id);
        if snake != id {
            // A suggestion that would be refused in turn is not made.
            let message = match method_name_problem(&snake) {
                None => format!(
                    "operationId {id:?} must be snake_case ({snake:?}): it is the method's name"
                ),
                Some(_) => {
                    format!("operationId {id:?} must be snake_case: it is the method's name")
                }
            };
            return Err(invalid(id_at, message));
        }
        if let Some(problem) = method_name_problem(id) {
            return Err(invalid(id_at, problem));
        }
        if let Some(first) = ids.insert(id, id_at.clone()) {
            return Err(invalid(
                id_at,
                format!(
                    "operationId {id:?} is also the operationId at {first}; each operation \
                     needs its own"
                ),
            ));
        }
        let request = rust::upper_camel(id);
        if let Some(schema) = schemas.get(&request) {
            return Err(invalid(
                id_at,
                format!(
                    "operationId {id:?} gives the request type {request}, which is the type of \
                     schema {schema}; rename the operation"
                ),
            ));
        }
        if let Some((other, other_at)) = types.insert(request.clone(), (id, id_at.clone())) {
            return Err(invalid(
                id_at,
                format!(
                    "operationId {id:?} gives the request type {request}, like {other:?} at \
                     {other_at}; rename one"
                ),
            ));
        }
        check_parameters(spec, &at, &item.parameters, &operation.parameters)?;
    }
    Ok(())
}

/// What already holds a parameter's Rust name `ident`, if anything does: the request
/// builder's own names (`front::REQUEST_NAMES`), progenitor's raw builders'
/// (`RAW_BUILDER_NAMES`), a mock's `When` (`mock::MOCK_NAMES`) or the CLI's functions
/// (`cli::TAKEN_ARGUMENTS`). Said in the refusal, so that the maintainer knows why a plain
/// name such as `timeout` cannot be a parameter's.
fn taken_by(ident: &str) -> Option<&'static str> {
    if crate::front::REQUEST_NAMES.contains(&ident) {
        Some("the request builder's own (its per-call settings, body and send)")
    } else if RAW_BUILDER_NAMES.contains(&ident) {
        Some("a method of progenitor's raw builders (`Client::raw()`)")
    } else if crate::mock::MOCK_NAMES.contains(&ident) {
        Some("a method of every mock's `When`")
    } else if crate::cli::TAKEN_ARGUMENTS.contains(&ident) {
        Some("`bland-sip`'s own options and the CLI's generated functions")
    } else {
        None
    }
}

/// Why a parameter or form field of Rust name `ident` cannot be generated, if it cannot.
/// `path`: a path parameter, `required`: a required one (progenitor takes a keyword as
/// neither).
pub(crate) fn argument_problem(
    what: &str,
    ident: &str,
    path: bool,
    required: bool,
) -> Option<String> {
    if ident.is_empty() {
        return Some(format!("{what} gives no Rust name; rename it"));
    }
    // (`1x` is `_1x`: progenitor takes it, but the CLI's flag would be `-1x`, which clap
    // refuses at run time.)
    if !ident
        .trim_start_matches('_')
        .starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return Some(format!(
            "{what} gives the Rust name {ident:?}, which does not start with a letter (nor \
             would its bland-sip flag); rename it"
        ));
    }
    if never_raw(ident) || ((path || required) && is_keyword(ident)) {
        let why = match (never_raw(ident), path) {
            (true, _) => "",
            (false, true) => {
                " (progenitor cannot take one in a path; the name of a path parameter is not \
                 sent)"
            }
            (false, false) => " (progenitor takes none as a required query parameter)",
        };
        return Some(format!(
            "{what} gives the Rust name {ident:?}, a keyword that cannot be an argument{why}; \
             rename it"
        ));
    }
    if let Some(by) = taken_by(ident) {
        return Some(format!(
            "{what} gives the Rust name {ident:?}, which is taken by {by}; rename it"
        ));
    }
    None
}

/// The names of one operation's parameters (those of its path item, then its own).
fn check_parameters(
    spec: &OpenAPI,
    at: &str,
    shared: &[ReferenceOr<Parameter>],
    own: &[ReferenceOr<Parameter>],
) -> Result<(), Error> {
    // Each Rust name so far, and where its parameter is.
    let mut seen: Vec<(String, String)> = Vec::new();
    // `send` holds each path parameter's text in a local `<name>_segment`.
    let mut segments: Vec<String> = Vec::new();
    // The path, from the operation's pointer (`/paths/<path>/<method>`).
    let route = at
        .strip_prefix("/paths/")
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(token, _)| token.replace("~1", "/").replace("~0", "~"))
        .unwrap_or_default();
    let template: Vec<&str> = route
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let mut declared: Vec<String> = Vec::new();
    for (here, parameter) in crate::model::located_parameters(spec, at, shared, own) {
        // What does not resolve, or is no parameter of ours, the model refuses.
        let Ok(parameter) = parameter else {
            continue;
        };
        let (data, path) = match parameter {
            Parameter::Query { parameter_data, .. } => (parameter_data, false),
            Parameter::Path { parameter_data, .. } => (parameter_data, true),
            _ => continue,
        };
        let ident = rust::snake(&data.name);
        let what = format!("parameter {:?}", data.name);
        let problem = argument_problem(&what, &ident, path, data.required).or_else(|| {
            let (_, other) = seen.iter().find(|(seen, _)| *seen == ident)?;
            Some(format!(
                "{what} gives the Rust name {ident:?}, which is taken by the parameter at \
                 {other}; rename one"
            ))
        });
        if let Some(problem) = problem {
            return Err(invalid(here, problem));
        }
        if path {
            // A parameter the path does not hold would be taken and never sent; progenitor
            // takes a path parameter as required whatever the spec says.
            if !template.contains(&data.name.as_str()) {
                return Err(invalid(
                    here,
                    format!(
                        "the path parameter {:?} is not in the path {route:?}; add `{{{}}}` to \
                         it or remove the parameter",
                        data.name, data.name
                    ),
                ));
            }
            if !data.required {
                return Err(invalid(
                    here,
                    format!(
                        "the path parameter {:?} is not required: a path parameter always is \
                         (`required: true`)",
                        data.name
                    ),
                ));
            }
            declared.push(data.name.clone());
            segments.push(format!("{ident}_segment"));
        }
        seen.push((ident, here));
    }
    if let Some(name) = template
        .iter()
        .find(|name| !declared.iter().any(|declared| declared == *name))
    {
        return Err(invalid(
            at.to_owned(),
            format!(
                "the path {route:?} has `{{{name}}}`, which no path parameter of the operation \
                 declares"
            ),
        ));
    }
    if let Some((taken, here)) = seen.iter().find(|(ident, _)| segments.contains(ident)) {
        return Err(invalid(
            here.clone(),
            format!(
                "a parameter gives the Rust name {taken:?}, which is taken by the path \
                 parameter {:?}; rename it",
                taken.trim_end_matches("_segment")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::test_spec::sip_client_src;

    fn parse(path: &Path) -> syn::File {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path:?}: {err}"));
        syn::parse_file(&text).unwrap_or_else(|err| panic!("{path:?}: {err}"))
    }

    /// The functions of the `impl` blocks of a type named `Client` in `items` (inline
    /// modules included): `(inherent, function)`.
    fn client_functions(items: &[syn::Item], out: &mut Vec<(bool, syn::ImplItemFn)>) {
        for item in items {
            match item {
                syn::Item::Impl(block) => {
                    let is_client = matches!(&*block.self_ty, syn::Type::Path(path)
                        if path.path.segments.last().is_some_and(|s| s.ident == "Client"));
                    if !is_client {
                        continue;
                    }
                    for item in &block.items {
                        if let syn::ImplItem::Fn(function) = item {
                            out.push((block.trait_.is_none(), function.clone()));
                        }
                    }
                }
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        client_functions(items, out);
                    }
                }
                _ => {}
            }
        }
    }

    /// Every method of the hand-written `Client` (its `impl Client` blocks in
    /// `sip-client/src`, the generated files left out) is in `CLIENT_METHODS`, and every
    /// method of a trait impl there is refused too: an operation cannot take its name.
    #[test]
    fn every_method_of_the_hand_written_client_is_refused() {
        let mut inherent = BTreeSet::new();
        for entry in std::fs::read_dir(sip_client_src()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || name.starts_with("generated") {
                continue;
            }
            let mut functions = Vec::new();
            client_functions(&parse(&path).items, &mut functions);
            for (is_inherent, function) in functions {
                let name = function.sig.ident.to_string();
                assert!(
                    taken_method(&name).is_some(),
                    "{path:?}: Client's method {name} is not refused as an operationId"
                );
                if is_inherent {
                    inherent.insert(name);
                }
            }
        }
        let listed: BTreeSet<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
        assert_eq!(inherent, listed, "CLIENT_METHODS is the list of them");
    }

    /// Every method of progenitor's raw client that is not an operation's (those return a
    /// `builder::` request) is refused.
    #[test]
    fn every_method_of_the_raw_client_is_refused() {
        let mut functions = Vec::new();
        client_functions(
            &parse(&sip_client_src().join("generated.rs")).items,
            &mut functions,
        );
        let mut found = BTreeSet::new();
        for (_, function) in functions {
            let operation = matches!(&function.sig.output, syn::ReturnType::Type(_, ty)
                if matches!(&**ty, syn::Type::Path(path)
                    if path.path.segments.first().is_some_and(|s| s.ident == "builder")));
            if !operation {
                found.insert(function.sig.ident.to_string());
            }
        }
        assert!(found.contains("new"), "{found:?}");
        for name in found {
            assert!(
                RAW_CLIENT_METHODS.contains(&name.as_str()),
                "the raw client's method {name} is not in RAW_CLIENT_METHODS"
            );
        }
    }

    /// Every local of a raw builder's `send`, and every method of a raw builder, is a
    /// parameter of its operation or listed in `RAW_BUILDER_NAMES`.
    #[test]
    fn every_name_of_the_raw_builders_is_refused() {
        let file = parse(&sip_client_src().join("generated.rs"));
        let builders = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
                _ => None,
            })
            .expect("generated.rs has mod builder");
        let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in &builders.1 {
            if let syn::Item::Struct(builder) = item {
                let names = builder.fields.iter().filter_map(|f| f.ident.as_ref());
                fields.insert(
                    builder.ident.to_string(),
                    names.map(ToString::to_string).collect(),
                );
            }
        }
        let mut seen = 0;
        for item in &builders.1 {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(path) = &*block.self_ty else {
                continue;
            };
            let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            let Some(parameters) = fields.get(&name) else {
                continue;
            };
            let mut names = BTreeSet::new();
            for item in &block.items {
                let syn::ImplItem::Fn(function) = item else {
                    continue;
                };
                names.insert(function.sig.ident.to_string());
                if function.sig.ident == "send" {
                    for statement in &function.block.stmts {
                        if let syn::Stmt::Local(local) = statement {
                            collect_bindings(&local.pat, &mut names);
                        }
                    }
                }
            }
            for found in names {
                seen += 1;
                assert!(
                    parameters.contains(&found) && found != "client"
                        || RAW_BUILDER_NAMES.contains(&found.as_str()),
                    "{name} uses {found}, which RAW_BUILDER_NAMES does not list"
                );
            }
        }
        assert!(seen > 16 * 4, "the raw builders were read ({seen} names)");
    }

    fn collect_bindings(pat: &syn::Pat, out: &mut BTreeSet<String>) {
        match pat {
            syn::Pat::Ident(ident) => {
                out.insert(ident.ident.to_string());
            }
            syn::Pat::Struct(pat) => {
                for field in &pat.fields {
                    collect_bindings(&field.pat, out);
                }
            }
            syn::Pat::Type(pat) => collect_bindings(&pat.pat, out),
            _ => {}
        }
    }

    #[test]
    fn keywords() {
        assert!(is_keyword("type") && is_keyword("Self") && is_keyword("gen"));
        assert!(!is_keyword("union") && !is_keyword("types"));
        assert!(never_raw("self") && never_raw("crate") && !never_raw("type"));
        // What cannot be raw is what syn refuses to make raw.
        for keyword in KEYWORDS {
            let raw = std::panic::catch_unwind(|| {
                syn::Ident::new_raw(keyword, proc_macro2::Span::call_site())
            });
            assert_eq!(raw.is_err(), never_raw(keyword), "{keyword}");
        }
    }
}
