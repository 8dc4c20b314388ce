//! Cargo's own configuration, read the way cargo reads it, as far as talking
//! to a registry needs: which index a source really lives at (source
//! replacement, `[registries]`), the token cargo would send, the HTTP
//! settings (`http.cainfo`, `http.proxy`, `http.timeout`, `net.retry`,
//! `net.offline`) and cargo's minimum publish age.
//!
//! Files, highest priority first: `.cargo/config.toml` (or the older
//! `.cargo/config`) in the workspace root and each of its ancestors, then
//! `$CARGO_HOME/config.toml`. `CARGO_*` environment variables beat every
//! file; `$CARGO_HOME/credentials.toml` beats the files for tokens.
//! Tokens are held in [`Secret`], which never prints its value.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use jiff::SignedDuration;

/// The name cargo gives the default registry.
pub const CRATES_IO: &str = "crates-io";
/// crates.io's index as its git URL, which lockfiles record.
pub const CRATES_IO_GIT: &str = "https://github.com/rust-lang/crates.io-index";
/// crates.io's sparse index.
pub const CRATES_IO_SPARSE: &str = "https://index.crates.io/";

/// cargo's defaults for `http.timeout` and `net.retry`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_RETRY: u32 = 3;

/// A credential. Its value is only reachable through [`Secret::expose`];
/// `Debug` and `Display` print a placeholder, so a token cannot end up in a
/// message or a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

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
    /// `http.timeout`: for connecting and for each read (default 30 s).
    pub timeout: Duration,
    /// `net.retry`: how often a spurious failure is retried (default 3).
    pub retry: u32,
    /// `net.offline`: use no network at all.
    pub offline: bool,
}

/// A registry as the client will reach it, after source replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// The registry as the workspace names it: `crates-io` or the name in
    /// `[registries]`, or the index URL when no name is configured.
    pub name: String,
    /// When source replacement sent the requests elsewhere: the source
    /// name they went to.
    pub replaced_by: Option<String>,
    /// The sparse index's base URL, ending in `/`, without `sparse+`.
    pub index_url: String,
    /// The token cargo would send, should the index say `auth-required`.
    pub token: Option<Secret>,
    /// cargo's minimum publish age for this registry, if configured.
    pub min_publish_age: Option<SignedDuration>,
}

impl Registry {
    /// Is this crates.io (perhaps served by a mirror through source
    /// replacement)? Its crates then have pages on crates.io and docs.rs.
    pub fn is_crates_io(&self) -> bool {
        self.name == CRATES_IO || (self.replaced_by.is_none() && self.index_url == CRATES_IO_SPARSE)
    }

    /// How messages name the registry: `crates-io (replaced by mirror at
    /// http://…/)`.
    pub fn describe(&self) -> String {
        match &self.replaced_by {
            Some(by) => format!(
                "{} (replaced by `{by}` at {})",
                self.name,
                display_url(&self.index_url)
            ),
            None => format!("{} at {}", self.name, display_url(&self.index_url)),
        }
    }
}

/// A URL as shown in messages: any `user:password@` part is dropped.
pub fn display_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let host_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..host_end].rfind('@') {
            return format!("{scheme}://{}", &rest[at + 1..]);
        }
    }
    url.to_string()
}

/// One configuration file, parsed.
struct File {
    path: PathBuf,
    table: toml::Table,
}

/// Only the path: the table may hold tokens (`credentials.toml`).
impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl File {
    fn get(&self, keys: &[&str]) -> Option<&toml::Value> {
        let (last, parents) = keys.split_last()?;
        let mut t = &self.table;
        for k in parents {
            t = t.get(*k)?.as_table()?;
        }
        t.get(*last)
    }

    /// The directory config-relative paths are relative to: the parent of
    /// the `.cargo` directory holding the file.
    fn base_dir(&self) -> PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        match dir.file_name() {
            Some(n) if n == ".cargo" => dir.parent().unwrap_or(dir).to_path_buf(),
            _ => dir.to_path_buf(),
        }
    }
}

