//! `cargo pin allow CRATE@VERSION… --reason TEXT`: record releases a
//! reviewer vetted as `[[vetted]]` entries in pin.toml, keeping every
//! comment and the order of everything already there.
//!
//! A release the registry does not have (or has yanked) is refused: a
//! typo must not become a vetting.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use semver::Version;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Value};

use crate::change::policy_edit::add_version;

use crate::audit::policy::Policy;
use crate::change::{ChangeSet, FileChange};
use crate::registry::Progress;
use crate::registry::sources::Sources;
use crate::workspace::Workspace;
use crate::workspace::lockfile::Source;
use crate::workspace::manifest::DepSource;

/// One `CRATE@VERSION` from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrateVersion {
    pub krate: String,
    pub version: Version,
}

impl std::str::FromStr for CrateVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (krate, version) = s
            .rsplit_once('@')
            .ok_or_else(|| format!("`{s}`: write CRATE@VERSION, e.g. serde@1.0.229"))?;
        if krate.is_empty() || crate::registry::path::index_path(krate).is_none() {
            return Err(format!("`{s}`: `{krate}` is not a crate name"));
        }
        let version = Version::parse(version)
            .map_err(|e| format!("`{s}`: `{version}` is not a full version ({e})"))?;
        Ok(CrateVersion {
            krate: krate.to_string(),
            version,
        })
    }
}

/// Who vetted, and when: written beside the versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) date: Option<jiff::civil::Date>,
    pub(crate) by: Option<String>,
}

/// What `allow` did to one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub release: CrateVersion,
    /// False when pin.toml already vetted it.
    pub added: bool,
}

/// What to record, and how the registry is reached.
#[derive(Debug, Clone)]
pub(crate) struct Request<'a> {
    pub(crate) releases: &'a [CrateVersion],
    pub(crate) reason: &'a str,
    pub(crate) stamp: Stamp,
    pub(crate) offline: bool,
}

/// Checks each release exists in its registry, then records them all in
/// the policy file at `path` (created if missing), atomically.
pub(crate) fn run(
    ws: &Workspace,
    sources: &mut Sources,
    path: &Path,
    req: &Request<'_>,
    progress: Arc<dyn Progress>,
) -> Result<Vec<Recorded>> {
    let Request {
        releases,
        reason,
        ref stamp,
        offline,
    } = *req;
    if reason.trim().is_empty() {
        bail!("--reason must say why the release was vetted");
    }
    let mut wanted = Vec::new();
    for r in releases {
        wanted.push((registry_of(ws, sources, &r.krate)?, r.krate.clone()));
    }
    let index = sources.fetch(&wanted, offline, progress)?;
    for (r, (reg, _)) in releases.iter().zip(&wanted) {
        let all = index.releases(reg, &r.krate).unwrap_or(&[]);
        match all.iter().find(|x| x.version == r.version) {
            None => {
                let newest = crate::audit::release::latest(all)
                    .map(|x| format!(" (its latest release is {})", x.version))
                    .unwrap_or_default();
                bail!(
                    "registry {} has no release {} of `{}`{newest}",
                    reg.describe(),
                    r.version,
                    r.krate
                );
            }
            Some(x) if x.yanked => bail!(
                "`{}@{}` is yanked in registry {}; vetting it would not make it usable",
                r.krate,
                r.version,
                reg.describe()
            ),
            Some(_) => {}
        }
    }

    let shown = super::shown_path(&ws.root, path);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow!("cannot read {shown}: {e}")),
    };
    // The file must be a valid policy before we touch it.
    let before = Policy::parse(&shown, &text)?;
    for r in releases {
        if let Some(d) = before.denied(&r.krate, &r.version) {
            bail!(
                "`{}@{}` is denied in {shown}:{} ({}); a denied release cannot be vetted: remove its [[denied]] entry first",
                r.krate,
                r.version,
                d.line,
                d.reason
            );
        }
    }
    let (after, outcomes) = record(&shown, &text, releases, reason, stamp)?;
    let checked = Policy::parse(&shown, &after)
        .map_err(|e| anyhow!("internal error: the edited {shown} is not a valid policy: {e:#}"))?;
    for r in releases {
        if !checked.is_vetted(&r.krate, &r.version) {
            bail!(
                "internal error: {}@{} is not vetted after the edit",
                r.krate,
                r.version
            );
        }
    }
    if checked.vetted.len() < before.vetted.len() {
        bail!("internal error: the edit lost a [[vetted]] entry");
    }
    if after != text {
        let change = FileChange::new(path.to_path_buf(), shown.clone(), text, &after);
        ChangeSet {
            files: vec![change],
            root: ws.root.clone(),
            read: Vec::new(),
        }
        .write(None)
        .map_err(|e| anyhow!("cannot write {shown}: {e:#}"))?;
    }
    Ok(outcomes)
}

/// The registry a crate comes from: the one a manifest names it from,
/// else the one Cargo.lock locks it from, else crates.io.
fn registry_of(
    ws: &Workspace,
    sources: &mut Sources,
    krate: &str,
) -> Result<crate::registry::config::Registry> {
    let from_manifest = ws
        .manifests
        .iter()
        .flat_map(|m| &m.deps)
        .find_map(|d| match &d.source {
            DepSource::Registry { registry, .. } if d.package == krate => Some(registry.clone()),
            _ => None,
        });
    if let Some(name) = from_manifest {
        return sources.for_dependency(name.as_deref());
    }
    if let Some(lock) = &ws.lockfile
        && let Some(p) = lock.named(krate).find(|p| p.source.is_registry())
        && let Source::Registry(s) = &p.source
    {
        return sources.for_lock_source(s);
    }
    sources.for_dependency(None)
}

