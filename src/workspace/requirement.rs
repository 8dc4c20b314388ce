//! Classifying version requirements: is a requirement pinned, or can it drift?
//!
//! The classification follows cargo's own reading of a requirement (the
//! `semver` crate's parser), so that "pinned" here means exactly what cargo
//! would resolve to a single version.

use semver::{Op, Version, VersionReq};

use crate::audit::rule::Rule;

/// How a registry requirement constrains the version cargo may pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `=1.2.3` (or `=1.0.0-beta.2`): one version only.
    Exact,
    /// `*`, `1.*`, `1.2.x`, or no version at all.
    Wildcard,
    /// `1.2`, `^0.4`.
    Caret,
    /// `~1.2`.
    Tilde,
    /// Any `>`, `>=`, `<`, `<=`, or several comparators.
    Range,
    /// `=1.2`: exact in spelling, but any patch release matches.
    PartialExact,
}

impl Kind {
    /// The rule a requirement of this kind breaks, if any.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Kind::Exact => None,
            Kind::Wildcard => Some(Rule::Wildcard),
            Kind::Caret => Some(Rule::Caret),
            Kind::Tilde => Some(Rule::Tilde),
            Kind::Range => Some(Rule::Range),
            Kind::PartialExact => Some(Rule::PartialExact),
        }
    }
}

/// A requirement as parsed, with its classification.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub req: VersionReq,
    pub kind: Kind,
}

/// Parses and classifies a requirement string as cargo would read it.
///
/// Errors carry semver's own message, which names the offending character.
pub fn classify(text: &str) -> Result<Requirement, semver::Error> {
    let req = VersionReq::parse(text)?;
    let kind = kind_of(&req);
    Ok(Requirement { req, kind })
}

fn kind_of(req: &VersionReq) -> Kind {
    let comps = &req.comparators;
    // `*` parses to no comparators at all.
    if comps.is_empty() || comps.iter().any(|c| c.op == Op::Wildcard) {
        return Kind::Wildcard;
    }
    if comps.len() > 1 {
        return Kind::Range;
    }
    let c = &comps[0];
    match c.op {
        Op::Exact if c.minor.is_some() && c.patch.is_some() => Kind::Exact,
        Op::Exact => Kind::PartialExact,
        Op::Caret => Kind::Caret,
        Op::Tilde => Kind::Tilde,
        Op::Greater | Op::GreaterEq | Op::Less | Op::LessEq => Kind::Range,
        // `Op` is non-exhaustive: anything new cannot be assumed pinned.
        _ => Kind::Range,
    }
}

/// The exact requirement that pins `version`, as `fix` writes it.
pub fn exact(version: &Version) -> String {
    format!("={version}")
}

/// Parses `1`, `1.70` or `1.70.0` as a version, missing parts zero.
pub fn partial_version(s: &str) -> Option<Version> {
    let mut parts = s.trim().split('.');
    let mut n = [0u64; 3];
    for slot in &mut n {
        match parts.next() {
            None => break,
            Some(p) => *slot = p.parse().ok()?,
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Version::new(n[0], n[1], n[2]))
}

/// Are `a` and `b` in the same semver-compatibility series (what a caret
/// requirement spans): the same major version, or for 0.x the same minor,
/// or for 0.0.x the same patch?
pub(crate) fn compatible(a: &Version, b: &Version) -> bool {
    match (a.major, b.major) {
        (0, 0) => match (a.minor, b.minor) {
            (0, 0) => a.patch == b.patch,
            (x, y) => x == y,
        },
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        classify(s).unwrap().kind
    }

    #[test]
    fn exact_requirements_are_pinned() {
        assert_eq!(kind("=1.2.3"), Kind::Exact);
        assert_eq!(kind("= 1.2.3"), Kind::Exact);
        assert_eq!(kind("=1.0.0-beta.2"), Kind::Exact);
        assert_eq!(kind("=0.0.1+build.5"), Kind::Exact);
    }

    #[test]
    fn wildcards() {
        for s in ["*", "1.*", "1.2.*", "1.2.x", "1.X", ">=1, 1.*"] {
            assert_eq!(kind(s), Kind::Wildcard, "{s}");
        }
    }

    #[test]
    fn carets_bare_and_explicit() {
        for s in [
            "1",
            "1.2",
            "1.2.3",
            "^0.4",
            "^1.2.3",
            "0.0.1",
            "1.0.0-alpha",
        ] {
            assert_eq!(kind(s), Kind::Caret, "{s}");
        }
    }

    #[test]
    fn tildes() {
        for s in ["~1", "~1.2", "~1.2.3"] {
            assert_eq!(kind(s), Kind::Tilde, "{s}");
        }
    }

    #[test]
    fn ranges() {
        for s in [">=1", ">1.2", "<2", "<=1.2.3", ">=1.2, <1.5", "=1.2.3, <2"] {
            assert_eq!(kind(s), Kind::Range, "{s}");
        }
    }

    #[test]
    fn partial_exact() {
        assert_eq!(kind("=1"), Kind::PartialExact);
        assert_eq!(kind("=1.2"), Kind::PartialExact);
    }

    #[test]
    fn only_exact_has_no_rule() {
        assert_eq!(Kind::Exact.rule(), None);
        assert_eq!(Kind::Caret.rule(), Some(Rule::Caret));
        assert_eq!(Kind::PartialExact.rule(), Some(Rule::PartialExact));
    }

    #[test]
    fn classification_agrees_with_semver_matching() {
        // An exact requirement matches exactly one of these versions; every
        // floating kind matches at least two, which is what "drift" means.
        let versions: Vec<Version> = ["1.2.3", "1.2.4", "1.3.0", "2.0.0", "1.2.0"]
            .iter()
            .map(|v| Version::parse(v).unwrap())
            .collect();
        for s in ["=1.2.3", "1.2", "~1.2", ">=1.2", "1.*", "=1.2", "*"] {
            let r = classify(s).unwrap();
            let n = versions.iter().filter(|v| r.req.matches(v)).count();
            if r.kind == Kind::Exact {
                assert_eq!(n, 1, "{s}");
            } else {
                assert!(n >= 2, "{s} matched {n}");
            }
        }
    }

    #[test]
    fn invalid_requirements_are_errors() {
        assert!(classify("one point two").is_err());
        assert!(classify("1.2.3.4").is_err());
        assert!(classify("").is_err());
    }

    #[test]
    fn exact_spelling() {
        assert_eq!(exact(&Version::parse("1.0.228").unwrap()), "=1.0.228");
    }

    #[test]
    fn partial_versions() {
        assert_eq!(partial_version("1"), Some(Version::new(1, 0, 0)));
        assert_eq!(partial_version("1.70"), Some(Version::new(1, 70, 0)));
        assert_eq!(partial_version("1.70.2"), Some(Version::new(1, 70, 2)));
        assert_eq!(partial_version("1.70.2.1"), None);
        assert_eq!(partial_version("1.x"), None);
    }

    #[test]
    fn compatibility_series() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(compatible(&v("1.2.3"), &v("1.0.0")));
        assert!(!compatible(&v("2.0.0"), &v("1.9.9")));
        assert!(compatible(&v("0.4.1"), &v("0.4.9")));
        assert!(!compatible(&v("0.4.1"), &v("0.5.0")));
        assert!(!compatible(&v("0.0.1"), &v("0.0.2")));
        assert!(compatible(&v("0.0.2"), &v("0.0.2")));
    }
}
