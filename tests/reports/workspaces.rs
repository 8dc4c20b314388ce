//! The workspaces the report tests vary: every fixture under
//! `fixtures/check`, copies of `all-rules` changed to produce every other
//! kind of finding, text that must be escaped, and a long report.

use crate::support::{self, Copy};

/// `all-rules` at `rust/` in a git repository (a `.git` folder), so that
/// repository-relative paths are the same wherever the tests run.
pub(crate) fn all_rules_in_a_repo() -> Copy {
    let c = Copy::at("check/all-rules", "rust");
    std::fs::create_dir(c.dir.path().join(".git")).expect(".git");
    c
}

/// Workspaces that between them produce every kind of finding `check`
/// reports today: every fixture under `fixtures/check`, and copies of
/// `all-rules` with no lockfile or toolchain file, with an expired
/// exemption, allowed and exempted findings, and made clean.
pub(crate) fn variants() -> Vec<(String, Copy)> {
    let mut out = Vec::new();
    let mut fixtures: Vec<String> = std::fs::read_dir(support::fixture("check"))
        .expect("fixtures/check")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() > 1, "{fixtures:?}");
    for name in fixtures {
        let copy = Copy::of(&format!("check/{name}"));
        out.push((name, copy));
    }

    let c = Copy::of("check/all-rules");
    c.remove("Cargo.lock");
    c.remove("rust-toolchain.toml");
    out.push(("no lockfile, no toolchain file".into(), c));

    let c = Copy::of("check/all-rules");
    c.write(
        "pin.toml",
        "[rules]\ncaret = \"allow\"\ngit-tag = \"deny\"\n\n\
         [[exempt]]\ncrate = \"rand\"\nreason = \"chosen elsewhere\"\n\n\
         [[exempt]]\ncrate = \"bytes\"\nrules = [\"range\"]\nreason = \"old\"\nexpires = \"2025-01-01\"\n",
    );
    out.push(("policy with an expired exemption".into(), c));

    let c = Copy::of("check/all-rules");
    c.write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nserde.workspace = true\nlog = { workspace = true }\n",
    );
    c.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n\n\
         [workspace.dependencies]\nserde = \"=1.0.209\"\nlog = \"=0.4.22\"\n",
    );
    c.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95.0\"\n");
    out.push(("clean".into(), c));

    out.push(("hostile text and paths".into(), hostile()));
    out
}

/// A workspace in a folder with spaces, inside a git repository, whose
/// manifest holds text that Markdown, SARIF and workflow commands must
/// escape: `|`, `,`, `:`, `%`, backticks, HTML and a line break followed
/// by a workflow command.
pub(crate) fn hostile() -> Copy {
    let c = Copy::empty("sub dir/ws");
    std::fs::create_dir(c.dir.path().join(".git")).expect(".git");
    c.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"my crate\"]\nresolver = \"2\"\n",
    );
    c.write(
        "my crate/Cargo.toml",
        "[package]\nname = \"my-crate\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n\
         weird = { git = \"https://example.com/a%20b\", branch = \"x|y,z:%`*_<i>&amp;\\n::error::boom\" }\n\
         pipes = \"1.0, <2 \"\n",
    );
    c.write("my crate/src/lib.rs", "");
    c
}

/// A workspace with `n` caret requirements and no lockfile: `n + 2`
/// findings, for reports that must stay usable when long.
pub(crate) fn big(n: usize) -> Copy {
    let c = Copy::empty("");
    let mut manifest = String::from(
        "[package]\nname = \"big\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
    );
    for i in 0..n {
        manifest.push_str(&format!("dep-{i} = \"1.{i}\"\n"));
    }
    c.write("Cargo.toml", &manifest);
    c.write("src/lib.rs", "");
    c
}
