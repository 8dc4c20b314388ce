//! A real HTTP/1.1 server on 127.0.0.1 that serves a sparse index from a
//! directory, for tests and benchmarks: `ETag`/`Last-Modified` with 304
//! answers, an optional token (`auth-required`), and fault modes (hang,
//! a status code, a body cut off mid-transfer, a well-framed body cut
//! mid-line, a body dripped a byte a second). Every request is logged so tests can assert what went over
//! the wire. Binds 127.0.0.1:0 only.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// What the server does to requests whose path starts with a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Read the request, never answer (until the client gives up).
    Hang,
    /// Answer with this status and a short text body.
    Status(u16),
    /// Promise the whole body, send half, close the connection.
    Truncated,
    /// Send the first half of the body as if it were all of it.
    CutLine,
    /// Answer 200 with a long body, one byte a second (until the client
    /// gives up and closes).
    Drip,
}

/// One request, as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub path: String,
    pub status: u16,
    /// Body bytes sent.
    pub bytes: usize,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    pub conditional: bool,
}

/// A file's modification time and length, and the ETag computed then.
type Stamped = (Option<SystemTime>, u64, String);

#[derive(Default)]
struct State {
    root: PathBuf,
    /// Prefix, fault, and how many more requests it applies to.
    faults: Mutex<Vec<(String, Fault, Option<usize>)>>,
    token: Mutex<Option<String>>,
    hits: Mutex<Vec<Hit>>,
    /// ETags by file, valid while the file's modification time and length
    /// stay the same, so revalidation reads and hashes nothing.
    etags: Mutex<HashMap<PathBuf, Stamped>>,
}

/// A running server. It stops accepting when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Serves `root` (an `ab/cd/name` index tree) on a free loopback port.
    pub(crate) fn start(root: impl Into<PathBuf>) -> Server {
        Server::start_on(root, 0)
    }

    /// Serves `root` on 127.0.0.1:`port` (0: any free port).
    pub(crate) fn start_on(root: impl Into<PathBuf>, port: u16) -> Server {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            root: root.into(),
            ..State::default()
        });
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let st = st.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &st);
                });
            }
        });
        Server { addr, state }
    }

    /// `http://127.0.0.1:PORT/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub(crate) fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Applies `fault` to every path starting with `prefix` (`/` for all).
    pub(crate) fn fault(&self, prefix: &str, fault: Fault) {
        self.state
            .faults
            .lock()
            .unwrap()
            .push((prefix.to_string(), fault, None));
    }

    /// Applies `fault` to the next `times` requests starting with `prefix`.
    pub(crate) fn fault_times(&self, prefix: &str, fault: Fault, times: usize) {
        self.state
            .faults
            .lock()
            .unwrap()
            .push((prefix.to_string(), fault, Some(times)));
    }

    pub(crate) fn clear_faults(&self) {
        self.state.faults.lock().unwrap().clear();
    }

    /// Requires `Authorization: <token>` on every request, and says
    /// `auth-required` in config.json.
    pub(crate) fn require_token(&self, token: &str) {
        *self.state.token.lock().unwrap() = Some(token.to_string());
    }

    /// Every request so far.
    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    pub(crate) fn clear_hits(&self) {
        self.state.hits.lock().unwrap().clear();
    }
}

/// A loopback URL nothing listens on: connecting is refused.
pub(crate) fn refused_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = l.local_addr().expect("local address").port();
    drop(l);
    format!("http://127.0.0.1:{port}/")
}

struct Request {
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let _method = parts.next()?;
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Some(Request { path, headers })
}

