//! The registry client: every release of the crates a command asks about,
//! read over cargo's sparse index protocol.
//!
//! [`fetch`] is the entry point. It starts a tokio runtime, fetches every
//! crate at once (paced by `http::Client`), revalidates cached files with
//! `ETag`/`Last-Modified` so a warm run transfers almost nothing, and
//! answers from the cache alone when offline. A crate a registry does not
//! have is an error naming the crate and the registry: an unchecked crate
//! is never reported as up to date.

mod cache;
pub mod config;
mod hosts;
mod http;
mod parse;
pub(crate) mod path;
pub(crate) mod policy_file;
mod proxy;
pub(crate) mod sources;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};

pub use cache::Cache;
pub use parse::Release;

use crate::registry::config::{HttpConfig, Registry, display_url};
use hosts::HostDown;
use http::{Client, Outcome, status_text};

/// How a run reaches the registries.
#[derive(Debug, Clone)]
pub struct Options {
    /// Answer from the cache alone (`--offline`, `net.offline`).
    pub offline: bool,
    /// Where index files are cached; `None` disables the cache.
    pub cache: Option<Cache>,
    pub http: HttpConfig,
}

/// Told about progress; the command line draws it, the library never does.
pub trait Progress: Send + Sync {
    /// `total` crates are about to be fetched.
    fn start(&self, _total: usize) {}
    /// One more is done.
    fn advance(&self) {}
    /// All are done (or the run failed).
    fn finish(&self) {}
    /// Something cargo would warn about too (both `.cargo/config` and
    /// `.cargo/config.toml`); the command line prints it on stderr.
    fn warn(&self, _message: &str) {}
    /// What was done differently from a plain run (`-v`: the toolchain the
    /// workspace was read with); the command line prints it on stderr.
    fn note(&self, _message: &str) {}
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What a run transferred, for tests and benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Index files downloaded (200).
    pub fetched: usize,
    /// Index files confirmed unchanged (304).
    pub not_modified: usize,
    /// Index files answered from the cache without asking (offline).
    pub cached: usize,
    /// Bytes of index files downloaded.
    pub bytes: usize,
}

/// The releases of every crate asked for, by registry and name.
#[derive(Debug, Default)]
pub struct Index {
    crates: HashMap<(String, String), Arc<Vec<Release>>>,
    pub stats: Stats,
}

impl Index {
    /// Every release of `krate` in `registry`, lowest version first.
    pub fn releases(&self, registry: &Registry, krate: &str) -> Option<&[Release]> {
        self.crates.get(&key(registry, krate)).map(|v| v.as_slice())
    }
}

fn key(registry: &Registry, krate: &str) -> (String, String) {
    (registry.index_url.clone(), krate.to_ascii_lowercase())
}

