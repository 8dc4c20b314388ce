//! The one harness of the integration tests: the real `cargo-pin` binary in
//! one fixed environment with one clock, temporary copies of fixtures, the
//! JSON-schema validator and the Markdown-table checker.
//!
//! Every way of running the binary asserts its exit code: [`Pin::code`]
//! (and [`Pin::output`], [`Pin::stdout`], [`Pin::stderr`], [`Pin::json`])
//! take the expected code; [`Pin::check_json`] derives it from the report.

// The library reads no environment variable; the harness passes chosen variables through to the binary.
#![allow(clippy::disallowed_methods)]
#![allow(dead_code)]

pub(crate) mod registry;
pub(crate) mod server;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use snapbox::cmd::{Command, OutputAssert, cargo_bin};

/// The tests' clock: the instant every run of the binary sees as "now"
/// (`CARGO_PIN_NOW`), unless a test passes another with [`Pin::now`].
pub(crate) const NOW: &str = "2026-11-24T12:00:00Z";

/// The terminal width every run sees (`COLUMNS`), unless a test passes
/// another with [`Pin::columns`].
pub(crate) const COLUMNS: u16 = 200;

/// The variables passed through from the test's own environment, when set:
/// what finding and running cargo (through rustup) needs, and nothing that
/// changes what cargo-pin prints.
pub(crate) const PASS_THROUGH: [&str; 7] = [
    "PATH",
    "HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTUP_AUTO_INSTALL",
    "CARGO_HOME",
    "TMPDIR",
];

/// The cargo that builds the tests: `$CARGO` for the binary.
pub(crate) const CARGO: &str = env!("CARGO");

/// The repository's root (where Cargo.toml is).
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixed environment the binary runs in, whole: the [`PASS_THROUGH`]
/// variables that are set, then no colour (`NO_COLOR=1`), [`COLUMNS`],
/// [`NOW`], `CARGO` = [`CARGO`] and `CARGO_PIN_CACHE_DIR` = `cache`.
/// Everything else is absent: `CARGO_TERM_COLOR`, `CLICOLOR_FORCE`, the
/// `GITHUB_*` variables, proxies, tokens and cargo's `CARGO_*` settings.
/// Apply it to a fresh environment (`env_clear()` first).
pub(crate) fn fixed_env(cache: &Path) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = PASS_THROUGH
        .iter()
        .filter_map(|k| Some((OsString::from(k), std::env::var_os(k)?)))
        .collect();
    for (k, v) in [
        ("NO_COLOR", OsStr::new("1")),
        ("COLUMNS", OsStr::new(&COLUMNS.to_string())),
        ("CARGO_PIN_NOW", OsStr::new(NOW)),
        ("CARGO", OsStr::new(CARGO)),
        ("CARGO_PIN_CACHE_DIR", cache.as_os_str()),
    ] {
        env.push((k.into(), v.to_os_string()));
    }
    env
}

/// [`fixed_env`] applied to a `std` command that is not cargo-pin but runs
/// it (pre-commit) or is run beside it (cargo, git): the environment is
/// cleared first. `cache` is the cache directory cargo-pin would use.
pub(crate) fn fixed_env_std<'a>(
    cmd: &'a mut std::process::Command,
    cache: &Path,
) -> &'a mut std::process::Command {
    cmd.env_clear().envs(fixed_env(cache))
}

/// cargo (the one building the tests) in the fixed environment, with a
/// private `CARGO_HOME` when given. It asserts nothing itself: use
/// [`run_ok`].
pub(crate) fn cargo(cargo_home: Option<&Path>) -> std::process::Command {
    let mut cmd = std::process::Command::new(CARGO);
    fixed_env_std(&mut cmd, Path::new("/nonexistent/cargo-pin-cache"));
    if let Some(home) = cargo_home {
        cmd.env("CARGO_HOME", home);
    }
    cmd
}

/// Runs a helper program (cargo, git) and asserts it exits 0; its stdout.
pub(crate) fn run_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The real binary, to be run once with an expected exit code.
#[must_use = "a Pin does nothing until run with its expected exit code"]
pub(crate) struct Pin {
    cmd: Command,
    /// The private cache directory, unless [`Pin::cache_dir`] named one.
    _cache: Option<tempfile::TempDir>,
    /// `[ROOT]` in snapshots, when set.
    root: Option<PathBuf>,
    /// What was run, for failure messages.
    shown: Vec<OsString>,
}

/// The binary in the [`fixed_env`], with a private, empty cache.
pub(crate) fn pin() -> Pin {
    let cache = tempfile::tempdir().expect("temp cache dir");
    let cmd = Command::new(cargo_bin!("cargo-pin"))
        .env_clear()
        .envs(fixed_env(cache.path()));
    Pin {
        cmd,
        _cache: Some(cache),
        root: None,
        shown: Vec::new(),
    }
}

