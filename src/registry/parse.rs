//! Reading a sparse index file: one JSON object per line, one line per
//! release. Only the fields cargo-pin uses are kept (`vers`, `yanked`,
//! `rust_version`, `pubtime`); dependencies and features are skipped.

use std::borrow::Cow;

use jiff::Timestamp;
use semver::Version;

use crate::workspace::requirement::partial_version;
use serde::Deserialize;

/// One release of a crate, as its registry describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub yanked: bool,
    /// The release's `rust_version` (its minimum supported Rust), padded to
    /// three parts (`1.70` → `1.70.0`).
    pub rust_version: Option<Version>,
    /// When it was published; `None` when the registry does not say.
    pub pubtime: Option<Timestamp>,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(default, borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    vers: Cow<'a, str>,
    #[serde(default)]
    yanked: Option<bool>,
    #[serde(default, borrow)]
    rust_version: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pubtime: Option<Cow<'a, str>>,
}

/// A line the parser could not read: its 1-based number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LineError {
    pub line: usize,
    pub message: String,
}

/// Parses an index file. Releases come back in semver order, lowest
/// first. Blank lines are allowed (files end with a newline).
#[cfg(test)]
pub(super) fn parse(body: &[u8]) -> Result<Vec<Release>, LineError> {
    parse_crate(body, None)
}

/// Parses the index file of `krate`: lines naming another crate (a
/// misconfigured index) are not its releases. Crate names compare as
/// cargo compares them, ignoring ASCII case.
pub(super) fn parse_crate(body: &[u8], krate: Option<&str>) -> Result<Vec<Release>, LineError> {
    let mut out = Vec::new();
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let err = |message: String| LineError { line, message };
        let l: Line<'_> = serde_json::from_slice(raw).map_err(|e| {
            err(if e.is_eof() {
                "the line is cut short (truncated JSON)".to_string()
            } else {
                format!("not a JSON index record: {e}")
            })
        })?;
        if let (Some(want), Some(name)) = (krate, l.name.as_deref())
            && !name.eq_ignore_ascii_case(want)
        {
            continue;
        }
        let version = Version::parse(&l.vers)
            .map_err(|e| err(format!("`vers` {:?} is not a version: {e}", l.vers)))?;
        let pubtime = match l.pubtime.as_deref() {
            None | Some("") => None,
            Some(s) => Some(
                s.parse::<Timestamp>()
                    .map_err(|e| err(format!("`pubtime` {s:?} is not an RFC 3339 time: {e}")))?,
            ),
        };
        out.push(Release {
            version,
            yanked: l.yanked.unwrap_or(false),
            // A malformed MSRV says nothing usable; cargo ignores it too.
            rust_version: l.rust_version.as_deref().and_then(partial_version),
            pubtime,
        });
    }
    out.sort_by(|a, b| a.version.cmp(&b.version));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fields_it_needs_and_sorts_by_semver() {
        let body = br#"{"name":"a","vers":"1.10.0","deps":[{"name":"x","req":"^1"}],"cksum":"00","features":{},"yanked":false,"pubtime":"2025-01-02T03:04:05Z"}
{"name":"a","vers":"1.9.0","deps":[],"cksum":"00","features":{},"yanked":true,"rust_version":"1.70"}
{"name":"a","vers":"2.0.0-rc.1","deps":[],"cksum":"00","features":{},"yanked":false,"rust_version":"1.80.1","v":2,"features2":{}}
"#;
        let r = parse(body).unwrap();
        let versions: Vec<String> = r.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(versions, ["1.9.0", "1.10.0", "2.0.0-rc.1"]);
        assert!(r[0].yanked && !r[1].yanked);
        assert_eq!(r[0].rust_version, Some(Version::new(1, 70, 0)));
        assert_eq!(r[2].rust_version, Some(Version::new(1, 80, 1)));
        assert_eq!(
            r[1].pubtime,
            Some("2025-01-02T03:04:05Z".parse::<Timestamp>().unwrap())
        );
        assert_eq!(r[0].pubtime, None);
    }

    #[test]
    fn lines_of_other_crates_are_not_releases() {
        let body =
            b"{\"name\":\"other\",\"vers\":\"9.0.0\"}\n{\"name\":\"Alpha\",\"vers\":\"1.0.0\"}\n";
        let r = parse_crate(body, Some("alpha")).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].version, Version::new(1, 0, 0));
        assert!(
            parse_crate(b"{\"name\":\"other\",\"vers\":\"9.0.0\"}\n", Some("alpha"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn escaped_strings_and_crlf_are_fine() {
        let r = parse(b"{\"vers\":\"1.0.0\\u002Dbeta\"}\r\n\r\n").unwrap();
        assert_eq!(r[0].version.to_string(), "1.0.0-beta");
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse(b"{\"vers\":\"1.0.0\"}\n{\"vers\":\"1.0.1\",\"dep").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("truncated"), "{}", e.message);
        let e = parse(b"<html>oops</html>\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("not a JSON"), "{}", e.message);
        let e = parse(b"{\"vers\":\"1.0\"}\n").unwrap_err();
        assert!(e.message.contains("`vers`"), "{}", e.message);
        let e = parse(b"{\"vers\":\"1.0.0\",\"pubtime\":\"yesterday\"}\n").unwrap_err();
        assert!(e.message.contains("pubtime"), "{}", e.message);
        let e = parse(b"{\"yanked\":false}\n").unwrap_err();
        assert!(e.message.contains("vers"), "{}", e.message);
    }
}
