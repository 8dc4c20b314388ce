//! `cargo pin deny CRATE@VERSION… --reason TEXT [--advisory ID]`: record
//! releases known bad as `[[denied]]` entries in pin.toml, and take them out
//! of `[[vetted]]`, keeping every comment and the order of everything else.
//!
//! Offline on purpose: marking a bad release during an incident must not
//! wait for a registry.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Value};

use crate::change::policy_edit::add_version;

use crate::audit::policy::Policy;
use crate::change::allow::CrateVersion;
use crate::change::{ChangeSet, FileChange};

/// What `deny` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Denials {
    /// Releases newly denied.
    pub(crate) added: Vec<CrateVersion>,
    /// Releases pin.toml denied already.
    pub(crate) already: Vec<CrateVersion>,
    /// Releases taken out of `[[vetted]]`.
    pub(crate) unvetted: Vec<CrateVersion>,
}

/// Plans the edit of the policy file at `path` (`shown` in messages):
/// nothing is written.
pub(crate) fn plan(
    root: &Path,
    path: &Path,
    shown: &str,
    releases: &[CrateVersion],
    reason: &str,
    advisory: Option<&str>,
) -> Result<(ChangeSet, Denials)> {
    if reason.trim().is_empty() {
        bail!("--reason must say why the release is bad");
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow!("cannot read {shown}: {e}")),
    };
    // The file must be a valid policy before we touch it.
    Policy::parse(shown, &text)?;
    let (after, denials) = record(shown, &text, releases, reason, advisory)?;
    let checked = Policy::parse(shown, &after)
        .map_err(|e| anyhow!("internal error: the edited {shown} is not a valid policy: {e:#}"))?;
    for r in releases {
        if checked.denied(&r.krate, &r.version).is_none() || checked.is_vetted(&r.krate, &r.version)
        {
            bail!(
                "internal error: {}@{} is not denied after the edit",
                r.krate,
                r.version
            );
        }
    }
    let mut set = ChangeSet {
        files: Vec::new(),
        root: root.to_path_buf(),
        read: Vec::new(),
    };
    if after != text {
        set.files.push(FileChange::new(
            path.to_path_buf(),
            shown.to_string(),
            text,
            &after,
        ));
    }
    Ok((set, denials))
}

/// Adds each release to the policy text: to the `[[denied]]` entry for the
/// same crate and reason when there is one, else as a new entry; and takes
/// it out of every `[[vetted]]` entry (dropping one left with no version).
pub(crate) fn record(
    shown: &str,
    text: &str,
    releases: &[CrateVersion],
    reason: &str,
    advisory: Option<&str>,
) -> Result<(String, Denials)> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| anyhow!("{shown}: {}", e.message()))?;
    let policy = Policy::parse(shown, text)?;
    let mut out = Denials::default();
    for r in releases {
        let v = r.version.to_string();
        if let Some(list) = doc.get_mut("vetted").and_then(Item::as_array_of_tables_mut) {
            let mut removed = false;
            for t in list.iter_mut() {
                if t.get("crate").and_then(Item::as_str) != Some(r.krate.as_str()) {
                    continue;
                }
                if let Some(a) = t.get_mut("versions").and_then(Item::as_array_mut) {
                    removed |= remove_version(a, &v);
                }
            }
            list.retain(|t| {
                t.get("versions")
                    .and_then(Item::as_array)
                    .is_none_or(|a| !a.is_empty())
            });
            if removed {
                out.unvetted.push(r.clone());
            }
        }
        if policy.denied(&r.krate, &r.version).is_some() {
            out.already.push(r.clone());
            continue;
        }
        if !doc.contains_key("denied") {
            doc.insert("denied", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let Some(list) = doc.get_mut("denied").and_then(Item::as_array_of_tables_mut) else {
            bail!("{shown}: `denied` must be written as [[denied]] tables for `deny` to add to it");
        };
        add_version(
            list,
            &r.krate,
            &v,
            &[
                ("reason", Some(reason.into())),
                ("advisory", advisory.map(Value::from)),
            ],
        );
        out.added.push(r.clone());
    }
    Ok((doc.to_string(), out))
}

/// Removes `version` from a versions array, keeping its layout: the
/// element that becomes first takes the removed first one's leading
/// whitespace (`["a", "b"]` becomes `["b"]`, not `[ "b"]`).
fn remove_version(a: &mut Array, version: &str) -> bool {
    let mut removed = false;
    for i in (0..a.len()).rev() {
        if a.get(i).and_then(|x| x.as_str()) != Some(version) {
            continue;
        }
        if i == 0 && a.len() > 1 {
            let prefix = a
                .get(0)
                .and_then(|x| x.decor().prefix())
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            if let Some(next) = a.get_mut(1) {
                next.decor_mut().set_prefix(prefix);
            }
        }
        a.remove(i);
        removed = true;
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(s: &str) -> CrateVersion {
        s.parse().unwrap()
    }

    #[test]
    fn denies_and_unvets_keeping_the_rest() {
        let text = "# ours\n[[vetted]]\ncrate = \"a\" # core\nversions = [\"1.0.0\", \"1.1.0\"]\nreason = \"read\"\n\n[[vetted]]\ncrate = \"b\"\nversions = [\"2.0.0\"]\nreason = \"read\"\n";
        let (after, d) = record(
            "pin.toml",
            text,
            &[rel("a@1.1.0"), rel("b@2.0.0"), rel("c@0.1.0")],
            "panics on start",
            Some("RUSTSEC-2099-0001"),
        )
        .unwrap();
        assert_eq!(
            after,
            "# ours\n[[vetted]]\ncrate = \"a\" # core\nversions = [\"1.0.0\"]\nreason = \"read\"\n\n[[denied]]\ncrate = \"a\"\nversions = [\"1.1.0\"]\nreason = \"panics on start\"\nadvisory = \"RUSTSEC-2099-0001\"\n\n[[denied]]\ncrate = \"b\"\nversions = [\"2.0.0\"]\nreason = \"panics on start\"\nadvisory = \"RUSTSEC-2099-0001\"\n\n[[denied]]\ncrate = \"c\"\nversions = [\"0.1.0\"]\nreason = \"panics on start\"\nadvisory = \"RUSTSEC-2099-0001\"\n"
        );
        assert_eq!(d.added.len(), 3);
        assert_eq!(d.unvetted, vec![rel("a@1.1.0"), rel("b@2.0.0")]);
        // Again: nothing new.
        let (again, d) = record("pin.toml", &after, &[rel("a@1.1.0")], "other", None).unwrap();
        assert_eq!(again, after);
        assert_eq!(d.already, vec![rel("a@1.1.0")]);
        let p = Policy::parse("pin.toml", &after).unwrap();
        assert!(p.denied("a", &semver::Version::new(1, 1, 0)).is_some());
        assert!(p.is_vetted("a", &semver::Version::new(1, 0, 0)));
    }

    #[test]
    fn a_denied_key_it_cannot_extend_is_refused() {
        let e = record("pin.toml", "denied = 1\n", &[rel("q@0.6.0")], "r", None).unwrap_err();
        assert!(format!("{e:#}").starts_with("pin.toml:1"), "{e:#}");
        let e = record("pin.toml", "denied = []\n", &[rel("q@0.6.0")], "r", None).unwrap_err();
        assert!(format!("{e:#}").contains("[[denied]] tables"), "{e:#}");
    }
}
