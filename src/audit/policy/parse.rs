//! Reading `pin.toml`'s text: the file's shape (serde, strict), and every
//! value checked with the file and line it came from.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::IntoDeserializer;
use toml::Spanned;

use super::*;
use crate::audit::rule::{Level, Rule};
use crate::workspace::text::LineIndex;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
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
    /// Parses policy text; `name` is the file as shown in errors. An error
    /// about a value names `file:line:col` and shows the line with a caret
    /// under it.
    pub fn parse(name: &str, text: &str) -> Result<Policy> {
        let culprit = std::cell::Cell::new(None);
        Policy::parse_marking(name, text, &culprit).map_err(|e| match culprit.take() {
            Some(span) => anyhow!("{e:#}\n{}", crate::workspace::text::snippet(text, span)),
            None => e,
        })
    }

    /// [`Policy::parse`], leaving in `culprit` the span an error names
    /// with `at` (every `at` is made for the error returned at once).
    fn parse_marking(
        name: &str,
        text: &str,
        culprit: &std::cell::Cell<Option<std::ops::Range<usize>>>,
    ) -> Result<Policy> {
        let lines = LineIndex::new(text);
        let at = |span: std::ops::Range<usize>| {
            culprit.set(Some(span.clone()));
            format!(
                "{name}:{}",
                crate::workspace::text::line_col(text, span.start)
            )
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            anyhow!(
                "{name}:{}",
                crate::workspace::lockfile::toml_error(text, &e)
            )
        })?;

        let mut levels = BTreeMap::new();
        for (key, value) in raw.rules {
            let rule: Rule = key
                .get_ref()
                .parse()
                .map_err(|e| anyhow!("{}: [rules] {e}", at(key.span())))?;
            let key = key.into_inner();
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
