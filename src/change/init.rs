//! `cargo pin init`: a commented `pin.toml` for a workspace, the library
//! profile for a published library (README, "When exact pins are right"),
//! written through the change pipeline and never over an existing file.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use toml_edit::{DocumentMut, Item};

use super::{ChangeSet, FileChange};
use crate::audit::policy::Policy;
use crate::audit::rule::{Level, Rule};
use crate::workspace::Workspace;
use crate::workspace::manifest::Manifest;

/// The `#:schema` directive on the first line of a written pin.toml: the
/// schema in this repository, which taplo (and editors using it) fetch.
pub(crate) const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/cargo-pin/cargo-pin/main/schema/pin.schema.json";

/// Which policy suits the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Profile {
    /// Anything shipped from this lockfile: exact pins everywhere.
    Application,
    /// A library published to crates.io (`package` names the first one,
    /// `others` how many more there are): normal dependencies stay
    /// semver-compatible ranges.
    Library { package: String, others: usize },
}

impl Profile {
    /// Why the library profile: `` `lib` is a library published to
    /// crates.io``.
    pub(crate) fn why(&self) -> String {
        match self {
            Profile::Application => "nothing here is a published library".into(),
            Profile::Library { package, .. } if package.is_empty() => {
                "`--profile library` asked for it".into()
            }
            Profile::Library { package, others: 0 } => {
                format!("`{package}` is a library published to crates.io")
            }
            Profile::Library { package, others } => {
                format!("`{package}` and {others} more are libraries published to crates.io")
            }
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Profile::Application => "application",
            Profile::Library { .. } => "library",
        }
    }
}

/// The library profile when a member publishes a library: a package whose
/// `publish` is not `false` (or `[]`) and that has a library target
/// (`[lib]`, or `src/lib.rs` found by cargo's auto-discovery).
pub(crate) fn profile(ws: &Workspace) -> Profile {
    let root_doc = ws
        .manifests
        .first()
        .and_then(|m| m.text.parse::<DocumentMut>().ok());
    let mut libraries = ws.manifests.iter().filter_map(|m| {
        let package = m.package.as_ref()?;
        let doc = m.text.parse::<DocumentMut>().ok()?;
        (publishes(&doc, root_doc.as_ref()) && has_lib(m, &doc)).then(|| package.clone())
    });
    match libraries.next() {
        Some(package) => Profile::Library {
            package,
            others: libraries.count(),
        },
        None => Profile::Application,
    }
}

fn publishes(doc: &DocumentMut, root: Option<&DocumentMut>) -> bool {
    let Some(publish) = doc.get("package").and_then(|p| p.get("publish")) else {
        return true;
    };
    let inherited = publish
        .get("workspace")
        .and_then(Item::as_bool)
        .unwrap_or(false);
    let value = if inherited {
        match root
            .and_then(|r| r.get("workspace"))
            .and_then(|w| w.get("package"))
            .and_then(|p| p.get("publish"))
        {
            Some(v) => v,
            None => return true,
        }
    } else {
        publish
    };
    if let Some(b) = value.as_bool() {
        return b;
    }
    value.as_array().is_none_or(|a| !a.is_empty())
}

fn has_lib(m: &Manifest, doc: &DocumentMut) -> bool {
    if doc.get("lib").is_some() {
        return true;
    }
    let autolib = doc
        .get("package")
        .and_then(|p| p.get("autolib"))
        .and_then(Item::as_bool)
        .unwrap_or(true);
    autolib
        && m.path
            .parent()
            .is_some_and(|d| d.join("src/lib.rs").is_file())
}

/// The rules the library profile relaxes to `warn`, as the README's
/// profile does: the ranges that keep a library's users free to unify
/// versions. The others keep their default.
fn library_level(rule: Rule) -> Level {
    match rule {
        Rule::Caret | Rule::Tilde | Rule::Range => Level::Warn,
        other => other.default_level(),
    }
}

