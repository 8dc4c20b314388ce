//! HTTP for the sparse index: one reqwest client per run (system trust
//! store through rustls' platform verifier, `HTTPS_PROXY` & co., HTTP/2
//! where the server offers it), cargo's `http.cainfo`, `http.proxy` (routed
//! by `proxy::Route`), `http.timeout` and `http.low-speed-limit`, and one
//! GET with conditional headers, bounded retries and backoff. A host that
//! keeps timing out is given up on (`hosts::Hosts`).
//!
//! Errors here say what happened to one URL; the caller adds the crate and
//! the registry. A token is only ever put in a header marked sensitive and
//! never formatted into a message.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};

use crate::registry::config::{HttpConfig, Secret};
use crate::registry::hosts::{HostDown, Hosts, host_key};
use crate::registry::proxy::Route;

/// No index file is anywhere near this; a bigger body is refused rather
/// than held in memory.
const MAX_BODY: usize = 64 << 20;
/// First retry delay; doubled for each further attempt.
const BACKOFF: Duration = Duration::from_millis(250);
/// Longest `Retry-After` honoured; longer ones are cut to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Requests in flight at first. Connections open in a slow start from here:
/// a burst of connection attempts overflows a small accept queue (Python's
/// `http.server` has 5), and every dropped SYN costs a second.
const START: usize = 4;
/// Most requests in flight over HTTP/1.1, where each needs a connection.
/// Measured on nushell through loopback (210 revalidations): 16 to 32 beat
/// 64 and more, where set-up and scheduling on two cores cost more than
/// they overlap.
pub(super) const MAX_HTTP1: usize = 24;
/// Most requests in flight over HTTP/2, multiplexed on one connection.
pub(super) const MAX_HTTP2: usize = 64;

/// The HTTP settings of one run.
#[derive(Debug, Clone)]
pub(super) struct Client {
    inner: reqwest::Client,
    retry: u32,
    timeout: Duration,
    low_speed_limit: u32,
    proxy: Option<Arc<Route>>,
    pace: Arc<Pace>,
    /// Per `host:port`: timeouts in a row, and why it was given up on.
    hosts: Arc<Hosts>,
}

/// How many requests may be in flight: [`START`], then one more per answer
/// from a server that keeps connections open, up to [`MAX_HTTP1`] (or
/// [`MAX_HTTP2`]). A server that closes every connection (HTTP/1.0,
/// `Connection: close`) stays at [`START`].
#[derive(Debug)]
struct Pace {
    permits: tokio::sync::Semaphore,
    granted: AtomicUsize,
}

impl Pace {
    fn grow(&self, max: usize) {
        let mut now = self.granted.load(Ordering::Relaxed);
        while now < max {
            match self
                .granted
                .compare_exchange(now, now + 1, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    self.permits.add_permits(1);
                    return;
                }
                Err(actual) => now = actual,
            }
        }
    }
}

/// What a GET found.
#[derive(Debug)]
pub(super) enum Outcome {
    /// 200: the body and its validators.
    Fetched {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: the cached copy is current.
    NotModified,
    /// 404, 410 or 451: the registry has no such file.
    NotFound(StatusCode),
    /// 401 or 403.
    Unauthorized(StatusCode),
}

impl Client {
    /// Builds the client from cargo's HTTP settings.
    pub(super) fn new(http: &HttpConfig) -> Result<Client> {
        let mut b = reqwest::Client::builder()
            .user_agent(concat!("cargo-pin/", env!("CARGO_PKG_VERSION")))
            // reqwest's read timeout runs from the request to the response
            // headers, then again for each read of the body; a body that
            // trickles in is cut by the low-speed limit (`Client::body`).
            .connect_timeout(http.timeout)
            .read_timeout(http.timeout)
            .pool_max_idle_per_host(64);
        if let Some(path) = &http.cainfo {
            let pem = std::fs::read(path)
                .with_context(|| format!("http.cainfo: cannot read {}", path.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                anyhow!(
                    "http.cainfo: {} holds no usable PEM certificate: {e}",
                    path.display()
                )
            })?;
            b = b.tls_certs_merge(certs);
        }
        // The proxy comes from cargo's configuration and the environment
        // the command-line edge read, never from reqwest's own reading;
        // `proxy::Route` decides which requests take it.
        b = b.no_proxy();
        let route = match &http.proxy {
            Some(p) => Some(Arc::new(Route::new(p, http.no_proxy.as_deref())?)),
            None => None,
        };
        if let Some(r) = route.clone().filter(|r| !r.bypasses_all()) {
            b = b.proxy(reqwest::Proxy::custom(move |url| r.for_url(url).cloned()));
        }
        let inner = b
            .build()
            .map_err(|e| anyhow!("cannot set up HTTP: {}", error_text(&e)))?;
        Ok(Client {
            inner,
            retry: http.retry,
            timeout: http.timeout,
            low_speed_limit: http.low_speed_limit,
            proxy: route,
            hosts: Arc::default(),
            pace: Arc::new(Pace {
                permits: tokio::sync::Semaphore::new(START),
                granted: AtomicUsize::new(START),
            }),
        })
    }

