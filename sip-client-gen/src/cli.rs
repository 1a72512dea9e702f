//! The generated subcommands of `bland-sip` (`sip-client/src/bin/bland-sip/generated_cli.rs`):
//! one per operation, named after its `operationId` in kebab case, with a flag per
//! parameter, `--body FILE|-` for a JSON body and `--<field> PATH` for a file to upload.
//!
//! The commands call the front door, so the client's retries, errors and body cap apply.
//! Printing, exit codes and the rules for secrets are the hand-written `print` and `support`
//! modules'.
//!
//! Not progenitor's `Generator::cli` (which oxide.rs builds on): its commands drive
//! progenitor's raw builders, so they would bypass what the front door adds (input checks,
//! retries by the operation's nature, the one `Error` type, the body cap), they know
//! nothing of our `PhoneNumber`, secrets or multipart upload, and their output goes through
//! a trait of progenitor's rather than the `error:` line and exit codes every `bland-sip`
//! command shares. What it would give (a clap command per operation with a flag per
//! parameter) is the small part written here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Body, Location, Operation, ParamType, PartKind, Scalar};
use crate::rust;

/// Subcommands and functions an operation cannot be named after, with what has the name:
/// the hand-written commands of `bland-sip` (`main.rs`), clap's own, and the functions of the
/// generated module besides the operations'.
pub(crate) const TAKEN_COMMANDS: &[(&str, &str)] = &[
    ("get", "the hand-written command `bland-sip get`"),
    ("audit", "the hand-written command `bland-sip audit`"),
    ("help", "clap's command `bland-sip help`"),
    ("commands", "the function commands of the generated CLI"),
    ("run", "the function run of the generated CLI"),
];

/// Rust names a parameter or form field cannot have in the CLI: the arguments of an
/// operation's function (which a positional argument's local would hide), and the ids of
/// the global flags of `bland-sip` (`main.rs`) and of clap's own, which a flag of the same
/// name would clash with.
pub(crate) const TAKEN_ARGUMENTS: &[&str] = &[
    "client",
    "matches",
    "show_secrets",
    "base_url",
    "api_key",
    "bearer",
    "timeout",
    "retries",
    "allow_insecure_http",
    "help",
    "version",
];

