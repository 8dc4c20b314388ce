//! `fix` in CI files, offline: `--locked` added to `cargo install`, and a
//! floating toolchain replaced by the workspace's `rust-toolchain(.toml)`
//! release. Edits replace exact byte spans; the YAML and Dockerfiles are
//! never re-serialised. Each edited file is read again and judged, and
//! must no longer have what was fixed, or nothing is written.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};

use crate::audit::check::Triage;
use crate::audit::ci::judge;
use crate::audit::rule::{Level, Rule};
use crate::change::edit::{self, TextEdit};
use crate::change::fix::{Left, Plan};
use crate::change::{FileChange, Rewrite};
use crate::ci::remote::Resolver;
use crate::ci::{CiFile, Site, Surface, read_text};
use crate::workspace::Workspace;

/// The `table` of CI edits and of CI findings left, in `fix`'s reports.
pub(crate) const TABLE: &str = "ci";

/// Plans the CI edits into `plan`: its rewrites, what is left, the files.
///
/// With `network` (`fix --ci`), action refs at level warn or deny are also
/// pinned to the commit their tag or branch points to, the ref kept as a
/// comment; a ref that cannot be resolved is an error, and nothing is
/// written.
pub(crate) fn plan(
    ws: &Workspace,
    triage: &Triage<'_>,
    network: bool,
    versions: &BTreeMap<String, Result<String, String>>,
    plan: &mut Plan,
) -> Result<()> {
    let Some(surface) = &ws.ci else {
        return Ok(());
    };
    let mut resolver = Resolver::default();
    let mut by_file: BTreeMap<usize, (Vec<TextEdit>, Vec<Rewrite>)> = BTreeMap::new();
    let mut findings = judge(surface, &ws.toolchain);
    // Action refs last: `dtolnay/rust-toolchain@stable` may be given the
    // toolchain file's release first, and that is the ref to resolve.
    findings.sort_by_key(|c| c.action.is_some());
    for mut c in findings {
        let f = c.finding.clone();
        let from = c.from.clone();
        let line = f.line.unwrap_or(1);
        let name = f.package.clone().unwrap_or_else(|| "toolchain".into());
        let leave = |plan: &mut Plan, reason: String| {
            plan.left.push(Left {
                manifest: f.manifest.clone(),
                line,
                table: TABLE.into(),
                name: name.clone(),
                rule: f.rule,
                requirement: from.clone(),
                reason,
            })
        };
        if triage.exempt(&f) {
            leave(plan, "exempted in pin.toml".into());
            continue;
        }
        let level = triage.level(f.rule);
        if let (true, Some(a), true) = (network, &c.action, level != Level::Allow) {
            let planned = &mut by_file.entry(c.file).or_default().0;
            let reference = match planned.iter().position(|e| e.range == a.span) {
                Some(i) => planned.remove(i).text,
                None => a.reference.clone(),
            };
            let commit = resolver
                .commit(&a.repo, &reference, &ws.root)
                .with_context(|| format!("{}:{line}: `{}`", f.manifest, c.from))?;
            c.edits.push(TextEdit {
                range: a.span.clone(),
                text: commit.clone(),
            });
            if let Some(at) = a.comment_at {
                c.edits.push(TextEdit {
                    range: at..at,
                    text: format!(" # {reference}"),
                });
            }
            let path = c.from.split('@').next().unwrap_or_default();
            c.to = Some(format!("{path}@{commit} # {reference}"));
        } else if level != Level::Deny {
            leave(plan, format!("`{}` is at level {level}", f.rule));
            continue;
        }
        if let (Some(bare), Some(name)) = (&c.bare, &f.package)
            && let Some(chosen) = versions.get(name)
        {
            match chosen {
                Ok(version) => {
                    c.edits.push(TextEdit {
                        range: bare.clone(),
                        text: format!("{name}@{version}"),
                    });
                    let to = c.to.clone().unwrap_or_else(|| c.from.clone());
                    c.to = Some(format!("{to}@{version}"));
                }
                Err(reason) => c.left = Some(reason.clone()),
            }
        }
        let (Some(to), false) = (&c.to, c.edits.is_empty()) else {
            leave(
                plan,
                c.left.clone().unwrap_or_else(|| "no offline fix".into()),
            );
            continue;
        };
        let rewrite = Rewrite {
            manifest: f.manifest.clone(),
            line,
            table: TABLE.into(),
            name: name.clone(),
            rule: Some(f.rule),
            from: c.from.clone(),
            to: to.clone(),
        };
        let (edits, rewrites) = by_file.entry(c.file).or_default();
        // Crates of one `cargo install` share its `--locked`.
        for e in &c.edits {
            if !edits.contains(e) {
                edits.push(e.clone());
            }
        }
        rewrites.push(rewrite);
    }
    for (idx, (edits, mut rewrites)) in by_file {
        rewrites.sort_by_key(|r| r.line);
        let file = &surface.files[idx];
        let after = edit::apply(&file.text, &edits)?;
        verify(file, &after, &rewrites, ws)?;
        plan.edits.extend(rewrites);
        plan.changes.files.push(FileChange {
            path: file.path.clone(),
            rel: file.rel.clone(),
            before: file.text.clone(),
            after,
        });
    }
    Ok(())
}

