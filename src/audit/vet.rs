//! Vetting from others: cargo-vet stores named by `[[import]]` in pin.toml.
//!
//! A store is a folder (`supply-chain/`) holding `audits.toml` (the
//! project's own audits) and `imports.lock` (audits imported from other
//! organisations, by import name). A version counts as vetted for the
//! wanted criteria when a `full` audit (`version = "…"`) certifies it, or a
//! chain of `delta` audits (`delta = "A -> B"`) reaches it from a vetted
//! version — vetted by pin.toml or by the store. Exemptions in cargo-vet's
//! `config.toml` are not vetting and are never read. Criteria: the built-in
//! `safe-to-deploy` implies `safe-to-run`, and custom criteria in
//! `audits.toml` may imply others; imported custom criteria have no meaning
//! here (as in cargo-vet, unless mapped). Read offline, from the files only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::{Result, anyhow};
use semver::Version;
use toml::Spanned;

use crate::workspace::text::LineIndex;

/// The criteria wanted when `[[import]]` names none.
pub(crate) const DEFAULT_CRITERIA: &str = "safe-to-deploy";

/// One audit: full (`from` is `None`) or delta.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Audit {
    from: Option<Version>,
    to: Version,
    /// Where it comes from: `own audits`, or an import's name.
    source: String,
}

/// The audits of one store that meet the wanted criteria, by crate.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// The store's folder as written in pin.toml, for messages.
    pub path: String,
    audits: HashMap<String, Vec<Audit>>,
}

