//! One call of an operation, whatever the operation: the machinery behind every generated
//! method.
//!
//! It knows no operation by name. The generated code describes each operation with an
//! [`Operation`], builds its URL with `Client::endpoint` (`endpoint.rs`) and its body with
//! [`Body`], and hands them to [`Client::call`], which refuses a URL too long to send,
//! authenticates, retries by the operation's [`RetryClass`], keeps to the deadline, caps the
//! body and decodes the answer.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, Url};

use crate::client::Client;
use crate::decode::{self, Envelope};
use crate::error::{Error, TransportError, TransportErrorKind};
use crate::input::{InputProblem, InvalidInput};
use crate::read_body::{BodyError, read_body};
use crate::response::Response;
use crate::retry::{self, RetryClass, RetryPolicy};
use crate::upload::Upload;

/// What the client knows of an operation of the API: its name, method, path and how it may
/// be retried. Every operation is listed in [`OPERATIONS`](crate::OPERATIONS).
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) retry: RetryClass,
    pub(crate) sends_key: bool,
}

impl Operation {
    /// The spec's `operationId`, which is also the name of the method on
    /// [`Client`](crate::Client) (`get_sip_config`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template, as in the spec (`/v1/sip/port/{id}`).
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// How failed attempts of it are retried.
    pub fn retry_class(&self) -> RetryClass {
        self.retry
    }

    /// Whether its requests carry the API key: all of them, except an operation whose
    /// spec says it needs no authentication (`security: []`).
    pub fn sends_key(&self) -> bool {
        self.sends_key
    }
}

/// Settings of one call that override the client's (timeout, retries, attempt timeout) or
/// add to them (headers), set through the request builder of each operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallOptions {
    /// The time the whole call may take, retries included.
    pub(crate) timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub(crate) max_retries: Option<u32>,
    /// The time one attempt may take.
    pub(crate) attempt_timeout: Option<Duration>,
    /// Headers of this call, in the order given, each checked (`extra_headers.rs`; values
    /// sensitive) or refused, which is reported when the call is sent.
    pub(crate) headers: Vec<Result<(HeaderName, HeaderValue), InvalidInput>>,
}

