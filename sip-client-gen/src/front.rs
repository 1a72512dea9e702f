//! The generated front door (`sip-client/src/generated_api.rs`): for every operation a
//! method on `Client` and a request builder that sends it through the hand-written call
//! machinery; the open enums; the checks of request types; the crate root's re-exports.
//!
//! Everything here follows from the [`model`](crate::model); nothing names an operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{
    Api, Body, FieldCheck, Location, NumberBound, OpenEnum, Operation, Pagination, Param,
    ParamType, PartKind, Retry, Rule, Scalar, Segment, TypeChecks,
};
use crate::rust::{self, Field};

/// The names the request builder of every operation uses for itself: its fields (`client`,
/// `options`, a JSON `body`), its methods (per-call settings and `send`) and those of the
/// traits it implements (`IntoFuture`, `Debug`), and the local of `send` that holds the
/// query (a parameter read after it is declared) and the texts of a multipart body (a file
/// field read after). A parameter or form field of one of these Rust names would collide.
/// A test reads the generated builders and checks that this list names all of them.
pub(crate) const REQUEST_NAMES: &[&str] = &[
    "client",
    "options",
    "body",
    "timeout",
    "max_retries",
    "attempt_timeout",
    "header",
    "send",
    "send_with_response",
    // A paginated operation's.
    "pages",
    "items",
    "page_items",
    "into_items",
    "cursor_of",
    "with_cursor",
    "cursor",
    "into_future",
    "fmt",
    // `#[derive(Clone)]`, which the test below cannot read: a setter named `clone` would
    // be called where `request.clone()` is written.
    "clone",
    "clone_from",
    "query",
    "texts",
];