/// Fetches every release of each `(registry, crate)` asked for.
///
/// Fails when any crate cannot be read, naming each crate and registry.
pub fn fetch(
    wanted: &[(Registry, String)],
    opts: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Index> {
    // One job per distinct (registry, crate).
    let mut jobs: Vec<(Arc<Registry>, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut registries: HashMap<String, Arc<Registry>> = HashMap::new();
    for (r, krate) in wanted {
        if !seen.insert(key(r, krate)) {
            continue;
        }
        let reg = registries
            .entry(r.index_url.clone())
            .or_insert_with(|| Arc::new(r.clone()))
            .clone();
        jobs.push((reg, krate.clone()));
    }
    if jobs.is_empty() {
        return Ok(Index::default());
    }
    if opts.offline {
        return offline(&jobs, opts);
    }
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| anyhow!("cannot start the HTTP runtime: {e}"))?;
    progress.start(jobs.len());
    let result = runtime.block_on(online(jobs, registries, opts, progress.clone()));
    progress.finish();
    result
}

/// Answers from the cache alone.
fn offline(jobs: &[(Arc<Registry>, String)], opts: &Options) -> Result<Index> {
    let mut index = Index::default();
    // Missing crates by registry, to name each registry once.
    let mut missing: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for (reg, krate) in jobs {
        let entry = match (&opts.cache, path::index_path(krate)) {
            (Some(cache), Some(p)) => cache.read(&reg.index_url, &p),
            _ => None,
        };
        match entry {
            Some(e) if e.releases.is_empty() => {
                let url = format!(
                    "{}{}",
                    reg.index_url,
                    path::index_path(krate).unwrap_or_default()
                );
                return Err(no_releases(reg, krate, &url));
            }
            Some(e) => {
                index.stats.cached += 1;
                index.crates.insert(key(reg, krate), Arc::new(e.releases));
            }
            None => missing.entry(reg.describe()).or_default().push(krate),
        }
    }
    if !missing.is_empty() {
        let lines: Vec<String> = missing
            .into_iter()
            .map(|(reg, mut crates)| {
                crates.sort_unstable();
                format!(
                    "{} crate(s) of registry {reg}: {}",
                    crates.len(),
                    capped(&crates, ", ")
                )
            })
            .collect();
        bail!(
            "--offline: the cache has no index data for {}; run once without --offline to fill it",
            lines.join("; ")
        );
    }
    Ok(index)
}

/// What one job produced.
enum Done {
    Fresh(Vec<Release>, usize),
    Revalidated(Vec<Release>),
}

async fn online(
    jobs: Vec<(Arc<Registry>, String)>,
    registries: HashMap<String, Arc<Registry>>,
    opts: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Index> {
    let client = Client::new(&opts.http)?;
    // Which registries get the token: those that hold one and whose
    // config.json says `auth-required`, as cargo decides.
    let mut send_token: HashMap<String, bool> = HashMap::new();
    for (url, reg) in &registries {
        let needs = match &reg.token {
            Some(_) => auth_required(&client, reg).await?,
            None => false,
        };
        send_token.insert(url.clone(), needs);
    }

    let mut set = tokio::task::JoinSet::new();
    for (reg, krate) in jobs {
        let client = client.clone();
        let cache = opts.cache.clone();
        let progress = progress.clone();
        let with_token = send_token.get(&reg.index_url).copied().unwrap_or(false);
        set.spawn(async move {
            let r = one(&client, cache.as_ref(), &reg, &krate, with_token).await;
            progress.advance();
            (reg, krate, r)
        });
    }

    let mut index = Index::default();
    let mut failures = Vec::new();
    // Crates not read because their registry's host timed out, by
    // registry: one line each, naming the timeout once.
    let mut down: std::collections::BTreeMap<String, (Option<String>, bool, Vec<String>)> =
        Default::default();
    while let Some(joined) = set.join_next().await {
        let (reg, krate, r) = joined.map_err(|e| anyhow!("internal error: a fetch failed: {e}"))?;
        match r {
            Ok(Done::Fresh(releases, bytes)) => {
                index.stats.fetched += 1;
                index.stats.bytes += bytes;
                index.crates.insert(key(&reg, &krate), Arc::new(releases));
            }
            Ok(Done::Revalidated(releases)) => {
                index.stats.not_modified += 1;
                index.crates.insert(key(&reg, &krate), Arc::new(releases));
            }
            Err(e) => match e.downcast_ref::<HostDown>() {
                Some(d) => {
                    let key = match &d.proxy {
                        Some(p) => format!("\0{p}"),
                        None => reg.describe(),
                    };
                    let entry = down.entry(key).or_default();
                    if d.tried || entry.0.is_none() {
                        entry.0.get_or_insert_with(|| d.reason.clone());
                    }
                    entry.1 |= d.unreachable;
                    entry.2.push(krate);
                }
                None => failures.push(format!("{e:#}")),
            },
        }
    }
    for (key, (reason, unreachable, mut crates)) in down {
        crates.sort_unstable();
        // A proxy failure is the proxy's (its reason names it), not the
        // registry's.
        let what = match (key.strip_prefix('\0'), unreachable) {
            (Some(_), _) => String::new(),
            (None, true) => format!("registry {key} cannot be reached: "),
            (None, false) => format!("registry {key} timed out: "),
        };
        failures.push(format!(
            "{what}{}; gave up on {} crate(s): {}",
            reason.unwrap_or_default(),
            crates.len(),
            capped(&crates, ", ")
        ));
    }
    match failures.len() {
        0 => Ok(index),
        1 => Err(anyhow!(failures.remove(0))),
        n => {
            failures.sort();
            Err(anyhow!(
                "{n} crates could not be read from the registry:\n  {}",
                capped(&failures, "\n  ")
            ))
        }
    }
}

/// The first few items joined, then `and N more`: an error about 200
/// crates must stay readable.
fn capped<T: AsRef<str>>(items: &[T], sep: &str) -> String {
    const SHOWN: usize = 10;
    let mut out: Vec<&str> = items.iter().take(SHOWN).map(AsRef::as_ref).collect();
    let more;
    if items.len() > SHOWN {
        more = format!("and {} more", items.len() - SHOWN);
        out.push(&more);
    }
    out.join(sep)
}

/// Reads `config.json` to learn whether the registry wants the token.
async fn auth_required(client: &Client, reg: &Registry) -> Result<bool> {
    let url = format!("{}config.json", reg.index_url);
    let shown = display_url(&url);
    let parse = |body: &[u8]| -> Result<bool> {
        let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            anyhow!(
                "registry {}: {shown} is not a sparse index config.json: {e}",
                reg.describe()
            )
        })?;
        Ok(v.get("auth-required").and_then(serde_json::Value::as_bool) == Some(true))
    };
    let ctx = |e: anyhow::Error| anyhow!("registry {}: {shown}: {e:#}", reg.describe());
    match client.get(&url, None, None, None).await.map_err(ctx)? {
        Outcome::Fetched { body, .. } => parse(&body),
        // An authenticated registry hides even its config from strangers.
        Outcome::Unauthorized(_) => {
            match client
                .get(&url, reg.token.as_ref(), None, None)
                .await
                .map_err(ctx)?
            {
                Outcome::Fetched { body, .. } => {
                    parse(&body)?;
                    Ok(true)
                }
                Outcome::Unauthorized(s) => Err(unauthorized(reg, s, true)),
                other => Err(anyhow!(
                    "registry {}: unexpected answer for {shown}: {other:?}",
                    reg.describe()
                )),
            }
        }
        Outcome::NotFound(s) => Err(anyhow!(
            "registry {}: {shown} answered HTTP {}: not a sparse index",
            reg.describe(),
            status_text(s)
        )),
        Outcome::NotModified => Ok(false),
    }
}

