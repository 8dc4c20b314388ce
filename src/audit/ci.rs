//! Judging the CI surface ([`crate::ci`]): rules `ci-cargo-install`,
//! `ci-toolchain`, `ci-action-ref` and `container-image`. Each finding
//! names its file (relative to the workspace root) and line, and carries
//! the offline edit `fix` makes for it, when there is one.

use crate::audit::finding::Finding;
use crate::audit::rule::Rule;
use crate::change::edit::TextEdit;
use crate::ci::{CiFile, Site, Surface, Val, action_repo, is_sha};
use crate::workspace::toolchain::Toolchain;

/// A finding in a CI file, with what `fix` can do about it offline.
#[derive(Debug, Clone)]
pub(crate) struct CiFinding {
    /// Index into the surface's files.
    pub file: usize,
    pub finding: Finding,
    /// What the edits write, for the fix report.
    pub from: String,
    pub to: Option<String>,
    pub edits: Vec<TextEdit>,
    /// Why `fix` leaves it, when it has no edit.
    pub left: Option<String>,
    /// For `ci-action-ref`: what `fix --ci` resolves and where it writes.
    pub action: Option<ActionRef>,
    /// For `ci-cargo-install`: the crate word `fix --ci` writes
    /// `NAME@X.Y.Z` over.
    pub bare: Option<std::ops::Range<usize>>,
}

/// An action's ref, as `fix --ci` pins it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionRef {
    /// `OWNER/REPO`.
    pub repo: String,
    pub reference: String,
    /// The ref's bytes, replaced by the commit.
    pub span: std::ops::Range<usize>,
    /// Where ` # REF` goes (after any closing quote); `None` when the line's
    /// comment already starts with the ref.
    pub comment_at: Option<usize>,
}

/// The CI findings of the workspace's surface, as `check` lists them
/// (nothing when the surface was not read).
pub(crate) fn found(
    ws: &crate::workspace::Workspace,
    out: &mut Vec<crate::audit::check::Found<'_>>,
) {
    if let Some(surface) = &ws.ci {
        out.extend(
            judge(surface, &ws.toolchain)
                .into_iter()
                .map(|c| crate::audit::check::Found::file(c.finding)),
        );
    }
}

/// Every CI finding, in file and line order.
pub(crate) fn judge(surface: &Surface, toolchain: &Toolchain) -> Vec<CiFinding> {
    let pinned = match toolchain {
        Toolchain::Pinned { file, channel } if channel != "(custom path)" => {
            Some((file.as_str(), channel.as_str()))
        }
        _ => None,
    };
    let mut out = Vec::new();
    for (i, f) in surface.files.iter().enumerate() {
        for site in &f.sites {
            site_findings(i, f, site, pinned, &mut out);
        }
    }
    out.sort_by_key(|c| (c.file, c.finding.line));
    out
}