pub(crate) fn generate(api: &Api) -> TokenStream {
    let enums = api.enums.iter().map(open_enum);
    let exports = exports(api);
    let operations = operation_statics(api);
    let envelopes = envelopes(api);
    let bodies = bodies(api);
    let checks = api
        .checks
        .iter()
        .map(|(ty, checks)| type_checks(ty, checks, api.types.fields(ty).unwrap_or_default()));
    let methods = api.operations.iter().map(client_method);
    let requests = api.operations.iter().map(request_builder);
    let servers = &api.servers;
    let default_server = &servers[0];
    quote! {
        /// The API's base URL, the spec's first server: where a client sends its calls
        /// unless [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) says otherwise.
        pub const DEFAULT_BASE_URL: &str = #default_server;

        /// Every server of the spec. A base URL on the origin of one of them must be that
        /// server: each operation's path is added to it.
        pub(crate) const SERVERS: &[&str] = &[#(#servers),*];

        use std::borrow::Cow;
        #[allow(unused_imports)]
        use crate::generated::types::*;

        #(#enums)*

        #exports

        #operations

        #envelopes

        #bodies

        #(#checks)*

        impl crate::Client {
            #(#methods)*
        }

        /// The request builders of the operations: one per operation, returned by its method
        /// on [`Client`](crate::Client). Set optional parameters and per-call settings, then
        /// `.await` it (or call `send`).
        pub mod calls {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use crate::endpoint::QueryValue as _;

            #(#requests)*
        }
    }
}

fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

fn open_enum(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let description = doc(e.description.as_deref().unwrap_or("An enum of the API."));
    let variants = e.variants.iter().map(|(variant, wire)| {
        let variant = format_ident!("{variant}");
        let text = format!(" `{wire}`");
        quote!(#[doc = #text] #variant = #wire,)
    });
    quote! {
        crate::open_enum::open_enum! {
            #description
            #name {
                #(#variants)*
            }
        }
    }
}

fn exports(api: &Api) -> TokenStream {
    let names = api.exported.iter().map(|name| format_ident!("{name}"));
    quote! {
        pub use crate::generated::types::{#(#names),*};
        pub use crate::generated::types::error::ConversionError;

        /// Builders of the API's types: `SipConfig::builder()` returns a
        /// `builders::SipConfig`, whose `build()` checks that every required field is set.
        pub mod builders {
            pub use crate::generated::types::builder::*;
        }
    }
}

fn static_name(op: &Operation) -> syn::Ident {
    format_ident!("{}", op.id.to_uppercase())
}

fn operation_statics(api: &Api) -> TokenStream {
    let statics = api.operations.iter().map(|op| {
        let name = static_name(op);
        let id = &op.id;
        let path = &op.path;
        let method = format_ident!("{}", op.method);
        let sends_key = op.sends_key;
        let retry = match op.retry {
            Retry::Safe => quote!(Safe),
            Retry::Idempotent => quote!(Idempotent),
            Retry::NotIdempotent => quote!(NotIdempotent),
        };
        quote! {
            pub(crate) static #name: crate::Operation = crate::Operation {
                id: #id,
                method: ::reqwest::Method::#method,
                path: #path,
                retry: crate::RetryClass::#retry,
                sends_key: #sends_key,
            };
        }
    });
    let refs = api.operations.iter().map(|op| {
        let name = static_name(op);
        quote!(&operations::#name)
    });
    quote! {
        /// Every operation of the API, in the order of their names.
        pub static OPERATIONS: &[&crate::Operation] = &[#(#refs),*];

        pub(crate) mod operations {
            #(#statics)*
        }
    }
}

fn envelopes(api: &Api) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let impls = api
        .operations
        .iter()
        .filter(|op| seen.insert(op.success.ty.clone()))
        .map(|op| {
            let ty = format_ident!("{}", op.success.ty);
            let (data, body) = match &op.success.data {
                Some(data) => (quote!(#data), quote!(self.data)),
                None => (quote!(#ty), quote!(self)),
            };
            // Bland's envelope: `errors`, a list of its error entries, `null` or not (the
            // model refuses an envelope whose `errors` are of another type).
            let errors = api.types.field(&op.success.ty, "errors").map(|field| {
                let ident = &field.ident;
                let take = match rust::option_inner(&field.ty) {
                    Some(_) => quote!(self.#ident.take().unwrap_or_default()),
                    None => quote!(::std::mem::take(&mut self.#ident)),
                };
                quote! {
                    fn take_errors(&mut self) -> ::std::vec::Vec<ApiErrorEntry> {
                        #take
                    }
                }
            });
            quote! {
                impl crate::decode::sealed::Sealed for #ty {}
                impl crate::Envelope for #ty {
                    type Data = #data;
                    fn into_data(self) -> Self::Data {
                        #body
                    }
                    #errors
                }
            }
        });
    quote!(#(#impls)*)
}

fn bodies(api: &Api) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let impls = api
        .operations
        .iter()
        .filter_map(|op| match &op.body {
            Some(Body::Json { ty, .. }) if seen.insert(ty.clone()) => Some(ty),
            _ => None,
        })
        .map(|ty| {
            let ty = format_ident!("{ty}");
            quote! {
                impl crate::IntoBody<#ty> for builder::#ty {
                    fn into_body(self) -> ::std::result::Result<#ty, crate::InvalidInput> {
                        #ty::try_from(self).map_err(|err| crate::input::builder_error("body", &err.to_string()))
                    }
                }
            }
        });
    quote!(#(#impls)*)
}

/// How a field of a struct is read by the checks.
enum Shape {
    Plain,
    Option,
    Vec,
}

fn shape(field: &Field) -> Shape {
    if rust::option_inner(&field.ty).is_some() {
        Shape::Option
    } else if rust::vec_inner(&field.ty).is_some() {
        Shape::Vec
    } else {
        Shape::Plain
    }
}

/// An expression saying whether `field` is set: sent at all (a present `Option`, a
/// non-empty list). Text in a rule is checked first to name something
/// ([`text_checks`]), so that `trunk_id: " "` is refused rather than counted as a trunk,
/// and `phone_number: ""` beside `phone_numbers` as a second number.
fn is_set(field: &Field) -> TokenStream {
    let ident = &field.ident;
    match shape(field) {
        Shape::Plain => quote!(true),
        Shape::Option => quote!(self.#ident.is_some()),
        Shape::Vec => quote!(!self.#ident.is_empty()),
    }
}

/// Whether `ty` is a float (`f64`, `f32`), which JSON carries only when finite.
fn is_float(ty: &syn::Type) -> bool {
    matches!(rust::short_type(ty).as_str(), "f64" | "f32")
}

fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
}

/// The check that every text field taking part in a cross-field rule names something (not
/// blank, no control characters), each field once, before the rules run: a rule decides by
/// whether a field is sent, and blank text sent names nothing.
fn text_checks(rules: &[Rule]) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut texts = Vec::new();
    for field in rules.iter().flat_map(rule_fields) {
        if !seen.insert(field.ident.to_string()) {
            continue;
        }
        let text = match shape(field) {
            Shape::Plain => is_string(&field.ty),
            Shape::Option => rust::option_inner(&field.ty).is_some_and(is_string),
            Shape::Vec => rust::vec_inner(&field.ty).is_some_and(is_string),
        };
        if text {
            texts.push(text_items(field));
        }
    }
    if texts.is_empty() {
        return TokenStream::new();
    }
    quote! {
        crate::validate::check_names_something(::std::iter::empty()#(.chain(#texts))*)?;
    }
}

/// An iterator over the texts of a field of text (a `String`, or an `Option` or `Vec` of
/// them), each with its place: `(FieldPath, &str)`, what the text checks take.
fn text_items(field: &Field) -> TokenStream {
    let ident = &field.ident;
    let json = &field.json;
    match shape(field) {
        Shape::Plain => quote! {
            ::std::iter::once((at.field(#json), self.#ident.as_str()))
        },
        Shape::Option => quote! {
            self.#ident.iter().map(|value| (at.field(#json), value.as_str()))
        },
        Shape::Vec => quote! {
            self.#ident
                .iter()
                .enumerate()
                .map(|(index, value)| (at.field(#json).index(index), value.as_str()))
        },
    }
}

/// The fields a rule reads, in the order it names them.
fn rule_fields(rule: &Rule) -> Vec<&Field> {
    match rule {
        Rule::Exclusive(fields) | Rule::OneOf(fields) => fields.iter().collect(),
        Rule::E164Unless { fields, set } => fields.iter().chain([&**set]).collect(),
        Rule::RequiredIf { field, when, .. } => vec![&**field, &**when],
    }
}

/// The `Validate` impl of a request type: of an enum of alternatives, the checks of the
/// value its variant holds; of a struct, its fields' checks, the check that its unknown keys
/// (`extra`, if it keeps them) hold none of its fields, and its cross-field rules.
fn type_checks(ty: &str, checks: &TypeChecks, all_fields: &[Field]) -> TokenStream {
    let ty = format_ident!("{ty}");
    if let Some(variants) = &checks.alternatives {
        let variants = variants.iter().map(|variant| format_ident!("{variant}"));
        return quote! {
            impl crate::validate::Validate for #ty {
                fn validate(&self, at: &crate::validate::FieldPath) -> ::std::result::Result<(), crate::InvalidInput> {
                    match self {
                        #(Self::#variants(value) => crate::validate::Validate::validate(value, at),)*
                        #[allow(unreachable_patterns)]
                        _ => Ok(()),
                    }
                }
            }
        };
    }
    let fields = checks.fields.iter().map(field_check);
    let extra = all_fields.iter().find(|field| field.flatten).map(|extra| {
        let ident = &extra.ident;
        let known = all_fields
            .iter()
            .filter(|field| !field.flatten)
            .map(|field| &field.json);
        quote! {
            crate::validate::check_extra_keys(&self.#ident, &[#(#known),*], at)?;
        }
    });
    let texts = text_checks(&checks.rules);
    let rules = checks.rules.iter().map(rule_check);
    quote! {
        impl crate::validate::Validate for #ty {
            #[allow(unused_variables)]
            fn validate(&self, at: &crate::validate::FieldPath) -> ::std::result::Result<(), crate::InvalidInput> {
                #(#fields)*
                #extra
                #texts
                #(#rules)*
                Ok(())
            }
        }
    }
}

fn field_check(check: &FieldCheck) -> TokenStream {
    let ident = &check.field.ident;
    let json = &check.field.json;
    let mut out = TokenStream::new();
    if check.min_length.is_some() || check.max_length.is_some() {
        let (min, max) = (optional(check.min_length), optional(check.max_length));
        let value = match (shape(&check.field), check.newtype) {
            (Shape::Option, false) => quote!(self.#ident.as_ref()),
            (Shape::Option, true) => quote!(self.#ident.as_deref()),
            (_, false) => quote!(Some(&self.#ident)),
            (_, true) => quote!(Some(&*self.#ident)),
        };
        out.extend(quote! {
            crate::validate::check_length(&#value, #min, #max, &at.field(#json))?;
        });
    }
    // A float is checked even unbounded: a NaN or an infinity is no JSON number.
    let value_ty = rust::option_inner(&check.field.ty).unwrap_or(&check.field.ty);
    let float = is_float(value_ty);
    let float_items = rust::vec_inner(value_ty).is_some_and(is_float);
    if check.minimum.is_some() || check.maximum.is_some() || float {
        let (min, max) = (bound(check.minimum), bound(check.maximum));
        let value = match shape(&check.field) {
            Shape::Option => quote!(self.#ident.as_ref()),
            _ => quote!(Some(&self.#ident)),
        };
        out.extend(quote! {
            crate::validate::check_range(#value, #min, #max, &at.field(#json))?;
        });
    }
    if check.item_minimum.is_some() || check.item_maximum.is_some() || float_items {
        let (min, max) = (bound(check.item_minimum), bound(check.item_maximum));
        let items = match shape(&check.field) {
            Shape::Option => quote!(self.#ident.iter().flatten()),
            _ => quote!(self.#ident.iter()),
        };
        out.extend(quote! {
            for (index, item) in #items.enumerate() {
                crate::validate::check_range(Some(item), #min, #max, &at.field(#json).index(index))?;
            }
        });
    }
    if check.min_items.is_some() || check.max_items.is_some() {
        let (min, max) = (optional(check.min_items), optional(check.max_items));
        let value = match shape(&check.field) {
            Shape::Option => quote!(self.#ident.as_deref()),
            // An optional list without a default is left out when empty (typify's
            // `skip_serializing_if`): empty is absent, like `None`.
            _ if !check.always_sent => {
                quote!((!self.#ident.is_empty()).then_some(self.#ident.as_slice()))
            }
            _ => quote!(Some(self.#ident.as_slice())),
        };
        out.extend(quote! {
            crate::validate::check_items(#value, #min, #max, &at.field(#json))?;
        });
    }
    if check.nested {
        out.extend(quote! {
            crate::validate::Validate::validate(&self.#ident, &at.field(#json))?;
        });
    }
    out
}

/// The checks of a parameter's value by its schema's keywords (`Param::constraints`):
/// lengths of text, bounds of numbers, item counts of a list and the same of its items, and
/// an open enum's near misses. A hand-written type (`PhoneNumber`) checks itself.
fn param_checks(param: &Param) -> TokenStream {
    let ident = rust::ident(&param.ident);
    let name = &param.ident;
    let constraints = &param.constraints.0;
    let at = quote!(&crate::validate::FieldPath::new(#name));
    let mut out = TokenStream::new();
    let (scalar, prefix) = match &param.ty {
        ParamType::One(scalar) => (scalar, ""),
        ParamType::Many(scalar) => {
            let min = count(constraints, "minItems");
            let max = count(constraints, "maxItems");
            if min.is_some() || max.is_some() {
                let (min, max) = (optional(min), optional(max));
                let list = match param.required {
                    true => quote!(Some(#ident.as_slice())),
                    false => quote!(#ident.as_deref()),
                };
                out.extend(quote!(crate::validate::check_items(#list, #min, #max, #at)?;));
            }
            (scalar, "items.")
        }
    };
    let check = |value: TokenStream, at: TokenStream| match scalar {
        Scalar::Text => {
            let min = count(constraints, &format!("{prefix}minLength"));
            let max = count(constraints, &format!("{prefix}maxLength"));
            let (checked, min, max) =
                (min.is_some() || max.is_some(), optional(min), optional(max));
            checked.then(|| quote!(crate::validate::check_length(&#value, #min, #max, #at)?;))
        }
        Scalar::Integer(_) | Scalar::Float => {
            let integer = matches!(scalar, Scalar::Integer(_));
            let min = number(constraints, prefix, "minimum", integer);
            let max = number(constraints, prefix, "maximum", integer);
            // A float is checked even unbounded: a NaN or an infinity is no JSON number.
            let checked = min.is_some() || max.is_some() || !integer;
            let (min, max) = (bound(min), bound(max));
            checked.then(|| quote!(crate::validate::check_range(#value, #min, #max, #at)?;))
        }
        // An open enum refuses a near miss of a value it knows (`Green` for `green`).
        Scalar::Enum(_) => Some(quote! {
            if let Some(value) = #value {
                crate::validate::Validate::validate(value, #at)?;
            }
        }),
        Scalar::Validated(_) | Scalar::Bool => None,
    };
    let one = match (&param.ty, param.required) {
        (ParamType::One(_), true) => check(quote!(Some(&#ident)), at),
        (ParamType::One(_), false) => check(quote!(#ident.as_ref()), at),
        (ParamType::Many(_), required) => {
            let list = match required {
                true => quote!(#ident.iter()),
                false => quote!(#ident.iter().flatten()),
            };
            check(quote!(Some(item)), quote!(&at)).map(|check| {
                quote! {
                    for (index, item) in #list.enumerate() {
                        let at = crate::validate::FieldPath::new(#name).index(index);
                        #check
                    }
                }
            })
        }
    };
    out.extend(one);
    out
}

/// A count keyword of `constraints` (`maxLength`, `minItems`, ...).
fn count(constraints: &std::collections::BTreeMap<String, String>, key: &str) -> Option<u64> {
    constraints.get(key).and_then(|n| n.parse().ok())
}

/// `Some(n)` or `None`, as code.
fn optional(value: Option<u64>) -> TokenStream {
    match value {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

/// A bound keyword of `constraints` (`minimum`, with its `exclusiveMinimum`).
fn number(
    constraints: &std::collections::BTreeMap<String, String>,
    prefix: &str,
    key: &str,
    integer: bool,
) -> Option<(NumberBound, bool)> {
    let text = constraints.get(&format!("{prefix}{key}"))?;
    let exclusive_key = format!("{prefix}exclusive{}{}", key[..1].to_uppercase(), &key[1..]);
    let exclusive = constraints
        .get(&exclusive_key)
        .is_some_and(|flag| flag == "true");
    let bound = match integer {
        true => NumberBound::Int(text.parse().ok()?),
        false => NumberBound::Float(text.parse().ok()?),
    };
    Some((bound, exclusive))
}

/// A bound of `check_range`: `Some((Bound::Int(1), false))`, or `None`.
fn bound(bound: Option<(NumberBound, bool)>) -> TokenStream {
    match bound {
        None => quote!(None),
        Some((NumberBound::Int(n), exclusive)) => {
            let n = i128::from(n);
            quote!(Some((crate::validate::Bound::Int(#n), #exclusive)))
        }
        Some((NumberBound::Float(x), exclusive)) => {
            quote!(Some((crate::validate::Bound::Float(#x), #exclusive)))
        }
    }
}

fn rule_check(rule: &Rule) -> TokenStream {
    match rule {
        Rule::Exclusive(fields) | Rule::OneOf(fields) => {
            let check = match rule {
                Rule::OneOf(_) => quote!(check_one_of),
                _ => quote!(check_exclusive),
            };
            let pairs = fields.iter().map(|field| {
                let json = &field.json;
                let set = is_set(field);
                quote!((#json, #set))
            });
            quote! {
                crate::validate::#check(&[#(#pairs),*], at)?;
            }
        }
        Rule::E164Unless { fields, set } => {
            let exempt = is_set(set);
            let numbers = fields.iter().map(text_items);
            quote! {
                if !(#exempt) {
                    crate::validate::check_e164(::std::iter::empty()#(.chain(#numbers))*)?;
                }
            }
        }
        Rule::RequiredIf { field, when, value } => {
            let set = is_set(field);
            let json = &field.json;
            let when_ident = &when.ident;
            let condition = format!("{} = {value}", when.json);
            let holds = match shape(when) {
                Shape::Option => quote! {
                    self.#when_ident.as_ref().and_then(crate::validate::wire_text).is_some_and(|text| text == #value)
                },
                _ => quote! {
                    crate::validate::wire_text(&self.#when_ident).is_some_and(|text| text == #value)
                },
            };
            quote! {
                crate::validate::check_required_if(#set, #holds, #condition, &at.field(#json))?;
            }
        }
    }
}

fn request_name(op: &Operation) -> syn::Ident {
    format_ident!("{}", rust::upper_camel(&op.id))
}

/// The output type of a call.
fn output(op: &Operation) -> TokenStream {
    match &op.success.data {
        Some(data) => quote!(#data),
        None => {
            let ty = format_ident!("{}", op.success.ty);
            quote!(#ty)
        }
    }
}

fn scalar_type(scalar: &Scalar) -> TokenStream {
    match scalar {
        Scalar::Validated(path) => syn::parse_str::<syn::Path>(path)
            .map(|p| quote!(#p))
            .unwrap_or_default(),
        Scalar::Text => quote!(::std::string::String),
        Scalar::Enum(name) => {
            let name = format_ident!("{name}");
            quote!(#name)
        }
        Scalar::Integer(ty) => {
            let ty = format_ident!("{ty}");
            quote!(#ty)
        }
        Scalar::Float => quote!(f64),
        Scalar::Bool => quote!(bool),
    }
}

/// The argument type a setter takes for a value of `scalar`, and how it becomes the stored
/// value (`Ok` or `Result<_, InvalidInput>` for validated types).
fn scalar_arg(scalar: &Scalar) -> TokenStream {
    let ty = scalar_type(scalar);
    match scalar {
        Scalar::Validated(_) => quote!(impl crate::IntoParam<#ty>),
        Scalar::Text | Scalar::Enum(_) => quote!(impl ::std::convert::Into<#ty>),
        _ => ty,
    }
}

/// The stored type of a parameter (before `Option` for an optional one).
fn stored_type(param: &Param) -> TokenStream {
    match &param.ty {
        ParamType::One(scalar @ Scalar::Validated(_)) => {
            let ty = scalar_type(scalar);
            quote!(::std::result::Result<#ty, crate::InvalidInput>)
        }
        ParamType::One(scalar) => scalar_type(scalar),
        ParamType::Many(scalar @ Scalar::Validated(_)) => {
            let ty = scalar_type(scalar);
            quote!(::std::result::Result<::std::vec::Vec<#ty>, crate::InvalidInput>)
        }
        ParamType::Many(scalar) => {
            let ty = scalar_type(scalar);
            quote!(::std::vec::Vec<#ty>)
        }
    }
}

/// The argument type of a parameter's setter or positional argument.
fn arg_type(param: &Param) -> TokenStream {
    match &param.ty {
        ParamType::One(scalar) => scalar_arg(scalar),
        ParamType::Many(scalar) => {
            let item = scalar_arg(scalar);
            quote!(impl ::std::iter::IntoIterator<Item = #item>)
        }
    }
}

/// How an argument `value` becomes the stored value.
fn convert(param: &Param) -> TokenStream {
    // Errors name the argument as the caller wrote it (`phone_numbers[1]`), not the wire
    // name (`phone_numbers[]`).
    let name = &param.ident;
    match &param.ty {
        ParamType::One(Scalar::Validated(_)) => quote! {
            crate::IntoParam::into_param(value).map_err(|problem| crate::InvalidInput::new(#name, problem))
        },
        ParamType::One(Scalar::Text | Scalar::Enum(_)) => quote!(value.into()),
        ParamType::One(_) => quote!(value),
        ParamType::Many(Scalar::Validated(_)) => quote! {
            crate::input::collect_params(#name, value)
        },
        ParamType::Many(Scalar::Text | Scalar::Enum(_)) => {
            quote!(value.into_iter().map(::std::convert::Into::into).collect())
        }
        ParamType::Many(_) => quote!(value.into_iter().collect()),
    }
}

fn retry_doc(retry: Retry) -> &'static str {
    match retry {
        Retry::Safe => {
            "Safe to repeat: connection failures, timeouts, 408, 429 and 5xx are retried as the \
             client (or this call) allows."
        }
        Retry::Idempotent => {
            "Idempotent (the spec marks it `x-idempotent`): retried like a read, on connection \
             failures, timeouts, 408, 429 and 5xx."
        }
        Retry::NotIdempotent => {
            "Not idempotent: once the request may have reached the server it is never sent \
             again. Only a connection that failed before anything was sent, a 429, or a 503 \
             with `Retry-After` is retried."
        }
    }
}

fn client_method(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.id);
    let request = request_name(op);
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&format!("{summary}.\n\n"));
    }
    if let Some(description) = &op.description {
        text.push_str(&format!("{description}\n\n"));
    }
    text.push_str(&format!(
        "`{} {}`. {}\n",
        op.method,
        op.path,
        retry_doc(op.retry)
    ));
    let positional = op.positional();
    let optional: Vec<&Param> = op.optional().collect();
    if !positional.is_empty() || op.body.is_some() {
        text.push_str("\n# Arguments\n\n");
        for param in &positional {
            text.push_str(&format!(
                "- `{}`: {}\n",
                param.ident,
                param.description.as_deref().unwrap_or("(not described)")
            ));
        }
        match &op.body {
            Some(Body::Json { ty, required: true }) => text.push_str(&format!(
                "- `body`: the request body, a [`{ty}`] or its builder \
                 ([`{ty}::builder()`]); it is checked before anything is sent.\n"
            )),
            Some(Body::Multipart { fields }) => {
                for field in fields.iter().filter(|f| f.required) {
                    text.push_str(&format!(
                        "- `{}`: {}\n",
                        field.ident,
                        field.description.as_deref().unwrap_or("a form field")
                    ));
                }
            }
            _ => {}
        }
    }
    if !optional.is_empty() {
        text.push_str(&format!(
            "\nOptional parameters are methods of [`calls::{request}`]: {}.\n",
            optional
                .iter()
                .map(|p| format!("`{}`", p.ident))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let returns = match &op.success.data {
        Some(_) => format!(
            "the `data` of the answer ([`{}`] without its envelope)",
            op.success.ty
        ),
        None => format!("the answer, a [`{}`]", op.success.ty),
    };
    text.push_str(&format!(
        "\nReturns {returns}. Send the request with `.await`; set a per-call `timeout` or \
         `max_retries` on it first if needed."
    ));
    let docs = doc(&text);
    // The spec's word, as the compiler's warning at every call.
    let deprecated = op.deprecated.then(|| {
        let note = format!(
            "`{}` is deprecated by the API (the spec marks `{} {}` deprecated)",
            op.id, op.method, op.path
        );
        quote!(#[deprecated(note = #note)])
    });

    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in &positional {
        let ident = rust::ident(&param.ident);
        let ty = arg_type(param);
        let convert = convert(param);
        args.push(quote!(#ident: #ty));
        inits.push(quote!(#ident: { let value = #ident; #convert }));
    }
    for param in &optional {
        let ident = rust::ident(&param.ident);
        inits.push(quote!(#ident: None));
    }
    match &op.body {
        Some(Body::Json { ty, required }) => {
            let ty = format_ident!("{ty}");
            if *required {
                args.push(quote!(body: impl crate::IntoBody<#ty>));
                inits.push(quote!(body: crate::IntoBody::into_body(body)));
            } else {
                inits.push(quote!(body: None));
            }
        }
        Some(Body::Multipart { fields }) => {
            for field in fields {
                let ident = rust::ident(&field.ident);
                if field.required {
                    let (ty, value) = match field.kind {
                        PartKind::File { .. } => (quote!(crate::Upload), quote!(#ident)),
                        PartKind::Text => (
                            quote!(impl ::std::convert::Into<::std::string::String>),
                            quote!(#ident.into()),
                        ),
                    };
                    args.push(quote!(#ident: #ty));
                    inits.push(quote!(#ident: #value));
                } else {
                    inits.push(quote!(#ident: None));
                }
            }
        }
        None => {}
    }
    quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> calls::#request {
            calls::#request {
                client: self.clone(),
                #(#inits,)*
                options: ::std::default::Default::default(),
            }
        }
    }
}

fn request_builder(op: &Operation) -> TokenStream {
    let name = request_name(op);
    let output = output(op);
    let success = format_ident!("{}", op.success.ty);
    let static_name = static_name(op);
    let id = &op.id;

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut unpack = Vec::new();
    let mut resolve = Vec::new();
    for param in &op.params {
        let ident = rust::ident(&param.ident);
        let stored = stored_type(param);
        unpack.push(quote!(#ident));
        let optional = param.location != Location::Path && !param.required;
        let validated = matches!(
            param.ty,
            ParamType::One(Scalar::Validated(_)) | ParamType::Many(Scalar::Validated(_))
        );
        if optional {
            fields.push(quote!(#ident: ::std::option::Option<#stored>));
            let ty = arg_type(param);
            let convert = convert(param);
            let docs = doc(&format!(
                "Sets `{}` (optional): {}",
                param.name,
                param.description.as_deref().unwrap_or("(not described)")
            ));
            setters.push(quote! {
                #docs
                pub fn #ident(mut self, value: #ty) -> Self {
                    self.#ident = Some(#convert);
                    self
                }
            });
            if validated {
                resolve.push(quote!(let #ident = #ident.transpose()?;));
            }
        } else {
            fields.push(quote!(#ident: #stored));
            if validated {
                resolve.push(quote!(let #ident = #ident?;));
            }
        }
    }

    let param_checks: Vec<TokenStream> = op.params.iter().map(param_checks).collect();

    // The query, in the order of the spec's parameters.
    let mut query = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Query) {
        let ident = rust::ident(&param.ident);
        let wire = &param.name;
        let name = &param.ident;
        let optional = !param.required;
        query.push(match (&param.ty, optional) {
            (ParamType::One(_), false) => quote! {
                query.push((#wire, #ident.query_text()));
            },
            (ParamType::One(_), true) => quote! {
                if let Some(value) = &#ident {
                    query.push((#wire, value.query_text()));
                }
            },
            (ParamType::Many(_), false) => quote! {
                // An exploded array without items is no parameter at all on the wire.
                crate::validate::check_items(Some(#ident.as_slice()), Some(1), None, &crate::validate::FieldPath::new(#name))?;
                for value in &#ident {
                    query.push((#wire, value.query_text()));
                }
            },
            (ParamType::Many(_), true) => quote! {
                for value in #ident.iter().flatten() {
                    query.push((#wire, value.query_text()));
                }
            },
        });
    }

    let mut path_texts = Vec::new();
    let segments: Vec<TokenStream> = op
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => quote!(#text),
            Segment::Param(name) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| p.location == Location::Path && &p.name == name)
                    .expect("the model checked every path parameter");
                let ident = rust::ident(&param.ident);
                let text = format_ident!("{}_segment", param.ident);
                path_texts.push(quote! {
                    let #text = #ident.query_text();
                    let #text = crate::endpoint::path_segment(#name, &#text)?;
                });
                quote!(#text)
            }
        })
        .collect();

    let mut body_setup = quote!(let body = None;);
    match &op.body {
        Some(Body::Json { ty, required }) => {
            let ty = format_ident!("{ty}");
            unpack.push(quote!(body));
            if *required {
                fields.push(quote!(body: ::std::result::Result<#ty, crate::InvalidInput>));
                body_setup = quote! {
                    let body = body?;
                    crate::validate::Validate::validate(&body, &crate::validate::FieldPath::new("body"))?;
                    let body = Some(crate::call::Body::json(&body)?);
                };
            } else {
                fields.push(quote!(body: ::std::option::Option<::std::result::Result<#ty, crate::InvalidInput>>));
                setters.push(quote! {
                    /// Sets the request body (optional).
                    pub fn body(mut self, body: impl crate::IntoBody<#ty>) -> Self {
                        self.body = Some(crate::IntoBody::into_body(body));
                        self
                    }
                });
                body_setup = quote! {
                    let body = body.transpose()?;
                    crate::validate::Validate::validate(&body, &crate::validate::FieldPath::new("body"))?;
                    let body = body.as_ref().map(crate::call::Body::json).transpose()?;
                };
            }
        }
        Some(Body::Multipart { fields: form }) => {
            let mut texts = Vec::new();
            let mut files = Vec::new();
            let mut checks = Vec::new();
            for field in form {
                let ident = rust::ident(&field.ident);
                let wire = &field.name;
                unpack.push(quote!(#ident));
                let (ty, setter_ty, setter_value) = match field.kind {
                    PartKind::File { .. } => {
                        (quote!(crate::Upload), quote!(crate::Upload), quote!(value))
                    }
                    PartKind::Text => (
                        quote!(::std::string::String),
                        quote!(impl ::std::convert::Into<::std::string::String>),
                        quote!(value.into()),
                    ),
                };
                if field.required {
                    fields.push(quote!(#ident: #ty));
                } else {
                    fields.push(quote!(#ident: ::std::option::Option<#ty>));
                    let docs = doc(&format!(
                        "Sets the form field `{}` (optional): {}",
                        field.name,
                        field.description.as_deref().unwrap_or("(not described)")
                    ));
                    setters.push(quote! {
                        #docs
                        pub fn #ident(mut self, value: #setter_ty) -> Self {
                            self.#ident = Some(#setter_value);
                            self
                        }
                    });
                }
                let each = if field.required {
                    quote!(::std::iter::once(&#ident))
                } else {
                    quote!(#ident.iter())
                };
                match &field.kind {
                    PartKind::File {
                        max_bytes,
                        content_types,
                    } => {
                        let max = match max_bytes {
                            Some(n) => quote!(Some(#n)),
                            None => quote!(None),
                        };
                        checks.push(quote! {
                            for upload in #each {
                                crate::upload::check_upload(upload, #max, &[#(#content_types),*], &crate::validate::FieldPath::new(#wire))?;
                            }
                        });
                        files.push(quote!(#each.map(|upload| (#wire, upload))));
                    }
                    PartKind::Text => {
                        texts.push(quote!(#each.map(|text| (#wire, text.as_str()))));
                    }
                }
            }
            body_setup = quote! {
                #(#checks)*
                let texts: ::std::vec::Vec<(&str, &str)> = ::std::iter::empty()#(.chain(#texts))*.collect();
                let files: ::std::vec::Vec<(&str, &crate::Upload)> = ::std::iter::empty()#(.chain(#files))*.collect();
                let body = Some(crate::call::Body::multipart(&texts, &files));
            };
        }
        None => {}
    }

    let docs = doc(&format!(
        "A call of [`Client::{id}`](crate::Client::{id}) being prepared. Send it with `.await`; \
         set optional parameters and per-call settings first. It is `IntoFuture`, not a \
         `Future`: where a `Future` value is needed (`join_all`, `select!`, boxing), \
         [`send`](Self::send) gives one. A clone is a call of its own: set once, send it to \
         several places or again."
    ));
    let paging = op
        .pagination
        .as_ref()
        .map(|paging| pagination(&name, &output, paging));
    let query_decl = if query.is_empty() {
        quote!(let query: [(&str, Cow<'_, str>); 0] = [];)
    } else {
        quote!(let mut query: ::std::vec::Vec<(&str, Cow<'_, str>)> = ::std::vec::Vec::new();)
    };
    quote! {
        #docs
        #[must_use = "a request does nothing until it is sent: `.await` it"]
        #[derive(Clone)]
        pub struct #name {
            pub(crate) client: crate::Client,
            #(pub(crate) #fields,)*
            pub(crate) options: crate::call::CallOptions,
        }

        impl #name {
            #(#setters)*

            /// The time this call may take, retries and waits included, instead of the
            /// client's timeout.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Retries after the first attempt for this call, instead of the client's
            /// setting (0 disables them). What may be retried still depends on the
            /// operation.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.max_retries = Some(retries);
                self
            }

            /// The time one attempt of this call may take, instead of the client's
            /// setting; a stalled attempt is abandoned and retried if the operation allows.
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.attempt_timeout = Some(timeout);
                self
            }

            /// A header sent with this call only (a request ID, a tracing header), on every
            /// attempt, beside the client's own; given twice, both are sent. Its value is
            /// marked sensitive: never logged, and `Debug` does not show it. A header the
            /// client sets itself (`authorization`, `content-type`, `user-agent`, ...), one
            /// that changes what the answer is (`accept-encoding`, `range`, conditions), an
            /// invalid name or value: invalid input naming the header by its place
            /// (`headers[1]`) when the call is sent, and nothing is sent.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.options.add_header(name, value);
                self
            }

            /// Checks the input, sends the request and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<#output, crate::Error> {
                self.send_with_response().await.map(crate::Response::into_data)
            }

            /// [`send`](Self::send), and the answer's HTTP status and headers besides the
            /// decoded answer (a request ID a server adds, say): a [`crate::Response`].
            pub async fn send_with_response(
                self,
            ) -> ::std::result::Result<crate::Response<#output>, crate::Error> {
                let Self { client, #(#unpack,)* options } = self;
                #(#resolve)*
                #(#param_checks)*
                #query_decl
                #(#query)*
                #(#path_texts)*
                #body_setup
                let url = client.endpoint(&[#(#segments),*], &query);
                client
                    .call::<#success>(&operations::#static_name, url, body, &options)
                    .await
            }
        }

        impl ::std::future::IntoFuture for #name {
            type Output = ::std::result::Result<#output, crate::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + Send + 'static>>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Parameters and bodies may hold credentials: only the operation is shown.
                f.debug_struct(stringify!(#name))
                    .field("options", &self.options)
                    .finish_non_exhaustive()
            }
        }

        #paging
    }
}

/// `pages()` and `items()` of a paginated operation's request builder `name`, whose call
/// returns `output`, and its `Paginated` impl.
fn pagination(name: &syn::Ident, output: &TokenStream, paging: &Pagination) -> TokenStream {
    let Pagination {
        cursor,
        items,
        next,
        items_ident,
        item,
        next_ident,
        ..
    } = paging;
    let cursor_ident = rust::ident(&paging.cursor_ident);
    // The items of a page; an absent `data`, or list, is a page without any.
    let (page_items, into_items) = match (paging.data_optional, paging.items_optional) {
        (false, false) => (quote!(&page.#items_ident), quote!(page.#items_ident)),
        (false, true) => (
            quote!(page.#items_ident.as_deref().unwrap_or_default()),
            quote!(page.#items_ident.unwrap_or_default()),
        ),
        (true, false) => (
            quote!(page.as_ref().map(|page| page.#items_ident.as_slice()).unwrap_or_default()),
            quote!(page.map(|page| page.#items_ident).unwrap_or_default()),
        ),
        (true, true) => (
            quote!(page.as_ref().and_then(|page| page.#items_ident.as_deref()).unwrap_or_default()),
            quote!(page.and_then(|page| page.#items_ident).unwrap_or_default()),
        ),
    };
    let cursor_of = if paging.next_optional {
        quote!(item.#next_ident.as_deref())
    } else {
        quote!(::std::option::Option::Some(item.#next_ident.as_str()))
    };
    let pages_doc = doc(&format!(
        "The pages of this call, as a stream: this page, then each next one asked with \
         `{cursor}` set to the `{next}` of the last of its `{items}`, until a page is empty \
         (see [`Pages`](crate::Pages)). Each page is a call with this call's settings."
    ));
    let items_doc = doc(&format!(
        "Every item of [`pages`](Self::pages), in order, as a stream: each of the \
         `{items}` of every page (see [`Items`](crate::Items))."
    ));
    quote! {
        impl #name {
            #pages_doc
            pub fn pages(self) -> crate::Pages<Self> {
                crate::Pages::new(self)
            }

            #items_doc
            pub fn items(self) -> crate::Items<Self> {
                crate::Pages::new(self).items()
            }
        }

        impl crate::paginate::sealed::Sealed for #name {
            fn client(&self) -> &crate::Client {
                &self.client
            }
        }

        impl crate::Paginated for #name {
            type Page = #output;
            type Item = #item;
            const CURSOR: &'static str = #cursor;

            fn page_items(page: &Self::Page) -> &[Self::Item] {
                #page_items
            }

            fn into_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                #into_items
            }

            fn cursor_of(item: &Self::Item) -> ::std::option::Option<&str> {
                #cursor_of
            }

            fn with_cursor(self, cursor: ::std::string::String) -> Self {
                self.#cursor_ident(cursor)
            }

            fn cursor(&self) -> ::std::option::Option<&str> {
                self.#cursor_ident.as_deref()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name a request builder has of its own (fields, methods, methods of the traits
    /// it implements) other than its operation's parameters and form fields is in
    /// `REQUEST_NAMES`, which the model refuses as a parameter's Rust name.
    #[test]
    fn request_names_lists_every_name_of_the_request_builders() {
        let mut spec = crate::test_spec::base();
        // An optional body has a setter.
        spec.pointer_mut(&format!("{}/requestBody/required", crate::test_spec::POST))
            .map(|required| *required = serde_json::json!(false))
            .unwrap();
        let (.., api) = crate::client_and_model(&spec.to_string()).unwrap();
        let file: syn::File = syn::parse2(generate(&api)).unwrap();
        let calls = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(module) if module.ident == "calls" => module.content.as_ref(),
                _ => None,
            })
            .expect("mod calls");
        let mut seen = 0;
        for op in &api.operations {
            let request = request_name(op).to_string();
            let mut own: Vec<String> = op.params.iter().map(|p| p.ident.clone()).collect();
            if let Some(Body::Multipart { fields }) = &op.body {
                own.extend(fields.iter().map(|field| field.ident.clone()));
            }
            let mut names = Vec::new();
            for item in &calls.1 {
                match item {
                    syn::Item::Struct(item) if item.ident == request => names.extend(
                        item.fields
                            .iter()
                            .filter_map(|field| field.ident.as_ref().map(|i| i.to_string())),
                    ),
                    syn::Item::Impl(block)
                        if matches!(&*block.self_ty, syn::Type::Path(path)
                            if path.path.segments.last().is_some_and(|s| s.ident == request)) =>
                    {
                        names.extend(block.items.iter().filter_map(|item| match item {
                            syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                            _ => None,
                        }))
                    }
                    _ => {}
                }
            }
            for name in names.iter().filter(|name| !own.contains(name)) {
                seen += 1;
                assert!(
                    REQUEST_NAMES.contains(&name.as_str()),
                    "{request} has {name}, which REQUEST_NAMES does not list"
                );
            }
        }
        assert!(seen > 3 * 8, "the builders were read ({seen} names)");
    }

    /// A request type is checked through everything it holds: the bounds of its numbers and
    /// of its lists' items, a type composed with `allOf` by its members' rules, an enum of
    /// alternatives by the alternative it holds (a struct's; text has no arm), and a
    /// recursive type through its `Box`.
    #[test]
    fn request_types_are_checked_through_what_they_hold() {
        let mut spec = crate::test_spec::base();
        let schemas = &mut spec["components"]["schemas"];
        let properties = &mut schemas["NewThing"]["properties"];
        properties["weight"] = serde_json::json!({"type": "number", "minimum": 0,
            "exclusiveMinimum": true, "maximum": 10});
        properties["readings"] = serde_json::json!({"type": "array",
            "items": {"type": "integer", "maximum": 5}});
        properties["samples"] = serde_json::json!({"type": "array", "nullable": true,
            "items": {"type": "number", "minimum": -1.5}});
        properties["mount"] = serde_json::json!({"$ref": "#/components/schemas/Mount"});
        properties["size"] = serde_json::json!({"$ref": "#/components/schemas/Size"});
        properties["spare"] = serde_json::json!({"$ref": "#/components/schemas/NewThing"});
        schemas["Mount"] = serde_json::json!({"oneOf": [
            {"$ref": "#/components/schemas/Wall"}, {"$ref": "#/components/schemas/Shelf"},
            {"type": "string"}]});
        schemas["Wall"] = serde_json::json!({"type": "object", "required": ["screws"],
            "properties": {"screws": {"type": "array", "maxItems": 4,
                                      "items": {"type": "string"}}}});
        schemas["Shelf"] = serde_json::json!({"type": "object", "required": ["shelf"],
            "properties": {"shelf": {"type": "string"}}});
        schemas["Size"] = serde_json::json!({"allOf": [
            {"$ref": "#/components/schemas/Dims"}, {"$ref": "#/components/schemas/Labels"}]});
        schemas["Dims"] = serde_json::json!({"type": "object",
            "properties": {"width": {"type": "integer", "maximum": 9}}});
        schemas["Labels"] = serde_json::json!({"type": "object",
            "properties": {"labels": {"type": "array", "maxItems": 2,
                                      "items": {"type": "string"}}}});
        let api = crate::test_spec::generated_file(&spec, crate::API_PATH);
        let compact = api
            .split_whitespace()
            .collect::<String>()
            .replace(",)", ")");
        let validate = |ty: &str| -> &str {
            let head = format!("implcrate::validate::ValidateFor{ty}{{");
            let head = head.replace("ValidateFor", "Validatefor");
            let start = compact
                .find(&head)
                .unwrap_or_else(|| panic!("{head} in {compact}"));
            let body = &compact[start + head.len()..];
            &body[..body
                .find("implcrate::validate::Validatefor")
                .unwrap_or(body.len())]
        };
        let new_thing = validate("NewThing");
        for expected in [
            "crate::validate::check_range(self.weight.as_ref(),Some((crate::validate::Bound::Float(0f64),true)),Some((crate::validate::Bound::Float(10f64),false)),&at.field(\"weight\"))?;",
            "for(index,item)inself.readings.iter().enumerate(){crate::validate::check_range(Some(item),None,Some((crate::validate::Bound::Int(5i128),false)),&at.field(\"readings\").index(index))?;}",
            "for(index,item)inself.samples.iter().flatten().enumerate(){crate::validate::check_range(Some(item),Some((crate::validate::Bound::Float(-1.5f64),false)),None,&at.field(\"samples\").index(index))?;}",
            "crate::validate::Validate::validate(&self.mount,&at.field(\"mount\"))?;",
            "crate::validate::Validate::validate(&self.size,&at.field(\"size\"))?;",
            "crate::validate::Validate::validate(&self.spare,&at.field(\"spare\"))?;",
        ] {
            assert!(
                new_thing.contains(expected),
                "{expected}\nnot in\n{new_thing}"
            );
        }
        let mount = validate("Mount");
        assert!(
            mount.contains("matchself{Self::Wall(value)=>crate::validate::Validate::validate(value,at),Self::Shelf(value)=>crate::validate::Validate::validate(value,at),#[allow(unreachable_patterns)]_=>Ok(()),}"),
            "{mount}"
        );
        let size = validate("Size");
        assert!(size.contains("crate::validate::check_range(self.width.as_ref(),None,Some((crate::validate::Bound::Int(9i128),false)),&at.field(\"width\"))?;"), "{size}");
        assert!(size.contains("crate::validate::check_items((!self.labels.is_empty()).then_some(self.labels.as_slice()),None,Some(2u64),&at.field(\"labels\"))?;"), "{size}");
        assert!(
            validate("Wall").contains("check_items(Some(self.screws.as_slice()),None,Some(4u64)")
        );
        // The text alternative has nothing to check: no arm.
        assert_eq!(
            mount
                .matches("=>crate::validate::Validate::validate")
                .count(),
            2
        );
    }

    /// A parameter's constraints are checked before anything is sent, each by its kind:
    /// lengths of text, bounds of numbers (exclusive where the spec says), item counts of a
    /// list and the constraints of its items, each item at its index; a `bool` has none.
    #[test]
    fn parameters_are_checked_by_their_constraints() {
        let mut spec = crate::test_spec::with_query_parameters([
            (
                "count",
                serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100,
                                   "exclusiveMaximum": true}),
            ),
            (
                "ratio",
                serde_json::json!({"type": "number", "minimum": 0.5}),
            ),
            (
                "note",
                serde_json::json!({"type": "string", "minLength": 1, "maxLength": 9}),
            ),
            (
                "tags",
                serde_json::json!({"type": "array", "minItems": 1, "maxItems": 3,
                                   "items": {"type": "string", "maxLength": 5}}),
            ),
            (
                "levels",
                serde_json::json!({"type": "array", "maxItems": 4,
                                   "items": {"type": "integer", "minimum": -2,
                                             "exclusiveMinimum": true}}),
            ),
            (
                "flag",
                serde_json::json!({"type": "boolean", "default": false}),
            ),
        ]);
        let parameters = spec
            .pointer_mut(&format!("{}/parameters", crate::test_spec::GET))
            .and_then(serde_json::Value::as_array_mut)
            .unwrap();
        parameters.push(
            serde_json::json!({"name": "limit", "in": "query", "required": true,
            "schema": {"type": "integer", "maximum": 10}}),
        );
        let api = crate::test_spec::generated_file(&spec, crate::API_PATH);
        // Without white space and the trailing commas prettyplease adds.
        let compact = api
            .split_whitespace()
            .collect::<String>()
            .replace(",)", ")");
        let start = compact.find("implGetThing{").expect("the request builder");
        let send = &compact[start..];
        let send = &send[send.find("pubasyncfnsend(").unwrap()..];
        let send = &send[..send.find("letmutquery").unwrap()];
        let path = |name: &str| format!("&crate::validate::FieldPath::new(\"{name}\")");
        for expected in [
            format!(
                "crate::validate::check_range(count.as_ref(),Some((crate::validate::Bound::Int(1i128),false)),Some((crate::validate::Bound::Int(100i128),true)),{})?;",
                path("count")
            ),
            format!(
                "crate::validate::check_range(ratio.as_ref(),Some((crate::validate::Bound::Float(0.5f64),false)),None,{})?;",
                path("ratio")
            ),
            format!(
                "crate::validate::check_length(&note.as_ref(),Some(1u64),Some(9u64),{})?;",
                path("note")
            ),
            format!(
                "crate::validate::check_items(tags.as_deref(),Some(1u64),Some(3u64),{})?;",
                path("tags")
            ),
            "for(index,item)intags.iter().flatten().enumerate(){letat=crate::validate::FieldPath::new(\"tags\").index(index);crate::validate::check_length(&Some(item),None,Some(5u64),&at)?;}".to_owned(),
            format!(
                "crate::validate::check_items(levels.as_deref(),None,Some(4u64),{})?;",
                path("levels")
            ),
            "for(index,item)inlevels.iter().flatten().enumerate(){letat=crate::validate::FieldPath::new(\"levels\").index(index);crate::validate::check_range(Some(item),Some((crate::validate::Bound::Int(-2i128),true)),None,&at)?;}".to_owned(),
            format!(
                "crate::validate::check_range(Some(&limit),None,Some((crate::validate::Bound::Int(10i128),false)),{})?;",
                path("limit")
            ),
        ] {
            assert!(send.contains(&expected), "{expected}\nnot in\n{send}");
        }
        assert!(
            !send.contains("flag)"),
            "a bool has nothing to check: {send}"
        );
        assert_eq!(send.matches("crate::validate::check_").count(), 8, "{send}");
    }

    /// The retry class each operation's calls get: safe for a GET, idempotent for an
    /// operation the spec marks `x-idempotent: true`, not idempotent for any other.
    #[test]
    fn the_spec_decides_each_operations_retry_class() {
        let retry_of = |spec: &serde_json::Value, id: &str| -> String {
            let api = crate::test_spec::generated_file(spec, crate::API_PATH);
            let at = api
                .find(&format!("id: \"{id}\""))
                .unwrap_or_else(|| panic!("{id} in\n{api}"));
            crate::test_spec::line_starting(
                &api[at..]
                    .lines()
                    .map(str::trim_start)
                    .collect::<Vec<_>>()
                    .join("\n"),
                "retry: ",
            )
            .to_owned()
        };
        let mut spec = crate::test_spec::base();
        assert_eq!(
            retry_of(&spec, "get_thing"),
            "retry: crate::RetryClass::Safe,"
        );
        assert_eq!(
            retry_of(&spec, "create_thing"),
            "retry: crate::RetryClass::NotIdempotent,"
        );
        spec.pointer_mut(crate::test_spec::POST)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("x-idempotent".to_owned(), serde_json::json!(true));
        assert_eq!(
            retry_of(&spec, "create_thing"),
            "retry: crate::RetryClass::Idempotent,"
        );
        assert_eq!(
            retry_of(&spec, "upload_document"),
            "retry: crate::RetryClass::NotIdempotent,"
        );
    }

    /// Whether an operation's calls carry the key follows its security: the spec's, or
    /// its own; none declared, `[]` and `[{}]` need no key, an optional key is sent.
    #[test]
    fn the_spec_decides_which_operations_carry_the_key() {
        let sends_key = |spec: &serde_json::Value| -> Vec<bool> {
            let api = crate::test_spec::generated_file(spec, crate::API_PATH);
            ["get_thing", "create_thing"]
                .iter()
                .map(|id| {
                    let at = api
                        .find(&format!("id: \"{id}\""))
                        .unwrap_or_else(|| panic!("{id} in\n{api}"));
                    let line = api[at..]
                        .lines()
                        .map(str::trim)
                        .find(|line| line.starts_with("sends_key: "))
                        .unwrap();
                    match line {
                        "sends_key: true," => true,
                        "sends_key: false," => false,
                        other => panic!("{other}"),
                    }
                })
                .collect()
        };
        let mut spec = crate::test_spec::base();
        assert_eq!(sends_key(&spec), [false, false], "no security declared");
        spec["components"]["securitySchemes"] = serde_json::json!({
            "apiKey": {"type": "apiKey", "in": "header", "name": "authorization"}
        });
        spec["security"] = serde_json::json!([{"apiKey": []}]);
        assert_eq!(sends_key(&spec), [true, true]);
        for (own, expected) in [
            (serde_json::json!([]), false),
            (serde_json::json!([{}]), false),
            (serde_json::json!([{}, {"apiKey": []}]), true),
            (serde_json::json!([{"apiKey": []}]), true),
        ] {
            spec.pointer_mut(crate::test_spec::POST).unwrap()["security"] = own.clone();
            assert_eq!(sends_key(&spec), [true, expected], "{own}");
        }
        // A scheme named `none` is a scheme (the surface's text for `{}` is `none`).
        spec["components"]["securitySchemes"] = serde_json::json!({
            "none": {"type": "apiKey", "in": "header", "name": "authorization"}
        });
        spec["security"] = serde_json::json!([{"none": []}]);
        spec.pointer_mut(crate::test_spec::POST)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("security");
        assert_eq!(sends_key(&spec), [true, true]);
    }

    /// The check of field `xs` of type `ty`, without spaces: lengths (`items` false) or
    /// items.
    fn check(ty: &str, items: bool, newtype: bool) -> String {
        let check = FieldCheck {
            min_length: (!items).then_some(1),
            min_items: items.then_some(1),
            max_items: items.then_some(3),
            ..FieldCheck::new(field("xs", ty), newtype, !ty.starts_with("Option"))
        };
        field_check(&check).to_string().replace(' ', "")
    }

    /// A field `name` of Rust type `ty`, named so on the wire.
    fn field(name: &str, ty: &str) -> Field {
        Field {
            json: name.to_owned(),
            ident: syn::parse_str(name).unwrap(),
            ty: syn::parse_str(ty).unwrap(),
            flatten: false,
        }
    }

    /// An absent optional field passes (`None`), a present one is checked like a required
    /// one; a constrained string newtype is checked through its text.
    #[test]
    fn each_shape_of_field_is_checked_through_its_value() {
        let at = ",&at.field(\"xs\"))?;";
        for (ty, items, newtype, value) in [
            ("Option<Vec<String>>", true, false, "self.xs.as_deref()"),
            ("Vec<String>", true, false, "Some(self.xs.as_slice())"),
            ("Option<String>", false, false, "self.xs.as_ref()"),
            ("Option<Name>", false, true, "self.xs.as_deref()"),
            ("String", false, false, "Some(&self.xs)"),
            ("Name", false, true, "Some(&*self.xs)"),
        ] {
            let expected = if items {
                format!("crate::validate::check_items({value},Some(1u64),Some(3u64){at}")
            } else {
                format!("crate::validate::check_length(&{value},Some(1u64),None{at}")
            };
            assert_eq!(check(ty, items, newtype), expected, "{ty}");
        }
    }

    /// An optional list that is not nullable is a `Vec` typify leaves out of the JSON when
    /// empty: empty is absent, so `minItems` does not refuse it (a required one it does).
    #[test]
    fn an_empty_optional_list_is_absent_and_its_count_unchecked() {
        let mut check = FieldCheck {
            min_items: Some(1),
            ..FieldCheck::new(field("xs", "Vec<String>"), false, false)
        };
        let text = |check: &FieldCheck| field_check(check).to_string().replace(' ', "");
        assert_eq!(
            text(&check),
            "crate::validate::check_items((!self.xs.is_empty()).then_some(self.xs.as_slice()),\
             Some(1u64),None,&at.field(\"xs\"))?;"
        );
        check.always_sent = true;
        assert_eq!(
            text(&check),
            "crate::validate::check_items(Some(self.xs.as_slice()),Some(1u64),None,&at.field(\"xs\"))?;"
        );
    }

    /// An optional list with a `default` is always sent (typify leaves out only a list
    /// without one), so an empty one is sent, and its count checked; one without a default
    /// is left out when empty, and not checked then.
    #[test]
    fn an_optional_list_with_a_default_is_always_sent_and_checked() {
        let mut spec = crate::test_spec::base();
        let properties = &mut spec["components"]["schemas"]["NewThing"]["properties"];
        properties["tags"] = serde_json::json!({"type": "array", "minItems": 1,
            "default": ["a"], "items": {"type": "string"}});
        properties["notes"] = serde_json::json!({"type": "array", "minItems": 1,
            "items": {"type": "string"}});
        let api = crate::test_spec::generated_file(&spec, crate::API_PATH);
        let compact: String = api.split_whitespace().collect();
        assert!(
            compact.contains("check_items(Some(self.tags.as_slice()),Some(1u64)"),
            "{compact}"
        );
        assert!(
            compact.contains(
                "check_items((!self.notes.is_empty()).then_some(self.notes.as_slice()),Some(1u64)"
            ),
            "{compact}"
        );
        let types = crate::test_spec::generated_file(&spec, crate::CLIENT_PATH);
        let compact: String = types.split_whitespace().collect();
        assert!(
            compact.contains(r#"skip_serializing_if="::std::vec::Vec::is_empty")]pubnotes"#),
            "{compact}"
        );
        assert!(!compact.contains(r#"skip_serializing_if="::std::vec::Vec::is_empty")]pubtags"#));
    }

    /// A float field, or a list of floats, is checked without bounds too: a NaN or an
    /// infinity would be sent as `null`. An integer without bounds needs no check.
    #[test]
    fn floats_are_checked_finite_even_unbounded() {
        let unbounded = |ty: &str| {
            let check = FieldCheck::new(field("x", ty), false, true);
            field_check(&check).to_string().replace(' ', "")
        };
        let at = "None,None,&at.field(\"x\"))?;";
        assert_eq!(
            unbounded("f64"),
            format!("crate::validate::check_range(Some(&self.x),{at}")
        );
        assert_eq!(
            unbounded("Option<f32>"),
            format!("crate::validate::check_range(self.x.as_ref(),{at}")
        );
        assert_eq!(
            unbounded("Vec<f64>"),
            "for(index,item)inself.x.iter().enumerate(){crate::validate::check_range(Some(item),\
             None,None,&at.field(\"x\").index(index))?;}"
        );
        assert_eq!(
            unbounded("Option<Vec<f64>>"),
            "for(index,item)inself.x.iter().flatten().enumerate(){crate::validate::check_range(\
             Some(item),None,None,&at.field(\"x\").index(index))?;}"
        );
        for ty in ["i64", "Option<u32>", "Vec<i64>", "String"] {
            assert_eq!(unbounded(ty), "", "{ty}");
        }
    }

    /// What counts as set in a cross-field rule, for each shape of field: what is sent (an
    /// `Option` when present, a list when it has an item), and any required field always
    /// (`.is_empty()` on a number would not compile). Blank text is refused before the rules
    /// by `text_checks`, so it is not "set but empty".
    #[test]
    fn each_shape_of_field_is_set_by_its_own_test() {
        for (ty, expected) in [
            ("String", "true"),
            ("i64", "true"),
            ("bool", "true"),
            ("Thing", "true"),
            ("Option<String>", "self.xs.is_some()"),
            ("Option<i64>", "self.xs.is_some()"),
            ("Option<Thing>", "self.xs.is_some()"),
            ("Vec<String>", "!self.xs.is_empty()"),
        ] {
            assert_eq!(
                is_set(&field("xs", ty)).to_string().replace(' ', ""),
                expected,
                "{ty}"
            );
        }
    }

    /// Every text field a rule reads is checked to name something, once, in the order the
    /// rules name them; fields of other types are not.
    #[test]
    fn text_checks_cover_each_text_field_of_the_rules_once() {
        let rules = [
            Rule::OneOf(vec![
                field("one", "Option<String>"),
                field("many", "Vec<String>"),
            ]),
            Rule::E164Unless {
                fields: vec![field("one", "Option<String>")],
                set: Box::new(field("trunk", "String")),
            },
            Rule::RequiredIf {
                field: Box::new(field("auth", "Option<Thing>")),
                when: Box::new(field("mode", "Option<i64>")),
                value: "x".to_owned(),
            },
            Rule::Exclusive(vec![field("ports", "Vec<i64>"), field("port", "u16")]),
        ];
        let code = text_checks(&rules).to_string().replace(' ', "");
        let order: Vec<usize> = ["\"one\"", "\"many\"", "\"trunk\""]
            .iter()
            .map(|name| code.find(name).unwrap_or_else(|| panic!("{name}: {code}")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{code}");
        assert_eq!(code.matches("\"one\"").count(), 1, "{code}");
        for other in ["\"auth\"", "\"mode\"", "\"ports\"", "\"port\""] {
            assert!(!code.contains(other), "{code}");
        }
        assert!(
            code.starts_with("crate::validate::check_names_something("),
            "{code}"
        );
        assert!(text_checks(&rules[2..]).is_empty());
    }
}
