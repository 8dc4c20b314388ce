//! The gate: what a change introduces, judged; levels and `require-vetted`.

use super::*;

#[test]
fn an_unrelated_change_passes_although_the_base_locks_yanked_and_fresh_versions() {
    let r = Repo::new();
    // The base already locks bravo 0.3.1 (yanked) and cat 0.1.1 (too new):
    // `check --registry` fails on them, a review of another change does not.
    r.copy
        .write("app/src/main.rs", "fn main() { println!(\"hi\"); }\n");
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(0);
    assert_eq!(v["changes"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["head"], serde_json::json!({"rev": null, "commit": null}));
    assert_eq!(v["base"]["rev"], "HEAD");
    assert_eq!(
        v["base"]["commit"].as_str().unwrap(),
        git(&r.root, &["rev-parse", "HEAD"])
    );
    let text = r.cmd().args(["--base", "HEAD"]).stdout(0);
    assert!(text.contains("no package changed"), "{text}");
}

#[test]
fn a_vetted_upgrade_pinned_exactly_passes_and_is_described() {
    let r = Repo::new();
    r.relock("alpha", "1.1.0", "1.2.1");
    r.edit("app/Cargo.toml", "alpha = \"1.1\"", "alpha = \"=1.2.1\"");
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(0);
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v:#}");
    let a = change(&v, "alpha");
    assert_eq!(a["kind"], "upgraded");
    assert_eq!(a["source"], IO);
    assert_eq!(a["from"], serde_json::json!(["1.1.0"]));
    assert_eq!(a["to"], serde_json::json!(["1.2.1"]));
    assert_eq!(a["direct"], true);
    assert_eq!(a["via"], serde_json::json!(["app"]));
    let i = &a["introduced"][0];
    assert_eq!(i["version"], "1.2.1");
    assert_eq!(i["status"], "vetted");
    assert_eq!(i["yanked"], false);
    assert_eq!(i["age_days"], 41);
    assert_eq!(i["published"], "2026-04-20T09:00:00Z");
    assert_eq!(i["vetted_because"], "read the diffs");
    assert_eq!(v["summary"]["upgraded"], 1);
    assert_eq!(v["findings"], serde_json::json!([]));
}

#[test]
fn the_gate_judges_only_what_the_change_introduces() {
    let r = Repo::new();
    r.gate_changes();
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(1);
    schema::assert_valid(&schema::validator("review.schema.json"), &v, "review");
    assert_eq!(
        rules(&v),
        triples(&[
            ("caret", "deny", "alpha"),
            ("too-new", "deny", "alpha"),
            ("downgrade", "warn", "bravo"),
            ("new-git-source", "warn", "xy"),
        ]),
        "{v:#}"
    );
    // The untouched caret requirement on DeltaCase is not judged.
    assert!(!v.to_string().contains("DeltaCase"));
    let xy = change(&v, "xy");
    assert_eq!(xy["kind"], "source-changed");
    assert_eq!(xy["direct"], false);
    assert_eq!(xy["via"], serde_json::json!(["app", "bravo"]));
    assert_eq!(xy["from_source"], IO);
    assert_eq!(xy["introduced"][0]["status"], Value::Null);
    assert_eq!(change(&v, "bravo")["kind"], "downgraded");
    assert_eq!(change(&v, "alpha")["introduced"][0]["status"], "too-new");
    assert_eq!(change(&v, "q")["introduced"][0]["status"], "unvetted");
    let s = &v["summary"];
    assert_eq!(
        (
            &s["upgraded"],
            &s["downgraded"],
            &s["source_changed"],
            &s["deny"],
            &s["warn"]
        ),
        (&2.into(), &1.into(), &1.into(), &2.into(), &2.into())
    );
    // Registry findings point at the head lockfile's entry.
    let lock = r.copy.read("Cargo.lock");
    let too_new = &v["findings"][1];
    assert_eq!(too_new["manifest"], "Cargo.lock");
    let line = too_new["line"].as_u64().unwrap() as usize;
    assert_eq!(lock.lines().nth(line - 1), Some("name = \"alpha\""));
    // Levels as in check: -A, and pin.toml.
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(0);
    assert_eq!(v["summary"]["allowed"], 2);
    r.copy.write(
        "pin.toml",
        &(r.copy.read("pin.toml") + "\n[rules]\ndowngrade = \"deny\"\n"),
    );
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(1);
    assert_eq!(rules(&v)[0], triples(&[("downgrade", "deny", "bravo")])[0]);
}

#[test]
fn require_vetted_judges_introduced_direct_versions() {
    let r = Repo::new();
    r.gate_changes();
    r.edit(
        "pin.toml",
        "min-release-age = \"7 days\"",
        "min-release-age = \"7 days\"\nrequire-vetted = true",
    );
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(1);
    let unvetted: Vec<_> = rules(&v)
        .into_iter()
        .filter(|(r, _, _)| r == "unvetted")
        .collect();
    // q 0.6.0 and bravo 0.3.0 are direct and unvetted; alpha 1.3.0 is vetted.
    assert_eq!(
        unvetted,
        triples(&[("unvetted", "deny", "bravo"), ("unvetted", "deny", "q")])
    );
}

#[test]
fn require_vetted_changed_judges_transitive_introduced_versions_too() {
    let r = Repo::new();
    // cat becomes a dependency of bravo only, and moves to 0.1.0.
    r.edit(
        "Cargo.lock",
        " \"bravo\",\n \"cat\",\n \"q\",",
        " \"bravo\",\n \"q\",",
    );
    r.edit(
        "Cargo.lock",
        "dependencies = [\n \"xy\",\n]",
        "dependencies = [\n \"cat\",\n \"xy\",\n]",
    );
    r.relock("cat", "0.1.1", "0.1.0");
    let unvetted = |setting: &str, code: i32| -> Vec<(String, String, String)> {
        r.copy.write(
            "pin.toml",
            &format!("[registry]\nmin-release-age = \"7 days\"\nrequire-vetted = {setting}\n"),
        );
        let v = r
            .cmd()
            .args(["--base", "HEAD", "--format", "json"])
            .json(code);
        assert_eq!(
            change(&v, "cat")["via"],
            serde_json::json!(["app", "bravo"])
        );
        rules(&v)
            .into_iter()
            .filter(|(r, _, _)| r == "unvetted")
            .collect()
    };
    assert_eq!(unvetted("true", 0), []);
    assert_eq!(unvetted("\"direct\"", 0), []);
    assert_eq!(
        unvetted("\"changed\"", 1),
        triples(&[("unvetted", "deny", "cat")])
    );
    assert_eq!(
        unvetted("\"all\"", 1),
        triples(&[("unvetted", "deny", "cat")])
    );
}

#[test]
fn a_change_introducing_a_denied_release_fails_and_says_why() {
    let r = Repo::new();
    // 1.2.1 is vetted in the fixture's pin.toml; the team then denies it.
    r.edit(
        "pin.toml",
        "reason = \"read the diffs\"\n",
        "reason = \"read the diffs\"\n\n[[denied]]\ncrate = \"alpha\"\nversions = [\"1.2.1\"]\nreason = \"breaks TLS\"\n",
    );
    r.relock("alpha", "1.1.0", "1.2.1");
    r.edit("app/Cargo.toml", "alpha = \"1.1\"", "alpha = \"=1.2.1\"");
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(1);
    let denied: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "denied")
        .collect();
    assert_eq!(denied.len(), 1, "{v:#}");
    assert_eq!(denied[0]["package"], "alpha");
    assert!(
        denied[0]["message"]
            .as_str()
            .unwrap()
            .contains("breaks TLS"),
        "{v:#}"
    );
    assert_eq!(change(&v, "alpha")["introduced"][0]["status"], "denied");
}
