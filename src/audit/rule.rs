//! The rules `check` applies, their stable ids and default levels.
//!
//! Rule ids are a public interface: they appear in JSON, SARIF, `pin.toml`
//! and on the command line (`-D caret`). Never rename one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How seriously a finding is taken. `Deny` fails the run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $variant:ident = $id:literal, $level:ident, $summary:literal, $remedy:literal; )*) => {
        /// A rule, identified by its stable kebab-case id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// The level a rule has when neither the policy nor the command
            /// line says otherwise.
            pub fn default_level(self) -> Level {
                match self { $( Rule::$variant => Level::$level, )* }
            }

            /// One line saying what the rule finds.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }

            /// One sentence saying how to resolve a finding.
            pub fn remedy(self) -> &'static str {
                match self { $( Rule::$variant => $remedy, )* }
            }
        }
    };
}

rules! {
    Wildcard = "wildcard", Deny,
        "A wildcard requirement (`*`, `1.*`) accepts any matching release.",
        "Pin the locked version with `=x.y.z` (`cargo pin fix` does it).";
    Caret = "caret", Deny,
        "A caret requirement (`1.2`, `^1.2`) accepts any semver-compatible release.",
        "Pin the locked version with `=x.y.z` (`cargo pin fix` does it).";
    Tilde = "tilde", Deny,
        "A tilde requirement (`~1.2`) accepts any patch release.",
        "Pin the locked version with `=x.y.z` (`cargo pin fix` does it).";
    Range = "range", Deny,
        "A comparison requirement (`>=1`, `<2`, or several) accepts a range of releases.",
        "Pin the locked version with `=x.y.z` (`cargo pin fix` does it).";
    PartialExact = "partial-exact", Deny,
        "An exact requirement with fewer than three parts (`=1.2`) accepts any patch release.",
        "Write all three parts of the locked version, `=x.y.z` (`cargo pin fix` does it).";
    GitBranch = "git-branch", Deny,
        "A git dependency follows a branch (named, or the default branch) and moves with it.",
        "Pin the locked commit with `rev = \"<commit>\"` (`cargo pin fix` does it).";
    GitTag = "git-tag", Warn,
        "A git dependency follows a tag, and tags can be moved.",
        "Pin the tag's commit with `rev = \"<commit>\"` (`cargo pin fix -D git-tag` does it).";
    LockfileMissing = "lockfile-missing", Deny,
        "The workspace has no Cargo.lock, so every build resolves afresh.",
        "Run `cargo generate-lockfile` and commit Cargo.lock.";
    LockfileStale = "lockfile-stale", Deny,
        "No version in Cargo.lock satisfies the requirement, so the next build re-resolves it.",
        "Run `cargo update -p <crate>` (or `cargo build`) and commit Cargo.lock.";
    ToolchainUnpinned = "toolchain-unpinned", Warn,
        "No toolchain file, or one naming a moving channel (`stable`, `beta`, `nightly`).",
        "Name an exact release in rust-toolchain.toml, e.g. `channel = \"1.95.0\"`.";
    ExemptionExpired = "exemption-expired", Warn,
        "An `[[exempt]]` entry in pin.toml is past its `expires` date and no longer applies.",
        "Pin the dependency, or review the exemption and move its `expires` date.";
    Yanked = "yanked", Deny,
        "A locked version has been yanked from its registry.",
        "Move to a release that is not yanked (`cargo pin upgrade <crate>`).";
    TooNew = "too-new", Deny,
        "A locked version is younger than the cooldown (`min-release-age`).",
        "Go back to an older release, or wait until this one has aged.";
    Unvetted = "unvetted", Deny,
        "A locked version of a direct dependency has not been vetted in pin.toml.",
        "Review the release and record it with `cargo pin allow <crate>@<version> --reason ...`.";
    Denied = "denied", Deny,
        "A locked version (direct or transitive) is one that pin.toml's `[[denied]]` marks bad.",
        "Move every pin back to the last good release with `cargo pin rollback <crate>`.";
    CiCargoInstall = "ci-cargo-install", Deny,
        "CI installs a tool without `--locked` and an exact version (`cargo install`, `cargo binstall`, `taiki-e/install-action`).",
        "Write `cargo install --locked CRATE@X.Y.Z` (`cargo pin fix` adds `--locked`, `fix --ci` the version).";
    CiToolchain = "ci-toolchain", Deny,
        "CI picks a toolchain that moves (`stable`, `beta`, `nightly`, `rustup update`), or one other than rust-toolchain.toml's.",
        "Name an exact release, the one in rust-toolchain.toml (`cargo pin fix` writes it).";
    CiActionRef = "ci-action-ref", Warn,
        "A workflow uses an action by a tag or branch, which can be moved, not by its commit.",
        "Write the full commit SHA, with the tag as a comment: `uses: OWNER/REPO@<sha> # v1.2.3` (`cargo pin fix --ci` does it).";
    ContainerImage = "container-image", Warn,
        "A container image with no tag, `:latest`, or no `@sha256:` digest can change under the same name.",
        "Pin the image by digest: `IMAGE:TAG@sha256:<digest>`.";
    Downgrade = "downgrade", Warn,
        "A change to Cargo.lock moves a package to a lower version (`cargo pin review`).",
        "Check the downgrade is intended (a yanked or broken release), or relock the higher version.";
    NewGitSource = "new-git-source", Warn,
        "A change to Cargo.lock adds a git source, or moves a git source's commit (`cargo pin review`).",
        "Review the repository's commits, or depend on a registry release instead.";
}