fn unauthorized(reg: &Registry, status: reqwest::StatusCode, sent: bool) -> anyhow::Error {
    let what = if sent {
        format!("refused {}", reg.token_place)
    } else if reg.token.is_some() {
        format!(
            "requires authentication although its config.json does not say `auth-required` (a token is configured: {})",
            reg.token_place
        )
    } else {
        format!(
            "requires authentication and no token is configured; {}",
            reg.token_place
        )
    };
    anyhow!(
        "registry {} {what} (HTTP {})",
        reg.describe(),
        status_text(status)
    )
}

/// An index file that lists no release of the crate it is for (an empty
/// body, only other crates' lines): never "up to date".
fn no_releases(reg: &Registry, krate: &str, url: &str) -> anyhow::Error {
    anyhow!(
        "registry {}: the index file of crate `{krate}` ({}) lists no release of `{krate}`",
        reg.describe(),
        display_url(url)
    )
}

/// Fetches (or revalidates) one crate's index file.
async fn one(
    client: &Client,
    cache: Option<&Cache>,
    reg: &Registry,
    krate: &str,
    with_token: bool,
) -> Result<Done> {
    let Some(rel) = path::index_path(krate) else {
        bail!("`{krate}` is not a valid crate name");
    };
    let url = format!("{}{rel}", reg.index_url);
    let cached = cache.and_then(|c| c.read(&reg.index_url, &rel));
    let (etag, lm) = cached.as_ref().map_or((None, None), |e| {
        (e.etag.as_deref(), e.last_modified.as_deref())
    });
    let token = if with_token { reg.token.as_ref() } else { None };
    let outcome = client.get(&url, token, etag, lm).await.map_err(|e| {
        if e.is::<HostDown>() {
            // Grouped by registry in `online`.
            return e;
        }
        anyhow!(
            "registry {}: cannot fetch crate `{krate}` from {}: {e:#}",
            reg.describe(),
            display_url(&url)
        )
    })?;
    match outcome {
        Outcome::Fetched {
            body,
            etag,
            last_modified,
        } => {
            let releases = parse::parse_crate(&body, Some(krate)).map_err(|e| {
                anyhow!(
                    "registry {}: the index file of crate `{krate}` ({}) is malformed at line {}: {}",
                    reg.describe(),
                    display_url(&url),
                    e.line,
                    e.message
                )
            })?;
            if releases.is_empty() {
                return Err(no_releases(reg, krate, &url));
            }
            if let Some(c) = cache {
                let entry = cache::Entry {
                    etag,
                    last_modified,
                    releases,
                };
                // A cache that cannot be written only costs the next run.
                let _ = c.write(&reg.index_url, &rel, &entry);
                return Ok(Done::Fresh(entry.releases, body.len()));
            }
            Ok(Done::Fresh(releases, body.len()))
        }
        Outcome::NotModified => match cached {
            Some(e) if e.releases.is_empty() => Err(no_releases(reg, krate, &url)),
            Some(e) => Ok(Done::Revalidated(e.releases)),
            None => bail!(
                "registry {}: {} answered 304 Not Modified to a request that had no validators",
                reg.describe(),
                display_url(&url)
            ),
        },
        Outcome::NotFound(s) => bail!(
            "crate `{krate}` not found in registry {} (HTTP {} for {})",
            reg.describe(),
            status_text(s),
            display_url(&url)
        ),
        Outcome::Unauthorized(s) => Err(unauthorized(reg, s, with_token)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_capped() {
        let items: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let s = capped(&items, ", ");
        assert!(
            s.starts_with("c0, c1,") && s.ends_with("c9, and 15 more"),
            "{s}"
        );
        assert_eq!(capped(&["a", "b"], ", "), "a, b");
    }
}
