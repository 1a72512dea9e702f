//! Changes to progenitor's output that make the generated types evolve without breaking
//! users (the smithy-rs way):
//!
//! - every struct of `mod types` is `#[non_exhaustive]`: users build values through the
//!   builders (`SipConfig::builder()`), so that a new optional field breaks no code; so is
//!   every enum of alternatives (`oneOf`), so that a new alternative breaks no `match`;
//! - every builder gets a `build()` method, which checks that the required fields are set;
//! - a field whose type is a constant (a single-value enum with a default, like
//!   `service: sip`) defaults to it in the builder and when decoding, so that callers never
//!   set it;
//! - the map of unknown keys (`extra`) starts empty in the builder instead of being a
//!   required field;
//! - a type (or builder) that holds raw JSON (unknown keys, untyped items) gets a `Debug`
//!   that redacts the values under keys that look secret in it, as the CLI does: the schema
//!   cannot type a password Bland adds under a new key.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

/// Applies the changes to a generated client file.
pub(crate) fn post_process(file: &mut syn::File, constants: &BTreeSet<String>) {
    for item in &mut file.items {
        let syn::Item::Mod(types) = item else {
            continue;
        };
        if types.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut types.content else {
            continue;
        };
        let mut debug_impls = Vec::new();
        for item in items.iter_mut() {
            match item {
                syn::Item::Struct(item) => {
                    schemars_behind_feature(&mut item.attrs);
                    if matches!(item.fields, syn::Fields::Named(_)) {
                        item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                        default_constants(item, constants);
                    }
                    debug_impls.extend(redacting_debug(item));
                }
                syn::Item::Enum(item) => {
                    schemars_behind_feature(&mut item.attrs);
                    // An enum of alternatives (`oneOf`, `anyOf`: variants with data) is
                    // matched with a wildcard, so that an alternative added breaks no code.
                    // (typify's string enums, unit variants only, are replaced by open
                    // enums or are constants the client sets.)
                    if item
                        .variants
                        .iter()
                        .any(|variant| !matches!(variant.fields, syn::Fields::Unit))
                    {
                        item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                    }
                }
                syn::Item::Mod(builder) if builder.ident == "builder" => {
                    if let Some((_, items)) = &mut builder.content {
                        process_builders(items, constants);
                    }
                }
                _ => {}
            }
        }
        items.extend(debug_impls);
    }
}

/// Moves `schemars::JsonSchema` out of a derive list into
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`: the JSON Schema of the
/// API's types is opt-in, so that users who do not want it do not compile schemars.
fn schemars_behind_feature(attrs: &mut Vec<syn::Attribute>) {
    let is_schemars = |path: &syn::Path| {
        path.segments.len() == 2
            && path.segments[0].ident == "schemars"
            && path.segments[1].ident == "JsonSchema"
    };
    if let Some(index) = take_derived(attrs, is_schemars) {
        attrs.insert(
            index + 1,
            syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]),
        );
    }
}

/// Takes the traits `is_taken` picks out of the first derive list that names one; the index
/// of that `#[derive]`, if there was one.
fn take_derived(
    attrs: &mut [syn::Attribute],
    is_taken: impl Fn(&syn::Path) -> bool,
) -> Option<usize> {
    for (index, attr) in attrs.iter_mut().enumerate() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        if !paths.iter().any(&is_taken) {
            continue;
        }
        let kept = paths.iter().filter(|path| !is_taken(path));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        return Some(index);
    }
    None
}

