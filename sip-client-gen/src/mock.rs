//! The typed httpmock helpers (`sip-client/src/generated_mock.rs`, the `mock` feature):
//! progenitor's, documented per operation, plus what progenitor does not make: helpers for
//! the operations it cannot generate (multipart bodies) and `ok_data`, which answers with
//! Bland's envelope around a `data` value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Operation};
use crate::rust;

/// The methods every mock `When` has of its own (a parameter's matcher is a method of the
/// same type), which a parameter's Rust name must not be.
pub(crate) const MOCK_NAMES: &[&str] = &["new", "into_inner"];

/// Documents progenitor's helpers and adds ours to its output.
pub(crate) fn post_process(file: &mut syn::File, api: &Api) {
    file.items.push(syn::parse_quote! {
        mod sealed {
            /// Not nameable outside the crate: only this crate implements `MockServerExt`.
            pub trait Sealed {}
            impl Sealed for ::httpmock::MockServer {}
        }
    });
    for item in &mut file.items {
        match item {
            syn::Item::Trait(trait_) if trait_.ident == "MockServerExt" => {
                // Sealed: only `MockServer` implements it, so that a new operation (a new
                // method) breaks no implementation downstream.
                trait_.supertraits.push(syn::parse_quote!(sealed::Sealed));
                trait_.colon_token.get_or_insert_with(Default::default);
                trait_.attrs.push(syn::parse_quote!(
                    #[doc = " Implemented by [`MockServer`](::httpmock::MockServer) only (the trait is sealed)."]
                ));
                for item in &mut trait_.items {
                    if let syn::TraitItem::Fn(function) = item
                        && let Some(op) = operation(api, &function.sig.ident)
                    {
                        let doc = method_doc(op);
                        function.attrs.push(syn::parse_quote!(#[doc = #doc]));
                    }
                }
                for op in api.operations.iter().filter(|op| !op.in_progenitor) {
                    let (when, then) = names(op);
                    let method = format_ident!("{}", op.id);
                    let doc = method_doc(op);
                    trait_.items.push(syn::parse_quote! {
                        #[doc = #doc]
                        fn #method<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                        where
                            F: FnOnce(operations::#when, operations::#then);
                    });
                }
            }
            syn::Item::Impl(imp) if is_mock_server_ext_impl(imp) => {
                for op in api.operations.iter().filter(|op| !op.in_progenitor) {
                    let (when, then) = names(op);
                    let method = format_ident!("{}", op.id);
                    imp.items.push(syn::parse_quote! {
                        fn #method<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
                        where
                            F: FnOnce(operations::#when, operations::#then),
                        {
                            self.mock(|when, then| {
                                config_fn(operations::#when::new(when), operations::#then::new(then))
                            })
                        }
                    });
                }
            }
            syn::Item::Mod(module) if module.ident == "operations" => {
                if let Some((_, items)) = &mut module.content {
                    for item in items.iter_mut() {
                        if let syn::Item::Struct(item) = item {
                            let name = item.ident.to_string();
                            if let Some(op) = api.operations.iter().find(|op| {
                                let (when, then) = names(op);
                                when == name || then == name
                            }) {
                                let doc = if name.ends_with("When") {
                                    format!(
                                        " What a mock of `{}` (`{} {}`) matches: the method and \
                                         path, and the parameters set with its methods.",
                                        op.id, op.method, op.path
                                    )
                                } else {
                                    format!(
                                        " How a mock of `{}` (`{} {}`) answers: one method per \
                                         documented status, each with a typed body.",
                                        op.id, op.method, op.path
                                    )
                                };
                                item.attrs.push(syn::parse_quote!(#[doc = #doc]));
                            }
                        }
                    }
                    for item in items.iter_mut() {
                        if let syn::Item::Impl(imp) = item {
                            match_each_item(imp, api);
                            match_path_values(imp, api);
                        }
                    }
                    for op in api.operations.iter().filter(|op| !op.in_progenitor) {
                        items.extend(own_helpers(op));
                    }
                    for op in &api.operations {
                        items.extend(ok_data(op, api));
                    }
                    items.push(examples(api));
                }
            }
            _ => {}
        }
    }
}

/// The operation whose mock `When` an `impl` block is of, if it is one.
fn when_operation<'a>(imp: &syn::ItemImpl, api: &'a Api) -> Option<&'a Operation> {
    let self_name = rust::type_name(&imp.self_ty)?;
    api.operations.iter().find(|op| names(op).0 == self_name)
}

/// progenitor's matcher of an array query parameter calls `to_string()` on the whole list,
/// which does not compile: the matcher requires each item instead (`name=a&name=b`), and an
/// optional one's absence when given `None`.
fn match_each_item(imp: &mut syn::ItemImpl, api: &Api) {
    let Some(op) = when_operation(imp, api) else {
        return;
    };
    for item in &mut imp.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        let Some(list) = list_argument(&function.sig) else {
            continue;
        };
        let Some(param) = op
            .params
            .iter()
            .find(|param| function.sig.ident == param.ident)
        else {
            continue;
        };
        let name = &param.name;
        let each = quote! {
            let mut inner = self.0;
            for item in value {
                inner = inner.query_param(#name, item.to_string());
            }
            Self(inner)
        };
        function.block = match list {
            List::Required => syn::parse_quote!({ #each }),
            List::Optional => syn::parse_quote!({
                match value.into() {
                    Some(value) => { #each }
                    None => Self(self.0.query_param_missing(#name)),
                }
            }),
        };
    }
}

/// progenitor's matcher of a path parameter puts the value into a regular expression as it
/// is: `x(y` panicked, `a+b` matched `ab`, `a b` matched nothing (the client sends `a%20b`).
/// The value is matched as the client sends it instead, percent-encoded and escaped
/// (`mock::path_value_pattern`), the other path parameters as any one segment.
fn match_path_values(imp: &mut syn::ItemImpl, api: &Api) {
    let Some(op) = when_operation(imp, api) else {
        return;
    };
    for item in &mut imp.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        let Some(param) = op.params.iter().find(|param| {
            param.location == crate::model::Location::Path && function.sig.ident == param.ident
        }) else {
            continue;
        };
        let pattern = format!(
            "^{}$",
            op.segments
                .iter()
                .map(|segment| match segment {
                    crate::model::Segment::Literal(text) => {
                        format!(
                            "/{}",
                            regex_escape(text).replace('{', "{{").replace('}', "}}")
                        )
                    }
                    crate::model::Segment::Param(name) if *name == param.name => "/{}".to_owned(),
                    crate::model::Segment::Param(_) => "/[^/]*".to_owned(),
                })
                .collect::<String>()
        );
        function.block = syn::parse_quote!({
            let value = crate::mock::path_value_pattern(&value.to_string());
            let re = regex::Regex::new(&format!(#pattern, value)).expect("an escaped pattern");
            Self(self.0.path_matches(re))
        });
    }
}

/// How progenitor's matcher takes a list.
enum List {
    /// `value: &Vec<T>`.
    Required,
    /// `value: T` where `T: Into<Option<&'a Vec<T>>>`.
    Optional,
}

/// Whether the argument of a matcher (after `self`) is a list, and in which form.
fn list_argument(sig: &syn::Signature) -> Option<List> {
    let Some(syn::FnArg::Typed(arg)) = sig.inputs.iter().nth(1) else {
        return None;
    };
    match &*arg.ty {
        syn::Type::Reference(reference) => rust::vec_inner(&reference.elem).map(|_| List::Required),
        syn::Type::Path(path) => {
            let generic = path.path.get_ident()?;
            let inline = sig
                .generics
                .type_params()
                .filter(|param| param.ident == *generic)
                .flat_map(|param| &param.bounds);
            let in_where = sig
                .generics
                .where_clause
                .iter()
                .flat_map(|clause| &clause.predicates)
                .filter_map(|predicate| match predicate {
                    syn::WherePredicate::Type(predicate)
                        if matches!(&predicate.bounded_ty, syn::Type::Path(bounded) if bounded.path.is_ident(generic)) =>
                    {
                        Some(&predicate.bounds)
                    }
                    _ => None,
                })
                .flatten();
            inline
                .chain(in_where)
                .any(into_optional_list)
                .then_some(List::Optional)
        }
        _ => None,
    }
}

/// Whether a bound is `Into<Option<&'a Vec<..>>>`.
fn into_optional_list(bound: &syn::TypeParamBound) -> bool {
    let syn::TypeParamBound::Trait(bound) = bound else {
        return false;
    };
    let path = &bound.path;
    let into: syn::Type = syn::parse_quote!(#path);
    rust::generic_inner(&into, "Into")
        .and_then(rust::option_inner)
        .is_some_and(|target| {
            matches!(target, syn::Type::Reference(reference) if rust::vec_inner(&reference.elem).is_some())
        })
}

fn is_mock_server_ext_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.as_ref().is_some_and(|(path, _)| {
        path.segments
            .last()
            .is_some_and(|segment| segment.ident == "MockServerExt")
    })
}

fn operation<'a>(api: &'a Api, ident: &syn::Ident) -> Option<&'a Operation> {
    api.operations.iter().find(|op| *ident == op.id)
}

fn names(op: &Operation) -> (syn::Ident, syn::Ident) {
    let base = rust::upper_camel(&op.id);
    (format_ident!("{base}When"), format_ident!("{base}Then"))
}

fn method_doc(op: &Operation) -> String {
    format!(
        " Mocks `{}` (`{} {}`){}: `config_fn` gets what the mock matches and how it answers.",
        op.id,
        op.method,
        op.path,
        op.summary
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default()
    )
}

/// The method name progenitor gives an answer of `status`: the snake case of its reason
/// phrase as the `http` crate knows it (`im_a_teapot` for 418). progenitor cannot generate a
/// status without one; our helpers call it `status_<code>`.
pub(crate) fn status_method(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| rust::snake(&reason.replace('\'', "")))
        .unwrap_or_else(|| format!("status_{status}"))
}

/// `When` and `Then` of an operation progenitor did not generate.
fn own_helpers(op: &Operation) -> Vec<syn::Item> {
    let (when, then) = names(op);
    let method = format_ident!("{}", op.method);
    let pattern = format!(
        "^{}$",
        op.segments
            .iter()
            .map(|segment| match segment {
                crate::model::Segment::Literal(text) => format!("/{}", regex_escape(text)),
                crate::model::Segment::Param(_) => "/[^/]+".to_owned(),
            })
            .collect::<String>()
    );
    let success = format_ident!("{}", op.success.ty);
    let ok = format_ident!("{}", status_method(op.success.status));
    let ok_status = op.success.status;
    let errors = op.error_statuses.iter().map(|status| {
        let name = format_ident!("{}", status_method(*status));
        quote! {
            pub fn #name(self, value: &types::ErrorEnvelope) -> Self {
                Self(self.0.status(#status).header("content-type", "application/json").json_body_obj(value))
            }
        }
    });
    let items: TokenStream = quote! {
        #[doc = " What a mock of this operation matches: its method and path."]
        pub struct #when(::httpmock::When);
        impl #when {
            pub fn new(inner: ::httpmock::When) -> Self {
                Self(inner.method(::httpmock::Method::#method).path_matches(regex::Regex::new(#pattern).unwrap()))
            }
            pub fn into_inner(self) -> ::httpmock::When {
                self.0
            }
        }
        #[doc = " How a mock of this operation answers: one method per documented status."]
        pub struct #then(::httpmock::Then);
        impl #then {
            pub fn new(inner: ::httpmock::Then) -> Self {
                Self(inner)
            }
            pub fn into_inner(self) -> ::httpmock::Then {
                self.0
            }
            pub fn #ok(self, value: &types::#success) -> Self {
                Self(self.0.status(#ok_status).header("content-type", "application/json").json_body_obj(value))
            }
            #(#errors)*
        }
    };
    syn::parse2::<syn::File>(items)
        .expect("the helpers are valid Rust")
        .items
}

/// `examples`: the spec's examples as typed values, for mocks that answer what the docs
/// show.
fn examples(api: &Api) -> syn::Item {
    let functions = api.operations.iter().filter_map(|op| {
        let example = op.success.example.as_ref()?;
        let name = format_ident!("{}", op.id);
        let ty = format_ident!("{}", op.success.ty);
        let json = serde_json::to_string(example).expect("a JSON value serializes");
        let doc = format!(
            " The spec's example answer of `{}` (`{} {}`), as documented by Bland.",
            op.id, op.method, op.path
        );
        Some(quote! {
            #[doc = #doc]
            pub fn #name() -> types::#ty {
                ::serde_json::from_str(#json).expect("the spec's examples decode (a test checks each)")
            }
        })
    });
    let error = api.error_example.as_ref().map(|example| {
        let json = serde_json::to_string(example).expect("a JSON value serializes");
        quote! {
            /// The spec's example error answer (Bland's error envelope).
            pub fn api_error() -> types::ErrorEnvelope {
                ::serde_json::from_str(#json).expect("the spec's examples decode (a test checks each)")
            }
        }
    });
    syn::parse_quote! {
        /// The examples of the spec, typed: what Bland's pages show each operation answer.
        /// `then.ok(&examples::get_sip_config())` makes a mock answer as the docs do.
        pub mod examples {
            use crate::generated::types;
            #(#functions)*
            #error
        }
    }
}

/// `ok_data`: the success answer as Bland's envelope around `data`, its `errors` `null`
/// as Bland sends them, or `[]` where the envelope's type does not take a `null`.
fn ok_data(op: &Operation, api: &Api) -> Vec<syn::Item> {
    let Some(data) = &op.success.data else {
        return Vec::new();
    };
    let (_, then) = names(op);
    let status = op.success.status;
    let takes_null = api
        .types
        .field(&op.success.ty, "errors")
        .is_none_or(|errors| rust::option_inner(&errors.ty).is_some());
    let (errors, shown) = match takes_null {
        true => (quote!(null), "null"),
        false => (quote!([]), "[]"),
    };
    let doc = format!(
        " Answers {status} with Bland's envelope around `data`: \
         `{{\"data\": <data>, \"errors\": {shown}}}`."
    );
    // Types are written relative to `mod types`, as in the generated client.
    let data = qualify(data);
    let item: syn::Item = syn::parse_quote! {
        impl #then {
            #[doc = #doc]
            pub fn ok_data(self, data: &#data) -> Self {
                let body = ::serde_json::json!({ "data": data, "errors": #errors });
                Self(self.into_inner().status(#status).header("content-type", "application/json").json_body(body))
            }
        }
    };
    vec![item]
}

/// A type of `mod types` as seen from the mock module: bare names of generated types
/// become `types::Name`, inside generics too.
fn qualify(ty: &syn::Type) -> syn::Type {
    crate::rust::rewrite_paths(ty, |path| {
        let bare = path.qself.is_none()
            && path.path.leading_colon.is_none()
            && path.path.segments.len() == 1;
        let name = path.path.segments[0].ident.to_string();
        if bare
            && name.starts_with(char::is_uppercase)
            && !crate::rust::STD_TYPES.contains(&name.as_str())
        {
            path.path
                .segments
                .insert(0, syn::PathSegment::from(format_ident!("types")));
        }
    })
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = "\\.+*?()|[]{}^$#&-~".contains(c);
            escape.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_spec::{GET, UPLOAD, base, generated_file};

    /// `ok_data`'s parameter is written from inside the mock module: bare names of
    /// generated types go through `types`, inside generics too; nothing else moves.
    #[test]
    fn bare_generated_types_are_named_through_types() {
        let qualified = |ty: &str| {
            let ty = qualify(&syn::parse_str(ty).unwrap());
            quote!(#ty).to_string().replace(' ', "")
        };
        for (ty, expected) in [
            ("SipConfig", "types::SipConfig"),
            ("Vec<SipNumber>", "Vec<types::SipNumber>"),
            (
                "::std::option::Option<Box<SipConfig>>",
                "::std::option::Option<Box<types::SipConfig>>",
            ),
            (
                "::std::collections::BTreeMap<String, Transport>",
                "::std::collections::BTreeMap<String,types::Transport>",
            ),
            // Left alone: std's names, primitives, paths of more than one segment,
            // absolute and qualified paths.
            ("String", "String"),
            ("Option<i64>", "Option<i64>"),
            ("crate::PhoneNumber", "crate::PhoneNumber"),
            ("SipConfig::Builder", "SipConfig::Builder"),
            ("::SipConfig", "::SipConfig"),
            ("<SipConfig as Trait>::Item", "<SipConfigasTrait>::Item"),
        ] {
            assert_eq!(qualified(ty), expected, "{ty}");
        }
    }

    /// `ok_data` sends the envelope's `errors` as `null`, as Bland does, unless the
    /// envelope's type cannot take one (a list that is neither optional nor nullable):
    /// then `[]`, which the client it mocks decodes (a `null` made every call of it fail;
    /// found by a review of spec edits).
    #[test]
    fn ok_data_sends_errors_the_envelope_takes() {
        let ok_data = |required: bool, nullable: bool| {
            let mut spec = base();
            let envelope = &mut spec["components"]["schemas"]["ThingEnvelope"];
            envelope["properties"]["errors"]["nullable"] = nullable.into();
            if required {
                envelope["required"] = serde_json::json!(["errors"]);
            }
            let mock = generated_file(&spec, crate::MOCK_PATH);
            let at = mock.find("pub fn ok_data(").expect("ok_data");
            let body = &mock[at..];
            body[..body.find("Self(").unwrap()]
                .split_whitespace()
                .collect::<String>()
        };
        assert!(ok_data(false, true).contains(r#""errors":null"#));
        assert!(ok_data(true, true).contains(r#""errors":null"#));
        assert!(ok_data(true, false).contains(r#""errors":[]"#));
        assert!(ok_data(false, false).contains(r#""errors":[]"#));
    }

    /// The matchers whose body is replaced to match each item: those of a list, required
    /// (`&Vec<T>`) or optional (`T: Into<Option<&'a Vec<T>>>`, in the `where` clause as
    /// progenitor writes it, or inline); nothing else.
    #[test]
    fn list_matchers_are_recognised_in_each_form() {
        let form = |sig: &str| match list_argument(&syn::parse_str(sig).unwrap()) {
            Some(List::Required) => "required",
            Some(List::Optional) => "optional",
            None => "not a list",
        };
        for (sig, expected) in [
            (
                "fn tag(self, value: &::std::vec::Vec<String>) -> Self",
                "required",
            ),
            (
                "fn tag<'a, T>(self, value: T) -> Self where T: Into<Option<&'a Vec<String>>>",
                "optional",
            ),
            (
                "fn tag<'a, T: Into<Option<&'a Vec<i64>>>>(self, value: T) -> Self",
                "optional",
            ),
            ("fn tag(self, value: &str) -> Self", "not a list"),
            ("fn tag(self, value: Vec<String>) -> Self", "not a list"),
            (
                "fn tag<'a, T>(self, value: T) -> Self where T: Into<Option<&'a str>>",
                "not a list",
            ),
            (
                "fn tag<T>(self, value: T) -> Self where T: Into<Option<Vec<String>>>",
                "not a list",
            ),
            (
                "fn tag<'a, T, U>(self, value: T) -> Self where U: Into<Option<&'a Vec<String>>>",
                "not a list",
            ),
            ("fn tag(self) -> Self", "not a list"),
        ] {
            assert_eq!(form(sig), expected, "{sig}");
        }
    }

    /// Only `MockServerExt` and its impl for `MockServer` are sealed and given the helpers
    /// of operations progenitor does not generate (the upload); any other trait or impl
    /// in its output is left as it is.
    #[test]
    fn only_mock_server_ext_is_sealed_and_extended() {
        let (.., api) = crate::client_and_model(&base().to_string()).unwrap();
        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt {}
            impl MockServerExt for ::httpmock::MockServer {}
            pub trait Other {}
            impl Other for ::httpmock::MockServer {}
            impl ::httpmock::MockServer {}
        };
        post_process(&mut file, &api);
        let mut seen = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Trait(trait_) => {
                    let sealed = !trait_.supertraits.is_empty();
                    let methods = trait_.items.len();
                    seen.push(format!(
                        "trait {}: sealed {sealed}, {methods} methods",
                        trait_.ident
                    ));
                }
                syn::Item::Impl(imp) => {
                    let of = imp
                        .trait_
                        .as_ref()
                        .map_or("inherent".to_owned(), |(path, _)| quote!(#path).to_string());
                    seen.push(format!("impl {of}: {} methods", imp.items.len()));
                }
                _ => {}
            }
        }
        assert_eq!(
            seen,
            [
                "trait MockServerExt: sealed true, 1 methods",
                "impl MockServerExt: 1 methods",
                "trait Other: sealed false, 0 methods",
                "impl Other: 0 methods",
                "impl inherent: 0 methods",
            ]
        );
    }

    /// The answers of an operation progenitor does not generate (a multipart upload) are
    /// named as progenitor names those of the others: one name per status, whichever
    /// generated the helper. (Each has one success answer, its lowest 2xx, and every error.)
    #[test]
    fn answers_are_named_as_progenitor_names_them() {
        // Every status with a reason phrase that Bland or a proxy in front of it may answer.
        let errors = [
            400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
            417, 418, 421, 422, 423, 424, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
            506, 507, 508, 510, 511,
        ];
        for success in [200, 201, 202, 203, 204, 205, 206, 207, 208, 226] {
            let mut spec = base();
            for operation in [GET, UPLOAD] {
                let responses = spec
                    .pointer_mut(&format!("{operation}/responses"))
                    .and_then(serde_json::Value::as_object_mut)
                    .unwrap();
                let answer = responses.remove("200").unwrap();
                for status in std::iter::once(success).chain(errors) {
                    responses.insert(status.to_string(), answer.clone());
                }
            }
            let mock = &generated_file(&spec, crate::MOCK_PATH);
            let answers = |then: &str| -> Vec<String> {
                let start = mock
                    .find(&format!("impl {then} {{"))
                    .unwrap_or_else(|| panic!("{then} in\n{mock}"));
                let body = &mock[start..];
                let body = &body[..body.find("\n    }\n").unwrap()];
                let mut names: Vec<String> = body
                    .lines()
                    .filter_map(|line| line.trim().strip_prefix("pub fn "))
                    .map(|rest| rest[..rest.find(['(', '<']).unwrap()].to_owned())
                    .filter(|name| !["new", "into_inner"].contains(&name.as_str()))
                    .collect();
                names.sort();
                names
            };
            let mut expected: Vec<String> = std::iter::once(success)
                .chain(errors)
                .map(status_method)
                .collect();
            expected.sort();
            // progenitor's, of the operation it generates; ours, of the upload.
            assert_eq!(answers("GetThingThen"), expected, "{success}");
            assert_eq!(answers("UploadDocumentThen"), expected, "{success}");
        }
        assert_eq!(status_method(299), "status_299");
    }

    /// The success of an operation is its lowest 2xx, wherever it is written: a 201 added
    /// before the 200 leaves the upload's `then.ok(..)` as it was.
    #[test]
    fn the_success_is_the_lowest_2xx_wherever_it_is_written() {
        // Written as text, the 201 first. (The spec passes through `serde_json::Value`, whose
        // map sorts keys unless a crate of the build turns on serde_json's `preserve_order`:
        // then the written order would reach the model, and the lowest 2xx must still win.)
        let spec = base();
        let ok = serde_json::to_string(spec.pointer(&format!("{UPLOAD}/responses/200")).unwrap())
            .unwrap();
        let text = spec.to_string();
        let upload = text.find("\"/v1/things/{id}/document\"").unwrap();
        let at = upload + text[upload..].find("\"responses\":{\"200\":").unwrap();
        let text = format!(
            "{}\"responses\":{{\"201\":{ok},\"200\":{}",
            &text[..at],
            &text[at + "\"responses\":{\"200\":".len()..]
        );
        let mock = crate::generate("things.json", &text)
            .unwrap()
            .file(crate::MOCK_PATH)
            .unwrap()
            .contents
            .clone();
        let start = mock.find("impl UploadDocumentThen {").unwrap();
        let body = &mock[start..];
        let body = &body[..body.find("\n    }\n").unwrap()];
        assert!(body.contains("pub fn ok("), "{body}");
        assert!(!body.contains("pub fn created("), "{body}");
    }
}
