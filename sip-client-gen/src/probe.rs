//! The probe: Rust that uses every item of an API the way users' code does, for the
//! compiler to judge whether another version of the crate still serves that code.
//!
//! Nothing of it runs: every function is only type-checked (values come from
//! `unimplemented!()`), so it needs no server and compiles as fast as `cargo check` allows.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Body, ParamType, PartKind, Scalar};
use crate::rust::{self, Item};

pub(crate) fn generate(api: &Api, mock: &syn::File) -> TokenStream {
    let mock_methods = mock_methods(mock);
    let structs = api
        .types
        .items
        .iter()
        .filter_map(|(name, item)| match item {
            Item::Struct(fields) => Some(struct_probe(
                name,
                fields,
                api.types
                    .traits
                    .get(name)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )),
            _ => None,
        });
    let enums = api.enums.iter().map(|open| {
        let name = format_ident!("{}", open.name);
        let function = format_ident!("match_{}", rust::snake(&open.name));
        let arms = open.variants.iter().map(|(variant, _)| {
            let variant = format_ident!("{variant}");
            quote!(sip_client::#name::#variant => {})
        });
        quote! {
            pub fn #function(value: &sip_client::#name) {
                match value {
                    #(#arms)*
                    sip_client::#name::Unknown(text) => { let _: &String = text; }
                    _ => {}
                }
                let _: &str = value.as_str();
            }
        }
    });
    let operations = api.operations.iter().map(operation_probe);
    let mocks = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.id);
        let function = format_ident!("mock_{}", op.id);
        let camel = rust::upper_camel(&op.id);
        let calls = |of: &str, name: &str| -> Vec<TokenStream> {
            let var = format_ident!("{of}");
            mock_methods
                .get(&format!("{camel}{name}"))
                .into_iter()
                .flatten()
                .map(|(method, argument)| quote!(let #var = #var.#method(#argument);))
                .collect()
        };
        let matchers = calls("when", "When");
        let responders = calls("then", "Then");
        let success = format_ident!("{}", op.success.ty);
        let example = op.success.example.is_some().then(|| {
            quote! {
                let _: sip_client::#success = sip_client::mock::examples::#method();
            }
        });
        quote! {
            pub fn #function(server: &sip_client::mock::MockServer) {
                use sip_client::mock::MockServerExt as _;
                let _mock = server.#method(|when, then| {
                    #(#matchers)*
                    #(#responders)*
                    let _ = when.into_inner();
                    let _ = then.into_inner();
                });
                #example
            }
        }
    });
    quote! {
        #![allow(unused, unreachable_code, unused_variables, deprecated, clippy::all)]

        #(#structs)*
        #(#enums)*
        #(#operations)*
        #(#mocks)*
    }
}

/// The methods of each `When` and `Then` of the mocks (by the struct's name) that take one
/// value, with an expression of the type each takes: what a test using the mocks calls.
/// A method generic over `T: Into<Option<U>>` gets a `U`; a reference is `'static`.
fn mock_methods(
    mock: &syn::File,
) -> std::collections::BTreeMap<String, Vec<(syn::Ident, TokenStream)>> {
    fn walk(
        items: &[syn::Item],
        out: &mut std::collections::BTreeMap<String, Vec<(syn::Ident, TokenStream)>>,
    ) {
        for item in items {
            match item {
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        walk(items, out);
                    }
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    let syn::Type::Path(path) = &*imp.self_ty else {
                        continue;
                    };
                    let name = path.path.segments.last().map(|s| s.ident.to_string());
                    let Some(name) = name.filter(|n| n.ends_with("When") || n.ends_with("Then"))
                    else {
                        continue;
                    };
                    for method in imp.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(method) => Some(&method.sig),
                        _ => None,
                    }) {
                        if let Some(argument) = mock_argument(method) {
                            out.entry(name.clone())
                                .or_default()
                                .push((method.ident.clone(), argument));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(&mock.items, &mut out);
    out
}

/// A value of the type the method takes after `self`, when it takes exactly one.
fn mock_argument(method: &syn::Signature) -> Option<TokenStream> {
    let mut inputs = method.inputs.iter();
    if !matches!(inputs.next(), Some(syn::FnArg::Receiver(_))) {
        return None;
    }
    let (Some(syn::FnArg::Typed(argument)), None) = (inputs.next(), inputs.next()) else {
        return None;
    };
    let ty = generic_option_bound(method, &argument.ty).unwrap_or_else(|| (*argument.ty).clone());
    let ty = qualify_static(&ty);
    Some(quote!({ let value: #ty = unimplemented!(); value }))
}

/// `U` when `ty` is a type parameter of `method` bounded by `Into<Option<U>>`.
fn generic_option_bound(method: &syn::Signature, ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let param = path.path.get_ident()?;
    let from_params = method
        .generics
        .type_params()
        .filter(|p| p.ident == *param)
        .flat_map(|p| p.bounds.iter());
    let from_where = method
        .generics
        .where_clause
        .iter()
        .flat_map(|clause| clause.predicates.iter())
        .filter_map(|predicate| match predicate {
            syn::WherePredicate::Type(predicate) => Some(predicate),
            _ => None,
        })
        .filter(|predicate| matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.get_ident() == Some(param)))
        .flat_map(|predicate| predicate.bounds.iter());
    from_params.chain(from_where).find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let into = bound.path.segments.last().filter(|s| s.ident == "Into")?;
        let option = single_type_argument(&into.arguments)?;
        let syn::Type::Path(option) = option else {
            return None;
        };
        let option = option
            .path
            .segments
            .last()
            .filter(|s| s.ident == "Option")?;
        single_type_argument(&option.arguments).cloned()
    })
}

fn single_type_argument(arguments: &syn::PathArguments) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(arguments) = arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(ty)] => Some(ty),
        _ => None,
    }
}