/// `#[serde(default)]` on fields of a constant type, so that a body without them decodes.
fn default_constants(item: &mut syn::ItemStruct, constants: &BTreeSet<String>) {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return;
    };
    for field in &mut fields.named {
        if crate::rust::type_name(&field.ty).is_some_and(|name| constants.contains(&name)) {
            field.attrs.push(syn::parse_quote!(#[serde(default)]));
        }
    }
}

/// For a struct with a field of raw JSON (`serde_json::Value`, or a map, list or option of
/// it), `Debug` leaves its derive list and this `Debug` impl takes its place: the same
/// output, with those fields written through `DebugRedacted`.
fn redacting_debug(item: &mut syn::ItemStruct) -> Option<syn::Item> {
    use syn::ext::IdentExt;
    let holds_json = |ty: &syn::Type| quote!(#ty).to_string().contains("serde_json");
    if !item.fields.iter().any(|field| holds_json(&field.ty)) || !remove_debug(&mut item.attrs) {
        return None;
    }
    let shown = |field: &syn::Field, member: TokenStream| {
        if holds_json(&field.ty) {
            quote!(&crate::redact::DebugRedacted(&self.#member))
        } else {
            quote!(&self.#member)
        }
    };
    let name = &item.ident;
    let text = name.to_string();
    let body = match &item.fields {
        syn::Fields::Named(fields) => {
            let entries = fields.named.iter().filter_map(|field| {
                let ident = field.ident.as_ref()?;
                let key = ident.unraw().to_string();
                let value = shown(field, quote!(#ident));
                Some(quote!(.field(#key, #value)))
            });
            quote!(f.debug_struct(#text)#(#entries)*.finish())
        }
        syn::Fields::Unnamed(fields) => {
            let entries = fields.unnamed.iter().enumerate().map(|(index, field)| {
                let index = syn::Index::from(index);
                let value = shown(field, quote!(#index));
                quote!(.field(#value))
            });
            quote!(f.debug_tuple(#text)#(#entries)*.finish())
        }
        syn::Fields::Unit => return None,
    };
    Some(syn::parse_quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    })
}

/// Takes `Debug` out of the derive list; whether it was there.
fn remove_debug(attrs: &mut [syn::Attribute]) -> bool {
    take_derived(attrs, |path| {
        path.segments.last().is_some_and(|s| s.ident == "Debug")
    })
    .is_some()
}

fn process_builders(items: &mut Vec<syn::Item>, constants: &BTreeSet<String>) {
    // Builder fields are `Result<T, String>`: those whose `T` is a constant, or that hold the
    // map of unknown keys (empty unless set), start with a value, per builder.
    let mut constant_fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut builders = Vec::new();
    for item in items.iter_mut() {
        if let syn::Item::Struct(item) = item {
            builders.push(item.ident.clone());
            let doc = format!(
                " Builds a [`{0}`](super::{0}): set fields with its methods, then call \
                 [`build`](Self::build).",
                item.ident
            );
            item.attrs.push(syn::parse_quote!(#[doc = #doc]));
            if let syn::Fields::Named(fields) = &item.fields {
                let names = fields
                    .named
                    .iter()
                    .filter(|field| {
                        let ok = crate::rust::result_ok(&field.ty);
                        let constant = ok
                            .and_then(crate::rust::type_name)
                            .is_some_and(|name| constants.contains(&name));
                        let unknown_keys = field.ident.as_ref().is_some_and(|i| i == "extra")
                            && ok.is_some_and(|ty| {
                                quote!(#ty)
                                    .to_string()
                                    .replace(' ', "")
                                    .contains("serde_json::Map<")
                            });
                        constant || unknown_keys
                    })
                    .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
                    .collect();
                constant_fields.insert(item.ident.to_string(), names);
            }
        }
    }
    for item in items.iter_mut() {
        if let syn::Item::Impl(imp) = item
            && is_default_impl(imp)
            && let Some(name) = crate::rust::type_name(&imp.self_ty)
            && let Some(fields) = constant_fields.get(&name)
        {
            default_constant_fields(imp, fields);
        }
    }
    let debug_impls: Vec<syn::Item> = items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => redacting_debug(item),
            _ => None,
        })
        .collect();
    items.extend(debug_impls);
    for ident in builders {
        let doc = format!(
            " The [`{ident}`](super::{ident}), or which required field is missing or invalid."
        );
        items.push(syn::parse_quote! {
            impl #ident {
                #[doc = #doc]
                pub fn build(self) -> ::std::result::Result<super::#ident, super::error::ConversionError> {
                    ::std::convert::TryInto::try_into(self)
                }
            }
        });
        // An optional field of this type takes the builder too, as a required one does:
        // `.register_auth(RegisterAuth::builder()...)` rather than `Some(...build()?)`.
        items.push(syn::parse_quote! {
            impl ::std::convert::TryFrom<#ident> for ::std::option::Option<super::#ident> {
                type Error = super::error::ConversionError;
                fn try_from(value: #ident) -> ::std::result::Result<Self, super::error::ConversionError> {
                    value.build().map(Some)
                }
            }
        });
    }
}

fn is_default_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.as_ref().is_some_and(|(path, _)| {
        path.segments
            .last()
            .is_some_and(|segment| segment.ident == "Default")
    })
}

/// In a builder's `Default`, a field of a constant type starts as `Ok(Default::default())`
/// instead of "no value supplied".
fn default_constant_fields(imp: &mut syn::ItemImpl, fields: &BTreeSet<String>) {
    let Some(syn::ImplItem::Fn(default)) = imp.items.first_mut() else {
        return;
    };
    let Some(syn::Stmt::Expr(syn::Expr::Struct(init), _)) = default.block.stmts.last_mut() else {
        return;
    };
    for field in &mut init.fields {
        if let syn::Member::Named(name) = &field.member
            && fields.contains(&name.to_string())
        {
            field.expr = syn::parse2(quote!(Ok(::std::default::Default::default())))
                .expect("a valid expression");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debug_of(code: &str) -> (String, Option<String>) {
        let mut item: syn::ItemStruct = syn::parse_str(code).unwrap();
        let imp = redacting_debug(&mut item);
        (
            quote!(#item).to_string().replace(' ', ""),
            imp.map(|imp| quote!(#imp).to_string().replace(' ', "")),
        )
    }

    /// Only a struct holding raw JSON trades its derived `Debug` for one that writes the JSON
    /// fields (and only them) through `DebugRedacted`, with the derived output's names.
    #[test]
    fn raw_json_fields_are_written_through_the_redacting_debug() {
        let (item, imp) = debug_of(
            "#[derive(Clone, Debug, PartialEq)] pub struct A { pub r#type: Option<String>, \
             pub extra: ::serde_json::Map<String, ::serde_json::Value> }",
        );
        assert!(item.starts_with("#[derive(Clone,PartialEq)]"), "{item}");
        assert_eq!(
            imp.unwrap(),
            "impl::std::fmt::DebugforA{fnfmt(&self,f:&mut::std::fmt::Formatter<'_>)\
             ->::std::fmt::Result{f.debug_struct(\"A\").field(\"type\",&self.r#type)\
             .field(\"extra\",&crate::redact::DebugRedacted(&self.extra)).finish()}}"
        );
        let (_, imp) = debug_of("#[derive(Debug)] pub struct H(pub ::serde_json::Value);");
        assert!(imp.unwrap().contains(
            "f.debug_tuple(\"H\").field(&crate::redact::DebugRedacted(&self.0)).finish()"
        ));
        // No raw JSON, or no derived Debug to replace: nothing changes.
        let (item, imp) = debug_of("#[derive(Clone, Debug)] pub struct B { pub port: u16 }");
        assert!(item.contains("Debug"), "{item}");
        assert_eq!(imp, None);
        let (_, imp) = debug_of("#[derive(Clone)] pub struct C { pub v: ::serde_json::Value }");
        assert_eq!(imp, None);
    }
}
