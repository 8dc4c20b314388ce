//! Requirement classification never panics, and agrees with semver: an
//! `Exact` requirement matches its own version and no other patch release.
#![no_main]

use cargo_pin::workspace::requirement::{Kind, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let Ok(r) = classify(data) else { return };
    if r.kind == Kind::Exact {
        let c = &r.req.comparators[0];
        let v = semver::Version {
            major: c.major,
            minor: c.minor.unwrap_or(0),
            patch: c.patch.unwrap_or(0),
            pre: c.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        };
        assert!(r.req.matches(&v), "{data:?} does not match {v}");
        let mut next = v.clone();
        next.patch = next.patch.wrapping_add(1);
        if next.patch != 0 {
            assert!(!r.req.matches(&next), "{data:?} exact but matches {next}");
        }
    }
});