/// [`qualify`], and every reference `'static` (a probe's values come from nowhere).
fn qualify_static(ty: &syn::Type) -> syn::Type {
    match ty {
        syn::Type::Reference(reference) => {
            let mut reference = reference.clone();
            reference.lifetime = Some(syn::Lifetime::new(
                "'static",
                proc_macro2::Span::call_site(),
            ));
            *reference.elem = qualify_static(&reference.elem);
            syn::Type::Reference(reference)
        }
        _ => qualify(ty),
    }
}

/// A type of the generated code as the probe names it: through the crate root.
fn qualify(ty: &syn::Type) -> syn::Type {
    crate::rust::rewrite_paths(ty, |path| {
        if path.qself.is_some() || path.path.leading_colon.is_some() {
            return;
        }
        let first = path.path.segments[0].ident.to_string();
        if first == "crate" || first == "super" || first == "types" {
            path.path.segments[0].ident = format_ident!("sip_client");
            if path.path.segments.len() > 2 && path.path.segments[1].ident == "types" {
                let mut segments: Vec<syn::PathSegment> =
                    path.path.segments.iter().cloned().collect();
                segments.remove(1);
                path.path.segments = segments.into_iter().collect();
            }
        } else if path.path.segments.len() == 1
            && first.starts_with(char::is_uppercase)
            && !crate::rust::STD_TYPES.contains(&first.as_str())
        {
            path.path
                .segments
                .insert(0, syn::PathSegment::from(format_ident!("sip_client")));
        }
    })
}

fn struct_probe(name: &str, fields: &[rust::Field], traits: &[String]) -> TokenStream {
    let ty = format_ident!("{name}");
    // The standard traits it implements, which code may call (`X::default()`, `a == b`).
    let bounds: Vec<TokenStream> = traits
        .iter()
        .filter_map(|name| {
            Some(match name.as_str() {
                "Clone" => quote!(::std::clone::Clone),
                "Debug" => quote!(::std::fmt::Debug),
                "Default" => quote!(::std::default::Default),
                "PartialEq" => quote!(::std::cmp::PartialEq),
                "Eq" => quote!(::std::cmp::Eq),
                "PartialOrd" => quote!(::std::cmp::PartialOrd),
                "Ord" => quote!(::std::cmp::Ord),
                "Hash" => quote!(::std::hash::Hash),
                "Copy" => quote!(::std::marker::Copy),
                _ => return None,
            })
        })
        .collect();
    let implements = (!bounds.is_empty()).then(|| {
        quote! {
            fn implements<T: #(#bounds)+*>() {}
            implements::<sip_client::#ty>();
        }
    });
    let read = format_ident!("read_{}", rust::snake(name));
    let build = format_ident!("build_{}", rust::snake(name));
    let reads = fields.iter().map(|field| {
        let ident = &field.ident;
        let field_ty = qualify(&field.ty);
        quote!(let _: &#field_ty = &value.#ident;)
    });
    let sets = fields.iter().map(|field| {
        let ident = &field.ident;
        let field_ty = qualify(&field.ty);
        let setter = setter_name(ident);
        quote!(.#setter::<#field_ty>(unimplemented!()))
    });
    quote! {
        pub fn #read(value: &sip_client::#ty) {
            #(#reads)*
            let _ = format!("{value:?}");
            let _: sip_client::#ty = value.clone();
            #implements
        }

        pub fn #build() -> Result<sip_client::#ty, sip_client::ConversionError> {
            sip_client::#ty::builder()
                #(#sets)*
                .build()
        }
    }
}

