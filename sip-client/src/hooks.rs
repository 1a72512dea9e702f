//! progenitor's hooks for the generated client: the generated builders authenticate and
//! retry exactly like the front door, by the same rules for each operation.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::client::RawContext;
use crate::generated::Client;
use crate::retry::{self, RetryClass};

/// progenitor adds an `api-version` header carrying the spec's `info.version`. That is our
/// version of the spec, not Bland's: Bland documents no such header, so it is not sent.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

impl ClientHooks<RawContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        // An operation the front door does not know gets the key, as the spec's others do.
        let sends_key = operation(info).is_none_or(crate::Operation::sends_key);
        self.inner().apply_headers(headers, sends_key);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        // An operation the front door does not know is treated as the least safe kind.
        let class = operation(info).map_or(RetryClass::NotIdempotent, |operation| {
            operation.retry_class()
        });
        // Kept only when a retry may need it.
        let copy = (context.retry().max_retries > 0)
            .then(|| request.try_clone())
            .flatten();
        retry::execute(
            self.client(),
            request,
            || copy.as_ref().and_then(reqwest::Request::try_clone),
            context.retry(),
            class,
            retry::deadline_in(context.timeout()),
            info.operation_id,
            0,
        )
        .await
        .result
        // progenitor's errors show the headers of the answer they keep (`Debug` and
        // `Display` alike), as its `ResponseValue` does: those that may be credentials are
        // marked sensitive, as the front door's `Response` marks them.
        .map(|mut response| {
            crate::response::mark_credentials(response.headers_mut(), |value| {
                context.holds_key(value)
            });
            response
        })
    }
}

/// The front door's description of the operation progenitor's builder calls.
fn operation(info: &OperationInfo) -> Option<&'static crate::Operation> {
    crate::OPERATIONS
        .iter()
        .copied()
        .find(|operation| operation.id() == info.operation_id)
}