impl Rule {
    /// True for the rules that judge a requirement as written.
    pub fn is_requirement_rule(self) -> bool {
        matches!(
            self,
            Rule::Wildcard | Rule::Caret | Rule::Tilde | Rule::Range | Rule::PartialExact
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An unknown rule id, with the closest known one (a likely typo) and the
/// list of known ones for the message.
#[derive(Debug, thiserror::Error)]
#[error("unknown rule `{0}`{hint} (known rules: {known})", hint = did_you_mean(&self.0), known = known_ids())]
pub struct UnknownRule(pub String);

impl UnknownRule {
    /// The known rule `self` most likely misspells, if one is close.
    pub fn suggestion(&self) -> Option<Rule> {
        Rule::closest(&self.0)
    }
}

impl Rule {
    /// The rule whose id `s` most likely misspells: the most similar id
    /// (Jaro-Winkler, as clap suggests values), when similar enough.
    pub fn closest(s: &str) -> Option<Rule> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Rule::ALL
            .iter()
            .map(|r| (strsim::jaro_winkler(&s, r.id()), *r))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, r)| r)
    }
}

fn did_you_mean(s: &str) -> String {
    Rule::closest(s).map_or_else(String::new, |r| format!(": did you mean `{r}`?"))
}

pub(crate) fn known_ids() -> String {
    Rule::ALL
        .iter()
        .map(|r| r.id())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Rule {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.id() == s)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_kebab_case() {
        for r in Rule::ALL {
            assert_eq!(r.id().parse::<Rule>().unwrap(), *r);
            assert!(r.id().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }

    #[test]
    fn unknown_rule_names_the_known_ones() {
        let e = "carret".parse::<Rule>().unwrap_err().to_string();
        assert!(e.contains("carret") && e.contains("caret"), "{e}");
        assert!(e.contains("did you mean `caret`?"), "{e}");
    }

    #[test]
    fn typos_suggest_the_closest_rule_and_nonsense_none() {
        for (typo, rule) in [
            ("carret", Rule::Caret),
            ("crate", Rule::Caret),
            ("git_tag", Rule::GitTag),
            ("gittag", Rule::GitTag),
            ("lockfile-stail", Rule::LockfileStale),
            ("Wildcards", Rule::Wildcard),
            ("toolchain", Rule::ToolchainUnpinned),
            ("unveted", Rule::Unvetted),
            ("ci-action", Rule::CiActionRef),
        ] {
            assert_eq!(Rule::closest(typo), Some(rule), "{typo}");
        }
        for nonsense in ["", "x", "serde", "0.1"] {
            assert_eq!(Rule::closest(nonsense), None, "{nonsense}");
        }
        let e = "zzz".parse::<Rule>().unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn default_levels_follow_the_contract() {
        assert_eq!(Rule::Caret.default_level(), Level::Deny);
        assert_eq!(Rule::GitTag.default_level(), Level::Warn);
        assert_eq!(Rule::ToolchainUnpinned.default_level(), Level::Warn);
        assert!(Level::Deny > Level::Warn && Level::Warn > Level::Allow);
    }
}