/// typify names a builder's setter after the field, without the raw prefix.
fn setter_name(field: &syn::Ident) -> syn::Ident {
    let text = field.to_string();
    match text.strip_prefix("r#") {
        Some(bare) => format_ident!("{bare}_"),
        None => field.clone(),
    }
}

fn scalar_type(scalar: &Scalar) -> TokenStream {
    match scalar {
        Scalar::Validated(path) => {
            let name = format_ident!("{}", rust::short(path));
            quote!(sip_client::#name)
        }
        Scalar::Text => quote!(String),
        Scalar::Enum(name) => {
            let name = format_ident!("{name}");
            quote!(sip_client::#name)
        }
        Scalar::Integer(ty) => {
            let ty = format_ident!("{ty}");
            quote!(#ty)
        }
        Scalar::Float => quote!(f64),
        Scalar::Bool => quote!(bool),
    }
}

fn param_type(ty: &ParamType) -> TokenStream {
    match ty {
        ParamType::One(scalar) => scalar_type(scalar),
        ParamType::Many(scalar) => {
            let inner = scalar_type(scalar);
            quote!(Vec<#inner>)
        }
    }
}

fn operation_probe(op: &crate::model::Operation) -> TokenStream {
    let method = format_ident!("{}", op.id);
    let function = format_ident!("call_{}", op.id);
    let mut locals = Vec::new();
    let mut args = Vec::new();
    for param in op.positional() {
        let ident = format_ident!("arg_{}", param.ident);
        let ty = param_type(&param.ty);
        locals.push(quote!(let #ident: #ty = unimplemented!();));
        args.push(quote!(#ident));
    }
    match &op.body {
        Some(Body::Json { ty, required: true }) => {
            let ty = format_ident!("{ty}");
            locals.push(quote!(let body: sip_client::#ty = unimplemented!();));
            args.push(quote!(body));
        }
        Some(Body::Multipart { fields }) => {
            for field in fields.iter().filter(|f| f.required) {
                let ident = format_ident!("arg_{}", field.ident);
                let ty = match field.kind {
                    PartKind::File { .. } => quote!(sip_client::Upload),
                    PartKind::Text => quote!(String),
                };
                locals.push(quote!(let #ident: #ty = unimplemented!();));
                args.push(quote!(#ident));
            }
        }
        _ => {}
    }
    let mut setters = Vec::new();
    for param in op.optional() {
        let setter = rust::ident(&param.ident);
        let ty = param_type(&param.ty);
        setters
            .push(quote!(let call = call.#setter({ let value: #ty = unimplemented!(); value });));
    }
    match &op.body {
        Some(Body::Json {
            ty,
            required: false,
        }) => {
            let ty = format_ident!("{ty}");
            setters.push(quote!(let call = call.body({ let value: sip_client::#ty = unimplemented!(); value });));
        }
        Some(Body::Multipart { fields }) => {
            for field in fields.iter().filter(|f| !f.required) {
                let setter = rust::ident(&field.ident);
                let ty = match field.kind {
                    PartKind::File { .. } => quote!(sip_client::Upload),
                    PartKind::Text => quote!(String),
                };
                setters.push(
                    quote!(let call = call.#setter({ let value: #ty = unimplemented!(); value });),
                );
            }
        }
        _ => {}
    }
    let output = match &op.success.data {
        Some(data) => {
            let data = qualify(data);
            quote!(#data)
        }
        None => {
            let ty = format_ident!("{}", op.success.ty);
            quote!(sip_client::#ty)
        }
    };
    // Its pages, item by item, when it is paginated.
    let paged = op.pagination.as_ref().map(|paging| {
        let item = qualify(&paging.item);
        quote!(let _: Vec<#item> = call.clone().items().try_collect().await?;)
    });
    quote! {
        pub async fn #function(client: &sip_client::Client) -> Result<(), sip_client::Error> {
            #(#locals)*
            let call = client.#method(#(#args),*);
            #(#setters)*
            #paged
            let _: sip_client::Response<#output> = call.clone().send_with_response().await?;
            let _: #output = call
                .timeout(std::time::Duration::ZERO)
                .max_retries(0)
                .attempt_timeout(std::time::Duration::ZERO)
                .send()
                .await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The probe requires every standard trait a type implements (which downstream code may
    /// call), by its full path, and nothing for the traits it does not know.
    #[test]
    fn a_struct_probe_requires_each_standard_trait_of_the_type() {
        let traits: Vec<String> = [
            "Clone",
            "Debug",
            "Default",
            "PartialEq",
            "Eq",
            "PartialOrd",
            "Ord",
            "Hash",
            "Copy",
            "Serialize",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let code = struct_probe("Thing", &[], &traits)
            .to_string()
            .replace(' ', "");
        let bounds = "fnimplements<T:::std::clone::Clone+::std::fmt::Debug+\
                      ::std::default::Default+::std::cmp::PartialEq+::std::cmp::Eq+\
                      ::std::cmp::PartialOrd+::std::cmp::Ord+::std::hash::Hash+\
                      ::std::marker::Copy>(){}implements::<sip_client::Thing>();";
        assert!(code.contains(bounds), "{code}");
        assert!(!code.contains("Serialize"), "{code}");
        let none = struct_probe("Thing", &[], &["Serialize".to_owned()]).to_string();
        assert!(!none.contains("implements"), "{none}");
    }

    fn qualified(ty: &str) -> String {
        let ty: syn::Type = syn::parse_str(ty).unwrap();
        let ty = qualify(&ty);
        quote!(#ty).to_string().replace(' ', "")
    }

    /// The probe is a crate of its own: the generated code's paths to its own types go
    /// through `sip_client` (whose root re-exports `types`), and nothing else moves.
    #[test]
    fn paths_of_the_generated_code_go_through_the_crate_root() {
        for (ty, expected) in [
            ("crate::types::SipConfig", "sip_client::SipConfig"),
            (
                "crate::types::builder::SipConfig",
                "sip_client::builder::SipConfig",
            ),
            (
                "crate::builder::SipConfig",
                "sip_client::builder::SipConfig",
            ),
            ("crate::PhoneNumber", "sip_client::PhoneNumber"),
            ("super::SipConfig", "sip_client::SipConfig"),
            ("types::SipConfig", "sip_client::SipConfig"),
            ("SipConfig", "sip_client::SipConfig"),
            (
                "Option<Vec<SipConfig>>",
                "Option<Vec<sip_client::SipConfig>>",
            ),
            (
                "std::collections::BTreeMap<String, crate::types::Transport>",
                "std::collections::BTreeMap<String,sip_client::Transport>",
            ),
            // Left alone: std's names, primitives, absolute paths, qualified paths.
            ("String", "String"),
            ("Box<i64>", "Box<i64>"),
            ("i64", "i64"),
            ("::std::string::String", "::std::string::String"),
            ("::SipConfig", "::SipConfig"),
            (
                "<SipConfig as crate::Trait>::Item",
                "<SipConfigascrate::Trait>::Item",
            ),
            ("&str", "&str"),
        ] {
            assert_eq!(qualified(ty), expected, "{ty}");
        }
    }

    /// The methods a test calls on the mocks' `When` and `Then` builders, found in any
    /// module: inherent methods taking one value, with the type each takes (the `U` of a
    /// `T: Into<Option<U>>`, wherever the bound is written); trait methods, other structs,
    /// and methods taking no value or two are no part of it.
    #[test]
    fn mock_methods_are_the_builders_inherent_one_value_methods() {
        let mock: syn::File = syn::parse_str(
            r#"
            pub mod operations {
                pub struct GetThingWhen(u8);
                impl GetThingWhen {
                    pub fn limit<T>(self, value: T) -> Self where T: Into<Option<i64>> { self }
                    pub fn name<T: Into<Option<&'a str>>>(self, value: T) -> Self { self }
                    pub fn status(self, value: u16) -> Self { self }
                    pub fn body(self, value: &crate::types::Thing) -> Self { self }
                    pub fn nothing(self) -> Self { self }
                    pub fn two(self, a: u16, b: u16) -> Self { self }
                    pub fn new(value: u16) -> Self { todo!() }
                }
                impl PartialEq<u16> for GetThingWhen {
                    fn eq(&self, other: &u16) -> bool { false }
                }
                pub struct GetThingThen(u8);
                impl GetThingThen {
                    pub fn ok(self, value: &types::Thing) -> Self { self }
                }
                pub struct Helper(u8);
                impl Helper {
                    pub fn help(self, value: u16) -> Self { self }
                }
            }
            "#,
        )
        .unwrap();
        let found: Vec<(String, String, String)> = mock_methods(&mock)
            .into_iter()
            .flat_map(|(name, methods)| {
                methods.into_iter().map(move |(method, argument)| {
                    (
                        name.clone(),
                        method.to_string(),
                        argument.to_string().replace(' ', ""),
                    )
                })
            })
            .collect();
        let value = |ty: &str| format!("{{letvalue:{ty}=unimplemented!();value}}");
        let expected: Vec<(String, String, String)> = [
            ("GetThingThen", "ok", value("&'staticsip_client::Thing")),
            ("GetThingWhen", "limit", value("i64")),
            ("GetThingWhen", "name", value("&'staticstr")),
            ("GetThingWhen", "status", value("u16")),
            ("GetThingWhen", "body", value("&'staticsip_client::Thing")),
        ]
        .into_iter()
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c))
        .collect();
        assert_eq!(found, expected);
    }
}