/// The environment variables cargo's configuration reads: `CARGO_*` and
/// the proxy variables (the command-line edge collects them; tests pass
/// their own).
pub type Env = std::collections::BTreeMap<String, String>;

/// cargo's configuration for one workspace.
pub struct CargoConfig {
    pub cargo_home: PathBuf,
    /// Highest priority first.
    files: Vec<File>,
    credentials: Option<File>,
    env: Env,
    pub http: HttpConfig,
}

/// Files and variable names only: values may be tokens
/// (`CARGO_REGISTRY_TOKEN`, `credentials.toml`).
impl fmt::Debug for CargoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut vars: Vec<&String> = self.env.keys().collect();
        vars.sort();
        f.debug_struct("CargoConfig")
            .field("cargo_home", &self.cargo_home)
            .field("files", &self.files)
            .field("credentials", &self.credentials)
            .field("env", &vars)
            .field("http", &self.http)
            .finish()
    }
}

impl CargoConfig {
    /// Reads the configuration cargo would use in `dir` (the workspace
    /// root), with the environment `env`; `home` is the user's home
    /// directory, where `CARGO_HOME` defaults to `~/.cargo`.
    pub fn load(dir: &Path, env: Env, home: Option<&Path>) -> Result<CargoConfig> {
        let cargo_home = match env.get("CARGO_HOME").filter(|s| !s.is_empty()) {
            Some(h) => PathBuf::from(h),
            None => home
                .map(|h| h.join(".cargo"))
                .ok_or_else(|| anyhow!("cannot find the home directory; set CARGO_HOME"))?,
        };
        let mut seen = HashSet::new();
        let mut files = Vec::new();
        let dirs_to_read = dir
            .ancestors()
            .map(|d| d.join(".cargo"))
            .chain(std::iter::once(cargo_home.clone()));
        for cargo_dir in dirs_to_read {
            let key = std::fs::canonicalize(&cargo_dir).unwrap_or_else(|_| cargo_dir.clone());
            if !seen.insert(key) {
                continue;
            }
            // cargo prefers `config.toml` when both exist.
            for name in ["config.toml", "config"] {
                let path = cargo_dir.join(name);
                if let Some(file) = read_toml(&path)? {
                    files.push(file);
                    break;
                }
            }
        }
        let credentials = match read_toml(&cargo_home.join("credentials.toml"))? {
            Some(f) => Some(f),
            None => read_toml(&cargo_home.join("credentials"))?,
        };
        let mut cfg = CargoConfig {
            cargo_home,
            files,
            credentials,
            env,
            http: HttpConfig {
                cainfo: None,
                proxy: None,
                no_proxy: None,
                timeout: DEFAULT_TIMEOUT,
                retry: DEFAULT_RETRY,
                offline: false,
            },
        };
        cfg.http = cfg.read_http()?;
        Ok(cfg)
    }