fn site_findings(
    file: usize,
    f: &CiFile,
    site: &Site,
    pinned: Option<(&str, &str)>,
    out: &mut Vec<CiFinding>,
) {
    match site {
        Site::Install(i) => {
            let tool = if i.binstall {
                "cargo binstall"
            } else {
                "cargo install"
            };
            for c in &i.crates {
                let mut missing = Vec::new();
                if !i.binstall && !i.locked {
                    missing.push("no `--locked`, so its dependencies resolve afresh".to_string());
                }
                match &i.git {
                    Some((url, false)) => missing.push(format!("`--git {url}` with no `--rev`")),
                    Some(_) => {}
                    None if c.version.is_none() => {
                        missing.push("no exact version, so the newest release".into())
                    }
                    None => {}
                }
                if missing.is_empty() {
                    continue;
                }
                let message = format!("`{tool} {}` has {}", c.name, missing.join(" and "));
                let r = add(
                    out,
                    file,
                    &f.rel,
                    Rule::CiCargoInstall,
                    c.line,
                    Some(c.name.clone()),
                    message,
                );
                r.from = format!("{tool} {}", c.name);
                if i.git.is_none() {
                    r.bare = c.bare.clone();
                }
                if let Some((_, false)) = &i.git
                    && i.locked
                {
                    r.left = Some("a `--rev` needs the repository's commit (the network)".into());
                } else if !i.binstall && !i.locked {
                    r.to = Some(format!("{tool} --locked {}", c.name));
                    r.edits.push(TextEdit {
                        range: i.insert_locked..i.insert_locked,
                        text: " --locked".into(),
                    });
                } else {
                    r.left = Some("an exact version needs the registry: `fix --ci`".into());
                }
            }
        }
        Site::InstallAction {
            tool,
            version: None,
            line,
        } => {
            let message = format!(
                "`taiki-e/install-action` installs `{tool}` with no `@X.Y.Z`: the newest release"
            );
            let r = add(
                out,
                file,
                &f.rel,
                Rule::CiCargoInstall,
                *line,
                Some(tool.clone()),
                message,
            );
            r.from = tool.clone();
            r.left = Some("a version needs the registry (not written by `fix --ci` yet)".into());
        }
        Site::InstallAction { .. } => {}
        Site::Toolchain {
            what,
            values,
            line,
            package,
            floats_unset,
        } => {
            let floating: Vec<&Val> = values.iter().filter(|v| floats(&v.text)).collect();
            if *floats_unset || !floating.is_empty() {
                let from_matrix = floating.iter().any(|v| v.span.is_none());
                let mut names: Vec<&str> = Vec::new();
                for v in &floating {
                    if !names.contains(&v.text.as_str()) {
                        names.push(&v.text);
                    }
                }
                let message = if *floats_unset {
                    format!("{what} moves to whatever release is newest")
                } else if from_matrix {
                    format!(
                        "{what} takes `{}`, which moves with every release",
                        names.join("`, `")
                    )
                } else {
                    format!("{what} names a channel that moves with every release")
                };
                let r = add(
                    out,
                    file,
                    &f.rel,
                    Rule::CiToolchain,
                    *line,
                    package.clone(),
                    message,
                );
                r.from = what.trim_matches('`').to_string();
                match (pinned, from_matrix || *floats_unset) {
                    (Some((_, channel)), false)
                        if !floating.iter().all(|v| v.text == channel_of(channel)) =>
                    {
                        r.left = Some(format!(
                            "`{}` is not the channel the toolchain file pins (`{channel}`): pin a release or a dated nightly here",
                            names.join("`, `")
                        ));
                    }
                    (Some((_, channel)), false) => {
                        r.edits = floating
                            .iter()
                            .filter_map(|v| v.span.clone())
                            .map(|range| TextEdit {
                                range,
                                text: channel.to_string(),
                            })
                            .collect();
                        r.to = Some(r.from.replacen(names[0], channel, 1));
                    }
                    (Some(_), true) if *floats_unset => {
                        r.left = Some("no toolchain is named here to replace".into())
                    }
                    (Some(_), true) => {
                        r.left = Some("the value comes from a matrix: choose its values".into())
                    }
                    (None, _) => {
                        r.left =
                            Some("the workspace's toolchain file names no exact release".into())
                    }
                }
                return;
            }
            if let Some((tc_file, channel)) = pinned
                && let Some(v) = values.iter().find(|v| v.text != channel)
            {
                let message = format!("{what} uses `{}`, but {tc_file} pins `{channel}`", v.text);
                let r = add(
                    out,
                    file,
                    &f.rel,
                    Rule::CiToolchain,
                    *line,
                    package.clone(),
                    message,
                );
                r.from = v.text.clone();
                r.left = Some(format!(
                    "it differs from {tc_file}, maybe on purpose (an MSRV job?)"
                ));
            }
        }
        Site::Action { uses, line, span } => {
            if let Some(image) = uses.strip_prefix("docker://") {
                if !image.contains("@sha256:") {
                    let message =
                        format!("`{uses}` has no `@sha256:` digest, so the image can change");
                    let r = add(
                        out,
                        file,
                        &f.rel,
                        Rule::CiActionRef,
                        *line,
                        Some(image_name(image).into()),
                        message,
                    );
                    r.from = uses.clone();
                    r.left = Some("a digest needs the image registry".into());
                }
                return;
            }
            let Some((repo, reference)) = action_repo(uses) else {
                return;
            };
            if is_sha(reference) {
                return;
            }
            let message = format!(
                "`{uses}` follows `{reference}`, a tag or branch that can be moved, not a commit"
            );
            let r = add(
                out,
                file,
                &f.rel,
                Rule::CiActionRef,
                *line,
                Some(repo.clone()),
                message,
            );
            r.from = uses.clone();
            r.left = Some("resolving a tag needs the network: `fix --ci`".into());
            let quoted = matches!(f.text.as_bytes().get(span.end), Some(b'"' | b'\''));
            let after = span.end + usize::from(quoted);
            let rest = f.text[after..].split('\n').next().unwrap_or("");
            let commented = rest
                .trim_start()
                .strip_prefix('#')
                .is_some_and(|c| c.trim_start().starts_with(reference));
            r.action = Some(ActionRef {
                repo,
                reference: reference.to_string(),
                span: span.end - reference.len()..span.end,
                comment_at: (!commented).then_some(after),
            });
        }
        Site::Image { what, values, line } => {
            let Some((v, why)) = values
                .iter()
                .find_map(|v| image_problem(&v.text).map(|w| (v, w)))
            else {
                return;
            };
            let message = format!("{what} `{}` {why}", v.text);
            let r = add(
                out,
                file,
                &f.rel,
                Rule::ContainerImage,
                *line,
                Some(image_name(&v.text).into()),
                message,
            );
            r.from = v.text.clone();
            r.left = Some("a digest needs the image registry".into());
        }
    }
}

