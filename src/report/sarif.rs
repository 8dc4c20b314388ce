//! SARIF 2.1.0 reports, for code scanning (GitHub's upload-sarif, any SARIF
//! viewer). Checked in the tests by the SARIF multitool's validator,
//! GitHub's ingestion rules included.
//!
//! Paths are relative to the repository (`uriBaseId` `%SRCROOT%`), the way
//! GitHub resolves them. Each result carries a fingerprint of what it is
//! about (rule, file, table, dependency), not of where it is, so an alert
//! survives lines added above it.

use serde_json::{Value, json};

use super::SourceRoot;
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::{Level, Rule};

/// The SARIF schema the output follows.
pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `uriBaseId` every location is relative to.
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// The key of our own fingerprint in `partialFingerprints`.
pub(crate) const FINGERPRINT_KEY: &str = "cargoPin/v1";

/// `check --format sarif`.
pub(crate) fn check(report: &Report, root: &SourceRoot) -> String {
    let rules: Vec<Value> = Rule::ALL.iter().map(|r| descriptor(*r)).collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(f, root)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: {
                    "uri": file_uri(&root.dir),
                    "description": { "text": "The root of the repository around the workspace." }
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    super::json::to_string(&log)
}

/// The SARIF level of a finding's level.
pub(crate) fn level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

/// A rule's `reportingDescriptor`.
fn descriptor(rule: Rule) -> Value {
    let url = super::rules_url();
    json!({
        "id": rule.id(),
        "name": name(rule),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": format!("{} {}", rule.summary(), rule.remedy()) },
        "help": {
            "text": format!("{}\n\nHow to fix: {}\n\nSee {url}", rule.summary(), rule.remedy()),
            "markdown": format!(
                "{}\n\n**How to fix:** {}\n\nSee [the rules of cargo-pin]({url}).",
                rule.summary(),
                rule.remedy()
            ),
        },
        "helpUri": url,
        "defaultConfiguration": { "level": level(rule.default_level()) },
        "properties": { "tags": ["dependencies", "cargo"] },
    })
}

fn result(f: &Finding, root: &SourceRoot) -> Value {
    let path = root.path(&f.manifest);
    let mut text = match &f.name {
        Some(name) => format!("{name}: {}", f.message),
        None => f.message.clone(),
    };
    if !text.ends_with('.') {
        text.push('.');
    }
    // A finding about a whole (or missing) file points at its first line:
    // GitHub code scanning needs a start line to show a result.
    let line = f.line.unwrap_or(1);
    let mut properties = serde_json::Map::new();
    for (k, v) in [
        ("table", &f.table),
        ("dependency", &f.name),
        ("package", &f.package),
        ("requirement", &f.requirement),
        ("locked", &f.locked),
        ("fix", &f.fix),
    ] {
        if let Some(v) = v {
            properties.insert(k.into(), Value::String(v.clone()));
        }
    }
    let fp = fingerprint(f, &path);
    json!({
        "ruleId": f.rule.id(),
        "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
        "level": level(f.level),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&path), "uriBaseId": SRCROOT },
                "region": { "startLine": line },
            }
        }],
        "partialFingerprints": {
            FINGERPRINT_KEY: fp,
            // GitHub computes this one from the line's text when it is
            // absent; ours is stable across edits of the line as well.
            "primaryLocationLineHash": fp,
        },
        "properties": properties,
    })
}

/// A stable hash of what a finding is about: its rule, file, table,
/// dependency and crate. Not its line, so it survives edits above it.
pub(crate) fn fingerprint(f: &Finding, path: &str) -> String {
    let mut h = Fnv::default();
    for part in [
        Some(f.rule.id()),
        Some(path),
        f.table.as_deref(),
        f.name.as_deref(),
        f.package.as_deref(),
    ] {
        h.write(part.unwrap_or("").as_bytes());
        h.write(&[0]);
    }
    format!("{:016x}", h.0)
}

/// FNV-1a (64 bits): tiny, and the same on every platform and release,
/// which a fingerprint stored by a code-scanning service needs.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A rule's friendly name, which SARIF wants different from its id even
/// ignoring case: `partial-exact` → `PartialExact`, `caret` →
/// `CaretRequirement`, `yanked` → `YankedVersion`.
fn name(rule: Rule) -> String {
    let name = pascal_case(rule.id());
    if rule.id().contains('-') {
        name
    } else if rule.is_requirement_rule() {
        name + "Requirement"
    } else {
        name + "Version"
    }
}

fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encodes a `/`-separated relative path for a URI.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A directory as a `file:` URI ending with `/`, as `originalUriBaseIds`
/// requires.
fn file_uri(dir: &std::path::Path) -> String {
    let mut path: String = dir
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            // A Windows drive (`C:`) is the first segment of the path.
            std::path::Component::Prefix(p) => Some(
                p.as_os_str()
                    .to_string_lossy()
                    .trim_start_matches(r"\\?\")
                    .to_string(),
            ),
            _ => None,
        })
        .map(|s| uri_path(&s))
        .collect::<Vec<_>>()
        .join("/");
    if !path.is_empty() {
        path.push('/');
    }
    format!("file:///{path}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn finding(line: Option<usize>) -> Finding {
        let mut f = Finding::file(Rule::Caret, "app/Cargo.toml", line, "`1` floats".into());
        f.name = Some("serde".into());
        f.package = Some("serde".into());
        f.table = Some("dependencies".into());
        f
    }

    #[test]
    fn fingerprints_ignore_the_line_but_not_the_rule_or_file() {
        let a = fingerprint(&finding(Some(3)), "app/Cargo.toml");
        assert_eq!(a, fingerprint(&finding(Some(30)), "app/Cargo.toml"));
        assert_eq!(a.len(), 16);
        assert_ne!(a, fingerprint(&finding(Some(3)), "lib/Cargo.toml"));
        let mut tilde = finding(Some(3));
        tilde.rule = Rule::Tilde;
        assert_ne!(a, fingerprint(&tilde, "app/Cargo.toml"));
        // FNV-1a computed independently: the hash must never change.
        assert_eq!(a, "f8bc89db444199b5");
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_path("my crate/Cargo.toml"), "my%20crate/Cargo.toml");
        assert_eq!(uri_path("a/ü#?.toml"), "a/%C3%BC%23%3F.toml");
        assert_eq!(
            file_uri(&PathBuf::from("/w/my repo")),
            "file:///w/my%20repo/"
        );
        assert_eq!(file_uri(&PathBuf::from("/")), "file:///");
    }

    #[test]
    fn whole_file_findings_point_at_line_one() {
        let root = SourceRoot {
            dir: "/r".into(),
            prefix: "ws/".into(),
            web: None,
        };
        let r = result(&finding(None), &root);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["startLine"], 1);
        assert_eq!(loc["artifactLocation"]["uri"], "ws/app/Cargo.toml");
        assert_eq!(r["message"]["text"], "serde: `1` floats.");
        assert_eq!(r["level"], "error");
        assert_eq!(name(Rule::PartialExact), "PartialExact");
        for rule in Rule::ALL {
            assert!(!name(*rule).eq_ignore_ascii_case(rule.id()), "{rule}");
        }
    }
}