/// The commented pin.toml for `profile`.
pub(crate) fn template(profile: &Profile) -> String {
    let mut t = format!("#:schema {SCHEMA_URL}\n");
    t.push_str(
        "#\n\
         # cargo-pin's policy for this workspace, read by every `cargo pin` command.\n\
         # Every key is optional: what is commented out shows the default. Unknown\n\
         # keys and bad values are errors, so a typo cannot quietly stop the gate.\n\
         # Reference: https://github.com/cargo-pin/cargo-pin#policy-file-pintoml\n",
    );
    match profile {
        Profile::Application => t.push_str(
            "#\n\
             # The application profile: everything shipped from this Cargo.lock is\n\
             # pinned exactly (`cargo pin fix` writes the pins).\n",
        ),
        Profile::Library { .. } => {
            let text = format!(
                "The library profile, because {}: an exact pin in a library's \
                 [dependencies] reaches every user, so normal requirements stay \
                 semver-compatible ranges (warn, not deny), while Cargo.lock, git \
                 branches and wildcards are still held to account.",
                profile.why()
            );
            t.push_str("#\n");
            for line in textwrap::wrap(&text, 76) {
                t.push_str(&format!("# {line}\n"));
            }
        }
    }
    t.push_str(
        "\n\
         # A level per rule id: \"deny\" (fails the run, exit 1), \"warn\" or \"allow\".\n\
         [rules]\n",
    );
    for rule in Rule::ALL {
        let (level, comment) = match profile {
            Profile::Library { .. } if library_level(*rule) != rule.default_level() => {
                (library_level(*rule), "")
            }
            _ => (rule.default_level(), "# "),
        };
        for line in textwrap::wrap(rule.summary(), 76) {
            t.push_str(&format!("# {line}\n"));
        }
        t.push_str(&format!("{comment}{} = \"{level}\"\n\n", rule.id()));
    }
    t.push_str(
        "# Let a dependency float, for a reason, for a while:\n\
         # [[exempt]]\n\
         # crate = \"windows-sys\"     # a crate, an action's OWNER/REPO or an image\n\
         # rules = [\"caret\"]         # optional; default: every rule\n\
         # reason = \"chosen by the platform team\"\n\
         # expires = \"2027-03-31\"    # optional; past it, exemption-expired\n\
         \n\
         # New releases (`outdated`, `upgrade`, `check --registry`, `review`):\n\
         # [registry]\n\
         # min-release-age = \"7 days\"   # cooldown: minutes, hours, days or weeks\n\
         # require-vetted = \"direct\"    # false, \"direct\" (true), \"changed\", \"all\"\n\
         # require-publish-time = false # true: no publish time counts as too new\n\
         \n\
         # Releases a reviewer vetted (`cargo pin allow` records them):\n\
         # [[vetted]]\n\
         # crate = \"serde\"\n\
         # versions = [\"1.0.229\"]\n\
         # reason = \"read the diff\"\n\
         \n\
         # Releases known bad (`cargo pin deny` records them):\n\
         # [[denied]]\n\
         # crate = \"tracing\"\n\
         # versions = [\"0.1.38\", \">=0.1.40, <0.1.42\"]\n\
         # reason = \"panics when the subscriber is dropped\"\n\
         \n\
         # The CI files around the workspace (workflows, Dockerfiles):\n\
         [ci]\n\
         scan = true\n",
    );
    t
}

/// Plans writing `text` as the policy at `path` (`shown` in messages):
/// refused when a file is already there; the text must be a policy.
pub(crate) fn plan(root: &Path, path: &Path, shown: &str, text: &str) -> Result<ChangeSet> {
    if path.exists() || path.symlink_metadata().is_ok() {
        bail!(
            "{shown} already exists; cargo pin init never replaces a policy (edit it, or remove it first)"
        );
    }
    Policy::parse(shown, text).map_err(|e| {
        anyhow!("internal error: the pin.toml written is not a valid policy: {e:#}")
    })?;
    Ok(ChangeSet {
        files: vec![FileChange::new(
            path.to_path_buf(),
            shown.to_string(),
            String::new(),
            text,
        )],
        root: root.to_path_buf(),
        read: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_profiles_parse_as_policies() {
        let app = Policy::parse("pin.toml", &template(&Profile::Application)).unwrap();
        assert!(app.levels.is_empty(), "{:?}", app.levels);
        assert!(app.ci.scan);
        let lib = Policy::parse(
            "pin.toml",
            &template(&Profile::Library {
                package: "lib".into(),
                others: 0,
            }),
        )
        .unwrap();
        assert_eq!(lib.levels.get(&Rule::Caret), Some(&Level::Warn));
        assert_eq!(lib.levels.get(&Rule::Wildcard), None);
    }

    #[test]
    fn the_library_profile_is_the_readme_s() {
        let readme = include_str!("../../README.md");
        let block = readme
            .split("# pin.toml for a published library\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .expect("the README's library profile");
        let documented = Policy::parse("README.md", block).unwrap();
        let written = Policy::parse(
            "pin.toml",
            &template(&Profile::Library {
                package: "lib".into(),
                others: 0,
            }),
        )
        .unwrap();
        let level = |p: &Policy, r: &Rule| p.levels.get(r).copied().unwrap_or(r.default_level());
        for rule in Rule::ALL {
            assert_eq!(level(&written, rule), level(&documented, rule), "{rule}");
        }
    }

    #[test]
    fn the_schema_directive_is_the_first_line() {
        let t = template(&Profile::Application);
        assert_eq!(
            t.lines().next(),
            Some(format!("#:schema {SCHEMA_URL}").as_str())
        );
        for rule in Rule::ALL {
            assert!(t.contains(&format!("\n# {} = \"", rule.id())), "{rule}");
        }
        let lib = template(&Profile::Library {
            package: "a-long-package-name".into(),
            others: 12,
        });
        for line in t
            .lines()
            .chain(lib.lines())
            .filter(|l| !l.starts_with("#:schema"))
        {
            assert!(line.len() <= 80, "over 80 columns: {line}");
        }
    }
}
