//! Shell scripts as CI runs them (`run:`, GitLab `script:`, Dockerfile
//! `RUN`): the commands that install tools or choose a toolchain, with the
//! byte spans of their words.
//!
//! Words are split the way a shell splits them for the cases that matter
//! here (spaces, quotes, `\` continuations, `&&`, `||`, `;`, `|`, `#`);
//! expansions are kept as written and judged by their values elsewhere.

use std::ops::Range;

use super::yaml::BlockLine;

/// One word of a command: its text (quotes removed) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub span: Range<usize>,
    pub line: usize,
}

/// Splits script lines into commands of words. A line ending in `\`
/// continues on the next.
pub(crate) fn commands(lines: &[BlockLine]) -> Vec<Vec<Word>> {
    let mut out = Vec::new();
    let mut cmd: Vec<Word> = Vec::new();
    for l in lines {
        let (words, ends, continued) = split_line(l);
        for (w, end) in words.into_iter().zip(ends) {
            if w.text.is_empty() && end {
                if !cmd.is_empty() {
                    out.push(std::mem::take(&mut cmd));
                }
                continue;
            }
            cmd.push(w);
            if end {
                out.push(std::mem::take(&mut cmd));
            }
        }
        if !continued && !cmd.is_empty() {
            out.push(std::mem::take(&mut cmd));
        }
    }
    if !cmd.is_empty() {
        out.push(cmd);
    }
    out
}

/// The words of one line; for each, whether a separator follows it; and
/// whether the line continues.
fn split_line(l: &BlockLine) -> (Vec<Word>, Vec<bool>, bool) {
    let mut words = Vec::new();
    let mut ends = Vec::new();
    let b = l.text.as_bytes();
    let mut i = 0;
    let mut continued = false;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' {
            i += 1;
            continue;
        }
        if c == b'#' {
            break;
        }
        if c == b'\\' && l.text[i + 1..].trim().is_empty() {
            continued = true;
            break;
        }
        if matches!(c, b';' | b'&' | b'|' | b'(' | b')') {
            // A separator ends the command before it.
            if let Some(last) = ends.last_mut() {
                *last = true;
            }
            while i < b.len() && matches!(b[i], b';' | b'&' | b'|' | b'(' | b')') {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut text = String::new();
        let mut quote = None;
        while i < b.len() {
            let c = b[i];
            // A GitHub expression is one word, spaces and all.
            if quote.is_none() && l.text[i..].starts_with("${{") {
                let end = l.text[i..].find("}}").map_or(b.len(), |e| i + e + 2);
                text.push_str(&l.text[i..end]);
                i = end;
                continue;
            }
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => text.push(c as char),
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if matches!(c, b' ' | b'\t' | b';' | b'|' | b'&' | b'(' | b')') => break,
                None => text.push(c as char),
            }
            i += 1;
        }
        // Non-ASCII bytes were pushed one by one: take the text again.
        let raw = &l.text[start..i];
        let text = if raw.is_ascii() {
            text
        } else {
            raw.replace(['"', '\''], "")
        };
        words.push(Word {
            text,
            span: l.start + start..l.start + i,
            line: l.line,
        });
        ends.push(false);
    }
    (words, ends, continued)
}

/// How `cargo install` (or `cargo binstall`) names one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InstallCrate {
    pub name: String,
    /// The exact version the command names for it, if any.
    pub version: Option<String>,
    pub line: usize,
    /// The word naming it, when no version at all is written for it
    /// (`fix --ci` writes `NAME@X.Y.Z` there).
    pub bare: Option<Range<usize>>,
}

/// A `cargo install` or `cargo binstall` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Install {
    pub binstall: bool,
    pub locked: bool,
    /// `--git URL`, and whether `--rev` pins it.
    pub git: Option<(String, bool)>,
    pub crates: Vec<InstallCrate>,
    /// Where ` --locked` would go: right after `install`.
    pub insert_locked: usize,
    pub line: usize,
}

/// A toolchain named on a command line: `rustup default stable`, or
/// `RUSTUP_TOOLCHAIN=stable`. `word` is `None` when no toolchain is named
/// (`rustup update`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolchainWord {
    pub what: String,
    pub word: Option<Word>,
    pub line: usize,
}

