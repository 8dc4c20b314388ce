//! `schema/pin.schema.json` against the parser: every policy the parser
//! reads (the fixtures', the README's, `init`'s, one with every key) is
//! valid, policies the parser refuses for their shape are not, and the
//! schema's rule ids are exactly the rule table's.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::Policy;
use crate::audit::rule::Rule;
use crate::change::init::{Profile, template};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(repo().join("schema/pin.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    jsonschema::draft7::meta::validate(&schema).expect("a valid draft-07 schema");
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

/// A TOML document as JSON, the way taplo hands it to a schema: dates and
/// times are strings.
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn errors(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    let doc: toml::Value = toml::from_str(text).expect("TOML");
    v.iter_errors(&to_json(&doc))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every pin.toml under `dir` (target/ and dot-folders left out).
fn policies_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                policies_under(&path, out);
            }
        } else if name == "pin.toml" {
            out.push(path);
        }
    }
}

/// The README's TOML blocks that are policies (not manifests, not
/// placeholders such as `…64 hex digits…`).
fn readme_policies() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    blocks
        .into_iter()
        .filter(|b| !b.contains('…') && !b.contains("[package]") && !b.contains("[toolchain]"))
        .collect()
}

/// One policy with every key the parser reads.
const EVERY_KEY: &str = r#"
extends = ["../org/pin.toml", { url = "https://example.com/pin.toml", sha256 = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef" }]

[rules]
caret = "warn"
git-tag = "deny"
toolchain-unpinned = "allow"

[[exempt]]
crate = "windows-sys"
rules = ["caret", "ci-action-ref"]
reason = "the platform team's"
expires = 2027-03-31

[[exempt]]
crate = "actions/checkout"
reason = "pinned by the org"
expires = "2027-03-31"

[registry]
min-release-age = "36 hours"
require-vetted = "changed"
require-publish-time = true

[[vetted]]
crate = "serde"
versions = ["1.0.229", "1.0.230-rc.1"]
reason = "read the diff"
by = "ana"
date = 2026-12-01

[[denied]]
crate = "tracing"
versions = ["0.1.38", ">=0.1.40, <0.1.42", "^0.2", "0.3.1, <0.3.9"]
reason = "panics"
advisory = "RUSTSEC-2099-0001"

[[import]]
cargo-vet = "supply-chain"
criteria = ["safe-to-run"]

[ci]
scan = false
"#;

#[test]
fn every_policy_the_parser_reads_is_valid() {
    let v = validator();
    let mut files = Vec::new();
    policies_under(&repo(), &mut files);
    assert!(files.len() >= 3, "{files:?}");
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let readme = readme_policies();
    assert!(readme.len() >= 5, "{readme:#?}");
    texts.extend(readme.into_iter().map(|t| ("README.md".to_string(), t)));
    texts.push(("init (application)".into(), template(&Profile::Application)));
    texts.push((
        "init (library)".into(),
        template(&Profile::Library {
            package: "lib".into(),
            others: 2,
        }),
    ));
    texts.push(("every key".into(), EVERY_KEY.into()));
    for require_vetted in ["true", "false", "\"direct\"", "\"all\""] {
        texts.push((
            format!("require-vetted = {require_vetted}"),
            format!("[registry]\nrequire-vetted = {require_vetted}\n"),
        ));
    }
    for age in ["7 days", "1 week", "2w", "90 min", "12 hours", " 3 d "] {
        texts.push((
            age.into(),
            format!("[registry]\nmin-release-age = \"{age}\"\n"),
        ));
    }
    for (what, text) in &texts {
        Policy::parse(what, text).unwrap_or_else(|e| panic!("{what}: the parser refuses: {e:#}"));
        let errs = errors(&v, text);
        assert!(errs.is_empty(), "{what}: {errs:#?}\n{text}");
    }
}

#[test]
fn policies_the_parser_refuses_are_invalid() {
    let v = validator();
    for bad in [
        "unknown = 1\n",
        "[rules]\ncarret = \"deny\"\n",
        "[rules]\ncaret = \"forbid\"\n",
        "[rules]\ncaret = true\n",
        "[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nrules = [\"git_tag\"]\n",
        "[[exempt]]\ncrate = \"a\"\n",
        "[[exempt]]\ncrate = \"a\"\nreason = \"  \"\n",
        "[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nexpires = \"next week\"\n",
        "[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nuntil = \"2026-01-01\"\n",
        "[registry]\nmin-release-age = \"7\"\n",
        "[registry]\nmin-release-age = \"7 dayz\"\n",
        "[registry]\nmin-release-age = 7\n",
        "[registry]\nrequire-vetted = \"some\"\n",
        "[registry]\nmin-relase-age = \"7 days\"\n",
        "[[vetted]]\ncrate = \"a\"\nversions = [\"1.0\"]\nreason = \"r\"\n",
        "[[vetted]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\n",
        "[[vetted]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\nreason = \"r\"\ndate = \"yesterday\"\n",
        "[[denied]]\ncrate = \"a\"\nversions = [\"0.1\"]\nreason = \"r\"\n",
        "[[denied]]\ncrate = \"a\"\nversions = []\nreason = \"r\"\n",
        "[[denied]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\nreason = \"\"\n",
        "extends = [{ url = \"https://e.com/p.toml\", sha256 = \"abc\" }]\n",
        "extends = [{ url = \"https://e.com/p.toml\" }]\n",
        "[[import]]\ncriteria = [\"safe-to-run\"]\n",
        "[ci]\nscan = \"yes\"\n",
    ] {
        assert!(
            Policy::parse("pin.toml", bad).is_err(),
            "the parser reads it:\n{bad}"
        );
        assert!(!errors(&v, bad).is_empty(), "the schema accepts:\n{bad}");
    }
}

#[test]
fn the_schema_knows_exactly_the_rules() {
    let schema = schema();
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let enumerated: Vec<&str> = schema["definitions"]["rule"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(enumerated, ids, "definitions.rule.enum");
    let levels = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap();
    let keys: Vec<&str> = levels.keys().map(String::as_str).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, sorted, "properties.rules.properties");
    for rule in Rule::ALL {
        let d = levels[rule.id()]["description"].as_str().unwrap();
        assert!(d.starts_with(rule.summary()), "{rule}: {d}");
        assert_eq!(
            levels[rule.id()]["default"],
            rule.default_level().as_str(),
            "{rule}: the default level"
        );
    }
    // The top-level keys are the parser's: one unknown is refused by both.
    let top: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in &top {
        let text = match *key {
            "extends" => "extends = []\n".to_string(),
            k if ["exempt", "vetted", "denied", "import"].contains(&k) => format!("{k} = []\n"),
            k => format!("[{k}]\n"),
        };
        Policy::parse("pin.toml", &text).unwrap_or_else(|e| panic!("{key}: {e:#}"));
    }
    assert_eq!(top.len(), 8, "{top:?}");
}
