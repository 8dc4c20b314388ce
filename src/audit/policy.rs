//! The policy file, `pin.toml`: rule levels, exemptions, the cooldown and the
//! releases a reviewer has vetted.
//!
//! Strict on purpose: an unknown key or a bad value is an error naming the
//! key, because a silently ignored typo is how a gate quietly stops gating.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::IntoDeserializer;
use toml::Spanned;

use crate::audit::rule::{Level, Rule};
use crate::workspace::text::LineIndex;

/// The policy file's name at the workspace root.
pub const FILE_NAME: &str = "pin.toml";

/// A parsed policy. `Policy::default()` is the strict default.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Where it was read from, for messages (`None`: defaults).
    pub path: Option<String>,
    pub levels: BTreeMap<Rule, Level>,
    pub exemptions: Vec<Exemption>,
    /// The cooldown, when the policy sets one.
    pub min_release_age: Option<jiff::SignedDuration>,
    /// `require-vetted` set to anything but `false`.
    pub require_vetted: bool,
    /// `[registry] require-publish-time`: a release whose registry gives
    /// no publish time counts as too new (fail closed). Off by default.
    pub require_publish_time: bool,
    /// `require-vetted`: which versions must be vetted.
    pub vetting: RequireVetted,
    pub vetted: Vec<Vetted>,
    pub denied: Vec<Denied>,
    /// `extends`: the policies this one builds on, as written (see
    /// [`crate::audit::extends`]).
    pub extends: Vec<Extend>,
    /// `[[import]]`: cargo-vet stores whose audits count as vetting.
    pub imports: Vec<Import>,
    /// The stores, read (by [`Policy::load`]).
    pub stores: Vec<crate::audit::vet::Store>,
    /// `[ci]`: whether `check` and `fix` read the CI files.
    pub ci: CiPolicy,
}

/// `[[import]]`: a cargo-vet store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The store's folder, relative to the workspace root.
    pub cargo_vet: String,
    /// The criteria an audit must certify (default `safe-to-deploy`).
    pub criteria: Vec<String>,
    pub file: String,
    pub line: usize,
}

/// One `extends` entry: a policy file this one builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extend {
    pub source: ExtendSource,
    /// 1-based line of the entry.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtendSource {
    /// A path, relative to the file that names it.
    Path(String),
    /// A policy fetched over HTTP(S), checked against its SHA-256.
    Url { url: String, sha256: String },
}

/// `[[denied]]`: releases known to be bad, never to be used.
#[derive(Debug, Clone)]
pub struct Denied {
    pub krate: String,
    /// As written, with the requirement each means: a bare full version
    /// (`0.1.38`) is exactly that release; anything else is a semver
    /// requirement (`>=0.1.38, <0.1.40`).
    pub versions: Vec<(String, semver::VersionReq)>,
    pub reason: String,
    /// An advisory id or URL.
    pub advisory: Option<String>,
    /// The policy file it comes from, and the 1-based line of its `crate`
    /// key there.
    pub file: String,
    pub line: usize,
}

impl Denied {
    pub fn matches(&self, version: &semver::Version) -> bool {
        self.versions.iter().any(|(_, req)| req.matches(version))
    }
}

/// `[ci]`: the CI surface (workflows, Dockerfiles) around the workspace.
#[derive(Debug, Clone)]
pub struct CiPolicy {
    /// `scan = false` turns the CI rules off; on by default.
    pub scan: bool,
}

impl Default for CiPolicy {
    fn default() -> CiPolicy {
        CiPolicy { scan: true }
    }
}

/// `require-vetted` in `[registry]`: which versions need a `[[vetted]]`
/// entry (rule `unvetted`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequireVetted {
    /// `false` (the default): none.
    #[default]
    No,
    /// `"direct"` (or `true`): versions of direct dependencies.
    Direct,
    /// `"changed"`: every version a change introduces, transitive
    /// included (`review`); direct dependencies elsewhere.
    Changed,
    /// `"all"`: every locked version, transitive included.
    All,
}

impl RequireVetted {
    /// Must a locked version be vetted, outside a review?
    pub fn locked(self, direct: bool) -> bool {
        match self {
            RequireVetted::No => false,
            RequireVetted::Direct | RequireVetted::Changed => direct,
            RequireVetted::All => true,
        }
    }

    /// Must a version a change introduces be vetted (`review`)?
    pub fn introduced(self, direct: bool) -> bool {
        match self {
            RequireVetted::No => false,
            RequireVetted::Direct => direct,
            RequireVetted::Changed | RequireVetted::All => true,
        }
    }
}

