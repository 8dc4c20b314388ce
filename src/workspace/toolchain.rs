//! Reading `rust-toolchain.toml` / `rust-toolchain`: is the compiler pinned?
//!
//! Only read, never run: the file may name a toolchain that is not installed
//! here, and that must not stop the audit.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use toml_edit::Item;

use crate::workspace::text::LineIndex;

/// What the toolchain file says, as far as pinning goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toolchain {
    /// No toolchain file at the workspace root.
    Missing,
    /// A channel that moves (`stable`, `beta`, `nightly`, a release without
    /// its patch number such as `1.95`, or none given).
    Floating {
        file: String,
        line: Option<usize>,
        channel: String,
    },
    /// An exact release, a dated channel or a custom path.
    Pinned { file: String, channel: String },
}

/// Reads the toolchain file in `root`, preferring `rust-toolchain` as rustup
/// does when both exist.
pub fn read(root: &Path) -> Result<Toolchain> {
    for file in ["rust-toolchain", "rust-toolchain.toml"] {
        let path = root.join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {file}")),
        };
        return parse(file, &text);
    }
    Ok(Toolchain::Missing)
}

/// Parses a toolchain file's text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Toolchain> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    // The legacy one-line form: just a channel name.
    if file == "rust-toolchain" && !trimmed.contains('\n') && !trimmed.contains('=') {
        return classify(file, Some(1), trimmed);
    }
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let at = crate::workspace::text::located(
            text,
            e.span(),
            &format!("invalid TOML: {}", e.message()),
        );
        anyhow!("{file}:{at}")
    })?;
    let Some(tc) = doc.get("toolchain") else {
        return Err(anyhow!("{file}:1: missing the `[toolchain]` table"));
    };
    if tc.get("path").is_some() {
        return Ok(Toolchain::Pinned {
            file: file.into(),
            channel: "(custom path)".into(),
        });
    }
    let Some(table) = tc.as_table_like() else {
        return Err(anyhow!("{file}: `toolchain` must be a table"));
    };
    match table.get_key_value("channel") {
        Some((key, Item::Value(v))) if v.as_str().is_some() => {
            let line = key.span().map(|s| LineIndex::new(text).line_of(s.start));
            classify(file, line, v.as_str().unwrap_or_default())
        }
        Some((key, _)) => {
            let line = key
                .span()
                .map_or(1, |s| LineIndex::new(text).line_of(s.start));
            Err(anyhow!(
                "{file}:{line}: `toolchain.channel` must be a string"
            ))
        }
        None => Ok(Toolchain::Floating {
            file: file.into(),
            line: None,
            channel: String::new(),
        }),
    }
}

fn classify(file: &str, line: Option<usize>, channel: &str) -> Result<Toolchain> {
    if !is_toolchain_name(channel) {
        return Err(anyhow!(
            "{file}:{}: channel `{channel}` is not a toolchain name (such as `1.95.0`, \
             `stable` or `nightly-2026-01-01`); a toolchain in a folder is `path = \"…\"`",
            line.unwrap_or(1)
        ));
    }
    // `stable-x86_64-unknown-linux-gnu` floats just like `stable`.
    let base = channel.split('-').next().unwrap_or(channel);
    let dated = channel
        .strip_prefix(base)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.get(..10))
        .is_some_and(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok());
    // `1.95` follows the 1.95 patch releases (rustup installs the newest).
    let minor_only = {
        let parts: Vec<&str> = base.split('.').collect();
        parts.len() == 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    Ok(
        if (matches!(base, "stable" | "beta" | "nightly") && !dated) || minor_only {
            Toolchain::Floating {
                file: file.into(),
                line,
                channel: channel.into(),
            }
        } else {
            Toolchain::Pinned {
                file: file.into(),
                channel: channel.into(),
            }
        },
    )
}

/// Whether rustup could read `channel` as a toolchain name: a channel, a
/// release, a dated channel, with or without a host, or the name of a
/// custom (linked) toolchain — never a path, never empty or spaced.
fn is_toolchain_name(channel: &str) -> bool {
    !channel.is_empty()
        && channel
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '+'))
        && !channel.starts_with(['.', '-'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floating(t: &Toolchain) -> bool {
        matches!(t, Toolchain::Floating { .. })
    }

    #[test]
    fn channels() {
        for (text, float) in [
            ("[toolchain]\nchannel = \"stable\"\n", true),
            (
                "[toolchain]\nchannel = \"nightly\"\ncomponents = [\"rustfmt\"]\n",
                true,
            ),
            (
                "[toolchain]\nchannel = \"beta-x86_64-unknown-linux-gnu\"\n",
                true,
            ),
            ("[toolchain]\ncomponents = [\"clippy\"]\n", true),
            ("[toolchain]\nchannel = \"1.82.0\"\n", false),
            ("[toolchain]\nchannel = \"1.82\"\n", true),
            (
                "[toolchain]\nchannel = \"1.82-x86_64-unknown-linux-gnu\"\n",
                true,
            ),
            (
                "[toolchain]\nchannel = \"1.82.1-x86_64-unknown-linux-gnu\"\n",
                false,
            ),
            ("[toolchain]\nchannel = \"my-linked-toolchain\"\n", false),
            ("[toolchain]\nchannel = \"nightly-2024-05-01\"\n", false),
            ("[toolchain]\npath = \"/opt/rust\"\n", false),
        ] {
            let t = parse("rust-toolchain.toml", text).unwrap();
            assert_eq!(floating(&t), float, "{text}");
        }
    }

    #[test]
    fn multibyte_channels_do_not_panic() {
        // Found in review: slicing at byte 10 split a character. No
        // toolchain name has one: an error, not a panic.
        let e = parse(
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"nightly-2024-05-0é\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a toolchain name"), "{e}");
        // Past the name check, the date is still sliced safely.
        assert!(floating(
            &parse(
                "rust-toolchain.toml",
                "[toolchain]\nchannel = \"nightly-2024\"\n"
            )
            .unwrap()
        ));
    }

    #[test]
    fn legacy_one_line_file() {
        assert!(floating(&parse("rust-toolchain", "stable\n").unwrap()));
        assert!(!floating(&parse("rust-toolchain", "1.70.0\n").unwrap()));
        assert!(floating(&parse("rust-toolchain", "1.70\n").unwrap()));
        // The legacy name may hold TOML too.
        let t = parse("rust-toolchain", "[toolchain]\nchannel = \"stable\"\n").unwrap();
        assert_eq!(
            t,
            Toolchain::Floating {
                file: "rust-toolchain".into(),
                line: Some(2),
                channel: "stable".into()
            }
        );
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(parse("rust-toolchain.toml", "[toolchain\n").is_err());
        assert!(parse("rust-toolchain.toml", "[toolchain]\nchannel = 1\n").is_err());
        assert!(parse("rust-toolchain.toml", "channel = \"stable\"\n").is_err());
        for stray in ["/opt/rust/bin", "../rust", "", "1.95 ", "C:\\\\rust"] {
            let text = format!("[toolchain]\nchannel = {stray:?}\n");
            let e = parse("rust-toolchain.toml", &text).unwrap_err().to_string();
            assert!(
                e.starts_with("rust-toolchain.toml:2: channel")
                    && e.contains("not a toolchain name"),
                "{stray}: {e}"
            );
        }
        let e = parse("rust-toolchain", "./toolchains/mine\n").unwrap_err();
        assert!(e.to_string().starts_with("rust-toolchain:1:"), "{e}");
    }
}
