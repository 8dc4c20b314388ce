//! Cargo's own configuration, read the way cargo reads it, as far as talking
//! to a registry needs: which index a source really lives at (source
//! replacement, `[registries]`), the token cargo would send, the HTTP
//! settings (`http.cainfo`, `http.proxy`, `http.timeout`, `net.retry`,
//! `net.offline`) and cargo's minimum publish age.
//!
//! Files, highest priority first: `.cargo/config.toml` (or the older
//! `.cargo/config`, which wins when both exist, as in cargo) in the workspace root and each of its ancestors, then
//! `$CARGO_HOME/config.toml`. `CARGO_*` environment variables beat every
//! file; `$CARGO_HOME/credentials.toml` (or `credentials`, which wins when
//! both exist) beats the files for tokens.
//! Tokens are held in [`Secret`], which never prints its value.
//!
//! This module loads the files in that order (cargo's "Hierarchical
//! structure" and "Environment variables" in
//! <https://doc.rust-lang.org/cargo/reference/config.html>) and holds the
//! generic lookups: a key's value from its `CARGO_*` variable, else from
//! the highest-priority file, with where it came from (`Origin`) for
//! messages and config-relative paths. What the values mean lives in:
//!
//! - `http`: `[http]` and `[net]`, as [`HttpConfig`];
//! - `registries`: `[registries]`, `[source]` replacement, the index
//!   URLs, as [`Registry`];
//! - `credentials`: tokens, as [`Secret`];
//! - `publish_age`: cargo's minimum publish age.

mod credentials;
#[cfg(test)]
mod fixtures;
mod http;
mod publish_age;
mod registries;

pub use credentials::Secret;
pub use http::HttpConfig;
pub use publish_age::parse_publish_age;
pub use registries::{CRATES_IO, CRATES_IO_GIT, CRATES_IO_SPARSE, Registry, display_url, env_key};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use http::{DEFAULT_LOW_SPEED_LIMIT, DEFAULT_RETRY, DEFAULT_TIMEOUT};

/// One configuration file, parsed.
struct File {
    path: PathBuf,
    table: toml::Table,
}

/// Only the path: the table may hold tokens (`credentials.toml`).
impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    /// What cargo would warn about (both `config` and `config.toml`).
    pub warnings: Vec<String>,
    pub http: HttpConfig,
}

/// Files and variable names only: values may be tokens
/// (`CARGO_REGISTRY_TOKEN`, `credentials.toml`).
impl std::fmt::Debug for CargoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        let mut warnings = Vec::new();
        let dirs_to_read = dir
            .ancestors()
            .map(|d| d.join(".cargo"))
            .chain(std::iter::once(cargo_home.clone()));
        for cargo_dir in dirs_to_read {
            let key = std::fs::canonicalize(&cargo_dir).unwrap_or_else(|_| cargo_dir.clone());
            if !seen.insert(key) {
                continue;
            }
            if let Some(file) = read_pair(&cargo_dir, "config", &mut warnings)? {
                files.push(file);
            }
        }
        let credentials = read_pair(&cargo_home, "credentials", &mut warnings)?;
        let mut cfg = CargoConfig {
            cargo_home,
            files,
            credentials,
            env,
            warnings,
            http: HttpConfig {
                cainfo: None,
                proxy: None,
                no_proxy: None,
                timeout: DEFAULT_TIMEOUT,
                low_speed_limit: DEFAULT_LOW_SPEED_LIMIT,
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

/// `dir/NAME` or `dir/NAME.toml`, as cargo picks between them
/// (`GlobalContext::get_file_path` in cargo's `util/context/mod.rs`): the
/// name without extension when it exists, with a warning when the `.toml`
/// one exists too and is not the same file (a symlink to it is the
/// documented way to serve old cargos).
fn read_pair(dir: &Path, name: &str, warnings: &mut Vec<String>) -> Result<Option<File>> {
    let bare = dir.join(name);
    let toml = dir.join(format!("{name}.toml"));
    match read_toml(&bare)? {
        Some(file) => {
            if toml.is_file() {
                let same = match (std::fs::canonicalize(&bare), std::fs::canonicalize(&toml)) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                };
                if !same {
                    warnings.push(format!(
                        "both `{}` and `{}` exist. Using `{}`",
                        bare.display(),
                        toml.display(),
                        bare.display()
                    ));
                }
            }
            Ok(Some(file))
        }
        None => read_toml(&toml),
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::fixtures::{fixture, load, write};

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
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn config_without_extension_wins_over_config_toml_with_a_warning() {
        let f = fixture();
        write(&f.root.join(".cargo/config"), "[http]\ntimeout = 7\n");
        write(&f.root.join(".cargo/config.toml"), "[http]\ntimeout = 8\n");
        let c = load(&f, &[]).unwrap();
        assert_eq!(c.http.timeout, Duration::from_secs(7));
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(
            c.warnings[0].contains("Using `") && c.warnings[0].ends_with("config`"),
            "{:?}",
            c.warnings
        );
        // credentials beats credentials.toml the same way.
        write(
            &f.home.join("credentials"),
            "[registry]\ntoken = \"bare\"\n",
        );
        write(
            &f.home.join("credentials.toml"),
            "[registry]\ntoken = \"toml\"\n",
        );
        let c = load(&f, &[]).unwrap();
        let token = c.registry_named(None).unwrap().token;
        assert_eq!(token.as_ref().map(super::Secret::expose), Some("bare"));
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(
            c.warnings[1].contains("credentials.toml"),
            "{:?}",
            c.warnings
        );
    }

    #[cfg(unix)]
    #[test]
    fn config_linked_to_config_toml_is_not_warned_about() {
        let f = fixture();
        write(&f.root.join(".cargo/config.toml"), "[http]\ntimeout = 8\n");
        std::os::unix::fs::symlink("config.toml", f.root.join(".cargo/config")).unwrap();
        let c = load(&f, &[]).unwrap();
        assert_eq!(c.http.timeout, Duration::from_secs(8));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
}