/// Reads the edited text again: the same sites must be there, and what
/// each rewrite fixed must be gone.
fn verify(file: &CiFile, after: &str, rewrites: &[Rewrite], ws: &Workspace) -> Result<()> {
    let sites = read_text(file.kind, after).map_err(|(line, msg)| {
        anyhow::anyhow!(
            "internal error: the edited {}:{line} no longer reads: {msg}",
            file.rel
        )
    })?;
    if sites.len() != file.sites.len() {
        bail!(
            "internal error: editing {} changed what it runs; nothing was written",
            file.rel
        );
    }
    let edited = CiFile {
        text: after.to_string(),
        sites,
        ..file.clone()
    };
    let one = Surface {
        files: vec![edited.clone()],
    };
    let now = judge(&one, &ws.toolchain);
    for r in rewrites {
        let still = match r.rule {
            Some(Rule::CiActionRef) => now
                .iter()
                .any(|c| c.finding.rule == Rule::CiActionRef && c.finding.line == Some(r.line)),
            Some(Rule::CiCargoInstall) if r.to.contains('@') => now.iter().any(|c| {
                c.finding.rule == Rule::CiCargoInstall
                    && c.finding.line == Some(r.line)
                    && c.finding.package.as_deref() == Some(r.name.as_str())
            }),
            Some(Rule::CiCargoInstall) => edited.sites.iter().any(|s| {
                matches!(s, Site::Install(i) if !i.locked && i.crates.iter().any(|c| c.line == r.line))
            }),
            _ => now
                .iter()
                .any(|c| c.finding.rule == Rule::CiToolchain && c.finding.line == Some(r.line)),
        };
        if still {
            bail!(
                "internal error: the edit of {}:{} did not pin it; nothing was written",
                r.manifest,
                r.line
            );
        }
    }
    Ok(())
}

/// The crates CI installs with no version written, which `fix --ci` asks
/// the registry about.
pub(crate) fn unversioned_crates(ws: &Workspace) -> Vec<String> {
    let Some(surface) = &ws.ci else {
        return Vec::new();
    };
    let mut out: Vec<String> = judge(surface, &ws.toolchain)
        .into_iter()
        .filter(|c| c.bare.is_some())
        .filter_map(|c| c.finding.package)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The version `fix --ci` writes for each crate: the newest release that
/// is not yanked nor a prerelease, passes the cooldown and, with
/// `require-vetted`, is vetted; or why there is none.
pub(crate) fn choose_versions(
    ws: &Workspace,
    policy: &crate::audit::policy::Policy,
    sources: &mut crate::registry::sources::Sources,
    now: jiff::Timestamp,
    progress: std::sync::Arc<dyn crate::registry::Progress>,
) -> Result<BTreeMap<String, Result<String, String>>> {
    use crate::audit::release::{Criteria, Status};
    let crates = unversioned_crates(ws);
    let mut out = BTreeMap::new();
    if crates.is_empty() {
        return Ok(out);
    }
    let registry = sources.for_dependency(None)?;
    let wanted: Vec<_> = crates
        .iter()
        .map(|c| (registry.clone(), c.clone()))
        .collect();
    let index = sources.fetch(&wanted, false, progress)?;
    let criteria = Criteria::new(ws, policy, &registry, now);
    for krate in crates {
        let releases = index.releases(&registry, &krate).unwrap_or_default();
        let chosen = releases
            .iter()
            .rev()
            .find(|r| match criteria.status(&krate, r) {
                Status::Vetted => true,
                Status::Unvetted | Status::IncompatibleRust => {
                    !policy.require_vetted || policy.is_vetted(&krate, &r.version)
                }
                Status::Denied | Status::Yanked | Status::Prerelease | Status::TooNew => false,
            });
        let choice = match chosen {
            Some(r) => Ok(r.version.to_string()),
            None => Err(format!(
                "no release of `{krate}` passes the cooldown{}",
                if policy.require_vetted {
                    " and is vetted"
                } else {
                    ""
                }
            )),
        };
        out.insert(krate, choice);
    }
    Ok(out)
}