    /// GETs `url`, revalidating with `etag`/`last_modified` when given,
    /// sending `token` when given. Retries connection failures, timeouts,
    /// cut-off bodies, 5xx and 429, `net.retry` times, with backoff.
    pub(super) async fn get(
        &self,
        url: &str,
        token: Option<&Secret>,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Outcome> {
        let mut headers = HeaderMap::new();
        if let Some(t) = token {
            let mut v = HeaderValue::from_str(t.expose())
                .map_err(|_| anyhow!("the registry token is not a valid HTTP header value"))?;
            v.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, v);
        }
        if let Some(v) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::IF_NONE_MATCH, v);
        }
        if let Some(v) = last_modified.and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::IF_MODIFIED_SINCE, v);
        }
        let attempts = self.retry + 1;
        // Through a proxy, the proxy is the host whose timeouts count.
        let via = self
            .proxy
            .as_deref()
            .filter(|r| reqwest::Url::parse(url).is_ok_and(|u| r.for_url(&u).is_some()));
        let host = via.map_or_else(|| host_key(url), Route::host_key);
        let proxy = via.map(|r| r.shown.clone());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (failure, retry_after) = match self.once(url, &host, via, &headers).await {
                Ok(Ok(outcome)) => return Ok(outcome),
                Ok(Err(Fatal::Message(msg))) => return Err(anyhow!(msg)),
                Ok(Err(Fatal::Down(reason, unreachable))) => {
                    return Err(HostDown {
                        reason,
                        unreachable,
                        tried: false,
                        proxy,
                    }
                    .into());
                }
                Err(Spurious {
                    message,
                    retry_after,
                    timeout,
                    proxy_failed,
                    unreachable,
                }) => {
                    if let Some(reason) = timeout
                        .then(|| self.hosts.timed_out(&host, &message, self.retry))
                        .flatten()
                    {
                        return Err(HostDown {
                            reason,
                            unreachable: false,
                            tried: true,
                            proxy,
                        }
                        .into());
                    }
                    if (proxy_failed || unreachable) && attempt >= attempts {
                        // The proxy, or the registry's host, cannot be
                        // reached: the crates still queued for it fail at
                        // once, with this one error.
                        let reason = match attempts {
                            1 => message,
                            n => format!("{message} (after {n} attempts)"),
                        };
                        self.hosts.give_up(&host, &reason);
                        return Err(HostDown {
                            reason,
                            unreachable: true,
                            tried: true,
                            proxy,
                        }
                        .into());
                    }
                    (message, retry_after)
                }
            };
            if attempt >= attempts {
                let tries = if attempts == 1 {
                    String::new()
                } else {
                    format!(" (after {attempts} attempts)")
                };
                return Err(anyhow!("{failure}{tries}"));
            }
            let backoff = BACKOFF.saturating_mul(1 << (attempt - 1).min(5));
            let wait = retry_after.map_or(backoff, |r| r.min(MAX_RETRY_AFTER).max(backoff));
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(
        &self,
        url: &str,
        host: &str,
        via: Option<&Route>,
        headers: &HeaderMap,
    ) -> Result<Result<Outcome, Fatal>, Spurious> {
        // Held until the body is read: a request in flight is a connection
        // in use over HTTP/1.1.
        let _permit = self.pace.permits.acquire().await;
        // A host given up on while this request waited is not asked.
        if let Some((reason, unreachable)) = self.hosts.down(host) {
            return Ok(Err(Fatal::Down(reason, unreachable)));
        }
        let resp = self
            .inner
            .get(url)
            .headers(headers.clone())
            .send()
            .await
            .map_err(|e| self.transport(&e, via))?;
        let closes = resp
            .headers()
            .get(header::CONNECTION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        match resp.version() {
            reqwest::Version::HTTP_2 | reqwest::Version::HTTP_3 => self.pace.grow(MAX_HTTP2),
            reqwest::Version::HTTP_11 if !closes => self.pace.grow(MAX_HTTP1),
            _ => {}
        }
        let status = resp.status();
        let header = |name: header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        // Only a whole answer ends a run of timeouts: a server that sends
        // headers and then drips its body has not answered.
        if status != StatusCode::OK {
            self.hosts.answered(host);
        }
        match status {
            StatusCode::OK => {
                let etag = header(header::ETAG);
                let last_modified = header(header::LAST_MODIFIED);
                let body = self.body(resp).await?;
                self.hosts.answered(host);
                Ok(body.map(|body| Outcome::Fetched {
                    body,
                    etag,
                    last_modified,
                }))
            }
            StatusCode::NOT_MODIFIED => Ok(Ok(Outcome::NotModified)),
            StatusCode::NOT_FOUND
            | StatusCode::GONE
            | StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS => Ok(Ok(Outcome::NotFound(status))),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Ok(Ok(Outcome::Unauthorized(status)))
            }
            s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => {
                let retry_after = header(header::RETRY_AFTER)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                Err(Spurious {
                    message: format!("HTTP {}", status_text(status)),
                    retry_after,
                    timeout: false,
                    proxy_failed: false,
                    unreachable: false,
                })
            }
            s => Ok(Err(Fatal::Message(format!(
                "unexpected HTTP {}",
                status_text(s)
            )))),
        }
    }

    /// Reads a body, refusing one larger than [`MAX_BODY`], and one that
    /// comes slower than `http.low-speed-limit` bytes a second over a whole
    /// `http.timeout` (curl's low-speed limit and time, as cargo sets them).
    async fn body(&self, mut resp: reqwest::Response) -> Result<Result<Vec<u8>, Fatal>, Spurious> {
        let mut body = Vec::with_capacity(resp.content_length().map_or(16 << 10, |n| {
            usize::try_from(n).unwrap_or(MAX_BODY).min(MAX_BODY)
        }));
        let window = self.timeout;
        let least = u64::from(self.low_speed_limit).saturating_mul(window.as_secs().max(1));
        let mut window_end = tokio::time::Instant::now() + window;
        let mut window_bytes: u64 = 0;
        loop {
            let read = if least == 0 {
                Ok(resp.chunk().await)
            } else {
                tokio::time::timeout_at(window_end, resp.chunk()).await
            };
            let now = tokio::time::Instant::now();
            if least > 0 && now >= window_end {
                let got = window_bytes
                    + read.as_ref().map_or(0, |r| match r {
                        Ok(Some(c)) => c.len() as u64,
                        _ => 0,
                    });
                if got < least {
                    return Err(self.too_slow());
                }
                window_end = now + window;
                window_bytes = 0;
            }
            let Ok(read) = read else { continue };
            match read {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return Ok(Err(Fatal::Message(format!(
                            "the response is larger than {} MB",
                            MAX_BODY >> 20
                        ))));
                    }
                    window_bytes += chunk.len() as u64;
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Ok(body)),
                Err(e) => return Err(self.transport(&e, None)),
            }
        }
    }

    fn too_slow(&self) -> Spurious {
        Spurious {
            message: format!(
                "the response came slower than {} bytes/s for {}s (http.low-speed-limit over http.timeout)",
                self.low_speed_limit,
                self.timeout.as_secs()
            ),
            retry_after: None,
            timeout: true,
            proxy_failed: false,
            unreachable: false,
        }
    }

    /// A transport failure, described without the URL (the caller names
    /// it); one that reaching the proxy `via` failed names the proxy.
    fn transport(&self, e: &reqwest::Error, via: Option<&Route>) -> Spurious {
        let proxy_failed = via.is_some() && e.is_connect() && !e.is_timeout();
        let mut message = if e.is_timeout() {
            format!(
                "no answer within {}s (http.timeout)",
                self.timeout.as_secs()
            )
        } else if let (true, Some(r)) = (proxy_failed, via) {
            format!("cannot connect to the proxy {}: {}", r.shown, error_text(e))
        } else if e.is_connect() {
            format!("cannot connect: {}", error_text(e))
        } else if e.is_body() || e.is_decode() {
            format!("the response was cut off: {}", error_text(e))
        } else {
            error_text(e)
        };
        if let (Some(r), true) = (via, e.is_timeout()) {
            message.push_str(&format!(" through the proxy {}", r.shown));
        }
        Spurious {
            message,
            retry_after: None,
            timeout: e.is_timeout(),
            proxy_failed,
            // Refused, unresolved, unroutable: nothing answers there.
            unreachable: e.is_connect() && !e.is_timeout(),
        }
    }
}

/// A failure worth retrying.
struct Spurious {
    message: String,
    retry_after: Option<Duration>,
    /// A timeout (or a body below the low-speed limit): counts towards
    /// giving up on the host.
    timeout: bool,
    /// The proxy could not be reached.
    proxy_failed: bool,
    /// The host could not be connected to (and it was no timeout).
    unreachable: bool,
}

/// A failure retrying cannot fix.
enum Fatal {
    Message(String),
    /// Not sent: the host was given up on, for this reason (and whether
    /// it could not be reached).
    Down(String, bool),
}

/// `404 Not Found`.
pub(super) fn status_text(s: StatusCode) -> String {
    match s.canonical_reason() {
        Some(r) => format!("{} {r}", s.as_u16()),
        None => s.as_u16().to_string(),
    }
}

/// The innermost cause of a reqwest error, which says what went wrong
/// (`Connection refused (os error 111)`), without the URL.
fn error_text(e: &reqwest::Error) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    let text = inner.to_string();
    if std::ptr::addr_eq(inner, e as &dyn std::error::Error) {
        // No cause: reqwest's own text, less the URL.
        return e
            .to_string()
            .split(" for url (")
            .next()
            .unwrap_or_default()
            .to_string();
    }
    text
}
