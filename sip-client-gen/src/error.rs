//! The generator's errors: each one says what is wrong and where.

use std::fmt;

/// Why a spec could not be turned into a client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The text is not valid YAML (or JSON).
    Yaml {
        /// 1-based line of the error, when known.
        line: Option<usize>,
        /// 1-based column of the error, when known.
        column: Option<usize>,
        /// What the YAML parser said.
        message: String,
    },
    /// The document has no `openapi` version string.
    MissingVersion,
    /// The document is OpenAPI, but not 3.0.x (progenitor refuses 3.1).
    UnsupportedVersion {
        /// The version the document declares.
        found: String,
    },
    /// A `$ref` points at nothing in the document, or outside it.
    UnresolvedRef {
        /// The reference as written.
        reference: String,
        /// JSON pointer of the object holding the `$ref`.
        at: String,
    },
    /// The document is not a valid OpenAPI 3.0 document, or has a shape the client cannot be
    /// generated from.
    Shape {
        /// JSON pointer of the offending value, for example `/paths/~1v1~1sip/get/responses`.
        at: String,
        /// What is wrong there.
        message: String,
    },
    /// progenitor refused the spec or panicked on it.
    Progenitor {
        /// The operation or schema that causes it, when it could be isolated.
        culprit: Option<Culprit>,
        /// progenitor's message.
        message: String,
    },
    /// progenitor's output did not parse as Rust (a bug in progenitor or in our settings).
    Unparsable {
        /// The parser's message.
        message: String,
    },
}

/// The part of a spec that progenitor cannot handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Culprit {
    /// One operation.
    Operation {
        /// HTTP method, upper case.
        method: String,
        /// The path template.
        path: String,
        /// The operation's `operationId`, when it has one.
        operation_id: Option<String>,
    },
    /// One schema of `components/schemas`.
    Schema(String),
    /// Something in `components/schemas`, not narrowed down to one schema.
    Components,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Yaml {
                line: Some(line),
                column: Some(column),
                message,
            } => write!(
                f,
                "YAML syntax error at line {line}, column {column}: {message}"
            ),
            Error::Yaml { message, .. } => write!(f, "YAML syntax error: {message}"),
            Error::MissingVersion => {
                write!(
                    f,
                    "not an OpenAPI document: no `openapi` version string at the top level"
                )
            }
            Error::UnsupportedVersion { found } => write!(
                f,
                "OpenAPI {found} is not supported: only OpenAPI 3.0.x is supported \
                 (progenitor refuses 3.1); declare `openapi: 3.0.3`"
            ),
            Error::UnresolvedRef { reference, at } => {
                write!(
                    f,
                    "unresolved $ref `{reference}` at {at}: nothing in this document has that path"
                )
            }
            Error::Shape { at, message } => {
                write!(f, "invalid OpenAPI 3.0 document at `{at}`: {message}")
            }
            Error::Progenitor { culprit, message } => {
                write!(f, "progenitor cannot generate a client")?;
                if let Some(culprit) = culprit {
                    write!(f, " for {culprit}")?;
                }
                write!(f, ": {message}")
            }
            Error::Unparsable { message } => {
                write!(f, "progenitor's output is not valid Rust: {message}")
            }
        }
    }
}

impl fmt::Display for Culprit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Culprit::Operation {
                method,
                path,
                operation_id: Some(id),
            } => write!(f, "operation `{id}` ({method} {path})"),
            Culprit::Operation { method, path, .. } => write!(f, "operation {method} {path}"),
            Culprit::Schema(name) => write!(f, "schema `{name}` (components/schemas/{name})"),
            Culprit::Components => write!(f, "components/schemas"),
        }
    }
}

impl std::error::Error for Error {}