/// Options of `cargo install` that take a value.
const VALUED: &[&str] = &[
    "--version",
    "--vers",
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--path",
    "--root",
    "--index",
    "--registry",
    "--features",
    "-F",
    "--target",
    "--target-dir",
    "--profile",
    "--bin",
    "--example",
    "-j",
    "--jobs",
    "--config",
    "-Z",
    "--color",
    "--message-format",
    "--manifest-path",
    "--install-path",
    "--strategies",
    "--pkg-url",
    "--pkg-fmt",
    "--bin-dir",
];

/// A `cargo install` / `cargo binstall` in `words`, if it is one.
pub(crate) fn install(words: &[Word]) -> Option<Install> {
    let words = skip_prefix(words);
    let mut it = words.iter().peekable();
    let cargo = it.next()?;
    if cargo.text != "cargo" && !cargo.text.ends_with("/cargo") {
        return None;
    }
    if it.peek().is_some_and(|w| w.text.starts_with('+')) {
        it.next();
    }
    let sub = it.next()?;
    let binstall = match sub.text.as_str() {
        "install" => false,
        "binstall" => true,
        _ => return None,
    };
    let mut version = None;
    let mut locked = false;
    let mut git = None;
    let mut rev = false;
    let mut path = false;
    let mut names = Vec::new();
    while let Some(w) = it.next() {
        let t = w.text.as_str();
        let (flag, inline) = match t.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (t, None),
        };
        if flag.starts_with('-') {
            let value = if VALUED.contains(&flag) {
                inline.or_else(|| it.next().map(|v| v.text.clone()))
            } else {
                None
            };
            match flag {
                "--locked" | "--frozen" => locked = true,
                "--version" | "--vers" => version = value,
                "--git" => git = value,
                "--rev" => rev = true,
                "--path" => path = true,
                _ => {}
            }
            continue;
        }
        names.push(w);
    }
    if path || (names.is_empty() && git.is_none()) {
        return None;
    }
    let exact = |v: &str| {
        let v = v.strip_prefix('=').unwrap_or(v);
        (v.contains('$') || semver::Version::parse(v).is_ok()).then(|| v.to_string())
    };
    let mut crates: Vec<InstallCrate> = names
        .iter()
        .map(|w| {
            let (name, v) = match w.text.split_once('@') {
                Some((n, v)) => (n.to_string(), exact(v)),
                None => (w.text.clone(), version.as_deref().and_then(exact)),
            };
            let bare = (!w.text.contains('@') && version.is_none()).then(|| w.span.clone());
            InstallCrate {
                name,
                version: v,
                line: w.line,
                bare,
            }
        })
        .collect();
    if crates.is_empty()
        && let Some(url) = &git
    {
        crates.push(InstallCrate {
            name: url
                .rsplit('/')
                .next()
                .unwrap_or(url)
                .trim_end_matches(".git")
                .into(),
            version: None,
            bare: None,
            line: sub.line,
        });
    }
    Some(Install {
        binstall,
        locked,
        git: git.map(|u| (u, rev)),
        crates,
        insert_locked: sub.span.end,
        line: sub.line,
    })
}

/// Leading `sudo`, `env`, `time` and `VAR=value` words are not the command.
fn skip_prefix(words: &[Word]) -> &[Word] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let assignment = w.text.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        });
        if matches!(
            w.text.as_str(),
            "sudo" | "env" | "time" | "command" | "exec"
        ) || assignment
        {
            i += 1;
        } else {
            break;
        }
    }
    &words[i..]
}

