//! Text the reports for people share: a dependency table named as its
//! header is written, and git commits shortened.

/// A finding's `table` as its header is written in a manifest:
/// `dev-dependencies` is `[dev-dependencies]`,
/// `target.cfg(windows).dependencies` is `[target.'cfg(windows)'.dependencies]`,
/// `patch.crates-io` is `[patch.crates-io]`. Keys that are not bare TOML
/// keys are quoted, as cargo's own examples write them.
pub(crate) fn table_header(table: &str) -> String {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let target = table.strip_prefix("target.").and_then(|rest| {
        KINDS.iter().find_map(|kind| {
            let cfg = rest.strip_suffix(kind)?.strip_suffix('.')?;
            (!cfg.is_empty()).then(|| format!("target.{}.{kind}", toml_key(cfg)))
        })
    });
    let inner = match (target, table.strip_prefix("patch.")) {
        (Some(t), _) => t,
        (None, Some(source)) if !source.is_empty() => format!("patch.{}", toml_key(source)),
        _ => table.to_string(),
    };
    format!("[{inner}]")
}

/// `key` as a TOML key: bare when it can be, else quoted (literal quotes
/// when it holds no `'`).
fn toml_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else if !key.contains(['\'', '\n', '\r']) {
        format!("'{key}'")
    } else {
        format!("{key:?}")
    }
}

/// How many hex digits of a git commit a report for people shows, as
/// `git log --oneline` does in large repositories.
pub(crate) const SHORT_REV: usize = 12;

/// `text` with every full git commit id (40 or 64 hex digits standing
/// alone) shortened to [`SHORT_REV`] digits, for reports people read; the
/// JSON and SARIF reports keep them whole.
pub(crate) fn short_revs(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if run == 0 {
            // Copy up to the next ASCII hex digit (char boundaries kept).
            let next = bytes[i..]
                .iter()
                .position(u8::is_ascii_hexdigit)
                .map_or(bytes.len(), |p| i + p);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let alone = |b: Option<&u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
        let before = if i == 0 { None } else { bytes.get(i - 1) };
        if matches!(run, 40 | 64) && alone(before) && alone(bytes.get(i + run)) {
            out.push_str(&text[i..i + SHORT_REV]);
        } else {
            out.push_str(&text[i..i + run]);
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_by_their_header() {
        assert_eq!(table_header("dependencies"), "[dependencies]");
        assert_eq!(table_header("dev-dependencies"), "[dev-dependencies]");
        assert_eq!(
            table_header("workspace.dependencies"),
            "[workspace.dependencies]"
        );
        assert_eq!(
            table_header("target.cfg(windows).dependencies"),
            "[target.'cfg(windows)'.dependencies]"
        );
        assert_eq!(
            table_header("target.cfg(target_os = \"macos\").build-dependencies"),
            "[target.'cfg(target_os = \"macos\")'.build-dependencies]"
        );
        assert_eq!(
            table_header("target.x86_64-pc-windows-gnu.dev-dependencies"),
            "[target.x86_64-pc-windows-gnu.dev-dependencies]"
        );
        assert_eq!(table_header("patch.crates-io"), "[patch.crates-io]");
        assert_eq!(
            table_header("patch.https://github.com/o/r"),
            "[patch.'https://github.com/o/r']"
        );
        assert_eq!(
            table_header("target.it's.dependencies"),
            "[target.\"it's\".dependencies]"
        );
    }

    #[test]
    fn full_commit_ids_are_shortened_alone() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            short_revs(&format!("rev = \"{sha}\"")),
            "rev = \"0123456789ab\""
        );
        assert_eq!(
            short_revs(&format!("at commit {sha}; é {sha}")),
            "at commit 0123456789ab; é 0123456789ab"
        );
        // Not a commit: shorter, longer, or part of a word.
        assert_eq!(short_revs(&sha[..39]), &sha[..39]);
        assert_eq!(short_revs(&format!("{sha}0")), format!("{sha}0"));
        assert_eq!(short_revs(&format!("x{sha}")), format!("x{sha}"));
        assert_eq!(short_revs("=1.0.209"), "=1.0.209");
        assert_eq!(short_revs(""), "");
    }
}
