//! The disk cache of index files: what each crate's file said (only the
//! fields cargo-pin uses) and the validators (`ETag`, `Last-Modified`) to
//! ask the registry whether it changed.
//!
//! One small text file per crate, under a directory per registry, so a warm
//! run reads a few kilobytes per crate and parses no JSON. A file that
//! cannot be read back is treated as absent: the cache is never trusted
//! over the registry, only used to avoid transferring what did not change.
//!
//! Fields are separated by tabs (shown here as `→`):
//!
//! ```text
//! cargo-pin index cache v1
//! etag "abc"
//! last-modified Tue, 24 Nov 2026 10:00:00 GMT
//!
//! 1.0.0→-→1.70.0→1733101200000000000
//! 1.0.1→y→-→-
//! end 2
//! ```

use std::io::Write;
use std::path::PathBuf;

use jiff::Timestamp;
use semver::Version;

use super::parse::Release;

const MAGIC: &str = "cargo-pin index cache v1";

/// What the cache holds for one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub releases: Vec<Release>,
}

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn new(root: PathBuf) -> Cache {
        Cache { root }
    }

    /// The file for `index_path` of the registry at `index_url`.
    pub fn path(&self, index_url: &str, index_path: &str) -> PathBuf {
        self.root
            .join("index")
            .join(registry_dir(index_url))
            .join(index_path)
    }

    /// The cached entry, or `None` when there is none or it is unreadable.
    pub fn read(&self, index_url: &str, index_path: &str) -> Option<Entry> {
        let text = std::fs::read_to_string(self.path(index_url, index_path)).ok()?;
        decode(&text)
    }

    /// Stores an entry (write to a temporary file, then rename, so a reader
    /// never sees half a file). No fsync: losing the cache costs a refetch.
    /// Where a policy file fetched for `extends` is kept: by its digest.
    pub(crate) fn policy_path(&self, sha256: &str) -> PathBuf {
        self.root.join("policy").join(format!("{sha256}.toml"))
    }

    /// Stores bytes at `path` in the cache (temporary file, then rename).
    pub(crate) fn write_file(&self, path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".tmp").tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    pub fn write(&self, index_url: &str, index_path: &str, entry: &Entry) -> std::io::Result<()> {
        let path = self.path(index_url, index_path);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".tmp").tempfile_in(dir)?;
        tmp.write_all(encode(entry).as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// A directory name for a registry: readable, and unique by a hash of the
/// whole URL.
fn registry_dir(index_url: &str) -> String {
    let readable: String = crate::registry::config::display_url(index_url)
        .split("://")
        .last()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(48)
        .collect();
    format!("{}-{:016x}", readable.trim_matches('-'), fnv1a(index_url))
}

/// FNV-1a, 64 bits: stable across Rust releases, unlike `DefaultHasher`.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn encode(e: &Entry) -> String {
    let mut s = String::with_capacity(64 + e.releases.len() * 48);
    s.push_str(MAGIC);
    s.push('\n');
    // Header values cannot hold a newline (HTTP forbids it); strip anyway.
    if let Some(v) = &e.etag {
        s.push_str("etag ");
        s.push_str(&v.replace(['\n', '\r'], ""));
        s.push('\n');
    }
    if let Some(v) = &e.last_modified {
        s.push_str("last-modified ");
        s.push_str(&v.replace(['\n', '\r'], ""));
        s.push('\n');
    }
    s.push('\n');
    for r in &e.releases {
        s.push_str(&r.version.to_string());
        s.push_str(if r.yanked { "\ty\t" } else { "\t-\t" });
        match &r.rust_version {
            Some(v) => s.push_str(&v.to_string()),
            None => s.push('-'),
        }
        s.push('\t');
        match r.pubtime {
            Some(t) => s.push_str(&t.as_nanosecond().to_string()),
            None => s.push('-'),
        }
        s.push('\n');
    }
    // The count at the end shows the file is whole.
    s.push_str(&format!("end {}\n", e.releases.len()));
    s
}

fn decode(text: &str) -> Option<Entry> {
    let mut lines = text.split('\n');
    if lines.next()? != MAGIC {
        return None;
    }
    let mut etag = None;
    let mut last_modified = None;
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        match line.split_once(' ')? {
            ("etag", v) => etag = Some(v.to_string()),
            ("last-modified", v) => last_modified = Some(v.to_string()),
            _ => return None,
        }
    }
    let mut releases = Vec::new();
    for line in lines {
        if let Some(n) = line.strip_prefix("end ") {
            return (n.parse::<usize>().ok()? == releases.len()).then_some(Entry {
                etag,
                last_modified,
                releases,
            });
        }
        let mut f = line.split('\t');
        let version = Version::parse(f.next()?).ok()?;
        let yanked = match f.next()? {
            "y" => true,
            "-" => false,
            _ => return None,
        };
        let rust_version = match f.next()? {
            "-" => None,
            v => Some(Version::parse(v).ok()?),
        };
        let pubtime = match f.next()? {
            "-" => None,
            t => Some(Timestamp::from_nanosecond(t.parse().ok()?).ok()?),
        };
        releases.push(Release {
            version,
            yanked,
            rust_version,
            pubtime,
        });
    }
    // No end line: cut short.
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            etag: Some("\"abc\"".into()),
            last_modified: Some("Tue, 24 Nov 2026 10:00:00 GMT".into()),
            releases: vec![
                Release {
                    version: Version::parse("1.0.0-beta.1").unwrap(),
                    yanked: false,
                    rust_version: None,
                    pubtime: Some("2025-01-02T03:04:05.5Z".parse().unwrap()),
                },
                Release {
                    version: Version::new(1, 0, 0),
                    yanked: true,
                    rust_version: Some(Version::new(1, 70, 0)),
                    pubtime: None,
                },
            ],
        }
    }

    #[test]
    fn round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path().to_path_buf());
        assert_eq!(c.read("http://127.0.0.1:1/", "3/a/abc"), None);
        c.write("http://127.0.0.1:1/", "3/a/abc", &entry()).unwrap();
        assert_eq!(c.read("http://127.0.0.1:1/", "3/a/abc"), Some(entry()));
        // Another registry does not see it.
        assert_eq!(c.read("http://127.0.0.1:2/", "3/a/abc"), None);
        let without = Entry {
            etag: None,
            last_modified: None,
            releases: vec![],
        };
        c.write("http://127.0.0.1:1/", "3/a/abc", &without).unwrap();
        assert_eq!(c.read("http://127.0.0.1:1/", "3/a/abc"), Some(without));
    }

    #[test]
    fn damaged_files_read_as_absent() {
        let good = encode(&entry());
        assert!(decode(&good).is_some());
        assert_eq!(decode(""), None);
        assert_eq!(decode("something else\n"), None);
        assert_eq!(decode(&good.replace("\ty\t", "\tq\t")), None);
        assert_eq!(decode(&good.replace("1.70.0", "1.x")), None);
        let cut = &good[..good.len() - 12];
        assert_eq!(decode(cut), None);
        // Cut at a line boundary: the end line is missing.
        let whole_lines = &good[..good.rfind("1.0.0\ty").unwrap()];
        assert_eq!(decode(whole_lines), None);
    }

    #[test]
    fn registry_dirs_are_distinct_and_tame() {
        let a = registry_dir("https://index.crates.io/");
        let b = registry_dir("https://user:pw@index.crates.io/");
        assert!(a.starts_with("index-crates-io-"), "{a}");
        assert_ne!(a, b);
        assert!(!b.contains("pw"), "{b}");
    }
}