impl Store {
    /// Reads the store at `dir` (`shown` in messages), keeping the audits
    /// that certify every one of `criteria`.
    pub fn read(dir: &Path, shown: &str, criteria: &[String]) -> Result<Store> {
        let mut store = Store {
            path: shown.to_string(),
            audits: HashMap::new(),
        };
        let audits = dir.join("audits.toml");
        let implied = match std::fs::read_to_string(&audits) {
            Ok(text) => {
                let name = format!("{shown}/audits.toml");
                let file: AuditsFile = parse(&name, &text)?;
                let implied = implications(&file.criteria);
                store.add(&name, &text, file.audits, "own audits", criteria, &implied)?;
                implied
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => implications(&BTreeMap::new()),
            Err(e) => return Err(anyhow!("cannot read {shown}/audits.toml: {e}")),
        };
        // Imported custom criteria are another project's words: only the
        // built-in ones (and their implication) count.
        let _ = implied;
        let builtin = implications(&BTreeMap::new());
        match std::fs::read_to_string(dir.join("imports.lock")) {
            Ok(text) => {
                let name = format!("{shown}/imports.lock");
                let file: ImportsFile = parse(&name, &text)?;
                for (import, audits) in file.audits {
                    store.add(&name, &text, audits.audits, &import, criteria, &builtin)?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(anyhow!("cannot read {shown}/imports.lock: {e}")),
        }
        Ok(store)
    }

    fn add(
        &mut self,
        name: &str,
        text: &str,
        audits: BTreeMap<String, Vec<RawAudit>>,
        source: &str,
        wanted: &[String],
        implied: &Implications,
    ) -> Result<()> {
        let lines = LineIndex::new(text);
        for (krate, list) in audits {
            for a in list {
                let at =
                    |span: std::ops::Range<usize>| format!("{name}:{}", lines.line_of(span.start));
                let has: Vec<String> = match &a.criteria {
                    None => vec![DEFAULT_CRITERIA.to_string()],
                    Some(c) => match c.get_ref() {
                        Criteria::One(s) => vec![s.clone()],
                        Criteria::Many(v) => v.clone(),
                    },
                };
                let certified = implied.closure(&has);
                if !wanted.iter().all(|w| certified.contains(w)) {
                    continue;
                }
                let audit = match (&a.version, &a.delta) {
                    (Some(v), None) => Audit {
                        from: None,
                        to: version(v, &at)?,
                        source: source.to_string(),
                    },
                    (None, Some(d)) => {
                        let (from, to) = d.get_ref().split_once("->").ok_or_else(|| {
                            anyhow!(
                                "{}: audit of `{krate}`: delta {:?} must read \"A -> B\"",
                                at(d.span()),
                                d.get_ref()
                            )
                        })?;
                        let piece = |s: &str| {
                            Version::parse(s.trim()).map_err(|e| {
                                anyhow!(
                                    "{}: audit of `{krate}`: delta version {s:?}: {e}",
                                    at(d.span())
                                )
                            })
                        };
                        Audit {
                            from: Some(piece(from)?),
                            to: piece(to)?,
                            source: source.to_string(),
                        }
                    }
                    // A violation or an entry of another kind: not vetting.
                    _ => continue,
                };
                self.audits.entry(krate.clone()).or_default().push(audit);
            }
        }
        Ok(())
    }

    /// Who vetted `krate` at `version`: the store's audits, with `base`
    /// (pin.toml's vetting) as further starting points of delta chains.
    pub fn vetted_by(
        &self,
        krate: &str,
        version: &Version,
        base: &dyn Fn(&Version) -> bool,
    ) -> Option<String> {
        let audits = self.audits.get(krate)?;
        let mut seen = HashSet::new();
        let mut stack = vec![version.clone()];
        let mut first: Option<&str> = None;
        // Walk delta audits backwards from `version`.
        while let Some(v) = stack.pop() {
            if !seen.insert(v.clone()) {
                continue;
            }
            if let Some(a) = audits.iter().find(|a| a.from.is_none() && a.to == v) {
                return Some(first.unwrap_or(&a.source).to_string());
            }
            if v != *version && base(&v) {
                return Some(first.map_or_else(|| "pin.toml".to_string(), str::to_string));
            }
            for a in audits.iter().filter(|a| a.to == v) {
                if let Some(from) = &a.from {
                    first.get_or_insert(&a.source);
                    stack.push(from.clone());
                }
            }
        }
        None
    }
}

fn version(s: &Spanned<String>, at: &dyn Fn(std::ops::Range<usize>) -> String) -> Result<Version> {
    Version::parse(s.get_ref().trim())
        .map_err(|e| anyhow!("{}: version {:?}: {e}", at(s.span()), s.get_ref()))
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        anyhow!(
            "{name}:{}",
            crate::workspace::lockfile::toml_error(text, &e)
        )
    })
}

/// Which criteria each criterion implies (transitively).
struct Implications(HashMap<String, Vec<String>>);

impl Implications {
    fn closure(&self, has: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = HashSet::new();
        let mut stack: Vec<String> = has.to_vec();
        while let Some(c) = stack.pop() {
            if out.insert(c.clone())
                && let Some(more) = self.0.get(&c)
            {
                stack.extend(more.iter().cloned());
            }
        }
        out
    }
}

fn implications(custom: &BTreeMap<String, RawCriterion>) -> Implications {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    map.insert("safe-to-deploy".into(), vec!["safe-to-run".into()]);
    for (name, c) in custom {
        let list = match &c.implies {
            None => Vec::new(),
            Some(Criteria::One(s)) => vec![s.clone()],
            Some(Criteria::Many(v)) => v.clone(),
        };
        map.entry(name.clone()).or_default().extend(list);
    }
    Implications(map)
}

#[derive(serde::Deserialize)]
struct AuditsFile {
    #[serde(default)]
    criteria: BTreeMap<String, RawCriterion>,
    #[serde(default)]
    audits: BTreeMap<String, Vec<RawAudit>>,
}

#[derive(serde::Deserialize)]
struct ImportsFile {
    #[serde(default)]
    audits: BTreeMap<String, ImportedAudits>,
}

#[derive(serde::Deserialize)]
struct ImportedAudits {
    #[serde(default)]
    audits: BTreeMap<String, Vec<RawAudit>>,
}

#[derive(serde::Deserialize)]
struct RawCriterion {
    implies: Option<Criteria>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Criteria {
    One(String),
    Many(Vec<String>),
}

#[derive(serde::Deserialize)]
struct RawAudit {
    criteria: Option<Spanned<Criteria>>,
    version: Option<Spanned<String>>,
    delta: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn store(audits: &str, imports: &str, criteria: &[&str]) -> Store {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("audits.toml"), audits).unwrap();
        std::fs::write(dir.path().join("imports.lock"), imports).unwrap();
        let c: Vec<String> = criteria.iter().map(|s| s.to_string()).collect();
        Store::read(dir.path(), "supply-chain", &c).unwrap()
    }

