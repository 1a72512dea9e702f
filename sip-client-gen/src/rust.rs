//! What progenitor generated, read back from its syntax tree: the types of `mod types`, their
//! fields and Rust types, so that the rest of the generator (front door, surface) speaks of
//! exactly what users compile against.

use std::collections::BTreeMap;

use quote::ToTokens;

/// One field of a generated struct.
#[derive(Clone)]
pub(crate) struct Field {
    /// The property's name on the wire.
    pub json: String,
    /// The Rust identifier.
    pub ident: syn::Ident,
    /// The Rust type.
    pub ty: syn::Type,
    /// `#[serde(flatten)]`: the map of unknown keys.
    pub flatten: bool,
}

/// A generated item of `mod types`.
#[derive(Clone)]
pub(crate) enum Item {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A newtype (`struct X(T)`).
    Newtype(Box<syn::Type>),
    /// An enum (closed: typify's own), with each variant's name and the type it holds
    /// (`None` for a unit variant), in the order declared: an untagged enum (`oneOf`,
    /// `anyOf`) tries its variants in that order when it decodes.
    Enum(Vec<(String, Option<String>)>),
}

/// The items of the generated `mod types`, by name.
#[derive(Clone, Default)]
pub(crate) struct Types {
    pub items: BTreeMap<String, Item>,
    /// The traits each item implements, once the client is final ([`traits`]); empty
    /// before.
    pub traits: BTreeMap<String, Vec<String>>,
    /// The type of each parameter in progenitor's builders (`builder::ListSipCalls`'s
    /// `limit`), by builder and field, `Option` taken off: typify's type for its schema,
    /// which the raw client and the mocks' `When` methods take (`u32` for `format:
    /// uint32`, where the front door takes an `i64`).
    pub raw_params: BTreeMap<(String, String), String>,
}

impl Types {
    /// Reads `mod types` of a generated client (its `builder` and `error` submodules are
    /// skipped: they repeat the names with other meanings).
    pub(crate) fn collect(file: &syn::File) -> Types {
        let mut types = Types::default();
        for item in &file.items {
            if let syn::Item::Mod(module) = item
                && module.ident == "builder"
                && let Some((_, items)) = &module.content
            {
                types.add_builders(items);
            }
            if let syn::Item::Mod(module) = item
                && module.ident == "types"
                && let Some((_, items)) = &module.content
            {
                for item in items {
                    match item {
                        syn::Item::Struct(item) => types.add_struct(item),
                        syn::Item::Enum(item) => {
                            let variants = item
                                .variants
                                .iter()
                                .map(|variant| {
                                    let held = match &variant.fields {
                                        syn::Fields::Unnamed(fields) => Some(
                                            fields
                                                .unnamed
                                                .iter()
                                                .map(|field| short_type(&field.ty))
                                                .collect::<Vec<_>>()
                                                .join(", "),
                                        ),
                                        syn::Fields::Named(_) => Some("{..}".to_owned()),
                                        syn::Fields::Unit => None,
                                    };
                                    (variant.ident.to_string(), held)
                                })
                                .collect();
                            types
                                .items
                                .insert(item.ident.to_string(), Item::Enum(variants));
                        }
                        _ => {}
                    }
                }
            }
        }
        types
    }

    /// The parameters of progenitor's builders: each field but `client`, of type
    /// `Result<T, String>`.
    fn add_builders(&mut self, items: &[syn::Item]) {
        for item in items {
            let syn::Item::Struct(builder) = item else {
                continue;
            };
            let syn::Fields::Named(fields) = &builder.fields else {
                continue;
            };
            for field in &fields.named {
                let Some(ident) = &field.ident else { continue };
                if ident == "client" {
                    continue;
                }
                let Some(ty) = generic_inner(&field.ty, "Result") else {
                    continue;
                };
                let ty = option_inner(ty).unwrap_or(ty);
                self.raw_params.insert(
                    (builder.ident.to_string(), ident.to_string()),
                    short_type(ty),
                );
            }
        }
    }