/// Toolchains a command names: `rustup toolchain install|default|update|
/// override set`, and `RUSTUP_TOOLCHAIN=` assignments anywhere in it.
pub(crate) fn toolchains(words: &[Word]) -> Vec<ToolchainWord> {
    let mut out = Vec::new();
    for w in words {
        if let Some(v) = w.text.strip_prefix("RUSTUP_TOOLCHAIN=") {
            let at = w.span.end - v.len().min(w.span.len());
            out.push(ToolchainWord {
                what: format!("`{}`", w.text),
                word: Some(Word {
                    text: v.to_string(),
                    span: at..w.span.end,
                    line: w.line,
                }),
                line: w.line,
            });
        }
    }
    let rest = skip_prefix(words);
    let Some(first) = rest.first() else {
        return out;
    };
    if first.text != "rustup" {
        return out;
    }
    let mut args: Vec<&Word> = Vec::new();
    let mut words = rest[1..].iter();
    while let Some(w) = words.next() {
        if matches!(
            w.text.as_str(),
            "--profile" | "-c" | "--component" | "-t" | "--target" | "--path"
        ) {
            words.next();
        } else if !w.text.starts_with('-') {
            args.push(w);
        }
    }
    let (sub, names): (String, &[&Word]) = match args.as_slice() {
        [t, i, names @ ..] if t.text == "toolchain" && (i.text == "install" || i.text == "add") => {
            ("rustup toolchain install".into(), names)
        }
        [o, s, names @ ..] if o.text == "override" && s.text == "set" => {
            ("rustup override set".into(), names)
        }
        [s, names @ ..] if matches!(s.text.as_str(), "default" | "install" | "update") => {
            (format!("rustup {}", s.text), names)
        }
        _ => return out,
    };
    if names.is_empty() {
        // `rustup update` updates every installed toolchain; the others
        // with no name read the toolchain file, which is judged on its own.
        if sub == "rustup update" {
            out.push(ToolchainWord {
                what: "`rustup update`".into(),
                word: None,
                line: first.line,
            });
        }
        return out;
    }
    for n in names {
        out.push(ToolchainWord {
            what: format!("`{sub} {}`", n.text),
            word: Some((*n).clone()),
            line: n.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<BlockLine> {
        let mut start = 0;
        text.lines()
            .enumerate()
            .map(|(i, t)| {
                let l = BlockLine {
                    text: t.into(),
                    start,
                    line: i + 1,
                };
                start += t.len() + 1;
                l
            })
            .collect()
    }

    fn installs(text: &str) -> Vec<Install> {
        commands(&lines(text))
            .iter()
            .filter_map(|c| install(c))
            .collect()
    }

    #[test]
    fn several_crates_versions_and_continuations() {
        let i =
            installs("cargo install \\\n  cargo-nextest@0.9.100 cargo-deny --locked && echo ok");
        assert_eq!(i.len(), 1);
        assert!(i[0].locked);
        assert_eq!(i[0].crates.len(), 2);
        assert_eq!(i[0].crates[0].version.as_deref(), Some("0.9.100"));
        assert_eq!(i[0].crates[1].version, None);
        assert_eq!(i[0].crates[1].line, 2);
        let i = installs("cargo install --version =1.2.3 sqlx-cli; cargo install --path .");
        assert_eq!(i.len(), 1);
        assert_eq!(i[0].crates[0].version.as_deref(), Some("1.2.3"));
        assert!(!i[0].locked);
        let i = installs("cargo +nightly install --git https://github.com/a/tool.git --rev abc");
        assert_eq!(
            i[0].git,
            Some(("https://github.com/a/tool.git".into(), true))
        );
        assert_eq!(i[0].crates[0].name, "tool");
        let i = installs("cargo binstall -y cargo-hack # cargo install x");
        assert!(i[0].binstall);
        assert_eq!(i.len(), 1);
        let i = installs("cargo install --version 1.2 ripgrep");
        assert_eq!(i[0].crates[0].version, None);
    }

    #[test]
    fn locked_goes_after_install() {
        let text = "sudo cargo install just";
        let i = installs(text);
        assert_eq!(&text[..i[0].insert_locked], "sudo cargo install");
    }

    #[test]
    fn rustup_toolchains() {
        let all = |t: &str| -> Vec<String> {
            commands(&lines(t))
                .iter()
                .flat_map(|c| toolchains(c))
                .map(|t| t.word.map(|w| w.text).unwrap_or_default())
                .collect()
        };
        assert_eq!(
            all("rustup toolchain install stable --profile minimal"),
            ["stable"]
        );
        assert_eq!(
            all("rustup default 1.85.0 && rustup update"),
            ["1.85.0", ""]
        );
        assert_eq!(all("RUSTUP_TOOLCHAIN=beta cargo build"), ["beta"]);
        assert!(all("rustup component add clippy; rustup toolchain install").is_empty());
        let text = "export RUSTUP_TOOLCHAIN=nightly";
        let w = commands(&lines(text))
            .iter()
            .flat_map(|c| toolchains(c))
            .next()
            .unwrap();
        assert_eq!(&text[w.word.unwrap().span], "nightly");
    }
}
