//! The JSON Schemas in `schema/` describe the real JSON output.

use cargo_pin::audit::rule::Rule;
use serde_json::{Value, json};

use crate::support::schema::{errors, load as schema, validator};
use crate::{support, workspaces};

#[test]
fn check_output_matches_its_schema_on_every_variant() {
    let v = validator("check.schema.json");
    let mut rules_seen = std::collections::BTreeSet::new();
    for (what, ws) in workspaces::variants() {
        let out = crate::check_json(&ws.manifest(), &[]);
        let errs = errors(&v, &out);
        assert!(errs.is_empty(), "{what}: {errs:#?}\n{out:#}");
        if what == "clean" {
            assert_eq!(out["findings"], json!([]), "{out:#}");
        }
        for f in out["findings"].as_array().expect("findings") {
            rules_seen.insert(f["rule"].as_str().unwrap_or_default().to_string());
        }
    }
    // The variants really cover the file findings and the policy's.
    for rule in [
        "lockfile-missing",
        "toolchain-unpinned",
        "exemption-expired",
        "caret",
    ] {
        assert!(
            rules_seen.contains(rule),
            "no {rule} finding: {rules_seen:?}"
        );
    }
}

#[test]
fn check_output_with_levels_from_the_command_line_matches() {
    let v = validator("check.schema.json");
    let out = crate::check_json(
        &support::fixture_manifest("check/all-rules"),
        &["-A", "caret", "-W", "git-branch"],
    );
    assert!(out["summary"]["allowed"].as_u64() > Some(0));
    let errs = errors(&v, &out);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn schema_lists_exactly_the_rules() {
    let s = schema("check.schema.json");
    let listed: Vec<&str> = s["$defs"]["rule"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(
        listed, ids,
        "schema/check.schema.json lists other rules than src/rule.rs"
    );
}

#[test]
fn schema_rejects_what_the_contract_forbids() {
    let v = validator("check.schema.json");
    let good = crate::check_json(&support::fixture_manifest("check/all-rules"), &[]);
    assert!(errors(&v, &good).is_empty());
    type Mutation = fn(&mut Value);
    let mutations: Vec<(&str, Mutation)> = vec![
        ("unknown rule", |o| {
            o["findings"][0]["rule"] = json!("carret")
        }),
        ("line 0", |o| o["findings"][0]["line"] = json!(0)),
        ("level allow", |o| {
            o["findings"][0]["level"] = json!("allow")
        }),
        ("absolute manifest", |o| {
            o["findings"][0]["manifest"] = json!("/x/Cargo.toml")
        }),
        ("missing field", |o| {
            o["findings"][0].as_object_mut().map(|f| f.remove("locked"));
        }),
        ("extra field", |o| o["findings"][0]["extra"] = json!(1)),
        ("dependency without table", |o| {
            o["findings"][0]["table"] = Value::Null
        }),
        ("bad fix", |o| o["findings"][0]["fix"] = json!("1.2")),
        ("schema version", |o| o["schema_version"] = json!(2)),
        ("negative count", |o| o["summary"]["deny"] = json!(-1)),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!errors(&v, &bad).is_empty(), "the schema accepts {what}");
    }
}

#[test]
fn fix_output_matches_its_schema() {
    let v = validator("fix.schema.json");
    let mut edits = 0;
    for (what, ws) in workspaces::variants() {
        let locked = ws.root().join("Cargo.lock").exists();
        let out = crate::bin()
            .args([
                "pin",
                "fix",
                "--dry-run",
                "--format",
                "json",
                "--manifest-path",
            ])
            .arg(ws.manifest())
            // Without a lockfile there is nothing to pin to: an error, not
            // a report.
            .output(if locked { 0 } else { 2 });
        if !locked {
            assert_eq!(out.status.code(), Some(2), "{what}");
            continue;
        }
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let errs = errors(&v, &report);
        assert!(errs.is_empty(), "{what}: {errs:#?}\n{report:#}");
        edits += report["edits"].as_array().map_or(0, Vec::len);
    }
    assert!(edits > 0, "no variant had anything to fix");

    // A run that writes reports the same shape.
    let ws = support::Copy::of("check/all-rules");
    let out = crate::bin()
        .args(["pin", "fix", "--format", "json", "--manifest-path"])
        .arg(ws.manifest())
        .output(0);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["dry_run"], json!(false));
    let errs = errors(&v, &report);
    assert!(errs.is_empty(), "{errs:#?}\n{report:#}");
}

#[test]
fn fix_schema_names_only_rules_fix_acts_on() {
    let s = schema("fix.schema.json");
    for id in s["$defs"]["rule"]["enum"].as_array().expect("enum") {
        let rule: Rule = id.as_str().unwrap_or_default().parse().expect("a rule id");
        assert!(
            rule.is_requirement_rule()
                || matches!(rule, Rule::GitBranch | Rule::GitTag)
                // CI files: edited (the first two) or left with a reason.
                || matches!(
                    rule,
                    Rule::CiCargoInstall | Rule::CiToolchain | Rule::CiActionRef | Rule::ContainerImage
                ),
            "{rule}"
        );
    }
}
