//! Hosts given up on. A host that times out `net.retry + 1` times in a row,
//! with no answer in between, is down for the rest of the run: every
//! request still queued for it fails at once with [`HostDown`], so a dead
//! registry (or proxy) costs about `(net.retry + 1) × http.timeout` however
//! many crates are asked for. A host that answers other requests meanwhile
//! is not given up on.
//!
//! A host that cannot be reached at all (the connection refused, the name
//! not resolved) after `net.retry + 1` attempts is given up on too: one
//! error names the registry once, however many crates were queued for it.

use std::collections::HashMap;
use std::sync::Mutex;

/// Per `host:port`: timeouts in a row, and why it was given up on.
#[derive(Debug, Default)]
pub(super) struct Hosts(Mutex<HashMap<String, Host>>);

#[derive(Debug, Default)]
struct Host {
    timeouts: u32,
    down: Option<String>,
    unreachable: bool,
}

/// A request that failed because its host timed out or could not be
/// reached (`tried`: this very request), or was not sent because the host
/// had already been given up on.
#[derive(Debug)]
pub(crate) struct HostDown {
    /// What happened to the host: `no answer within 30s (http.timeout)`,
    /// `cannot connect: Connection refused (os error 111)`.
    pub(crate) reason: String,
    /// It could not be reached (refused, unresolved), rather than timed
    /// out.
    pub(crate) unreachable: bool,
    pub(crate) tried: bool,
    /// The proxy it went through (as shown), which is what failed.
    pub(crate) proxy: Option<String>,
}

impl std::fmt::Display for HostDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.tried {
            f.write_str(&self.reason)
        } else {
            write!(f, "not asked: the host was given up on ({})", self.reason)
        }
    }
}

impl std::error::Error for HostDown {}

impl Hosts {
    /// Why `host` was given up on, if it was, and whether because it
    /// could not be reached.
    pub(super) fn down(&self, host: &str) -> Option<(String, bool)> {
        let hosts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .get(host)
            .and_then(|h| h.down.clone().map(|d| (d, h.unreachable)))
    }

    /// `host` answered: its run of timeouts is over.
    pub(super) fn answered(&self, host: &str) {
        let mut hosts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = hosts.get_mut(host) {
            h.timeouts = 0;
        }
    }

    /// Gives up on `host`, which could not be reached, for `reason`.
    pub(super) fn give_up(&self, host: &str, reason: &str) {
        let mut hosts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let h = hosts.entry(host.to_string()).or_default();
        if h.down.is_none() {
            h.down = Some(reason.to_string());
            h.unreachable = true;
        }
    }

    /// A request to `host` timed out with `message`. When that makes
    /// `net.retry + 1` in a row, the host is down from now on; returns why
    /// it is down, if it is.
    pub(super) fn timed_out(&self, host: &str, message: &str, retry: u32) -> Option<String> {
        let mut hosts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let h = hosts.entry(host.to_string()).or_default();
        h.timeouts += 1;
        if h.down.is_none() && h.timeouts > retry {
            h.down = Some(match h.timeouts {
                1 => message.to_string(),
                n => format!("{message}, {n} times in a row"),
            });
        }
        h.down.clone()
    }
}

/// `host:port` of a URL, what timeouts are counted by.
pub(super) fn host_key(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or_default(),
            u.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => url.to_string(),
    }
}