    fn env_var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }

    /// The highest-priority value at `keys`, with the file it came from.
    fn lookup(&self, keys: &[&str]) -> Option<(&toml::Value, &File)> {
        self.files.iter().find_map(|f| f.get(keys).map(|v| (v, f)))
    }

    /// A string at `keys`, from the variable `var` first, then the files.
    fn string(&self, var: Option<&str>, keys: &[&str]) -> Result<Option<(String, Origin<'_>)>> {
        if let Some(v) = var.and_then(|var| self.env_var(var)) {
            return Ok(Some((v.to_string(), Origin::Env(var.unwrap_or("").into()))));
        }
        match self.lookup(keys) {
            None => Ok(None),
            Some((toml::Value::String(s), f)) => Ok(Some((s.clone(), Origin::File(f)))),
            Some((other, f)) => bail!(
                "{}: `{}` must be a string, found {}",
                f.path.display(),
                keys.join("."),
                other.type_str()
            ),
        }
    }

    /// Every name in `[registries]` across the files and credentials, and
    /// those only `CARGO_REGISTRIES_<NAME>_INDEX` defines (as `name`, which
    /// maps back to the same variable).
    fn registry_names(&self) -> BTreeSet<String> {
        let from_env = self.env.keys().filter_map(|k| {
            let name = k
                .strip_prefix("CARGO_REGISTRIES_")?
                .strip_suffix("_INDEX")?;
            Some(name.to_ascii_lowercase())
        });
        self.files
            .iter()
            .chain(self.credentials.iter())
            .filter_map(|f| f.get(&["registries"]).and_then(toml::Value::as_table))
            .flat_map(|t| t.keys().cloned())
            .chain(from_env)
            .collect()
    }

    fn read_http(&self) -> Result<HttpConfig> {
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
            retry,
            offline,
        })
    }

    /// The first of `vars` that is set and not empty.
    fn first_var(&self, vars: &[&str]) -> Option<String> {
        vars.iter()
            .find_map(|v| self.env_var(v).filter(|s| !s.is_empty()))
            .map(str::to_string)
    }

    fn integer(&self, var: &str, keys: &[&str]) -> Result<Option<u64>> {
        if let Some(v) = self.env_var(var) {
            return v
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| anyhow!("{var}={v:?} is not a whole number"));
        }
        match self.lookup(keys) {
            None => Ok(None),
            Some((toml::Value::Integer(i), f)) => u64::try_from(*i).map(Some).map_err(|_| {
                anyhow!(
                    "{}: `{}` must not be negative",
                    f.path.display(),
                    keys.join(".")
                )
            }),
            Some((other, f)) => bail!(
                "{}: `{}` must be an integer, found {}",
                f.path.display(),
                keys.join("."),
                other.type_str()
            ),
        }
    }

    fn boolean(&self, var: &str, keys: &[&str]) -> Result<bool> {
        if let Some(v) = self.env_var(var) {
            return match v.trim() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" | "" => Ok(false),
                _ => bail!("{var}={v:?} is not true or false"),
            };
        }
        match self.lookup(keys) {
            None => Ok(false),
            Some((toml::Value::Boolean(b), _)) => Ok(*b),
            Some((other, f)) => bail!(
                "{}: `{}` must be true or false, found {}",
                f.path.display(),
                keys.join("."),
                other.type_str()
            ),
        }
    }

    /// The index URL configured for `[registries.NAME]`.
    fn named_index(&self, name: &str) -> Result<Option<String>> {
        let var = format!("CARGO_REGISTRIES_{}_INDEX", env_key(name));
        Ok(self
            .string(Some(&var), &["registries", name, "index"])?
            .map(|(u, _)| u))
    }

    /// The registry a manifest means by `registry = "NAME"` (or crates.io
    /// for `None`), after source replacement.
    pub fn registry_named(&self, name: Option<&str>) -> Result<Registry> {
        match name {
            None | Some(CRATES_IO) => self.resolve(CRATES_IO, CRATES_IO.to_string()),
            Some(name) => {
                if self.named_index(name)?.is_none() {
                    bail!(
                        "registry `{name}` is not configured: add `[registries.{name}] index = \"sparse+https://…\"` to .cargo/config.toml or set CARGO_REGISTRIES_{}_INDEX",
                        env_key(name)
                    );
                }
                self.resolve(name, name.to_string())
            }
        }
    }

    /// The registry behind a Cargo.lock `source` (`registry+URL` or
    /// `sparse+URL`), after source replacement.
    pub fn registry_for_source(&self, source: &str) -> Result<Registry> {
        let url =
            source_url(source).ok_or_else(|| anyhow!("`{source}` is not a registry source"))?;
        if is_crates_io(&url) {
            return self.registry_named(None);
        }
        // A named registry with this index?
        for name in self.registry_names() {
            if let Some(index) = self.named_index(&name)?
                && same_url(&index, &url)
            {
                return self.resolve(&name, name.clone());
            }
        }
        // A `[source.X]` with this URL?
        for name in self.source_names() {
            if let Some((reg, _)) = self.string(None, &["source", &name, "registry"])?
                && same_url(&reg, &url)
            {
                return self.resolve(&name, url.clone());
            }
        }
        // Not configured at all: cargo would fetch the URL as written.
        let index_url = sparse_index_url(&url).ok_or_else(|| {
            anyhow!(
                "{} is a git index; cargo-pin reads registries over the sparse protocol only (`sparse+https://…`)",
                display_url(&url)
            )
        })?;
        Ok(Registry {
            name: display_url(&url),
            replaced_by: None,
            token: self.token_for_url(&url)?,
            index_url,
            min_publish_age: self.global_min_publish_age()?,
        })
    }

    fn source_names(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .filter_map(|f| f.get(&["source"]).and_then(toml::Value::as_table))
            .flat_map(|t| t.keys().cloned())
            .collect()
    }

    /// Follows `replace-with` from the source called `start`; `shown` is
    /// how messages name the original.
    fn resolve(&self, start: &str, shown: String) -> Result<Registry> {
        let mut name = start.to_string();
        let mut chain = vec![name.clone()];
        while let Some((next, _)) = self.string(None, &["source", &name, "replace-with"])? {
            if chain.contains(&next) {
                chain.push(next);
                bail!(
                    "source replacement loops in the cargo configuration: {}",
                    chain.join(" -> ")
                );
            }
            chain.push(next.clone());
            name = next;
        }
        let replaced_by = (name != start).then(|| name.clone());
        let min_publish_age = self.min_publish_age(start)?;

        // Where the final source lives.
        for kind in ["local-registry", "directory", "git"] {
            if self.lookup(&["source", &name, kind]).is_some() {
                bail!(
                    "source `{name}` is a `{kind}` source; cargo-pin reads registries over the sparse protocol only"
                );
            }
        }
        let url = if let Some((url, _)) = self.string(None, &["source", &name, "registry"])? {
            url
        } else if name == CRATES_IO {
            format!("sparse+{CRATES_IO_SPARSE}")
        } else if let Some(url) = self.named_index(&name)? {
            url
        } else {
            bail!(
                "source `{name}` (named by `replace-with` in the cargo configuration) is not defined: add `[source.{name}] registry = \"sparse+https://…\"`"
            );
        };
        let index_url = if is_crates_io(&url) {
            CRATES_IO_SPARSE.to_string()
        } else {
            sparse_index_url(&url).ok_or_else(|| {
                anyhow!(
                    "source `{name}` uses the git index {}; cargo-pin reads registries over the sparse protocol only (`sparse+https://…`)",
                    display_url(&url)
                )
            })?
        };
        let token = if name == CRATES_IO {
            self.token(CRATES_IO)?
        } else if self.named_index(&name)?.is_some() {
            self.token(&name)?
        } else {
            self.token_for_url(&url)?
        };
        Ok(Registry {
            name: shown,
            replaced_by,
            index_url,
            token,
            min_publish_age,
        })
    }

    /// The token of the named registry whose index is `url`, if any.
    fn token_for_url(&self, url: &str) -> Result<Option<Secret>> {
        for name in self.registry_names() {
            if let Some(index) = self.named_index(&name)?
                && same_url(&index, url)
            {
                return self.token(&name);
            }
        }
        Ok(None)
    }

    /// The token cargo would send to registry `name`: the environment,
    /// then credentials.toml, then the config files.
    fn token(&self, name: &str) -> Result<Option<Secret>> {
        let (var, keys): (String, Vec<&str>) = if name == CRATES_IO {
            ("CARGO_REGISTRY_TOKEN".into(), vec!["registry", "token"])
        } else {
            (
                format!("CARGO_REGISTRIES_{}_TOKEN", env_key(name)),
                vec!["registries", name, "token"],
            )
        };
        if let Some(v) = self.env_var(&var) {
            return Ok(Some(Secret::new(v)));
        }
        for f in self.credentials.iter().chain(self.files.iter()) {
            match f.get(&keys) {
                None => continue,
                Some(toml::Value::String(s)) => return Ok(Some(Secret::new(s.clone()))),
                Some(other) => bail!(
                    "{}: `{}` must be a string, found {}",
                    f.path.display(),
                    keys.join("."),
                    other.type_str()
                ),
            }
        }
        Ok(None)
    }

    /// `registry.global-min-publish-age`, for every registry.
    fn global_min_publish_age(&self) -> Result<Option<SignedDuration>> {
        self.age(
            "CARGO_REGISTRY_GLOBAL_MIN_PUBLISH_AGE",
            &["registry", "global-min-publish-age"],
        )
    }

    /// cargo's minimum publish age for registry `name`: its own setting
    /// (`registry.min-publish-age` for crates.io,
    /// `registries.NAME.min-publish-age` otherwise), else the global one.
    pub fn min_publish_age(&self, name: &str) -> Result<Option<SignedDuration>> {
        let own = if name == CRATES_IO {
            self.age(
                "CARGO_REGISTRY_MIN_PUBLISH_AGE",
                &["registry", "min-publish-age"],
            )?
        } else {
            let var = format!("CARGO_REGISTRIES_{}_MIN_PUBLISH_AGE", env_key(name));
            self.age(&var, &["registries", name, "min-publish-age"])?
        };
        match own {
            Some(a) => Ok(Some(a)),
            None => self.global_min_publish_age(),
        }
    }

    fn age(&self, var: &str, keys: &[&str]) -> Result<Option<SignedDuration>> {
        match self.string(Some(var), keys)? {
            None => Ok(None),
            Some((s, origin)) => parse_publish_age(&s)
                .map(Some)
                .map_err(|e| anyhow!("{}: `{}`: {e}", origin.describe(), keys.join("."))),
        }
    }
}