pub(crate) fn generate(api: &Api) -> TokenStream {
    let commands = api.operations.iter().map(command);
    let arms = api.operations.iter().map(|op| {
        let name = kebab(&op.id);
        let function = format_ident!("{}", op.id);
        quote!(#name => #function(client, matches, show_secrets).await,)
    });
    let functions = api.operations.iter().map(function);
    quote! {
        use clap::{Arg, ArgAction, ArgMatches, Command};
        use sip_client::Client;

        use crate::print;
        use crate::support::{self, Failure};

        /// One subcommand per operation of the API.
        pub(crate) fn commands() -> Vec<Command> {
            vec![#(#commands),*]
        }

        /// Runs the operation of subcommand `name` and prints its answer; `None` when `name`
        /// is not an operation.
        pub(crate) async fn run(
            client: &Client,
            name: &str,
            matches: &ArgMatches,
            show_secrets: bool,
        ) -> Option<Result<(), Failure>> {
            Some(match name {
                #(#arms)*
                _ => return None,
            })
        }

        #(#functions)*
    }
}

/// The subcommand name of an operation: `get_sip_config` becomes `get-sip-config`.
pub(crate) fn kebab(id: &str) -> String {
    id.replace('_', "-")
}

fn flag(name: &str) -> String {
    rust::snake(name).replace('_', "-")
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.split(". ")
        .next()
        .unwrap_or(line)
        .trim_end_matches('.')
        .to_owned()
}

fn command(op: &Operation) -> TokenStream {
    let name = kebab(&op.id);
    let mut about = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method, op.path));
    if op.deprecated {
        about.push_str(" (deprecated)");
    }
    let long = format!(
        "{about}.\n\n{}{} {}",
        op.description
            .as_deref()
            .map(|d| format!("{d}\n\n"))
            .unwrap_or_default(),
        op.method,
        op.path
    );
    let mut args = Vec::new();
    for param in &op.params {
        let id = &param.ident;
        let long_flag = flag(&param.name);
        let value_name = param.ident.to_uppercase();
        let required = param.required || param.location == Location::Path;
        let help = first_sentence(param.description.as_deref().unwrap_or(&param.name));
        let (parser, many) = match &param.ty {
            ParamType::One(scalar) => (value_parser(scalar), false),
            ParamType::Many(scalar) => (value_parser(scalar), true),
        };
        let many = if many {
            quote!(.num_args(1..).action(ArgAction::Append))
        } else {
            quote!()
        };
        args.push(quote! {
            Arg::new(#id)
                .long(#long_flag)
                .value_name(#value_name)
                .required(#required)
                .help(#help)
                #parser
                #many
        });
    }
    match &op.body {
        Some(Body::Json { ty, required }) => {
            let help = format!("The request body as JSON (a {ty}): a file, or - for stdin");
            args.push(quote! {
                Arg::new("body").long("body").value_name("FILE|-").required(#required).help(#help)
            });
        }
        Some(Body::Multipart { fields }) => {
            for field in fields {
                let id = &field.ident;
                let long_flag = flag(&field.name);
                let required = field.required;
                let (value_name, help) = match field.kind {
                    PartKind::File { .. } => (
                        "PATH",
                        format!(
                            "The file to upload as `{}`{}",
                            field.name,
                            field
                                .description
                                .as_deref()
                                .map(|d| format!(": {}", first_sentence(d)))
                                .unwrap_or_default()
                        ),
                    ),
                    PartKind::Text => (
                        "TEXT",
                        first_sentence(field.description.as_deref().unwrap_or(&field.name)),
                    ),
                };
                args.push(quote! {
                    Arg::new(#id).long(#long_flag).value_name(#value_name).required(#required).help(#help)
                });
            }
        }
        None => {}
    }
    if let Some(paging) = &op.pagination {
        let help = format!(
            "Every item of every page, each page asked after the `{}` of the last item, as \
             one JSON array",
            paging.next
        );
        args.push(quote! {
            Arg::new("all").long("all").action(ArgAction::SetTrue).help(#help)
        });
    }
    quote! {
        Command::new(#name)
            .about(#about)
            .long_about(#long)
            #(.arg(#args))*
    }
}

fn value_parser(scalar: &Scalar) -> TokenStream {
    // A number's value may be negative (`--limit -1` is a value to check, not a flag).
    match scalar {
        Scalar::Integer(ty) => {
            let ty = format_ident!("{ty}");
            quote!(.value_parser(clap::value_parser!(#ty)).allow_negative_numbers(true))
        }
        Scalar::Float => {
            quote!(.value_parser(clap::value_parser!(f64)).allow_negative_numbers(true))
        }
        Scalar::Bool => quote!(.value_parser(clap::value_parser!(bool))),
        Scalar::Validated(_) | Scalar::Text | Scalar::Enum(_) => quote!(),
    }
}

/// The stored type of a parameter's matches.
fn match_type(scalar: &Scalar) -> TokenStream {
    match scalar {
        Scalar::Integer(ty) => {
            let ty = format_ident!("{ty}");
            quote!(#ty)
        }
        Scalar::Float => quote!(f64),
        Scalar::Bool => quote!(bool),
        Scalar::Validated(_) | Scalar::Text | Scalar::Enum(_) => quote!(String),
    }
}

/// How a matched value (a reference) becomes an argument of the front door: validated
/// types take the text owned (checked when the call is sent).
fn as_arg(scalar: &Scalar, value: TokenStream) -> TokenStream {
    match scalar {
        Scalar::Validated(_) => quote!(#value.clone()),
        Scalar::Text | Scalar::Enum(_) => quote!(#value.as_str()),
        _ => quote!(*#value),
    }
}

fn function(op: &Operation) -> TokenStream {
    let function = format_ident!("{}", op.id);
    let method = format_ident!("{}", op.id);
    let mut prepare = Vec::new();
    let mut positional = Vec::new();
    let mut optional = Vec::new();

    // Arguments in the front door's order, then the body or the required form fields.
    for param in op.positional() {
        let id = &param.ident;
        let var = format_ident!("{}", param.ident);
        match &param.ty {
            ParamType::One(scalar) => {
                let ty = match_type(scalar);
                let value = as_arg(scalar, quote!(#var));
                prepare.push(quote!(let #var = support::required::<#ty>(matches, #id)?;));
                positional.push(value);
            }
            ParamType::Many(scalar) => {
                let ty = match_type(scalar);
                let item = as_arg(scalar, quote!(value));
                prepare.push(quote! {
                    let #var: Vec<&#ty> = matches.get_many::<#ty>(#id).into_iter().flatten().collect();
                });
                positional.push(quote!(#var.into_iter().map(|value| #item)));
            }
        }
    }
    for param in op.optional() {
        let id = &param.ident;
        let setter = rust::ident(&param.ident);
        match &param.ty {
            ParamType::One(scalar) => {
                let ty = match_type(scalar);
                let value = as_arg(scalar, quote!(value));
                optional.push(quote! {
                    if let Some(value) = matches.get_one::<#ty>(#id) {
                        call = call.#setter(#value);
                    }
                });
            }
            ParamType::Many(scalar) => {
                let ty = match_type(scalar);
                let item = as_arg(scalar, quote!(value));
                optional.push(quote! {
                    if let Some(values) = matches.get_many::<#ty>(#id) {
                        call = call.#setter(values.map(|value| #item));
                    }
                });
            }
        }
    }
    match &op.body {
        Some(Body::Json { ty, required }) => {
            let ty = format_ident!("{ty}");
            if *required {
                prepare.push(quote! {
                    let body: sip_client::#ty = support::read_json(support::required::<String>(matches, "body")?).await?;
                });
                positional.push(quote!(body));
            } else {
                optional.push(quote! {
                    if let Some(source) = matches.get_one::<String>("body") {
                        let body: sip_client::#ty = support::read_json(source).await?;
                        call = call.body(body);
                    }
                });
            }
        }
        Some(Body::Multipart { fields }) => {
            for field in fields {
                let id = &field.ident;
                let var = format_ident!("{}", field.ident);
                let setter = rust::ident(&field.ident);
                match (&field.kind, field.required) {
                    (PartKind::File { .. }, true) => {
                        prepare.push(quote! {
                            let #var = support::upload(support::required::<String>(matches, #id)?).await?;
                        });
                        positional.push(quote!(#var));
                    }
                    (PartKind::File { .. }, false) => optional.push(quote! {
                        if let Some(path) = matches.get_one::<String>(#id) {
                            call = call.#setter(support::upload(path).await?);
                        }
                    }),
                    (PartKind::Text, true) => {
                        prepare
                            .push(quote!(let #var = support::required::<String>(matches, #id)?;));
                        positional.push(quote!(#var.as_str()));
                    }
                    (PartKind::Text, false) => optional.push(quote! {
                        if let Some(value) = matches.get_one::<String>(#id) {
                            call = call.#setter(value.as_str());
                        }
                    }),
                }
            }
        }
        None => {}
    }
    let call_binding = if optional.is_empty() {
        quote!(let call = client.#method(#(#positional),*);)
    } else {
        quote!(let mut call = client.#method(#(#positional),*);)
    };
    // `--all` of a paginated operation: every item of every page, printed as it arrives.
    let all_pages = op.pagination.is_some().then(|| {
        quote! {
            if matches.get_flag("all") {
                return print::items(call.items(), show_secrets).await;
            }
        }
    });
    // The command serves a deprecated operation while the API does; its help says so.
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        async fn #function(
            client: &Client,
            matches: &ArgMatches,
            show_secrets: bool,
        ) -> Result<(), Failure> {
            #(#prepare)*
            #call_binding
            #(#optional)*
            #all_pages
            print::answer(call.await, show_secrets)
        }
    }
}
