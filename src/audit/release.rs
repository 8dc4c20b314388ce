//! Judging a release: is it yanked, a prerelease, too young for the
//! cooldown, beyond the workspace's Rust, vetted? Shared by `outdated`,
//! `check --registry` and `upgrade`, so they can never disagree.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::audit::policy::Policy;
use crate::registry::Release;
use crate::registry::config::Registry;
use crate::workspace::Workspace;

/// What holds a release back, or that nothing does. The first that
/// applies, in this order, is a release's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    /// Marked bad in pin.toml's `[[denied]]`.
    Denied,
    /// Withdrawn from the registry.
    Yanked,
    /// A semver prerelease (`2.0.0-rc.1`).
    Prerelease,
    /// Published less than the cooldown ago.
    TooNew,
    /// Its `rust_version` is above the workspace's `rust-version`.
    IncompatibleRust,
    /// A reviewer vetted it in pin.toml.
    Vetted,
    /// Nothing holds it back but the lack of a review.
    Unvetted,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Denied => "denied",
            Status::Yanked => "yanked",
            Status::Prerelease => "prerelease",
            Status::TooNew => "too-new",
            Status::IncompatibleRust => "incompatible-rust",
            Status::Vetted => "vetted",
            Status::Unvetted => "unvetted",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a release's status depends on besides the release: the
/// clock, the cooldown, the workspace's Rust and the policy's vetting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Criteria<'a> {
    pub now: Timestamp,
    pub cooldown: Option<SignedDuration>,
    pub rust_version: Option<&'a semver::Version>,
    pub policy: &'a Policy,
}

impl<'a> Criteria<'a> {
    /// The criteria for releases of `registry` used by `ws`: the cooldown
    /// is pin.toml's `min-release-age`, else cargo's minimum publish age
    /// for that registry.
    pub(crate) fn new(
        ws: &'a Workspace,
        policy: &'a Policy,
        registry: &Registry,
        now: Timestamp,
    ) -> Criteria<'a> {
        Criteria {
            now,
            cooldown: policy.min_release_age.or(registry.min_publish_age),
            rust_version: ws.rust_version.as_ref(),
            policy,
        }
    }

    /// The status of `release` of crate `krate`.
    pub(crate) fn status(&self, krate: &str, release: &Release) -> Status {
        if self.policy.denied(krate, &release.version).is_some() {
            Status::Denied
        } else if release.yanked {
            Status::Yanked
        } else if !release.version.pre.is_empty() {
            Status::Prerelease
        } else if self.too_new(release) {
            Status::TooNew
        } else if let (Some(need), Some(have)) = (&release.rust_version, self.rust_version)
            && need > have
        {
            Status::IncompatibleRust
        } else if self.policy.is_vetted(krate, &release.version) {
            Status::Vetted
        } else {
            Status::Unvetted
        }
    }

    /// Younger than the cooldown? A release whose registry gives no
    /// publish time cannot be judged young: it is not, unless the policy
    /// says `require-publish-time = true`, and then it is (fail closed).
    pub(crate) fn too_new(&self, release: &Release) -> bool {
        match (self.cooldown, release.pubtime) {
            (Some(cooldown), Some(t)) => self.now.duration_since(t) < cooldown,
            (None, Some(_)) => false,
            (_, None) => self.policy.require_publish_time,
        }
    }

    /// How long ago `release` was published, for messages.
    pub(crate) fn age(&self, release: &Release) -> Option<SignedDuration> {
        release.pubtime.map(|t| self.now.duration_since(t))
    }
}

/// The newest release that is neither yanked nor a prerelease, by semver
/// order (not publish order). `releases` is in semver order.
pub(crate) fn latest(releases: &[Release]) -> Option<&Release> {
    releases
        .iter()
        .rev()
        .find(|r| !r.yanked && r.version.pre.is_empty())
}

