//! The token cargo would send to a registry, and [`Secret`], which holds
//! it without ever printing it. cargo's order: the variable
//! (`CARGO_REGISTRY_TOKEN`, `CARGO_REGISTRIES_<NAME>_TOKEN`), then
//! `$CARGO_HOME/credentials.toml`, then the config files' `registry.token`
//! / `registries.NAME.token` (see `[registry]`, `[registries]` and
//! "credentials" in <https://doc.rust-lang.org/cargo/reference/config.html>
//! and <https://doc.rust-lang.org/cargo/reference/registry-authentication.html>).
//! A source that is not a named registry gets the token of the named
//! registry with the same index URL.

use std::fmt;

use anyhow::{Result, bail};

use super::CargoConfig;
use super::registries::{CRATES_IO, env_key, same_url};

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

impl CargoConfig {
    /// The token of the named registry whose index is `url`, if any, and
    /// where it is (or would be) configured.
    pub(super) fn token_for_url(&self, url: &str) -> Result<(Option<Secret>, String)> {
        for name in self.registry_names() {
            if let Some(index) = self.named_index(&name)?
                && same_url(&index, url)
            {
                return self.token(&name);
            }
        }
        Ok((
            None,
            "name the registry in `[registries]` of .cargo/config.toml, then set its token".into(),
        ))
    }

    /// The token cargo would send to registry `name`: the environment,
    /// then credentials.toml, then the config files; and, for messages,
    /// where it was found or the variable and file that would supply it.
    pub(super) fn token(&self, name: &str) -> Result<(Option<Secret>, String)> {
        let (var, keys): (String, Vec<&str>) = if name == CRATES_IO {
            ("CARGO_REGISTRY_TOKEN".into(), vec!["registry", "token"])
        } else {
            (
                format!("CARGO_REGISTRIES_{}_TOKEN", env_key(name)),
                vec!["registries", name, "token"],
            )
        };
        let key = keys.join(".");
        if let Some(v) = self.env_var(&var) {
            return Ok((Some(Secret::new(v)), format!("the token in {var}")));
        }
        for f in self.credentials.iter().chain(self.files.iter()) {
            match f.get(&keys) {
                None => continue,
                Some(toml::Value::String(s)) => {
                    let place = format!("the token at `{key}` in {}", f.path.display());
                    return Ok((Some(Secret::new(s.clone())), place));
                }
                Some(other) => bail!(
                    "{}: `{key}` must be a string, found {}",
                    f.path.display(),
                    other.type_str()
                ),
            }
        }
        let file = self.credentials.as_ref().map_or_else(
            || self.cargo_home.join("credentials.toml"),
            |f| f.path.clone(),
        );
        Ok((None, format!("set {var}, or `{key}` in {}", file.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::super::display_url;
    use super::super::fixtures::{fixture, load, write};
    use super::*;

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
    fn urls_lose_credentials_in_messages() {
        assert_eq!(
            display_url("https://user:pw@host.example/index/"),
            "https://host.example/index/"
        );
        assert_eq!(display_url("http://127.0.0.1:1/"), "http://127.0.0.1:1/");
        assert_eq!(format!("{}", Secret::new("x")), "<redacted>");
    }
}