/// `[[exempt]]`: let one crate float for some rules.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub krate: String,
    /// The rules exempted; empty means every rule.
    pub rules: Vec<Rule>,
    pub reason: String,
    pub expires: Option<Date>,
    /// The policy file it comes from, and the 1-based line of its `crate`
    /// key there.
    pub file: String,
    pub line: usize,
}

/// `[[vetted]]`: releases a reviewer has vetted.
#[derive(Debug, Clone)]
pub struct Vetted {
    pub krate: String,
    pub versions: Vec<semver::Version>,
    pub reason: String,
    /// Who vetted them, and when (optional; `allow` writes the date).
    pub by: Option<String>,
    pub date: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    rules: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    exempt: Vec<RawExempt>,
    registry: Option<RawRegistry>,
    #[serde(default)]
    vetted: Vec<RawVetted>,
    #[serde(default)]
    denied: Vec<RawDenied>,
    #[serde(default)]
    extends: Vec<Spanned<RawExtend>>,
    #[serde(default)]
    import: Vec<RawImport>,
    ci: Option<RawCi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawImport {
    cargo_vet: Spanned<String>,
    criteria: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawExtend {
    Path(String),
    Url(RawUrl),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUrl {
    url: String,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDenied {
    #[serde(rename = "crate")]
    krate: Spanned<String>,
    versions: Vec<Spanned<String>>,
    reason: String,
    advisory: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCi {
    scan: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExempt {
    #[serde(rename = "crate")]
    krate: Spanned<String>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    reason: String,
    expires: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRegistry {
    min_release_age: Option<Spanned<String>>,
    #[serde(default)]
    require_publish_time: bool,
    require_vetted: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVetted {
    #[serde(rename = "crate")]
    krate: String,
    versions: Vec<Spanned<String>>,
    reason: String,
    by: Option<String>,
    date: Option<Spanned<toml::Value>>,
}

impl Policy {
    /// Reads the policy: `explicit` must exist; otherwise `pin.toml` in
    /// `root` is read when present, and the defaults apply when it is not.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Policy> {
        crate::audit::extends::load(root, explicit, &crate::audit::extends::no_fetch)
    }

    /// [`Policy::load`], with `fetch` answering `extends` entries by URL.
    pub(crate) fn load_with(
        root: &Path,
        explicit: Option<&Path>,
        fetch: crate::audit::extends::FetchPolicy<'_>,
    ) -> Result<Policy> {
        crate::audit::extends::load(root, explicit, fetch)
    }

    /// Reads one policy file (its `extends` not followed): `explicit` must
    /// exist; otherwise `pin.toml` in `root` is read when present, and the
    /// defaults apply when it is not.
    pub(crate) fn read_one(root: &Path, explicit: Option<&Path>) -> Result<Policy> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => (root.join(FILE_NAME), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Policy::default());
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        Policy::parse(&shown, &text)
    }

    /// Parses policy text; `name` is the file as shown in errors.
    pub fn parse(name: &str, text: &str) -> Result<Policy> {
        let lines = LineIndex::new(text);
        let at = |span: std::ops::Range<usize>| format!("{name}:{}", lines.line_of(span.start));
        let raw: Raw = toml::from_str(text).map_err(|e| {
            anyhow!(
                "{name}:{}",
                crate::workspace::lockfile::toml_error(text, &e)
            )
        })?;

        let mut levels = BTreeMap::new();
        for (key, value) in raw.rules {
            let rule: Rule = key
                .parse()
                .map_err(|e| anyhow!("{}: [rules] {e}", at(value.span())))?;
            let level = Level::deserialize(value.get_ref().as_str().into_deserializer()).map_err(|_: serde::de::value::Error| {
                anyhow!(
                    "{}: [rules] {key} = {:?}: the level must be \"deny\", \"warn\" or \"allow\"",
                    at(value.span()),
                    value.get_ref()
                )
            })?;
            levels.insert(rule, level);
        }

        let mut exemptions = Vec::new();
        for e in raw.exempt {
            let line = lines.line_of(e.krate.span().start);
            let mut rules = Vec::new();
            for r in e.rules {
                rules.push(
                    r.get_ref()
                        .parse::<Rule>()
                        .map_err(|err| anyhow!("{}: [[exempt]] rules: {err}", at(r.span())))?,
                );
            }
            if e.reason.trim().is_empty() {
                return Err(anyhow!(
                    "{name}:{line}: [[exempt]] for `{}` needs a non-empty `reason`",
                    e.krate.get_ref()
                ));
            }
            let expires = match e.expires {
                None => None,
                Some(v) => Some(parse_date(v.get_ref()).ok_or_else(|| {
                    anyhow!(
                        "{}: [[exempt]] expires = {}: expected a date such as \"2026-12-31\"",
                        at(v.span()),
                        v.get_ref()
                    )
                })?),
            };
            exemptions.push(Exemption {
                krate: e.krate.into_inner(),
                rules,
                reason: e.reason,
                expires,
                file: name.to_string(),
                line,
            });
        }

        let require_publish_time = raw
            .registry
            .as_ref()
            .is_some_and(|r| r.require_publish_time);
        let (min_release_age, vetting) = match raw.registry {
            None => (None, RequireVetted::No),
            Some(r) => {
                let age = match r.min_release_age {
                    None => None,
                    Some(s) => Some(parse_age(s.get_ref()).map_err(|e| {
                        anyhow!("{}: [registry] min-release-age: {e}", at(s.span()))
                    })?),
                };
                let vetting = match r.require_vetted {
                    None => RequireVetted::No,
                    Some(v) => match v.get_ref() {
                        toml::Value::Boolean(false) => RequireVetted::No,
                        toml::Value::Boolean(true) => RequireVetted::Direct,
                        toml::Value::String(s) if s == "direct" => RequireVetted::Direct,
                        toml::Value::String(s) if s == "changed" => RequireVetted::Changed,
                        toml::Value::String(s) if s == "all" => RequireVetted::All,
                        other => {
                            return Err(anyhow!(
                                "{}: [registry] require-vetted = {other}: expected \"direct\", \"changed\", \"all\", true or false",
                                at(v.span())
                            ));
                        }
                    },
                };
                (age, vetting)
            }
        };

        let mut vetted = Vec::new();
        for v in raw.vetted {
            let mut versions = Vec::new();
            for s in v.versions {
                versions.push(semver::Version::parse(s.get_ref()).map_err(|e| {
                    anyhow!(
                        "{}: [[vetted]] `{}` version {:?}: {e}",
                        at(s.span()),
                        v.krate,
                        s.get_ref()
                    )
                })?);
            }
            let date = match v.date {
                None => None,
                Some(d) => Some(parse_date(d.get_ref()).ok_or_else(|| {
                    anyhow!(
                        "{}: [[vetted]] date = {}: expected a date such as 2026-12-01",
                        at(d.span()),
                        d.get_ref()
                    )
                })?),
            };
            vetted.push(Vetted {
                krate: v.krate,
                versions,
                reason: v.reason,
                by: v.by.filter(|b| !b.trim().is_empty()),
                date,
            });
        }

        let mut denied = Vec::new();
        for d in raw.denied {
            let line = lines.line_of(d.krate.span().start);
            let krate = d.krate.into_inner();
            if d.reason.trim().is_empty() {
                return Err(anyhow!(
                    "{name}:{line}: [[denied]] for `{krate}` needs a non-empty `reason`"
                ));
            }
            if d.versions.is_empty() {
                return Err(anyhow!(
                    "{name}:{line}: [[denied]] for `{krate}` names no `versions`"
                ));
            }
            let mut versions = Vec::new();
            for v in d.versions {
                let req = denied_versions(v.get_ref()).map_err(|e| {
                    anyhow!(
                        "{}: [[denied]] `{krate}` versions {:?}: {e}",
                        at(v.span()),
                        v.get_ref()
                    )
                })?;
                versions.push((v.into_inner(), req));
            }
            denied.push(Denied {
                krate,
                versions,
                reason: d.reason,
                advisory: d.advisory.filter(|a| !a.trim().is_empty()),
                file: name.to_string(),
                line,
            });
        }

        let mut extends = Vec::new();
        for e in raw.extends {
            let line = lines.line_of(e.span().start);
            let source = match e.into_inner() {
                RawExtend::Path(p) => ExtendSource::Path(p),
                RawExtend::Url(u) => {
                    let hex = u.sha256.trim().to_ascii_lowercase();
                    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(anyhow!(
                            "{name}:{line}: extends: `sha256` must be 64 hex digits"
                        ));
                    }
                    ExtendSource::Url {
                        url: u.url,
                        sha256: hex,
                    }
                }
            };
            extends.push(Extend { source, line });
        }

        let imports = raw
            .import
            .into_iter()
            .map(|i| Import {
                line: lines.line_of(i.cargo_vet.span().start),
                cargo_vet: i.cargo_vet.into_inner(),
                criteria: i
                    .criteria
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| vec![crate::audit::vet::DEFAULT_CRITERIA.to_string()]),
                file: name.to_string(),
            })
            .collect();

        Ok(Policy {
            path: Some(name.to_string()),
            extends,
            imports,
            stores: Vec::new(),
            levels,
            exemptions,
            min_release_age,
            require_publish_time,
            require_vetted: vetting != RequireVetted::No,
            vetting,
            vetted,
            denied,
            ci: CiPolicy {
                scan: raw.ci.and_then(|c| c.scan).unwrap_or(true),
            },
        })
    }

    /// The level of `rule` under this policy (before command-line overrides).
    pub fn level(&self, rule: Rule) -> Level {
        self.levels
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    /// The `[[denied]]` entry that denies `krate` at `version`, if any.
    pub fn denied(&self, krate: &str, version: &semver::Version) -> Option<&Denied> {
        self.denied
            .iter()
            .find(|d| d.krate == krate && d.matches(version))
    }

    /// Who vetted `krate` at `version`: `pin.toml` (the file of the
    /// `[[vetted]]` entry), or `cargo-vet: <import name or "own audits">`.
    pub fn vetted_by(&self, krate: &str, version: &semver::Version) -> Option<String> {
        if let Some(file) = self.vetted_in(krate, version) {
            return Some(file);
        }
        let base = |v: &semver::Version| self.vetted_in(krate, v).is_some();
        self.stores
            .iter()
            .find_map(|s| s.vetted_by(krate, version, &base))
            .map(|who| format!("cargo-vet: {who}"))
    }

    /// The policy file whose `[[vetted]]` lists `krate` at `version`.
    fn vetted_in(&self, krate: &str, version: &semver::Version) -> Option<String> {
        self.vetted
            .iter()
            .any(|v| v.krate == krate && v.versions.contains(version))
            .then(|| self.path.clone().unwrap_or_else(|| FILE_NAME.into()))
    }

    /// True when a reviewer vetted `krate` at `version` (in pin.toml, or
    /// in an imported cargo-vet store).
    pub fn is_vetted(&self, krate: &str, version: &semver::Version) -> bool {
        self.vetted_by(krate, version).is_some()
    }
}

/// A `[[denied]]` versions entry: a full version is exactly that release;
/// a requirement with an operator is a range. A bare partial version
/// (`0.1`) is refused: as a requirement it would mean `^0.1`, every 0.1
/// release, which is rarely what a denial means.
fn denied_versions(s: &str) -> Result<semver::VersionReq, String> {
    let t = s.trim();
    if let Ok(v) = semver::Version::parse(t) {
        return semver::VersionReq::parse(&format!("={v}")).map_err(|e| e.to_string());
    }
    if t.chars().next().is_some_and(|c| c.is_ascii_digit()) && !t.contains([',', ' ']) {
        return Err(format!(
            "write a full version (`{t}.0`) or a requirement with an operator (`^{t}`, `>={t}.0, <...`)"
        ));
    }
    semver::VersionReq::parse(t).map_err(|e| e.to_string())
}

fn parse_date(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::String(s) => s.parse::<Date>().ok(),
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
            d.to_string().parse::<Date>().ok()
        }
        _ => None,
    }
}

/// Parses a cooldown such as `"7 days"`, `"36 hours"`, `"2 weeks"`.
///
/// The unit is required: a bare number is ambiguous and refused.
pub fn parse_age(s: &str) -> Result<jiff::SignedDuration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration such as \"7 days\""))?;
    let secs = match unit {
        "minute" | "minutes" | "min" | "mins" => 60,
        "hour" | "hours" | "h" => 3_600,
        "day" | "days" | "d" => 86_400,
        "week" | "weeks" | "w" => 604_800,
        "" => {
            return Err(format!(
                "{s:?} has no unit: write minutes, hours, days or weeks, e.g. \"7 days\""
            ));
        }
        other => {
            return Err(format!(
                "{s:?}: unknown unit {other:?} (use minutes, hours, days or weeks)"
            ));
        }
    };
    n.checked_mul(secs)
        .map(jiff::SignedDuration::from_secs)
        .ok_or_else(|| format!("{s:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_vetted_values() {
        let parse =
            |v: &str| Policy::parse("pin.toml", &format!("[registry]\nrequire-vetted = {v}\n"));
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
            e.starts_with("pin.toml:2: [registry] require-vetted"),
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
                "pin.toml:3: [[denied]] `a` versions \"0.1\": write a full version",
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
}
