//! Which registry a manifest's `registry = "NAME"` or a lockfile's
//! `source` means, and where its index really is: `[registries.NAME]`
//! (and `CARGO_REGISTRIES_<NAME>_INDEX`), then `[source.NAME]`
//! `replace-with` chains, as cargo follows them
//! (<https://doc.rust-lang.org/cargo/reference/registries.html>,
//! <https://doc.rust-lang.org/cargo/reference/source-replacement.html>).
//! Only sparse indexes are read; git, directory and local-registry
//! sources are errors. Also the URL helpers: how cargo spells a source
//! (`registry+URL`, `sparse+URL`), crates.io's two index URLs, and URLs
//! shown without their credentials.

use std::collections::BTreeSet;

use anyhow::{Result, anyhow, bail};
use jiff::SignedDuration;

use super::CargoConfig;
use super::credentials::Secret;

/// The name cargo gives the default registry.
pub const CRATES_IO: &str = "crates-io";
/// crates.io's index as its git URL, which lockfiles record.
pub const CRATES_IO_GIT: &str = "https://github.com/rust-lang/crates.io-index";
/// crates.io's sparse index.
pub const CRATES_IO_SPARSE: &str = "https://index.crates.io/";

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
    /// Where that token was found, or the variable and file that would
    /// supply one (`set CARGO_REGISTRIES_X_TOKEN, or …`), for messages.
    pub token_place: String,
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

impl CargoConfig {
    /// Every name in `[registries]` across the files and credentials, and
    /// those only `CARGO_REGISTRIES_<NAME>_INDEX` defines (as `name`, which
    /// maps back to the same variable).
    pub(super) fn registry_names(&self) -> BTreeSet<String> {
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

    /// The index URL configured for `[registries.NAME]`.
    pub(super) fn named_index(&self, name: &str) -> Result<Option<String>> {
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
        let (token, token_place) = self.token_for_url(&url)?;
        Ok(Registry {
            name: display_url(&url),
            replaced_by: None,
            token,
            token_place,
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
        let (token, token_place) = if name == CRATES_IO {
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
            token_place,
            min_publish_age,
        })
    }
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

pub(super) fn same_url(a: &str, b: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::fixtures::{fixture, load, write};
    use super::*;

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
}