/// Adds each release to pin.toml's text: to the `[[vetted]]` entry for the
/// same crate and reason when there is one, else as a new entry at the end.
pub(crate) fn record(
    shown: &str,
    text: &str,
    releases: &[CrateVersion],
    reason: &str,
    stamp: &Stamp,
) -> Result<(String, Vec<Recorded>)> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| anyhow!("{shown}: {}", e.message()))?;
    if !doc.contains_key("vetted") {
        doc.insert("vetted", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(list) = doc.get_mut("vetted").and_then(Item::as_array_of_tables_mut) else {
        bail!("{shown}: `vetted` must be written as [[vetted]] tables for `allow` to add to it");
    };
    let mut outcomes = Vec::new();
    for r in releases {
        let v = r.version.to_string();
        let already = list.iter().any(|t| {
            t.get("crate").and_then(Item::as_str) == Some(r.krate.as_str())
                && t.get("versions")
                    .and_then(Item::as_array)
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(v.as_str())))
        });
        if already {
            outcomes.push(Recorded {
                release: r.clone(),
                added: false,
            });
            continue;
        }
        // One entry per crate, reason, reviewer and day.
        let date = stamp
            .date
            .and_then(|d| d.to_string().parse::<toml_edit::Datetime>().ok())
            .map(Value::from);
        add_version(
            list,
            &r.krate,
            &v,
            &[
                ("reason", Some(reason.into())),
                ("by", stamp.by.as_deref().map(Value::from)),
                ("date", date),
            ],
        );
        outcomes.push(Recorded {
            release: r.clone(),
            added: true,
        });
    }
    Ok((doc.to_string(), outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(s: &str) -> CrateVersion {
        s.parse().unwrap()
    }

    #[test]
    fn parses_crate_at_version() {
        assert_eq!(
            rel("serde@1.0.229"),
            CrateVersion {
                krate: "serde".into(),
                version: Version::new(1, 0, 229)
            }
        );
        assert!(
            "serde"
                .parse::<CrateVersion>()
                .unwrap_err()
                .contains("CRATE@VERSION")
        );
        assert!(
            "serde@1.0"
                .parse::<CrateVersion>()
                .unwrap_err()
                .contains("full version")
        );
        assert!("@1.0.0".parse::<CrateVersion>().is_err());
        assert!("../x@1.0.0".parse::<CrateVersion>().is_err());
    }

    #[test]
    fn keeps_comments_and_order_and_groups_by_reason() {
        let text = "# our policy\n[rules]\ncaret = \"warn\" # for now\n\n[[vetted]]\ncrate = \"alpha\" # the core\nversions = [\"1.0.0\"]\nreason = \"read the diff\"\n";
        let (after, out) = record(
            "pin.toml",
            text,
            &[rel("alpha@1.2.0"), rel("alpha@1.0.0"), rel("beta@0.1.0")],
            "read the diff",
            &Stamp::default(),
        )
        .unwrap();
        assert_eq!(
            after,
            "# our policy\n[rules]\ncaret = \"warn\" # for now\n\n[[vetted]]\ncrate = \"alpha\" # the core\nversions = [\"1.0.0\", \"1.2.0\"]\nreason = \"read the diff\"\n\n[[vetted]]\ncrate = \"beta\"\nversions = [\"0.1.0\"]\nreason = \"read the diff\"\n"
        );
        assert_eq!(
            out.iter().map(|o| o.added).collect::<Vec<_>>(),
            [true, false, true]
        );
        // Another reason gets its own entry.
        let (again, _) = record(
            "pin.toml",
            &after,
            &[rel("alpha@1.3.0")],
            "fuzzed it",
            &Stamp::default(),
        )
        .unwrap();
        assert!(again.ends_with(
            "[[vetted]]\ncrate = \"alpha\"\nversions = [\"1.3.0\"]\nreason = \"fuzzed it\"\n"
        ));
        let p = Policy::parse("pin.toml", &again).unwrap();
        assert!(p.is_vetted("alpha", &Version::new(1, 3, 0)));
        assert!(p.is_vetted("alpha", &Version::new(1, 2, 0)));
    }

    #[test]
    fn creates_the_file_content_from_nothing() {
        let (after, _) =
            record("pin.toml", "", &[rel("q@0.6.0")], "ok", &Stamp::default()).unwrap();
        assert_eq!(
            after,
            "[[vetted]]\ncrate = \"q\"\nversions = [\"0.6.0\"]\nreason = \"ok\"\n"
        );
    }

    #[test]
    fn refuses_a_vetted_key_it_cannot_extend() {
        let e = record(
            "pin.toml",
            "vetted = 1\n",
            &[rel("q@0.6.0")],
            "ok",
            &Stamp::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("[[vetted]]"), "{e}");
    }

    #[test]
    fn the_date_and_reviewer_are_recorded_one_entry_per_day() {
        let stamp = Stamp {
            date: Some(jiff::civil::date(2026, 12, 1)),
            by: Some("Ana <ana@example.com>".into()),
        };
        let old = "[[vetted]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\nreason = \"read\"\n";
        let (after, _) = record(
            "pin.toml",
            old,
            &[rel("a@1.1.0"), rel("a@1.2.0")],
            "read",
            &stamp,
        )
        .unwrap();
        assert_eq!(
            after,
            format!(
                "{old}\n[[vetted]]\ncrate = \"a\"\nversions = [\"1.1.0\", \"1.2.0\"]\nreason = \"read\"\nby = \"Ana <ana@example.com>\"\ndate = 2026-12-01\n"
            )
        );
        let p = Policy::parse("pin.toml", &after).unwrap();
        let v = &p.vetted[1];
        assert_eq!(v.by.as_deref(), Some("Ana <ana@example.com>"));
        assert_eq!(v.date, Some(jiff::civil::date(2026, 12, 1)));
    }
}
