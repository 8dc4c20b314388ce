//! Policy files named by URL in `extends`: fetched with the registry's HTTP
//! client (cargo's proxy, TLS roots and timeouts), checked against the
//! SHA-256 the entry gives, and cached by that digest, so later runs — and
//! `--offline` ones — read them from disk. `http://` is accepted: the digest
//! is what protects the content.

use anyhow::{Result, anyhow, bail};

use super::Options;
use super::http::{Client, Outcome, status_text};

/// The policy at `url`, whose SHA-256 must be `sha256` (64 hex digits).
pub(crate) fn fetch(url: &str, sha256: &str, opts: &Options) -> Result<String> {
    let cache = opts.cache.as_ref();
    if let Some(c) = cache
        && let Ok(bytes) = std::fs::read(c.policy_path(sha256))
        && digest(&bytes) == sha256
    {
        return text(bytes);
    }
    if opts.offline {
        bail!("not in the cache, and the run is offline; run once with the network");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow!("cannot start the HTTP runtime: {e}"))?;
    let client = Client::new(&opts.http)?;
    let bytes = match runtime.block_on(client.get(url, None, None, None))? {
        Outcome::Fetched { body, .. } => body,
        Outcome::NotFound(s) | Outcome::Unauthorized(s) => bail!("{}", status_text(s)),
        Outcome::NotModified => bail!("the server answered 304 to a plain request"),
    };
    let got = digest(&bytes);
    if got != sha256 {
        bail!("its SHA-256 is {got}, not the {sha256} pin.toml names");
    }
    if let Some(c) = cache {
        // A cache that cannot be written costs a refetch, nothing more.
        let _ = c.write_file(&c.policy_path(sha256), &bytes);
    }
    text(bytes)
}

fn digest(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn text(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| anyhow!("it is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