/// A request body, serialized once: a retry sends the same bytes.
#[derive(Clone)]
pub(crate) struct Body {
    content_type: HeaderValue,
    bytes: Bytes,
    /// The secrets the body carries, masked in the errors of its call
    /// ([`masks::secrets_of`](crate::masks::secrets_of)).
    secrets: Vec<Box<str>>,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A body may hold credentials: only its type and size are shown.
        f.debug_struct("Body")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Body {
    /// A JSON body.
    pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<Body, Error> {
        let bytes = serde_json::to_vec(value).map_err(|err| {
            InvalidInput::new(
                "body",
                InputProblem::Other(format!("cannot be JSON: {err}")),
            )
        })?;
        Ok(Body {
            content_type: HeaderValue::from_static("application/json"),
            bytes: bytes.into(),
            secrets: crate::masks::secrets_of(value),
        })
    }

    /// A `multipart/form-data` body (RFC 7578) of text fields and files.
    pub(crate) fn multipart(texts: &[(&str, &str)], files: &[(&str, &Upload)]) -> Body {
        // A boundary that cannot occur in the parts would need a scan of every file; a
        // random one of 120 bits does not occur by accident.
        let boundary = crate::random::alphanumeric(24);
        let mut bytes = BytesMut::new();
        for (name, value) in texts {
            crate::upload::put_part_head(&mut bytes, &boundary, name, None, None);
            bytes.put_slice(value.as_bytes());
            bytes.put_slice(b"\r\n");
        }
        for (name, upload) in files {
            crate::upload::put_part_head(
                &mut bytes,
                &boundary,
                name,
                Some(upload.file_name()),
                Some(upload.media_type().unwrap_or("application/octet-stream")),
            );
            bytes.put_slice(upload.bytes());
            bytes.put_slice(b"\r\n");
        }
        bytes.put_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .expect("an alphanumeric boundary is a valid header value");
        Body {
            content_type,
            bytes: bytes.freeze(),
            secrets: Vec::new(),
        }
    }
}

impl Client {
    /// Makes one call of `operation`: sends the request (retrying as the operation and the
    /// options allow), reads the answer under the body cap, and decodes it.
    pub(crate) async fn call<E: Envelope>(
        &self,
        operation: &'static Operation,
        url: Url,
        body: Option<Body>,
        options: &CallOptions,
    ) -> Result<Response<E::Data>, Error> {
        crate::endpoint::check_url_length(operation, &url)?;
        if let Some(refused) = options.refused_header() {
            return Err(refused.clone().into());
        }
        let context = &self.raw.inner;
        let secrets: &[Box<str>] = body.as_ref().map_or(&[], |body| &body.secrets);
        let deadline = retry::deadline_in(options.timeout.or(context.timeout()));
        let policy = if options.max_retries.is_some() || options.attempt_timeout.is_some() {
            let client = context.retry();
            Cow::Owned(RetryPolicy {
                max_retries: options.max_retries.unwrap_or(client.max_retries),
                attempt_timeout: options.attempt_timeout.or(client.attempt_timeout),
                ..client.clone()
            })
        } else {
            Cow::Borrowed(context.retry())
        };

        let request = || {
            let mut request = reqwest::Request::new(operation.method.clone(), url.clone());
            let headers = request.headers_mut();
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            context.apply_headers(headers, operation.sends_key);
            for (name, value) in options.extra_headers() {
                headers.append(name.clone(), value.clone());
            }
            if let Some(body) = &body {
                headers.insert(CONTENT_TYPE, body.content_type.clone());
                *request.body_mut() = Some(body.bytes.clone().into());
            }
            request
        };
        // The answer's body is read inside the retries: an answer that breaks off while its
        // body is read is a failed attempt like any other.
        let mut attempts_before = 0;
        // Whether any attempt may have reached the server, across answers that broke off.
        let mut reached = false;
        let (status, failure_details, body, attempts, not_retried, content_type, headers) = loop {
            let outcome = retry::execute(
                &self.raw.client,
                request(),
                || Some(request()),
                &policy,
                operation.retry,
                deadline,
                operation.id,
                attempts_before,
            )
            .await;
            let attempts = outcome.attempts;
            let not_retried = outcome.stop.map(Into::into);
            reached |= outcome.reached;
            let mut response = outcome.result.map_err(|source| {
                transport_error(context, source, attempts, not_retried, reached)
            })?;
            let status = response.status();
            // A success that does not decode is judged by it (a cheap clone, shared bytes).
            let content_type = response.headers().get(CONTENT_TYPE).cloned();
            // Only a failure needs these; a success does not pay for them.
            let failure_details = (!status.is_success()).then(|| {
                let headers = response.headers();
                let content_type = headers
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let redirect = crate::redirect::is_redirect(status).then(|| {
                    Box::new(crate::redirect::redirect_not_followed(
                        status,
                        response.url(),
                        headers.get(LOCATION),
                    ))
                });
                (content_type, retry::retry_after(headers), redirect)
            });
            // A success returns its headers, Bland's error envelope keeps them (taken, not
            // copied).
            let headers = std::mem::take(response.headers_mut());
            let limit = context.max_body_size();
            match read_body(response, limit).await {
                Ok(body) => {
                    break (
                        status,
                        failure_details,
                        body,
                        attempts,
                        not_retried,
                        content_type,
                        headers,
                    );
                }
                Err(BodyError::TooLarge) => {
                    let retry_after = failure_details.as_ref().and_then(|details| details.1);
                    return Err(Error::BodyTooLarge {
                        status,
                        limit,
                        retry_after,
                    });
                }
                // The retries had stopped at this answer (its `Retry-After` passes the
                // deadline, say): a body that breaks off changes nothing of that.
                Err(BodyError::Transport(err)) if not_retried.is_some() => {
                    return Err(transport_error(context, err, attempts, not_retried, true));
                }
                Err(BodyError::Transport(err)) => {
                    match retry::wait_after_broken_body(
                        &policy,
                        operation.retry,
                        &err,
                        attempts,
                        deadline,
                    ) {
                        Ok(wait) => {
                            tracing::debug!(?wait, "retrying: the answer broke off");
                            tokio::time::sleep(wait).await;
                            attempts_before = attempts;
                        }
                        Err(stop) => {
                            return Err(transport_error(
                                context,
                                err,
                                attempts,
                                stop.map(Into::into),
                                true,
                            ));
                        }
                    }
                }
            }
        };

        // A server may echo the key, or a secret of the request (a password it refused), in
        // an error: both are masked in every error built from the answer (a success does
        // not pay for the scan of its answer), after the answer is decoded (masking may
        // break its JSON): in the text of Bland's entries, and in the bytes an error keeps.
        let masks = crate::masks::Masks::new(context.masked_key(), secrets);
        let outside = |body: bytes::Bytes, details: (Option<String>, _, _)| {
            let (content_type, retry_after, redirect) = details;
            let err = decode::decode_failure(
                status,
                body.clone(),
                content_type,
                retry_after,
                attempts,
                not_retried,
                redirect,
            );
            match err {
                // Its excerpt, masked in the whole body before it is cut (so that no cut
                // hides the start of a secret); the length is the answer's, not as masked.
                Error::UnexpectedResponse(mut unexpected) => {
                    let masked = masks.bytes(body);
                    let cut = masked.len().min(crate::error::BODY_PREFIX_LIMIT);
                    unexpected.body_prefix = masked.slice(..cut);
                    masks.error(Error::UnexpectedResponse(unexpected))
                }
                other => masks.error(other),
            }
        };
        let result = match failure_details {
            None => match decode::decode_success::<E>(status, body.clone(), attempts) {
                Err(err @ Error::Api(_)) => Err(masks.error(err)),
                // An answer that says it is not JSON (a proxy's page) is outside the contract,
                // not a decoding failure: shown with its media type and first bytes.
                Err(Error::Decode(_)) if content_type.as_ref().is_some_and(|ty| !is_json(ty)) => {
                    let content_type = content_type.and_then(|ty| ty.to_str().ok().map(Into::into));
                    Err(outside(body, (content_type, None, None)))
                }
                // The body, and the path and message, which may quote the answer: a key
                // of an object kept whole, a value a type's own check names.
                Err(Error::Decode(mut err)) => {
                    err.body = masks.bytes(err.body);
                    err.path = masks.text(err.path);
                    err.message = masks.text(err.message);
                    Err(Error::Decode(err))
                }
                decoded => decoded,
            },
            Some(details) => Err(outside(body, details)),
        };
        // The headers, kept by a success and by Bland's error envelope, marked once.
        let marked = |mut headers| {
            crate::response::mark_credentials(&mut headers, |value| {
                context.holds_key(value) || masks.holds_secret(value)
            });
            headers
        };
        match result {
            Ok(data) => Ok(Response::of_call(data, status, marked(headers), attempts)),
            Err(Error::Api(mut api)) => {
                api.headers = Box::new(marked(headers));
                Err(Error::Api(api))
            }
            Err(err) => Err(err),
        }
    }
}

/// Whether a `Content-Type` says JSON: `application/json` or a `+json` type, any parameters.
fn is_json(content_type: &HeaderValue) -> bool {
    let essence = content_type.to_str().unwrap_or_default();
    let essence = essence.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// The error of a call that ended in a transport failure; `reached`: whether any of its
/// attempts may have reached the server. reqwest's error shows the request's URL, whose
/// query may hold a server's text (the cursor of a page); when that holds the API key, the
/// URL is left out.
fn transport_error(
    context: &crate::RawContext,
    source: reqwest::Error,
    attempts: u32,
    not_retried: Option<crate::NotRetried>,
    reached: bool,
) -> Error {
    let source = match source.url() {
        Some(url) if context.holds_key(url.as_str().as_bytes()) => source.without_url(),
        _ => source,
    };
    Error::Transport(TransportError {
        kind: TransportErrorKind::of(&source),
        attempts,
        not_retried,
        source,
        reached,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_follow_rfc_7578() {
        let upload = Upload::new("bill \"march\".pdf", &b"%PDF-1.7"[..]);
        let body = Body::multipart(&[("note", "hi")], &[("file", &upload)]);
        let content_type = body.content_type.to_str().unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        assert_eq!(boundary.len(), 24);
        let text = String::from_utf8(body.bytes.to_vec()).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"bill %22march%22.pdf\"\r\nContent-Type: application/pdf\r\n\r\n\
                 %PDF-1.7\r\n--{boundary}--\r\n"
            )
        );
        assert_eq!(
            format!("{body:?}"),
            format!(
                "Body {{ content_type: \"multipart/form-data; boundary={boundary}\", len: {} }}",
                text.len()
            )
        );
    }
}