/// Where a value came from, for messages and relative paths.
enum Origin<'a> {
    Env(String),
    File(&'a File),
}

impl Origin<'_> {
    fn describe(&self) -> String {
        match self {
            Origin::Env(var) => format!("environment variable {var}"),
            Origin::File(f) => f.path.display().to_string(),
        }
    }

    fn resolve_path(&self, p: &str) -> PathBuf {
        let path = PathBuf::from(p);
        if path.is_absolute() {
            return path;
        }
        match self {
            Origin::File(f) => f.base_dir().join(path),
            Origin::Env(_) => std::path::absolute(&path).unwrap_or(path),
        }
    }
}

/// Reads a TOML file, `None` when it does not exist.
fn read_toml(path: &Path) -> Result<Option<File>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // A directory named `config` is not a config file.
        Err(_) if path.is_dir() => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        anyhow!(
            "{}:{}",
            path.display(),
            crate::workspace::lockfile::toml_error(&text, &e)
        )
    })?;
    Ok(Some(File {
        path: path.to_path_buf(),
        table,
    }))
}

/// A registry name as cargo spells it in variables: upper case, `-` as `_`.
pub fn env_key(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-', '.'], "_")
}

/// The index URL of a lockfile source: `registry+URL` → `URL`,
/// `sparse+URL` kept whole (config files spell sparse URLs that way).
fn source_url(source: &str) -> Option<String> {
    if let Some(u) = source.strip_prefix("registry+") {
        Some(u.to_string())
    } else if source.starts_with("sparse+") {
        Some(source.to_string())
    } else {
        None
    }
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn is_crates_io(url: &str) -> bool {
    let u = url.strip_prefix("registry+").unwrap_or(url);
    same_url(u, CRATES_IO_GIT) || same_url(u, &format!("sparse+{CRATES_IO_SPARSE}"))
}

/// `sparse+URL` → `URL/`; `None` for anything else (a git index).
fn sparse_index_url(url: &str) -> Option<String> {
    let u = url.strip_prefix("sparse+")?;
    let mut u = u.to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    Some(u)
}

/// Parses cargo's minimum publish age: `"0"`, or a number and a unit
/// (`"14 days"`, `"2 weeks"`, `"36 hours"`, `"90 minutes"`, `"1 month"`).
pub fn parse_publish_age(s: &str) -> Result<SignedDuration, String> {
    let t = s.trim();
    if t == "0" {
        return Ok(SignedDuration::ZERO);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration such as \"14 days\""))?;
    let secs = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "month" | "months" => 30 * 86_400,
        _ => return crate::audit::policy::parse_age(s),
    };
    n.checked_mul(secs)
        .map(SignedDuration::from_secs)
        .ok_or_else(|| format!("{s:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        home: PathBuf,
    }

    /// A workspace at `<tmp>/outer/ws` and a cargo home at `<tmp>/home`.
    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("outer/ws");
        let home = dir.path().join("home");
        std::fs::create_dir_all(root.join(".cargo")).unwrap();
        std::fs::create_dir_all(dir.path().join("outer/.cargo")).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        Fixture {
            _dir: dir,
            root,
            home,
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn load(f: &Fixture, vars: &[(&str, &str)]) -> Result<CargoConfig> {
        let mut map: Env = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("CARGO_HOME".into(), f.home.display().to_string());
        CargoConfig::load(&f.root, map, None)
    }

    #[test]
    fn defaults_to_crates_io_sparse() {
        let f = fixture();
        let c = load(&f, &[]).unwrap();
        let r = c.registry_named(None).unwrap();
        assert_eq!(r.index_url, CRATES_IO_SPARSE);
        assert_eq!(r.name, "crates-io");
        assert!(r.is_crates_io());
        assert_eq!(r.replaced_by, None);
        assert_eq!(r.token, None);
        assert_eq!(c.http.timeout, Duration::from_secs(30));
        assert_eq!(c.http.retry, 3);
        assert!(!c.http.offline);
        let r = c
            .registry_for_source(&format!("registry+{CRATES_IO_GIT}"))
            .unwrap();
        assert_eq!(r.index_url, CRATES_IO_SPARSE);
        let r = c
            .registry_for_source("sparse+https://index.crates.io/")
            .unwrap();
        assert_eq!(r.name, "crates-io");
    }

    #[test]
    fn replace_with_chains_through_files() {
        let f = fixture();
        // The workspace file replaces crates-io with `mirror`, which an
        // ancestor's file points at `inner`, defined in CARGO_HOME.
        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"mirror\"\n",
        );
        write(
            &f.root.join("../.cargo/config.toml"),
            "[source.mirror]\nreplace-with = \"inner\"\n[source.crates-io]\nreplace-with = \"ignored\"\n",
        );
        write(
            &f.home.join("config.toml"),
            "[source.inner]\nregistry = \"sparse+http://127.0.0.1:9/index\"\n",
        );
        let c = load(&f, &[]).unwrap();
        let r = c.registry_named(None).unwrap();
        assert_eq!(r.index_url, "http://127.0.0.1:9/index/");
        assert_eq!(r.replaced_by.as_deref(), Some("inner"));
        // A mirror serves the index; the crates are still crates.io's.
        assert!(r.is_crates_io());
        assert!(
            r.describe().contains("replaced by `inner`"),
            "{}",
            r.describe()
        );
    }

    #[test]
    fn replacement_loops_and_undefined_sources_are_errors() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"a\"\n[source.a]\nreplace-with = \"crates-io\"\n",
        );
        let e = load(&f, &[]).unwrap().registry_named(None).unwrap_err();
        assert!(e.to_string().contains("crates-io -> a -> crates-io"), "{e}");

        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"nowhere\"\n",
        );
        let e = load(&f, &[]).unwrap().registry_named(None).unwrap_err();
        assert!(e.to_string().contains("`nowhere`"), "{e}");

        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\ndirectory = \"vendor\"\n",
        );
        let e = load(&f, &[]).unwrap().registry_named(None).unwrap_err();
        assert!(e.to_string().contains("`directory` source"), "{e}");

        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"g\"\n[source.g]\nregistry = \"https://example.com/git-index\"\n",
        );
        let e = load(&f, &[]).unwrap().registry_named(None).unwrap_err();
        assert!(e.to_string().contains("sparse protocol"), "{e}");
    }

    #[test]
    fn named_registries_and_tokens() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[registries.my-corp]\nindex = \"sparse+https://corp.example/index/\"\ntoken = \"from-config\"\n",
        );
        // credentials.toml beats the config files...
        write(
            &f.home.join("credentials.toml"),
            "[registries.my-corp]\ntoken = \"from-credentials\"\n[registry]\ntoken = \"cratesio-cred\"\n",
        );
        let c = load(&f, &[]).unwrap();
        let r = c.registry_named(Some("my-corp")).unwrap();
        // Debug output never carries a token, whatever holds it.
        let shown = format!("{c:?} {r:?}");
        for secret in ["from-config", "from-credentials", "cratesio-cred"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert_eq!(r.index_url, "https://corp.example/index/");
        assert_eq!(
            r.token.as_ref().map(Secret::expose),
            Some("from-credentials")
        );
        assert_eq!(
            c.registry_named(None)
                .unwrap()
                .token
                .as_ref()
                .map(Secret::expose),
            Some("cratesio-cred")
        );
        // ...and the environment beats both.
        let c = load(
            &f,
            &[
                ("CARGO_REGISTRIES_MY_CORP_TOKEN", "from-env"),
                ("CARGO_REGISTRY_TOKEN", "cratesio-env"),
                (
                    "CARGO_REGISTRIES_MY_CORP_INDEX",
                    "sparse+https://other.example/",
                ),
            ],
        )
        .unwrap();
        let r = c.registry_named(Some("my-corp")).unwrap();
        assert_eq!(r.token.as_ref().map(Secret::expose), Some("from-env"));
        assert_eq!(r.index_url, "https://other.example/");
        assert_eq!(
            c.registry_named(None)
                .unwrap()
                .token
                .as_ref()
                .map(Secret::expose),
            Some("cratesio-env")
        );
        // A lockfile source finds the named registry by URL.
        let r = c
            .registry_for_source("sparse+https://other.example/")
            .unwrap();
        assert_eq!(r.name, "my-corp");
        assert!(!r.is_crates_io());
        // Unknown names are errors naming the fix.
        let e = c.registry_named(Some("nope")).unwrap_err().to_string();
        assert!(e.contains("[registries.nope]") && e.contains("CARGO_REGISTRIES_NOPE_INDEX"));
    }

    #[test]
    fn replacement_by_a_named_registry_sends_its_token() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"corp\"\n[registries.corp]\nindex = \"sparse+http://127.0.0.1:1/\"\n",
        );
        let c = load(&f, &[("CARGO_REGISTRIES_CORP_TOKEN", "s3cret")]).unwrap();
        let r = c.registry_named(None).unwrap();
        assert_eq!(r.index_url, "http://127.0.0.1:1/");
        assert_eq!(r.token.as_ref().map(Secret::expose), Some("s3cret"));
        assert!(!format!("{r:?}").contains("s3cret"));
        assert!(!r.describe().contains("s3cret"));
    }

    #[test]
    fn source_with_registry_url_finds_token_by_url() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"m\"\n[source.m]\nregistry = \"sparse+http://127.0.0.1:1/\"\n[registries.corp]\nindex = \"sparse+http://127.0.0.1:1\"\ntoken = \"t\"\n",
        );
        let r = load(&f, &[]).unwrap().registry_named(None).unwrap();
        assert_eq!(r.token.as_ref().map(Secret::expose), Some("t"));
    }

    #[test]
    fn http_settings_and_relative_cainfo() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[http]\ncainfo = \"certs/ca.pem\"\ntimeout = 5\nproxy = \"http://proxy.example:3128\"\n[net]\nretry = 1\noffline = true\n",
        );
        let c = load(&f, &[]).unwrap();
        assert_eq!(c.http.cainfo, Some(f.root.join("certs/ca.pem")));
        assert_eq!(c.http.timeout, Duration::from_secs(5));
        assert_eq!(c.http.proxy.as_deref(), Some("http://proxy.example:3128"));
        assert_eq!(c.http.retry, 1);
        assert!(c.http.offline);
        let c = load(
            &f,
            &[("CARGO_HTTP_TIMEOUT", "2"), ("CARGO_NET_OFFLINE", "false")],
        )
        .unwrap();
        assert_eq!(c.http.timeout, Duration::from_secs(2));
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

    #[test]
    fn bad_files_name_the_file_and_key() {
        let f = fixture();
        let path = f.root.join(".cargo/config.toml");
        write(&path, "[http]\ntimeout = \"30\"\n");
        let e = load(&f, &[]).unwrap_err().to_string();
        assert!(
            e.contains("config.toml") && e.contains("http.timeout"),
            "{e}"
        );
        write(&path, "[http\n");
        let e = load(&f, &[]).unwrap_err().to_string();
        assert!(e.contains("config.toml:1:"), "{e}");
    }

    #[test]
    fn legacy_config_name_and_cargo_home_lowest() {
        let f = fixture();
        write(&f.root.join(".cargo/config"), "[http]\ntimeout = 7\n");
        write(
            &f.home.join("config.toml"),
            "[http]\ntimeout = 9\n[net]\nretry = 0\n",
        );
        let c = load(&f, &[]).unwrap();
        assert_eq!(c.http.timeout, Duration::from_secs(7));
        assert_eq!(c.http.retry, 0);
    }

    #[test]
    fn min_publish_age_precedence() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[registry]\nglobal-min-publish-age = \"2 weeks\"\nmin-publish-age = \"3 days\"\n[registries.corp]\nindex = \"sparse+https://corp.example/\"\n[registries.other]\nindex = \"sparse+https://other.example/\"\nmin-publish-age = \"0\"\n",
        );
        let c = load(&f, &[]).unwrap();
        let day = 86_400;
        assert_eq!(
            c.registry_named(None).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(3 * day))
        );
        assert_eq!(
            c.registry_named(Some("corp")).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(14 * day))
        );
        assert_eq!(
            c.registry_named(Some("other")).unwrap().min_publish_age,
            Some(SignedDuration::ZERO)
        );
        let c = load(&f, &[("CARGO_REGISTRY_MIN_PUBLISH_AGE", "1 day")]).unwrap();
        assert_eq!(
            c.registry_named(None).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(day))
        );
        let c = load(&f, &[("CARGO_REGISTRY_MIN_PUBLISH_AGE", "1 fortnight")]).unwrap();
        let e = c.registry_named(None).unwrap_err().to_string();
        assert!(
            e.contains("CARGO_REGISTRY_MIN_PUBLISH_AGE") && e.contains("fortnight"),
            "{e}"
        );
    }

    #[test]
    fn urls_lose_credentials_in_messages() {
        assert_eq!(
            display_url("https://user:pw@host.example/index/"),
            "https://host.example/index/"
        );
        assert_eq!(display_url("http://127.0.0.1:1/"), "http://127.0.0.1:1/");
        assert_eq!(format!("{}", Secret::new("x")), "<redacted>");
    }

    #[test]
    fn publish_ages() {
        assert_eq!(parse_publish_age("0").unwrap(), SignedDuration::ZERO);
        assert_eq!(parse_publish_age("30 seconds").unwrap().as_secs(), 30);
        assert_eq!(parse_publish_age("1 month").unwrap().as_secs(), 2_592_000);
        assert_eq!(parse_publish_age("2 weeks").unwrap().as_secs(), 1_209_600);
        assert!(parse_publish_age("soon").is_err());
    }
}