impl Pin {
    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Pin {
        self.shown.push(arg.as_ref().to_os_string());
        self.cmd = self.cmd.arg(arg);
        self
    }

    pub(crate) fn args(mut self, args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> Pin {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// `--manifest-path PATH`.
    pub(crate) fn manifest(self, path: impl AsRef<OsStr>) -> Pin {
        self.arg("--manifest-path").arg(path)
    }

    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Pin {
        self.cmd = self.cmd.current_dir(dir);
        self
    }

    /// One variable on top of the fixed environment.
    pub(crate) fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Pin {
        self.cmd = self.cmd.env(key, value);
        self
    }

    /// One variable of the fixed environment taken away.
    pub(crate) fn env_remove(mut self, key: impl AsRef<OsStr>) -> Pin {
        self.cmd = self.cmd.env_remove(key);
        self
    }

    /// Another instant than [`NOW`] (RFC 3339 or a date).
    pub(crate) fn now(self, instant: &str) -> Pin {
        self.env("CARGO_PIN_NOW", instant)
    }

    /// Another width than [`COLUMNS`].
    pub(crate) fn columns(self, width: usize) -> Pin {
        self.env("COLUMNS", width.to_string())
    }

    /// A cache directory that outlives this run (warm-cache tests).
    pub(crate) fn cache_dir(mut self, dir: &Path) -> Pin {
        self._cache = None;
        self.env("CARGO_PIN_CACHE_DIR", dir)
    }

    /// A private cargo home (a registry test's `config.toml` and tokens).
    pub(crate) fn cargo_home(self, dir: &Path) -> Pin {
        self.env("CARGO_HOME", dir)
    }

    /// `[ROOT]` stands for `root` in the snapshots this run compares.
    pub(crate) fn redact_root(mut self, root: &Path) -> Pin {
        self.root = Some(root.to_path_buf());
        self
    }

    /// Runs the binary and asserts it exits with `expected`; the output, to
    /// compare (`stdout_eq`, `stderr_eq`) or read (`get_output`).
    pub(crate) fn code(self, expected: i32) -> OutputAssert {
        let Pin {
            cmd,
            _cache,
            root,
            shown,
        } = self;
        let out = cmd.output().expect("run cargo-pin");
        assert_eq!(
            out.status.code(),
            Some(expected),
            "cargo-pin {shown:?}: expected exit {expected}, got {}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let assert = match &root {
            Some(root) => assert_in(root),
            None => snapshots(),
        };
        OutputAssert::new(out).with_assert(assert)
    }

    /// [`Pin::code`] 0.
    pub(crate) fn success(self) -> OutputAssert {
        self.code(0)
    }

    /// Runs with `expected` as the exit code; the whole output.
    pub(crate) fn output(self, expected: i32) -> Output {
        self.code(expected).get_output().clone()
    }

    /// Runs with `expected` as the exit code; stdout, as UTF-8.
    pub(crate) fn stdout(self, expected: i32) -> String {
        String::from_utf8(self.output(expected).stdout).expect("stdout is UTF-8")
    }

    /// Runs with `expected` as the exit code; stderr, as UTF-8.
    pub(crate) fn stderr(self, expected: i32) -> String {
        String::from_utf8(self.output(expected).stderr).expect("stderr is UTF-8")
    }

    /// Runs a `check --format json` and parses its report; asserts the
    /// exit code is the one the report owes ([`check_code`]), which only
    /// the report tells.
    pub(crate) fn check_json(self) -> Value {
        let Pin {
            cmd, _cache, shown, ..
        } = self;
        let out = cmd.output().expect("run cargo-pin");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "cargo-pin {shown:?}: stdout is not JSON ({e}), {}\nstderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert_eq!(
            out.status.code(),
            Some(check_code(&report)),
            "cargo-pin {shown:?}: the exit code does not match summary.deny\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        report
    }

    /// Runs with `expected` as the exit code; stdout parsed as JSON.
    pub(crate) fn json(self, expected: i32) -> Value {
        let out = self.output(expected);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

/// The exit code `check` owes a report: 1 when it has a deny-level
/// finding, else 0.
pub(crate) fn check_code(report: &Value) -> i32 {
    let deny = report["summary"]["deny"]
        .as_u64()
        .unwrap_or_else(|| panic!("no summary.deny in {report:#}"));
    i32::from(deny > 0)
}

/// Snapshot assertions: `SNAPSHOTS=overwrite` rewrites the snapshot files.
/// Backslashes are escapes in our JSON and Markdown, not Windows paths.
pub(crate) fn snapshots() -> snapbox::Assert {
    snapbox::Assert::new()
        .action_env("SNAPSHOTS")
        .normalize_paths(false)
}

/// [`snapshots`] with `[ROOT]` standing for `root`.
pub(crate) fn assert_in(root: &Path) -> snapbox::Assert {
    let mut r = snapbox::Redactions::new();
    r.insert("[ROOT]", root.to_path_buf()).expect("redaction");
    snapshots().redact_with(r)
}

/// [`assert_in`] with `[VERSION]` standing for this crate's version too.
pub(crate) fn assert_in_versioned(root: &Path) -> snapbox::Assert {
    let mut r = snapbox::Redactions::new();
    r.insert("[ROOT]", root.to_path_buf()).expect("redaction");
    r.insert("[VERSION]", env!("CARGO_PKG_VERSION"))
        .expect("redaction");
    snapshots().redact_with(r)
}

/// A fixture directory under `fixtures/`.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    repo().join("fixtures").join(rel)
}

/// A fixture workspace's root manifest.
pub(crate) fn fixture_manifest(rel: &str) -> PathBuf {
    fixture(rel).join("Cargo.toml")
}

/// A workspace in a temporary directory, to change: a copy of a fixture,
/// or files a test writes. The directory is removed on drop.
pub(crate) struct Copy {
    pub dir: tempfile::TempDir,
    /// The workspace root: `dir` or a folder in it.
    root: PathBuf,
}

impl Copy {
    /// An empty workspace folder at `sub` (`""`: the directory itself) in
    /// a new temporary directory.
    pub(crate) fn empty(sub: &str) -> Copy {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join(sub);
        std::fs::create_dir_all(&root).expect("create dir");
        Copy { dir, root }
    }

    /// A copy of `fixtures/REL` at `sub` in a new temporary directory.
    pub(crate) fn at(rel: &str, sub: &str) -> Copy {
        let c = Copy::empty(sub);
        copy_dir(&fixture(rel), c.root());
        c
    }

    /// A copy of `fixtures/REL`, in a folder named as the fixture's.
    pub(crate) fn of(rel: &str) -> Copy {
        Copy::at(rel, rel.rsplit('/').next().unwrap_or(rel))
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Writes `text` to `rel`, making folders as needed.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    pub(crate) fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    /// Every file with its bytes, for "nothing changed" checks.
    pub(crate) fn tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        snapshot_tree(&self.root)
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
pub(crate) fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(d: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    walk(dir, &mut out);
    out
}

/// The JSON Schemas in `schema/`.
pub(crate) mod schema {
    use serde_json::Value;

    /// `schema/NAME`, parsed.
    pub(crate) fn load(name: &str) -> Value {
        let path = super::repo().join("schema").join(name);
        let text = std::fs::read_to_string(&path).expect("read schema");
        serde_json::from_str(&text).expect("schema is JSON")
    }

    /// A validator for `schema/NAME`, itself checked against the 2020-12
    /// meta-schema.
    pub(crate) fn validator(name: &str) -> jsonschema::Validator {
        let schema = load(name);
        jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
        jsonschema::draft202012::new(&schema).expect("schema compiles")
    }

    /// Every error, as `path: message`; empty when `instance` is valid.
    pub(crate) fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
        v.iter_errors(instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    /// Asserts `instance` is valid.
    pub(crate) fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
        let errs = errors(v, instance);
        assert!(errs.is_empty(), "{what}: {errs:#?}\n{instance:#}");
    }
}

/// A GitHub-flavoured table of a Markdown text: rows of cells, header
/// first, the delimiter row left out.
pub(crate) type Table = Vec<Vec<String>>;

/// The GitHub-flavoured tables in `md` (runs of lines starting with `|`).
/// Asserts each is well formed: every line `| … |`, a delimiter row of
/// `---`/`--:` cells, at least one body row, and every row with as many
/// cells as the header. A `\` escapes the next character (`\|` is a pipe
/// inside a cell); cells are trimmed and keep their escapes.
pub(crate) fn md_tables(md: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut lines = md.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.starts_with('|') {
            continue;
        }
        let header = md_cells(line);
        let delimiter = lines.next().expect("a delimiter row");
        let rule = md_cells(delimiter);
        assert_eq!(rule.len(), header.len(), "{delimiter}\n{md}");
        assert!(rule.iter().all(|c| c == "---" || c == "--:"), "{delimiter}");
        let mut rows = vec![header];
        while let Some(l) = lines.next_if(|l| l.starts_with('|')) {
            let row = md_cells(l);
            assert_eq!(row.len(), rows[0].len(), "{l}\n{md}");
            rows.push(row);
        }
        assert!(rows.len() > 1, "a table without rows: {line}\n{md}");
        tables.push(rows);
    }
    tables
}

/// The cells of one table row.
fn md_cells(line: &str) -> Vec<String> {
    assert!(
        line.starts_with("| ") && line.ends_with(" |"),
        "not a table row: {line}"
    );
    let inner = &line[1..line.len() - 1];
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                cell.extend(chars.next());
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}
