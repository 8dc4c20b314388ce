//! pin.toml parsing: every key, and errors naming file and line.

use super::*;

#[test]
fn require_vetted_values() {
    let parse = |v: &str| Policy::parse("pin.toml", &format!("[registry]\nrequire-vetted = {v}\n"));
    for (v, want) in [
        ("false", RequireVetted::No),
        ("true", RequireVetted::Direct),
        ("\"direct\"", RequireVetted::Direct),
        ("\"changed\"", RequireVetted::Changed),
        ("\"all\"", RequireVetted::All),
    ] {
        let p = parse(v).unwrap();
        assert_eq!(p.vetting, want, "{v}");
        assert_eq!(p.require_vetted, want != RequireVetted::No, "{v}");
    }
    assert_eq!(Policy::default().vetting, RequireVetted::No);
    let e = parse("\"some\"").unwrap_err().to_string();
    assert!(
        e.starts_with("pin.toml:2:18: [registry] require-vetted"),
        "{e}"
    );
    assert!(e.contains("\"changed\""), "{e}");
    // Who must be vetted, in a review and outside one.
    use RequireVetted as R;
    assert!(!R::No.locked(true) && !R::No.introduced(true));
    assert!(R::Direct.locked(true) && !R::Direct.locked(false) && !R::Direct.introduced(false));
    assert!(R::Changed.introduced(false) && !R::Changed.locked(false));
    assert!(R::All.locked(false) && R::All.introduced(false));
}

#[test]
fn full_policy() {
    let p = Policy::parse(
        "pin.toml",
        r#"
[rules]
caret = "warn"
toolchain-unpinned = "allow"

[[exempt]]
crate = "serde"
rules = ["caret", "tilde"]
reason = "tracked upstream"
expires = "2026-12-31"

[[exempt]]
crate = "log"
reason = "internal"
expires = 2027-01-01

[registry]
min-release-age = "7 days"
require-vetted = true

[[vetted]]
crate = "serde"
versions = ["1.0.229"]
reason = "read the diff"
"#,
    )
    .unwrap();
    assert_eq!(p.level(Rule::Caret), Level::Warn);
    assert_eq!(p.level(Rule::Tilde), Level::Deny);
    assert_eq!(p.exemptions.len(), 2);
    assert_eq!(p.exemptions[0].line, 7);
    assert_eq!(p.exemptions[1].expires, Some(jiff::civil::date(2027, 1, 1)));
    assert_eq!(
        p.min_release_age,
        Some(jiff::SignedDuration::from_hours(168))
    );
    assert!(p.require_vetted);
    assert!(p.is_vetted("serde", &semver::Version::new(1, 0, 229)));
    assert!(!p.is_vetted("serde", &semver::Version::new(1, 0, 230)));
    assert!(p.ci.scan);
}

#[test]
fn ci_scan_can_be_turned_off() {
    let p = Policy::parse("pin.toml", "[ci]\nscan = false\n").unwrap();
    assert!(!p.ci.scan);
    assert!(Policy::default().ci.scan);
    let e = err("[ci]\nscna = false\n");
    assert!(e.contains("scna"), "{e}");
}

fn err(text: &str) -> String {
    Policy::parse("pin.toml", text).unwrap_err().to_string()
}

#[test]
fn typos_are_errors_naming_the_key() {
    let e = err("[rule]\ncaret = \"warn\"\n");
    assert!(e.contains("rule") && e.contains("pin.toml"), "{e}");
    let e = err("[rules]\ncarret = \"warn\"\n");
    assert!(e.contains("pin.toml:2") && e.contains("carret"), "{e}");
    let e = err("[rules]\ncaret = \"deny!\"\n");
    assert!(e.contains("pin.toml:2") && e.contains("deny!"), "{e}");
    let e = err("[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nexpire = \"2026-01-01\"\n");
    assert!(e.contains("expire"), "{e}");
    let e = err("[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nexpires = \"soon\"\n");
    assert!(e.contains("pin.toml:4") && e.contains("soon"), "{e}");
    let e = err("[registry]\nmin-release-age = \"7 dayz\"\n");
    assert!(e.contains("pin.toml:2") && e.contains("dayz"), "{e}");
    let e = err("[registry]\nmin-release-age = \"7\"\n");
    assert!(e.contains("no unit"), "{e}");
    let e = err("[[vetted]]\ncrate = \"a\"\nversions = [\"1.0\"]\nreason = \"r\"\n");
    assert!(e.contains("pin.toml:3") && e.contains("1.0"), "{e}");
}

#[test]
fn ages() {
    assert_eq!(parse_age("90 minutes").unwrap().as_secs(), 5400);
    assert_eq!(parse_age("1 week").unwrap().as_secs(), 604_800);
    assert_eq!(parse_age("36hours").unwrap().as_secs(), 129_600);
    assert!(parse_age("days").is_err());
    assert!(parse_age("99999999999999999 weeks").is_err());
}

#[test]
fn denied_releases_exact_or_ranges() {
    let p = Policy::parse(
        "pin.toml",
        "[[denied]]\ncrate = \"tracing\"\nversions = [\"0.1.38\", \">=0.1.40, <0.1.42\"]\nreason = \"panics\"\nadvisory = \"RUSTSEC-2099-0001\"\n",
    )
    .unwrap();
    let v = |s: &str| semver::Version::parse(s).unwrap();
    let d = p.denied("tracing", &v("0.1.38")).unwrap();
    assert_eq!((d.line, d.reason.as_str()), (2, "panics"));
    assert_eq!(d.advisory.as_deref(), Some("RUSTSEC-2099-0001"));
    // A bare version is that release only, not `^0.1.38`.
    assert!(p.denied("tracing", &v("0.1.39")).is_none());
    assert!(p.denied("tracing", &v("0.1.41")).is_some());
    assert!(p.denied("tracing", &v("0.1.42")).is_none());
    assert!(p.denied("log", &v("0.1.38")).is_none());
}

#[test]
fn bad_denied_entries_name_the_line() {
    for (text, needle) in [
        (
            "[[denied]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\nreason = \" \"\n",
            "pin.toml:2: [[denied]] for `a` needs a non-empty `reason`",
        ),
        (
            "[[denied]]\ncrate = \"a\"\nversions = [\"0.1\"]\nreason = \"r\"\n",
            "pin.toml:3:13: [[denied]] `a` versions \"0.1\": write a full version",
        ),
        (
            "[[denied]]\ncrate = \"a\"\nversions = [\">=x\"]\nreason = \"r\"\n",
            "pin.toml:3",
        ),
        (
            "[[denied]]\ncrate = \"a\"\nversions = []\nreason = \"r\"\n",
            "names no `versions`",
        ),
        (
            "[[denied]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\n",
            "reason",
        ),
    ] {
        let e = format!("{:#}", Policy::parse("pin.toml", text).unwrap_err());
        assert!(e.contains(needle), "{text:?}: {e}");
    }
}