    fn add_struct(&mut self, item: &syn::ItemStruct) {
        let name = item.ident.to_string();
        match &item.fields {
            syn::Fields::Named(fields) => {
                let fields = fields
                    .named
                    .iter()
                    .filter_map(|field| {
                        let ident = field.ident.clone()?;
                        let serde = serde_field(&field.attrs);
                        let json = serde.rename.unwrap_or_else(|| {
                            ident.to_string().trim_start_matches("r#").to_owned()
                        });
                        Some(Field {
                            json,
                            ident,
                            ty: field.ty.clone(),
                            flatten: serde.flatten,
                        })
                    })
                    .collect();
                self.items.insert(name, Item::Struct(fields));
            }
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                self.items
                    .insert(name, Item::Newtype(Box::new(fields.unnamed[0].ty.clone())));
            }
            _ => {}
        }
    }

    /// The fields of struct `name`, if it is one.
    pub(crate) fn fields(&self, name: &str) -> Option<&[Field]> {
        match self.items.get(name)? {
            Item::Struct(fields) => Some(fields),
            _ => None,
        }
    }

    /// The field of struct `name` with wire name `json`.
    pub(crate) fn field(&self, name: &str, json: &str) -> Option<&Field> {
        self.fields(name)?
            .iter()
            .find(|field| !field.flatten && field.json == json)
    }

    /// The map of unknown keys of struct `name`, if it keeps them.
    pub(crate) fn flattened(&self, name: &str) -> Option<&Field> {
        self.fields(name)?.iter().find(|field| field.flatten)
    }
}

/// The traits each item of the generated `mod types` implements, by item, sorted: what its
/// `#[derive]`s name, what `#[cfg_attr(feature = "f", derive(..))]` names (as `Trait with
/// feature f`), and the `impl Trait for Item` blocks. `impl From<Item> for Other` is
/// `Into<Other>` of the item: what users call on a value of it.
///
/// Users' code compiles against each of them (`SipConfigData::default()`, `value == other`,
/// `text.parse::<Item>()`): the change report calls one that goes breaking.
pub(crate) fn traits(file: &syn::File) -> BTreeMap<String, Vec<String>> {
    let mut traits: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let items = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
        _ => None,
    });
    let items = items.map(|(_, items)| items.as_slice()).unwrap_or_default();
    let names: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => Some(item.ident.to_string()),
            syn::Item::Enum(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in items {
        match item {
            syn::Item::Struct(syn::ItemStruct { ident, attrs, .. })
            | syn::Item::Enum(syn::ItemEnum { ident, attrs, .. }) => traits
                .entry(ident.to_string())
                .or_default()
                .extend(derived(attrs)),
            syn::Item::Impl(block) => {
                let Some((path, _)) = &block.trait_ else {
                    continue;
                };
                let Some(last) = path.segments.last() else {
                    continue;
                };
                let trait_ident = last.ident.to_string();
                let self_name = type_name(&block.self_ty);
                let args = type_args(&last.arguments);
                if let Some(name) = self_name.filter(|name| names.contains(name)) {
                    let text = if args.is_empty() {
                        trait_ident
                    } else {
                        format!("{trait_ident}<{}>", args.join(","))
                    };
                    traits.entry(name).or_default().push(text);
                } else if trait_ident == "From"
                    && let [from] = args.as_slice()
                    && names.contains(from)
                {
                    let into = short_type(&block.self_ty);
                    traits
                        .entry(from.clone())
                        .or_default()
                        .push(format!("Into<{into}>"));
                }
            }
            _ => {}
        }
    }
    for list in traits.values_mut() {
        list.sort();
        list.dedup();
    }
    traits
}

/// The traits of an item's `#[derive]` and `#[cfg_attr(feature = .., derive(..))]`.
fn derived(attrs: &[syn::Attribute]) -> Vec<String> {
    let paths = |tokens: proc_macro2::TokenStream| -> Vec<String> {
        syn::parse::Parser::parse2(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            tokens,
        )
        .map(|paths| {
            paths
                .iter()
                .filter_map(|path| path.segments.last().map(|s| s.ident.to_string()))
                .collect()
        })
        .unwrap_or_default()
    };
    let mut out = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("derive") {
            if let syn::Meta::List(list) = &attr.meta {
                out.extend(paths(list.tokens.clone()));
            }
        } else if attr.path().is_ident("cfg_attr")
            && let Ok(parts) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
        {
            let mut parts = parts.into_iter();
            let condition = parts.next().map(|condition| match condition {
                syn::Meta::NameValue(value) if value.path.is_ident("feature") => {
                    match &value.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(name),
                            ..
                        }) => format!("feature {}", name.value()),
                        other => other.to_token_stream().to_string(),
                    }
                }
                other => other.to_token_stream().to_string().replace(' ', ""),
            });
            for part in parts {
                if let syn::Meta::List(list) = part
                    && list.path.is_ident("derive")
                {
                    out.extend(paths(list.tokens).into_iter().map(|name| {
                        format!("{name} with {}", condition.clone().unwrap_or_default())
                    }));
                }
            }
        }
    }
    out
}