/// A duration as a person says it: `3 days`, `5 hours`, `12 minutes`.
pub(crate) fn human_age(d: SignedDuration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs >= 2 * 86_400 {
        (secs / 86_400, "days")
    } else if secs >= 2 * 3_600 {
        (secs / 3_600, "hours")
    } else {
        (secs.max(0) / 60, "minutes")
    };
    format!("{n} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use semver::Version;

    fn rel(v: &str, yanked: bool, rust: Option<&str>, pubtime: Option<&str>) -> Release {
        Release {
            version: Version::parse(v).unwrap(),
            yanked,
            rust_version: rust.map(|r| Version::parse(r).unwrap()),
            pubtime: pubtime.map(|t| t.parse().unwrap()),
        }
    }

    #[test]
    fn statuses_apply_in_order() {
        let policy = Policy::parse(
            "pin.toml",
            "[[vetted]]\ncrate = \"a\"\nversions = [\"1.0.0\", \"1.1.0\", \"1.2.0\", \"1.4.0\", \"2.0.0-rc.1\"]\nreason = \"r\"\n\n[[denied]]\ncrate = \"a\"\nversions = [\"1.4.0\"]\nreason = \"bad\"\n",
        )
        .unwrap();
        let msrv = Version::new(1, 80, 0);
        let j = Criteria {
            now: "2026-06-01T00:00:00Z".parse().unwrap(),
            cooldown: Some(SignedDuration::from_hours(7 * 24)),
            rust_version: Some(&msrv),
            policy: &policy,
        };
        let old = Some("2026-01-01T00:00:00Z");
        let young = Some("2026-05-30T00:00:00Z");
        // Denied beats everything, even vetted and yanked.
        assert_eq!(
            j.status("a", &rel("1.4.0", true, None, old)),
            Status::Denied
        );
        // Yanked beats the rest, even vetted.
        assert_eq!(
            j.status("a", &rel("1.0.0", true, None, old)),
            Status::Yanked
        );
        assert_eq!(
            j.status("a", &rel("2.0.0-rc.1", false, None, old)),
            Status::Prerelease
        );
        // Too new beats vetted.
        assert_eq!(
            j.status("a", &rel("1.1.0", false, None, young)),
            Status::TooNew
        );
        // A Rust too new beats vetted; equal is fine.
        assert_eq!(
            j.status("a", &rel("1.2.0", false, Some("1.81.0"), old)),
            Status::IncompatibleRust
        );
        assert_eq!(
            j.status("a", &rel("1.2.0", false, Some("1.80.0"), old)),
            Status::Vetted
        );
        assert_eq!(
            j.status("a", &rel("1.3.0", false, None, old)),
            Status::Unvetted
        );
        assert_eq!(
            j.status("b", &rel("1.2.0", false, None, old)),
            Status::Unvetted
        );
        // No publish time: not judged too new.
        assert_eq!(
            j.status("a", &rel("1.1.0", false, None, None)),
            Status::Vetted
        );
        // Exactly the cooldown old: old enough.
        assert!(!j.too_new(&rel("1.1.0", false, None, Some("2026-05-25T00:00:00Z"))));
        assert!(j.too_new(&rel("1.1.0", false, None, Some("2026-05-25T00:00:01Z"))));
        // No cooldown, nothing is too new; no workspace MSRV, nothing incompatible.
        let free = Criteria {
            cooldown: None,
            rust_version: None,
            ..j
        };
        assert_eq!(
            free.status("a", &rel("1.2.0", false, Some("1.99.0"), young)),
            Status::Vetted
        );
    }

    #[test]
    fn latest_is_by_semver_and_skips_yanked_and_prereleases() {
        let rs = vec![
            rel("1.0.0", false, None, Some("2026-05-01T00:00:00Z")),
            rel("1.9.0", false, None, Some("2024-01-01T00:00:00Z")),
            rel("1.10.0", false, None, Some("2023-01-01T00:00:00Z")),
            rel("2.0.0-rc.1", false, None, None),
            rel("2.0.0", true, None, None),
        ];
        assert_eq!(latest(&rs).unwrap().version, Version::new(1, 10, 0));
        assert!(latest(&rs[3..]).is_none());
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(human_age(SignedDuration::from_hours(80)), "3 days");
        assert_eq!(human_age(SignedDuration::from_hours(5)), "5 hours");
        assert_eq!(human_age(SignedDuration::from_mins(90)), "90 minutes");
    }
}