    #[test]
    fn full_audits_delta_chains_and_where_vetting_comes_from() {
        let s = store(
            "[criteria.crypto-reviewed]\ndescription = \"x\"\nimplies = \"safe-to-deploy\"\n\n[[audits.a]]\nwho = \"me\"\ncriteria = \"safe-to-deploy\"\nversion = \"1.0.0\"\n\n[[audits.a]]\ncriteria = \"safe-to-deploy\"\ndelta = \"1.0.0 -> 1.1.0\"\n\n[[audits.a]]\ncriteria = [\"crypto-reviewed\"]\ndelta = \"1.1.0 -> 1.2.0\"\n\n[[audits.a]]\ncriteria = \"safe-to-run\"\nversion = \"9.0.0\"\n\n[[audits.b]]\ncriteria = \"safe-to-deploy\"\ndelta = \"2.0.0 -> 2.1.0\"\n",
            "[[audits.mozilla.audits.c]]\nwho = \"them\"\ncriteria = \"safe-to-deploy\"\nversion = \"3.0.0\"\n",
            &["safe-to-deploy"],
        );
        let none = |_: &Version| false;
        assert_eq!(
            s.vetted_by("a", &v("1.0.0"), &none).as_deref(),
            Some("own audits")
        );
        assert_eq!(
            s.vetted_by("a", &v("1.1.0"), &none).as_deref(),
            Some("own audits")
        );
        // A custom criterion implying safe-to-deploy counts.
        assert_eq!(
            s.vetted_by("a", &v("1.2.0"), &none).as_deref(),
            Some("own audits")
        );
        // safe-to-run does not imply safe-to-deploy.
        assert_eq!(s.vetted_by("a", &v("9.0.0"), &none), None);
        // A delta from a version pin.toml vetted.
        assert_eq!(s.vetted_by("b", &v("2.1.0"), &none), None);
        let pin = |x: &Version| *x == v("2.0.0");
        assert_eq!(
            s.vetted_by("b", &v("2.1.0"), &pin).as_deref(),
            Some("own audits")
        );
        assert_eq!(
            s.vetted_by("c", &v("3.0.0"), &none).as_deref(),
            Some("mozilla")
        );
        assert_eq!(s.vetted_by("c", &v("3.0.1"), &none), None);
        // safe-to-run is implied by every safe-to-deploy audit.
        let run = store(
            "[[audits.a]]\ncriteria = \"safe-to-deploy\"\nversion = \"1.0.0\"\n",
            "",
            &["safe-to-run"],
        );
        assert!(run.vetted_by("a", &v("1.0.0"), &none).is_some());
    }

    #[test]
    fn a_malformed_store_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("audits.toml"),
            "[[audits.a]]\ncriteria = \"safe-to-deploy\"\n\ndelta = \"1.0.0 => 1.1.0\"\n",
        )
        .unwrap();
        let e =
            Store::read(dir.path(), "supply-chain", &[DEFAULT_CRITERIA.to_string()]).unwrap_err();
        assert!(
            e.to_string().starts_with("supply-chain/audits.toml:4"),
            "{e}"
        );
        std::fs::write(dir.path().join("audits.toml"), "[[audits.a]\n").unwrap();
        let e =
            Store::read(dir.path(), "supply-chain", &[DEFAULT_CRITERIA.to_string()]).unwrap_err();
        assert!(
            e.to_string().starts_with("supply-chain/audits.toml:1"),
            "{e}"
        );
    }
}