/// The type arguments of a path segment, short (lifetimes left out).
fn type_args(arguments: &syn::PathArguments) -> Vec<String> {
    match arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(short_type(ty)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What serde's attributes of a field say of its wire name and whether it is flattened,
/// read as Rust reads them (the name is a string literal: any character may be in it).
#[derive(Default)]
struct SerdeField {
    rename: Option<String>,
    flatten: bool,
}

fn serde_field(attrs: &[syn::Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // What cannot be parsed says nothing: typify writes every attribute we read.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("flatten") {
                out.flatten = true;
            } else if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                let name: syn::LitStr = meta.value()?.parse()?;
                out.rename = Some(name.value());
            } else if meta.path.is_ident("rename") {
                // `rename(serialize = "..", deserialize = "..")`: the name it is sent as.
                meta.parse_nested_meta(|inner| {
                    let name: syn::LitStr = inner.value()?.parse()?;
                    if inner.path.is_ident("serialize") {
                        out.rename = Some(name.value());
                    }
                    Ok(())
                })?;
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|inner| {
                    if inner.input.peek(syn::Token![=]) {
                        let _: syn::Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        });
    }
    out
}

/// A Rust type as a reader writes it: no spaces, no `::std::...::` paths.
pub(crate) fn short(rust_type: &str) -> String {
    let mut text = rust_type.replace(' ', "");
    for (long, short) in [
        ("::std::option::", ""),
        ("::std::string::", ""),
        ("::std::vec::", ""),
        ("::std::collections::", ""),
        ("::std::num::", ""),
        ("::serde_json::", "serde_json::"),
        ("::chrono::offset::", ""),
        ("::chrono::", ""),
        ("crate::", ""),
        ("super::", ""),
        ("types::", ""),
    ] {
        text = text.replace(long, short);
    }
    text
}

/// The short form of a syn type.
pub(crate) fn short_type(ty: &syn::Type) -> String {
    short(&ty.to_token_stream().to_string())
}

/// The type inside `Option<..>`, if `ty` is one.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Option")
}

/// The type inside `Vec<..>`, if `ty` is one.
pub(crate) fn vec_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Vec")
}

/// The types of the standard prelude that generated code names bare, as opposed to its own
/// (bare names starting with a capital letter).
pub(crate) const STD_TYPES: &[&str] = &["Option", "Vec", "Box", "String"];

/// `T` of `Result<T, E>`, if `ty` is one.
pub(crate) fn result_ok(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Result")
}

/// `ty` with `rewrite` applied to every path type in it: to those in generic arguments
/// first, then to the outer one (`Option<Thing>`: `Thing`, then `Option<..>`).
pub(crate) fn rewrite_paths(ty: &syn::Type, rewrite: fn(&mut syn::TypePath)) -> syn::Type {
    fn walk(ty: &mut syn::Type, rewrite: fn(&mut syn::TypePath)) {
        let syn::Type::Path(path) = ty else { return };
        for segment in path.path.segments.iter_mut() {
            if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                for arg in args.args.iter_mut() {
                    if let syn::GenericArgument::Type(inner) = arg {
                        walk(inner, rewrite);
                    }
                }
            }
        }
        rewrite(path);
    }
    let mut ty = ty.clone();
    walk(&mut ty, rewrite);
    ty
}

/// The first type argument of `ty` if its last path segment is `wrapper` (`Vec<T>`: `T`).
pub(crate) fn generic_inner<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The last path segment of a type (`SipConfig` of `super::SipConfig`), when it is a plain
/// path without generics.
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    // An absolute path (`::serde_json::Value`) names another crate's type, never one of the
    // generated types, whatever its last name: a schema may be named `Value`.
    if path.path.leading_colon.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    matches!(last.arguments, syn::PathArguments::None).then(|| last.ident.to_string())
}

