//! cargo's HTTP settings, as the registry client applies them: `[http]`
//! (`cainfo`, `proxy`, `timeout`, `low-speed-limit`) and `[net]` (`retry`, `offline`), each
//! with its `CARGO_HTTP_*` / `CARGO_NET_*` variable, and cargo's defaults
//! (see `[http]` and `[net]` in
//! <https://doc.rust-lang.org/cargo/reference/config.html>). Without
//! `http.proxy`, the proxy comes from the variables curl reads, in curl's
//! order; `NO_PROXY` applies either way.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};

use super::CargoConfig;

/// cargo's defaults for `http.timeout` and `net.retry`.
pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub(super) const DEFAULT_RETRY: u32 = 3;
/// cargo's default for `http.low-speed-limit`, in bytes a second.
pub(super) const DEFAULT_LOW_SPEED_LIMIT: u32 = 10;

/// Where cargo's HTTP settings put the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// `http.cainfo`: extra CA certificates (PEM), trusted besides the
    /// system's roots.
    pub cainfo: Option<PathBuf>,
    /// `http.proxy`, else `HTTPS_PROXY`, `https_proxy` or `http_proxy`:
    /// the proxy for every request.
    pub proxy: Option<String>,
    /// `NO_PROXY` (or `no_proxy`): hosts reached without the proxy.
    pub no_proxy: Option<String>,
    /// `http.timeout`: for connecting, for the answer and each read, and
    /// the window of the low-speed limit (default 30 s).
    pub timeout: Duration,
    /// `http.low-speed-limit`: a body slower than this many bytes a second
    /// over a whole `timeout` is a timeout (default 10; 0 turns it off).
    pub low_speed_limit: u32,
    /// `net.retry`: how often a spurious failure is retried (default 3).
    pub retry: u32,
    /// `net.offline`: use no network at all.
    pub offline: bool,
}

impl CargoConfig {
    pub(super) fn read_http(&self) -> Result<HttpConfig> {
        let cainfo = self
            .string(Some("CARGO_HTTP_CAINFO"), &["http", "cainfo"])?
            .map(|(p, origin)| origin.resolve_path(&p));
        // As cargo: `http.proxy`, else the variables curl reads.
        let proxy = self
            .string(Some("CARGO_HTTP_PROXY"), &["http", "proxy"])?
            .map(|(p, _)| p)
            .filter(|p| !p.is_empty())
            .or_else(|| self.first_var(&["HTTPS_PROXY", "https_proxy", "http_proxy"]));
        let no_proxy = self.first_var(&["NO_PROXY", "no_proxy"]);
        let timeout = match self.integer("CARGO_HTTP_TIMEOUT", &["http", "timeout"])? {
            Some(0) => bail!("http.timeout must be at least 1 second"),
            Some(s) => Duration::from_secs(s),
            None => DEFAULT_TIMEOUT,
        };
        let low_speed_limit =
            match self.integer("CARGO_HTTP_LOW_SPEED_LIMIT", &["http", "low-speed-limit"])? {
                Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
                None => DEFAULT_LOW_SPEED_LIMIT,
            };
        let retry = match self.integer("CARGO_NET_RETRY", &["net", "retry"])? {
            Some(n) => u32::try_from(n).unwrap_or(u32::MAX).min(10),
            None => DEFAULT_RETRY,
        };
        let offline = self.boolean("CARGO_NET_OFFLINE", &["net", "offline"])?;
        Ok(HttpConfig {
            cainfo,
            proxy,
            no_proxy,
            timeout,
            low_speed_limit,
            retry,
            offline,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::fixtures::{fixture, load, write};

    #[test]
    fn http_settings_and_relative_cainfo() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[http]\ncainfo = \"certs/ca.pem\"\ntimeout = 5\nlow-speed-limit = 50\nproxy = \"http://proxy.example:3128\"\n[net]\nretry = 1\noffline = true\n",
        );
        let c = load(&f, &[]).unwrap();
        assert_eq!(c.http.cainfo, Some(f.root.join("certs/ca.pem")));
        assert_eq!(c.http.timeout, Duration::from_secs(5));
        assert_eq!(c.http.low_speed_limit, 50);
        assert_eq!(c.http.proxy.as_deref(), Some("http://proxy.example:3128"));
        assert_eq!(c.http.retry, 1);
        assert!(c.http.offline);
        let c = load(
            &f,
            &[
                ("CARGO_HTTP_TIMEOUT", "2"),
                ("CARGO_NET_OFFLINE", "false"),
                ("CARGO_HTTP_LOW_SPEED_LIMIT", "0"),
            ],
        )
        .unwrap();
        assert_eq!(c.http.timeout, Duration::from_secs(2));
        assert_eq!(c.http.low_speed_limit, 0);
        assert!(!c.http.offline);
        let e = load(&f, &[("CARGO_HTTP_TIMEOUT", "soon")]).unwrap_err();
        assert!(e.to_string().contains("CARGO_HTTP_TIMEOUT"), "{e}");
    }

    #[test]
    fn proxies_as_cargo_reads_them() {
        let f = fixture();
        let c = load(&f, &[]).unwrap();
        assert_eq!((c.http.proxy, c.http.no_proxy), (None, None));
        // The variables curl reads, in curl's order, when http.proxy is unset.
        let c = load(
            &f,
            &[
                ("http_proxy", "http://plain:1"),
                ("HTTPS_PROXY", "http://secure:2"),
                ("no_proxy", "localhost,.corp"),
            ],
        )
        .unwrap();
        assert_eq!(c.http.proxy.as_deref(), Some("http://secure:2"));
        assert_eq!(c.http.no_proxy.as_deref(), Some("localhost,.corp"));
        // http.proxy wins, and NO_PROXY still applies to it.
        write(
            &f.root.join(".cargo/config.toml"),
            "[http]\nproxy = \"http://cfg:3\"\n",
        );
        let c = load(&f, &[("HTTPS_PROXY", "http://secure:2"), ("NO_PROXY", "*")]).unwrap();
        assert_eq!(c.http.proxy.as_deref(), Some("http://cfg:3"));
        assert_eq!(c.http.no_proxy.as_deref(), Some("*"));
    }
}
