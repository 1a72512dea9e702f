//! A recording HTTP/1.1 test server on `127.0.0.1:0`.
//!
//! It records each request exactly as it arrived on the wire (request target, headers in
//! order, body) and answers with whatever the test scripts, broken answers included:
//! truncated bodies, closed connections, stalls. It is deliberately written on bare TCP so
//! that a test controls every byte, which a real HTTP server library would not allow.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the server read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, as sent.
    pub method: String,
    /// The request target (path and query) exactly as sent, percent-encoding included.
    pub target: String,
    /// Header names (lower-cased) and values, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete answer with `Content-Length`.
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Announces `declared_len` bytes, sends `body` (shorter), then closes.
    Truncated {
        /// Status code.
        status: u16,
        /// The `Content-Length` announced.
        declared_len: usize,
        /// The bytes actually sent.
        body: Vec<u8>,
    },
    /// Announces `declared_len` bytes, sends `body` (shorter), then waits `stall` before
    /// closing: an answer that stops in the middle of its body.
    StallInBody {
        /// The `Content-Length` announced.
        declared_len: usize,
        /// The bytes sent before the stall.
        body: Vec<u8>,
        /// How long the answer stalls.
        stall: Duration,
    },
    /// Announces `declared_len` bytes (any number: the server's word), sends each of
    /// `pieces` as its own write with `pause` after it, then closes: a body that arrives in
    /// several reads and ends before its announced length.
    Pieces {
        /// The `Content-Length` announced.
        declared_len: u64,
        /// The bytes sent, one write each.
        pieces: Vec<Vec<u8>>,
        /// The pause after each write, so that the client reads them apart.
        pause: Duration,
    },
    /// A chunked answer of `chunks` chunks of `chunk_size` bytes each (for size limits).
    Chunked {
        /// Status code.
        status: u16,
        /// Size of each chunk.
        chunk_size: usize,
        /// How many chunks.
        chunks: usize,
    },
    /// Waits, then answers as the inner reply says (for concurrency and slowness).
    After(Duration, Box<Reply>),
    /// Closes the connection without answering.
    Close,
    /// Resets the connection (TCP RST) without answering.
    Reset,
    /// Sends `Content-Length: len` and then `len` bytes, for size limits.
    Huge {
        /// The body's length.
        len: usize,
    },
    /// Waits, then closes without answering.
    Stall(Duration),
    /// Writes these bytes as they are (a malformed answer, say), then closes.
    Raw(Vec<u8>),
    /// Holds the answer until at least `count` requests are waiting for their answers at
    /// once (or 10 s have passed), then answers as the inner reply says; every request held
    /// this way is released together. Proves concurrency without depending on timing: a
    /// client that sends one request at a time waits the full 10 s.
    WhenInFlight(usize, Box<Reply>),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// Adds a header to a `Respond` answer.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

type Script = dyn Fn(usize, &RecordedRequest) -> Reply + Send + Sync;

/// A running test server; stops when dropped.
pub struct TestServer {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    in_flight: Arc<InFlight>,
    task: JoinHandle<()>,
}

/// Requests being answered right now, and the most there ever were at once.
#[derive(Default)]
struct InFlight {
    now: std::sync::atomic::AtomicUsize,
    max: std::sync::atomic::AtomicUsize,
    /// Body bytes written to clients, over all answers.
    body_bytes: std::sync::atomic::AtomicUsize,
    /// Connections accepted and not yet finished.
    connections: std::sync::atomic::AtomicUsize,
    /// Bumped each time `Reply::WhenInFlight` releases the requests it holds.
    releases: std::sync::atomic::AtomicUsize,
}

impl TestServer {
    /// Starts a server answering every request with `reply`.
    pub async fn always(reply: Reply) -> TestServer {
        TestServer::start(move |_, _| reply.clone()).await
    }

