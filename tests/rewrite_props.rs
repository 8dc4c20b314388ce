//! Property tests of the manifest rewrite: for generated manifests, pinning
//! changes exactly the planned values, and re-parsing gives the same
//! document otherwise (comments, other keys, line endings included).

use cargo_pin::change::edit;
use cargo_pin::workspace::manifest::{self, DepSource, GitRef};
use proptest::prelude::*;

/// How one generated dependency is written.
#[derive(Debug, Clone)]
enum Entry {
    Str(String),
    Inline {
        version: Option<String>,
        features: bool,
    },
    Header {
        version: Option<String>,
    },
    Git {
        branch: Option<String>,
    },
    Path,
}

fn requirement() -> impl Strategy<Value = String> {
    (0u8..30, 0u8..30, 0u8..30, 0usize..8).prop_map(|(a, b, c, k)| match k {
        0 => format!("{a}.{b}"),
        1 => format!("^{a}.{b}.{c}"),
        2 => format!("~{a}.{b}"),
        3 => format!(">={a}.{b}, <{}", a as u16 + 1),
        4 => "*".to_string(),
        5 => format!("{a}.*"),
        6 => format!("={a}.{b}"),
        _ => format!("={a}.{b}.{c}"),
    })
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        requirement().prop_map(Entry::Str),
        (proptest::option::of(requirement()), any::<bool>())
            .prop_map(|(version, features)| Entry::Inline { version, features }),
        proptest::option::of(requirement()).prop_map(|version| Entry::Header { version }),
        proptest::option::of("[a-z]{1,8}").prop_map(|branch| Entry::Git { branch }),
        Just(Entry::Path),
    ]
}

/// Renders a manifest; comments and odd spacing are there to be preserved.
fn render(entries: &[Entry], crlf: bool, single_quotes: bool) -> String {
    let q = if single_quotes { '\'' } else { '"' };
    let mut main = String::from(
        "[package]\nname = \"gen\"\nversion = \"0.1.0\"\n\n# deps below\n[dependencies]\n",
    );
    let mut headers = String::new();
    for (i, e) in entries.iter().enumerate() {
        let name = format!("dep{i}");
        match e {
            Entry::Str(v) => main.push_str(&format!("{name}   =  {q}{v}{q} # c{i}\n")),
            Entry::Inline { version, features } => {
                let mut parts = Vec::new();
                if let Some(v) = version {
                    parts.push(format!("version = {q}{v}{q}"));
                }
                if *features {
                    parts.push("features = [\"a\", \"b\"]".to_string());
                }
                main.push_str(&format!("{name} = {{ {} }}\n", parts.join(", ")));
            }
            Entry::Header { version } => {
                headers.push_str(&format!("\n# header {i}\n[dependencies.{name}]\n"));
                if let Some(v) = version {
                    headers.push_str(&format!("version = {q}{v}{q}\n"));
                }
                headers.push_str("default-features = false\n");
            }
            Entry::Git { branch } => {
                let b = branch
                    .as_ref()
                    .map(|b| format!(", branch = {q}{b}{q}"))
                    .unwrap_or_default();
                main.push_str(&format!(
                    "{name} = {{ git = \"https://example.com/{name}\"{b} }}\n"
                ));
            }
            Entry::Path => main.push_str(&format!(
                "{name} = {{ path = \"../{name}\", version = \"1\" }}\n"
            )),
        }
    }
    let text = main + &headers;
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

/// The document as data, with the values we planned to change replaced.
fn normalised(text: &str, planned: &[(String, String)]) -> toml::Table {
    let mut t: toml::Table = toml::from_str(text).expect("valid TOML");
    if let Some(deps) = t.get_mut("dependencies").and_then(|d| d.as_table_mut()) {
        for (name, _) in planned {
            match deps.get_mut(name) {
                Some(toml::Value::String(s)) => *s = "<planned>".into(),
                Some(toml::Value::Table(tab)) => {
                    for key in ["version", "branch", "rev"] {
                        tab.remove(key);
                    }
                }
                _ => {}
            }
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rewrite_changes_exactly_the_planned_values(
        entries in proptest::collection::vec(entry(), 1..25),
        crlf in any::<bool>(),
        single in any::<bool>(),
        major in 0u8..50, minor in 0u8..50, patch in 0u8..50,
    ) {
        let text = render(&entries, crlf, single);
        let m = manifest::parse("/w/Cargo.toml".into(), "Cargo.toml".into(), text.clone()).unwrap();
        let pin = format!("={major}.{minor}.{patch}");
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let mut edits = Vec::new();
        let mut planned = Vec::new();
        for d in &m.deps {
            match &d.source {
                DepSource::Registry { .. } => {
                    edits.extend(edit::set_requirement(&m, d, &pin).unwrap());
                    planned.push((d.name.clone(), pin.clone()));
                }
                DepSource::Git(_) => {
                    edits.extend(edit::set_git_rev(&m, d, commit).unwrap());
                    planned.push((d.name.clone(), commit.to_string()));
                }
                _ => {}
            }
        }
        let after = edit::apply(&text, &edits).unwrap();

        // Every planned value is there, read back by our parser.
        let re = manifest::parse("/w/Cargo.toml".into(), "Cargo.toml".into(), after.clone()).unwrap();
        prop_assert_eq!(re.deps.len(), m.deps.len());
        for d in &re.deps {
            match &d.source {
                DepSource::Registry { requirement, .. } => prop_assert_eq!(requirement.as_deref(), Some(pin.as_str())),
                DepSource::Git(g) => prop_assert!(matches!(&g.reference, GitRef::Rev(r) if r.value == commit)),
                _ => {}
            }
        }
        // Otherwise the same document, read by an independent parser.
        prop_assert_eq!(normalised(&text, &planned), normalised(&after, &planned));
        // Comments, line count and line endings are untouched (a header
        // table or a default-branch git entry written as a header may gain
        // one line each; these are inline, so the count is exact).
        let comments = |s: &str| s.lines().filter(|l| l.contains('#')).map(|l| l[l.find('#').unwrap()..].trim_end().to_string()).collect::<Vec<_>>();
        prop_assert_eq!(comments(&text), comments(&after));
        let added = entries.iter().filter(|e| matches!(e, Entry::Header { version: None })).count();
        prop_assert_eq!(after.lines().count(), text.lines().count() + added);
        if crlf {
            prop_assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
        } else {
            prop_assert!(!after.contains('\r'));
        }
        // Every registry requirement now reads as pinned to cargo's parser,
        // so a second `fix` would find nothing to do.
        for d in &re.deps {
            if let DepSource::Registry { requirement: Some(r), .. } = &d.source {
                let kind = cargo_pin::workspace::requirement::classify(r).unwrap().kind;
                prop_assert_eq!(kind, cargo_pin::workspace::requirement::Kind::Exact);
            }
        }
    }
}