/// `UpperCamelCase` of an identifier written in snake, kebab or space case (typify's and
/// progenitor's naming of schemas and operations).
pub(crate) fn upper_camel(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `snake_case` of a name (`phone_numbers[]` becomes `phone_numbers`, `CallID` `call_id`).
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// An identifier, raw when it is a keyword (`type` becomes `r#type`).
pub(crate) fn ident(name: &str) -> syn::Ident {
    syn::parse_str::<syn::Ident>(name)
        .unwrap_or_else(|_| syn::Ident::new_raw(name, proc_macro2::Span::call_site()))
}

#[cfg(test)]
mod tests {
    /// A field's wire name and `flatten` are read from serde's attribute as Rust reads it:
    /// a name holding a space, a quote, a backslash or a comma (`'x,flatten,y'`) was misread
    /// from the attribute's text (found by a review of spec edits: a field's type change was
    /// reported as no change, and a field taken for the map of unknown keys).
    #[test]
    fn fields_are_read_from_serdes_attribute() {
        let item: syn::ItemStruct = syn::parse_quote! {
            pub struct Thing {
                #[serde(rename = "has space", default, skip_serializing_if = "Option::is_none")]
                pub has_space: Option<String>,
                #[serde(rename = "a\"b\\c")]
                pub a_b_c: i64,
                #[serde(rename = "x,flatten,y")]
                pub x_flatten_y: String,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                #[serde(default = "defaults::port", rename(serialize = "p", deserialize = "p"))]
                pub port: u16,
                pub r#type: String,
            }
        };
        let mut types = Types::default();
        types.add_struct(&item);
        let fields = types.fields("Thing").unwrap();
        let read: Vec<(String, bool)> = fields
            .iter()
            .map(|field| (field.json.clone(), field.flatten))
            .collect();
        assert_eq!(
            read,
            [
                ("has space".to_owned(), false),
                ("a\"b\\c".to_owned(), false),
                ("x,flatten,y".to_owned(), false),
                ("extra".to_owned(), true),
                ("p".to_owned(), false),
                ("type".to_owned(), false),
            ]
        );
    }

    use super::*;

    /// The traits of the items of `mod types` alone: derives (under a feature or another
    /// condition, said as it is), impls of structs and enums alike, and `From<Item>` as the
    /// item's `Into`.
    #[test]
    fn traits_are_read_from_the_types_module_only() {
        let file: syn::File = syn::parse_quote! {
            mod other {
                #[derive(Clone)]
                pub struct Thing;
            }
            mod types {
                #[derive(Debug, ::serde::Serialize)]
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                #[cfg_attr(target_os = "linux", derive(Hash))]
                pub struct Thing { pub a: u8 }
                #[derive(PartialEq)]
                pub enum Mode { A }
                impl ::std::fmt::Display for Mode {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
                }
                impl From<Thing> for String {
                    fn from(_: Thing) -> String { String::new() }
                }
                impl Thing { pub fn new() -> Self { Thing { a: 0 } } }
            }
        };
        let traits = traits(&file);
        assert_eq!(
            traits["Thing"],
            [
                "Debug",
                "Hash with target_os=\"linux\"",
                "Into<String>",
                "JsonSchema with feature schemars",
                "Serialize",
            ]
        );
        assert_eq!(traits["Mode"], ["Display", "PartialEq"]);
        assert_eq!(traits.len(), 2);
    }

    #[test]
    fn names() {
        assert_eq!(
            short(":: std :: option :: Option < :: std :: string :: String >"),
            "Option<String>"
        );
        assert_eq!(upper_camel("get_sip_config"), "GetSipConfig");
        assert_eq!(upper_camel("no-answer"), "NoAnswer");
        assert_eq!(upper_camel("toll-free"), "TollFree");
        assert_eq!(snake("phone_numbers[]"), "phone_numbers");
        assert_eq!(snake("callID"), "call_id");
        assert_eq!(snake("X-Request-Id"), "x_request_id");
        assert_eq!(snake("2fa"), "_2fa");
        // Runs of other characters, at the start, inside or at the end, are one `_` or none.
        assert_eq!(snake("--phone--number--"), "phone_number");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("phone").to_string(), "phone");
    }
}