    /// Starts a server answering the `n`-th request (0-based, across connections) with
    /// `script(n, &request)`.
    pub async fn start(
        script: impl Fn(usize, &RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(InFlight::default());
        let script: Arc<Script> = Arc::new(script);
        let recorded = requests.clone();
        let counter = in_flight.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let recorded = recorded.clone();
                let script = script.clone();
                let counter = counter.clone();
                counter
                    .connections
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let _ = serve_connection(stream, recorded, script, counter.clone()).await;
                    counter
                        .connections
                        .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                });
            }
        });
        TestServer {
            addr,
            requests,
            in_flight,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests arrived.
    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// Body bytes the server managed to write, over all answers (a client that stops
    /// reading stops this from growing).
    pub fn body_bytes_sent(&self) -> usize {
        self.in_flight
            .body_bytes
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The most requests that were being answered at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.max.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Connections accepted and not yet finished (a connection finishes when the client
    /// closes it or a write to it fails).
    pub fn open_connections(&self) -> usize {
        self.in_flight
            .connections
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits until `condition` holds, polling every 10 ms; panics after 20 s. For tests
    /// that must observe the server after the client acted, without guessing a sleep.
    pub async fn wait_until(&self, what: &str, condition: impl Fn(&TestServer) -> bool) {
        let started = std::time::Instant::now();
        while !condition(self) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "waited 20 s for {what}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A loopback port that refuses connections, reserved for as long as the value lives.
///
/// The socket is bound but never listens: connecting to it is refused (a TCP reset), and no
/// other process can take the port while the test runs, as it could if a listener were
/// bound, dropped and its port reused.
pub struct RefusingPort {
    socket: tokio::net::TcpSocket,
}

impl RefusingPort {
    /// Binds `127.0.0.1:0` without listening.
    pub fn new() -> RefusingPort {
        let socket = tokio::net::TcpSocket::new_v4().expect("create a socket");
        socket
            .bind("127.0.0.1:0".parse().expect("an address"))
            .expect("bind 127.0.0.1:0");
        RefusingPort { socket }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!(
            "http://{}",
            self.socket
                .local_addr()
                .expect("a bound socket has an address")
        )
    }
}

impl Default for RefusingPort {
    fn default() -> Self {
        RefusingPort::new()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<RecordedRequest>>>,
    script: Arc<Script>,
    in_flight: Arc<InFlight>,
) -> std::io::Result<()> {
    use std::sync::atomic::Ordering::SeqCst;
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        let index = {
            let mut all = recorded.lock().unwrap();
            all.push(request.clone());
            all.len() - 1
        };
        // A request is in flight from the moment it is read until its answer starts: the
        // client cannot send its next request before that, so the count never overstates
        // what the client had outstanding.
        let now = in_flight.now.fetch_add(1, SeqCst) + 1;
        in_flight.max.fetch_max(now, SeqCst);
        let result = answer(&mut stream, script(index, &request), &in_flight).await;
        if !result? {
            return Ok(());
        }
    }
}

/// Writes one reply; returns whether the connection stays open for another request.
async fn answer(
    stream: &mut TcpStream,
    reply: Reply,
    counters: &InFlight,
) -> std::io::Result<bool> {
    use std::sync::atomic::Ordering::SeqCst;
    let mut reply = reply;
    let reply = loop {
        reply = match reply {
            Reply::After(wait, inner) => {
                tokio::time::sleep(wait).await;
                *inner
            }
            Reply::WhenInFlight(count, inner) => {
                let started = std::time::Instant::now();
                let epoch = counters.releases.load(SeqCst);
                while counters.releases.load(SeqCst) == epoch
                    && started.elapsed() < Duration::from_secs(10)
                {
                    if counters.now.load(SeqCst) >= count {
                        counters.releases.fetch_add(1, SeqCst);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                *inner
            }
            other => break other,
        };
    };
    counters.now.fetch_sub(1, SeqCst);
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = status_line(status);
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
        }
        Reply::Truncated {
            status,
            declared_len,
            body,
        } => {
            let head = json_head(status, &format!("content-length: {declared_len}"));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
            return Ok(false);
        }
        Reply::StallInBody {
            declared_len,
            body,
            stall,
        } => {
            let head = json_head(200, &format!("content-length: {declared_len}"));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await?;
            tokio::time::sleep(stall).await;
            return Ok(false);
        }
        Reply::Pieces {
            declared_len,
            pieces,
            pause,
        } => {
            let head = json_head(200, &format!("content-length: {declared_len}"));
            stream.write_all(head.as_bytes()).await?;
            for piece in pieces {
                stream.write_all(&piece).await?;
                stream.flush().await?;
                tokio::time::sleep(pause).await;
            }
            stream.shutdown().await?;
            return Ok(false);
        }
        Reply::Chunked {
            status,
            chunk_size,
            chunks,
        } => {
            let head = json_head(status, "transfer-encoding: chunked");
            stream.write_all(head.as_bytes()).await?;
            let chunk = vec![b' '; chunk_size];
            for _ in 0..chunks {
                stream
                    .write_all(format!("{chunk_size:x}\r\n").as_bytes())
                    .await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
                counters.body_bytes.fetch_add(chunk_size, SeqCst);
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Reply::Close => return Ok(false),
        Reply::Reset => {
            stream.set_zero_linger()?;
            return Ok(false);
        }
        Reply::Huge { len } => {
            let head = json_head(200, &format!("content-length: {len}"));
            stream.write_all(head.as_bytes()).await?;
            let block = vec![b' '; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(block.len());
                stream.write_all(&block[..n]).await?;
                counters.body_bytes.fetch_add(n, SeqCst);
                left -= n;
            }
        }
        Reply::Stall(duration) => {
            tokio::time::sleep(duration).await;
            return Ok(false);
        }
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
            return Ok(false);
        }
        Reply::After(..) | Reply::WhenInFlight(..) => unreachable!("unwrapped above"),
    }
    Ok(true)
}

/// The head of a JSON answer whose body is framed by `framing` (a length or chunking).
fn json_head(status: u16, framing: &str) -> String {
    format!(
        "{}content-type: application/json\r\n{framing}\r\n\r\n",
        status_line(status)
    )
}

fn status_line(status: u16) -> String {
    format!("HTTP/1.1 {status} {}\r\n", reason(status))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads one request; `None` when the peer closed the connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<RecordedRequest>> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body_len = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + body_len {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[body_start..body_start + body_len].to_vec();
    buffer.drain(..body_start + body_len);
    Ok(Some(RecordedRequest {
        method,
        target,
        headers,
        body,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
