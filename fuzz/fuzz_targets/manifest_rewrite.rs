//! For any manifest the parser accepts, pinning every dependency produces a
//! manifest that parses again and reads back exactly the planned values.
#![no_main]

use cargo_pin::change::edit;
use cargo_pin::workspace::manifest::{self, DepSource, GitRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let Ok(m) = manifest::parse("/w/Cargo.toml".into(), "Cargo.toml".into(), data.to_string()) else {
        return;
    };
    let mut edits = Vec::new();
    let mut planned = Vec::new();
    for (i, d) in m.deps.iter().enumerate() {
        let e = match &d.source {
            DepSource::Registry { .. } => edit::set_requirement(&m, d, "=1.2.3"),
            DepSource::Git(_) => edit::set_git_rev(&m, d, "abc"),
            _ => continue,
        };
        if let Ok(e) = e {
            edits.extend(e);
            planned.push(i);
        }
    }
    // Overlapping edits (two entries for one key) are refused, not applied.
    let Ok(after) = edit::apply(data, &edits) else { return };
    let re = manifest::parse("/w/Cargo.toml".into(), "Cargo.toml".into(), after)
        .expect("an edited manifest must parse");
    assert_eq!(re.deps.len(), m.deps.len());
    for i in planned {
        match &re.deps[i].source {
            DepSource::Registry { requirement, .. } => assert_eq!(requirement.as_deref(), Some("=1.2.3")),
            DepSource::Git(g) => assert!(matches!(&g.reference, GitRef::Rev(r) if r.value == "abc")),
            other => panic!("dependency {i} changed kind: {other:?}"),
        }
    }
});