fn serve(stream: TcpStream, st: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    while let Some(req) = read_request(&mut r) {
        let fault = {
            let mut faults = st.faults.lock().unwrap();
            let found = faults
                .iter_mut()
                .rev()
                .find(|(p, _, left)| req.path.starts_with(p.as_str()) && *left != Some(0));
            found.map(|(_, f, left)| {
                if let Some(n) = left {
                    *n -= 1;
                }
                f.clone()
            })
        };
        let authorization = req.header("authorization").map(str::to_string);
        let conditional =
            req.header("if-none-match").is_some() || req.header("if-modified-since").is_some();
        let log = |status: u16, bytes: usize| {
            st.hits.lock().unwrap().push(Hit {
                path: req.path.clone(),
                status,
                bytes,
                authorization: authorization.clone(),
                conditional,
            })
        };
        if let Some(Fault::Hang) = fault {
            log(0, 0);
            // Wait for the client to give up and close.
            let mut sink = [0u8; 64];
            let _ = r.get_mut().set_read_timeout(Some(Duration::from_secs(120)));
            while matches!(r.read(&mut sink), Ok(n) if n > 0) {}
            return Ok(());
        }
        if let Some(Fault::Drip) = fault {
            log(200, 0);
            let len = 10_000;
            w.write_all(head(200, &[], len).as_bytes())?;
            w.flush()?;
            for _ in 0..len {
                // Fails once the client has closed the connection.
                w.write_all(b"x")?;
                w.flush()?;
                std::thread::sleep(Duration::from_secs(1));
            }
            return Ok(());
        }
        if let Some(Fault::Status(code)) = fault {
            let body = format!("fault {code}\n");
            log(code, body.len());
            respond(&mut w, code, &[], body.as_bytes())?;
            continue;
        }
        let token = st.token.lock().unwrap().clone();
        if let Some(t) = &token
            && authorization.as_deref() != Some(t.as_str())
        {
            log(401, 0);
            respond(&mut w, 401, &[], b"token required\n")?;
            continue;
        }
        let path = req.path.split('?').next().unwrap_or("").to_string();
        if path == "/config.json" {
            let mut cfg = format!(
                "{{\"dl\":\"http://{}/dl/{{crate}}/{{version}}/download\",\"api\":\"http://{}\"",
                w.local_addr()?,
                w.local_addr()?
            );
            if token.is_some() {
                cfg.push_str(",\"auth-required\":true");
            }
            cfg.push('}');
            log(200, cfg.len());
            respond(&mut w, 200, &[], cfg.as_bytes())?;
            continue;
        }
        let Some(file) = local_path(&st.root, &path) else {
            log(404, 0);
            respond(&mut w, 404, &[], b"not found\n")?;
            continue;
        };
        let Ok(meta) = std::fs::metadata(&file) else {
            log(404, 0);
            respond(&mut w, 404, &[], b"not found\n")?;
            continue;
        };
        let stamp = (meta.modified().ok(), meta.len());
        let known = st
            .etags
            .lock()
            .unwrap()
            .get(&file)
            .filter(|(m, l, _)| (*m, *l) == stamp)
            .map(|(_, _, e)| e.clone());
        let mut body = None;
        let etag = match known {
            Some(e) => e,
            None => {
                let Ok(b) = std::fs::read(&file) else {
                    log(404, 0);
                    respond(&mut w, 404, &[], b"not found\n")?;
                    continue;
                };
                let e = format!("\"{:016x}\"", fnv1a(&b));
                st.etags
                    .lock()
                    .unwrap()
                    .insert(file.clone(), (stamp.0, stamp.1, e.clone()));
                body = Some(b);
                e
            }
        };
        let modified = stamp.0.and_then(http_date);
        let fresh = match req.header("if-none-match") {
            Some(tags) => tags.split(',').any(|t| t.trim() == etag),
            None => req
                .header("if-modified-since")
                .is_some_and(|since| Some(since) == modified.as_deref()),
        };
        let mut headers = vec![("ETag", etag.clone())];
        if let Some(m) = &modified {
            headers.push(("Last-Modified", m.clone()));
        }
        if fresh {
            log(304, 0);
            respond(&mut w, 304, &headers, b"")?;
            continue;
        }
        let body = match body {
            Some(b) => b,
            None => match std::fs::read(&file) {
                Ok(b) => b,
                Err(_) => {
                    log(404, 0);
                    respond(&mut w, 404, &[], b"not found\n")?;
                    continue;
                }
            },
        };
        match fault {
            Some(Fault::Truncated) => {
                let half = &body[..body.len() / 2];
                log(200, half.len());
                let head = head(200, &headers, body.len());
                w.write_all(head.as_bytes())?;
                w.write_all(half)?;
                w.flush()?;
                return Ok(());
            }
            Some(Fault::CutLine) => {
                let half = &body[..body.len() / 2];
                log(200, half.len());
                respond(&mut w, 200, &headers, half)?;
            }
            _ => {
                log(200, body.len());
                respond(&mut w, 200, &headers, &body)?;
            }
        }
    }
    Ok(())
}

/// The file for a request path, refusing anything that leaves `root`.
fn local_path(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.as_os_str().is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let p = root.join(rel);
    p.is_file().then_some(p)
}

fn http_date(t: SystemTime) -> Option<String> {
    let ts = jiff::Timestamp::try_from(t).ok()?;
    Some(ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        304 => "Not Modified",
        401 => "Unauthorized",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head(code: u16, headers: &[(&str, String)], len: usize) -> String {
    let mut h = format!("HTTP/1.1 {code} {}\r\n", reason(code));
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    if code != 304 {
        h.push_str(&format!("Content-Length: {len}\r\n"));
    }
    h.push_str("\r\n");
    h
}

fn respond(
    w: &mut TcpStream,
    code: u16,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    w.write_all(head(code, headers, body.len()).as_bytes())?;
    w.write_all(body)?;
    w.flush()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
