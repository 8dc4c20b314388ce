//! A fixture workspace pointed at its own loopback registry server, with
//! its own cache and cargo home: what the registry commands' tests run in.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::server::Server;
use super::{Copy, Pin, fixture, pin};

/// The instant these tests run at: the fixture's releases were published
/// relative to it.
pub(crate) const NOW: &str = "2026-06-01T00:00:00Z";

/// A fixture workspace copied to a temporary directory and pointed at a
/// fresh server, with its own cache and cargo home.
pub(crate) struct Ws {
    pub(crate) copy: Copy,
    pub(crate) root: PathBuf,
    pub(crate) cache: PathBuf,
    pub(crate) home: PathBuf,
    pub(crate) server: Server,
}

impl Ws {
    pub(crate) fn new(name: &str) -> Ws {
        Ws::with_index(name, &fixture("registry"))
    }

    pub(crate) fn with_index(name: &str, index: &Path) -> Ws {
        let copy = Copy::at(name, "ws");
        let root = copy.root().to_path_buf();
        let server = Server::start(index);
        for file in [".cargo/config.toml", "Cargo.lock"] {
            let text = copy.read(file);
            copy.write(file, &text.replace("PORT", &server.port().to_string()));
        }
        let cache = copy.dir.path().join("cache");
        let home = copy.dir.path().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        Ws {
            copy,
            root,
            cache,
            home,
            server,
        }
    }

    /// The binary at the workspace root, at [`NOW`], with this
    /// workspace's cache and cargo home.
    pub(crate) fn cmd(&self) -> Pin {
        pin()
            .current_dir(&self.root)
            .now(NOW)
            .cache_dir(&self.cache)
            .cargo_home(&self.home)
    }

    /// A successful run's stdout, parsed (`outdated`, `upgrade`).
    pub(crate) fn json(&self, args: &[&str]) -> Value {
        self.cmd().args(args).json(0)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        self.copy.read(rel)
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        self.copy.write(rel, text);
    }
}

/// The versions of `name` locked in the workspace's Cargo.lock.
pub(crate) fn locked(ws: &Ws, name: &str) -> Vec<String> {
    let lock = ws.read("Cargo.lock");
    let mut out = Vec::new();
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == format!("name = \"{name}\"")
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = "))
        {
            out.push(v.trim_matches('"').to_string());
        }
    }
    out
}
