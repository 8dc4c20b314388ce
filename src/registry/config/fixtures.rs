//! Fixtures the config modules' unit tests share: a workspace whose
//! ancestor has its own `.cargo`, a cargo home beside it, and a loader
//! that passes the test's variables as the environment.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{CargoConfig, Env};

pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    pub(super) root: PathBuf,
    pub(super) home: PathBuf,
}

/// A workspace at `<tmp>/outer/ws` and a cargo home at `<tmp>/home`.
pub(super) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("outer/ws");
    let home = dir.path().join("home");
    std::fs::create_dir_all(root.join(".cargo")).unwrap();
    std::fs::create_dir_all(dir.path().join("outer/.cargo")).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    Fixture {
        _dir: dir,
        root,
        home,
    }
}

pub(super) fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub(super) fn load(f: &Fixture, vars: &[(&str, &str)]) -> Result<CargoConfig> {
    let mut map: Env = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.insert("CARGO_HOME".into(), f.home.display().to_string());
    CargoConfig::load(&f.root, map, None)
}