fn add<'o>(
    out: &'o mut Vec<CiFinding>,
    file: usize,
    rel: &str,
    rule: Rule,
    line: usize,
    package: Option<String>,
    message: String,
) -> &'o mut CiFinding {
    let mut finding = Finding::file(rule, rel, Some(line), message);
    finding.package = package;
    out.push(CiFinding {
        file,
        finding,
        from: String::new(),
        to: None,
        edits: Vec::new(),
        left: None,
        action: None,
        bare: None,
    });
    out.last_mut().expect("just pushed")
}

/// The moving channel a pinned toolchain belongs to: `nightly` for
/// `nightly-2025-01-01`, `beta` for a dated beta, `stable` for a release.
/// `fix` replaces only that channel by it: a nightly job pinned to a
/// stable release would lose what it runs nightly for.
fn channel_of(pinned: &str) -> &'static str {
    if pinned.starts_with("nightly") {
        "nightly"
    } else if pinned.starts_with("beta") {
        "beta"
    } else {
        "stable"
    }
}

/// A toolchain name that moves: `stable`, `beta`, `nightly` (with a host
/// suffix or not) without a date.
pub(crate) fn floats(v: &str) -> bool {
    let base = v.split('-').next().unwrap_or(v);
    let dated = v
        .strip_prefix(base)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.get(..10))
        .is_some_and(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok());
    matches!(base, "stable" | "beta" | "nightly" | "latest") && !dated
}

/// The image without its tag and digest: what `[[exempt]]` names.
pub(crate) fn image_name(image: &str) -> &str {
    let name = image.split('@').next().unwrap_or(image);
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    }
}

/// Why an image reference can change, or `None` when it is pinned.
fn image_problem(image: &str) -> Option<&'static str> {
    if image.contains("@sha256:") {
        return None;
    }
    let name = image_name(image);
    let tag = image.get(name.len()..).and_then(|t| t.strip_prefix(':'));
    Some(match tag {
        None | Some("") => "has no tag, so it is `latest`, whatever that is today",
        Some("latest") => "is `:latest`, whatever that is today",
        Some(_) => "has no `@sha256:` digest, and a tag can be moved",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_and_images() {
        for (v, f) in [
            ("stable", true),
            ("nightly-x86_64-gnu", true),
            ("nightly-2025-01-01", false),
            ("1.85.0", false),
            ("1.85", false),
        ] {
            assert_eq!(floats(v), f, "{v}");
        }
        assert_eq!(
            image_name("ghcr.io:5000/a/b:1.2@sha256:ab"),
            "ghcr.io:5000/a/b"
        );
        assert_eq!(image_name("localhost:5000/rust"), "localhost:5000/rust");
        assert_eq!(
            image_problem("rust"),
            Some("has no tag, so it is `latest`, whatever that is today")
        );
        assert_eq!(
            image_problem("rust:latest"),
            Some("is `:latest`, whatever that is today")
        );
        assert!(image_problem("rust:1.85@sha256:00").is_none());
    }
}
