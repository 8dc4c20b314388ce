//! Which requests go through the proxy, decided here rather than by
//! reqwest, so that a failure can name the proxy it went through.
//!
//! `NO_PROXY` is read as curl reads it for cargo (curl's `noproxy.c`,
//! CURLOPT_NOPROXY): entries separated by commas or spaces; `*` alone
//! bypasses every host (reqwest's `NoProxy` matches `*` against host names
//! only, never an IP address like `127.0.0.1`); a name matches itself and
//! its subdomains, a leading dot ignored; an IP address matches itself, and
//! `ADDR/BITS` a network.

use std::net::IpAddr;

use anyhow::{Result, anyhow};
use reqwest::Url;

use crate::registry::config::display_url;

/// The proxy of a run and the hosts that bypass it.
#[derive(Debug)]
pub(super) struct Route {
    url: Url,
    /// The proxy as messages show it: no credentials.
    pub(super) shown: String,
    bypass: Bypass,
}

#[derive(Debug)]
enum Bypass {
    All,
    Hosts(Vec<String>),
}

impl Route {
    /// The route for `proxy` (`http.proxy` or a variable: a URL, or
    /// `host:port` as curl accepts) and `no_proxy`.
    pub(super) fn new(proxy: &str, no_proxy: Option<&str>) -> Result<Route> {
        let text = if proxy.contains("://") {
            proxy.to_string()
        } else {
            format!("http://{proxy}")
        };
        let shown = display_url(&text);
        let url = Url::parse(&text)
            .ok()
            .filter(|u| u.host_str().is_some())
            .ok_or_else(|| anyhow!("http.proxy {shown:?} is not a proxy URL"))?;
        let no_proxy = no_proxy.unwrap_or("").trim();
        let bypass = if no_proxy == "*" {
            Bypass::All
        } else {
            Bypass::Hosts(
                no_proxy
                    .split([',', ' ', '\t'])
                    .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|e| !e.is_empty())
                    .collect(),
            )
        };
        Ok(Route { url, shown, bypass })
    }

    /// Whether every host bypasses the proxy.
    pub(super) fn bypasses_all(&self) -> bool {
        matches!(self.bypass, Bypass::All)
    }

    /// The proxy for `url`, or `None` when its host bypasses it.
    pub(super) fn for_url(&self, url: &Url) -> Option<&Url> {
        let host = url.host_str()?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let bypassed = match &self.bypass {
            Bypass::All => true,
            Bypass::Hosts(entries) => entries.iter().any(|e| matches(e, host)),
        };
        (!bypassed).then_some(&self.url)
    }

    /// `host:port` of the proxy.
    pub(super) fn host_key(&self) -> String {
        format!(
            "{}:{}",
            self.url.host_str().unwrap_or_default(),
            self.url.port_or_known_default().unwrap_or(0)
        )
    }
}

/// Whether the `NO_PROXY` entry `entry` (lowercase, no leading dot)
/// covers `host`.
fn matches(entry: &str, host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        let entry = entry.trim_start_matches('[').trim_end_matches(']');
        return match entry.split_once('/') {
            Some((net, bits)) => match (net.parse::<IpAddr>(), bits.parse::<u32>()) {
                (Ok(net), Ok(bits)) => in_network(ip, net, bits),
                _ => false,
            },
            None => entry.parse::<IpAddr>() == Ok(ip),
        };
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let entry = entry.trim_end_matches('.');
    host == entry
        || host
            .strip_suffix(entry)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let shift = width - bits;
    let (ip, net) = if shift >= 128 {
        (0, 0)
    } else {
        (ip >> shift, net >> shift)
    };
    ip == net
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxied(no_proxy: &str, url: &str) -> bool {
        let r = Route::new("http://user:pw@proxy.example:3128", Some(no_proxy)).unwrap();
        r.for_url(&Url::parse(url).unwrap()).is_some()
    }

    #[test]
    fn no_proxy_as_curl_reads_it() {
        // `*` bypasses every host, IP addresses included.
        assert!(!proxied("*", "http://127.0.0.1:8080/"));
        assert!(!proxied(" * ", "https://index.crates.io/"));
        assert!(proxied("", "http://127.0.0.1:8080/"));
        // Names and their subdomains, a leading dot ignored.
        assert!(!proxied("corp.example", "https://index.corp.example/"));
        assert!(!proxied(".corp.example", "https://corp.example/"));
        assert!(proxied("corp.example", "https://notcorp.example/"));
        // Addresses and networks; commas or spaces between entries.
        assert!(!proxied("localhost 127.0.0.1", "http://127.0.0.1:1/"));
        assert!(!proxied("a.example,10.0.0.0/8", "http://10.1.2.3/"));
        assert!(proxied("10.0.0.0/8", "http://11.1.2.3/"));
        assert!(!proxied("::1", "http://[::1]:8080/"));
        // `*` among other entries is not a wildcard (curl).
        assert!(proxied("a.example,*", "http://127.0.0.1:1/"));
    }

    #[test]
    fn the_proxy_is_shown_without_credentials() {
        let r = Route::new("http://user:pw@proxy.example:3128", None).unwrap();
        assert_eq!(r.shown, "http://proxy.example:3128");
        assert_eq!(r.host_key(), "proxy.example:3128");
        let r = Route::new("proxy.example:3128", None).unwrap();
        assert_eq!(r.shown, "http://proxy.example:3128");
        assert!(Route::new("http://", None).is_err());
    }
}
