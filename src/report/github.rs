//! GitHub Actions annotations: one workflow command per finding
//! (`::error file=…,line=…,title=…::message`), which GitHub shows on the
//! changed line of a pull request and in the run's summary.
//!
//! Nothing else is printed, so that every line is an annotation. Values are
//! escaped as the runner expects: `%`, CR and LF everywhere, and `,` and `:`
//! too in properties (they separate properties and end the list).

use super::SourceRoot;
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::Level;

/// `check --format github`.
pub(crate) fn check(report: &Report, root: &SourceRoot) -> String {
    report
        .findings
        .iter()
        .map(|f| annotation(f, root))
        .collect()
}

/// The workflow command for a finding's level.
pub(crate) fn command(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "notice",
    }
}

/// One annotation line, ending with a newline.
fn annotation(f: &Finding, root: &SourceRoot) -> String {
    let mut props = vec![format!("file={}", escape_property(&root.path(&f.manifest)))];
    if let Some(line) = f.line {
        props.push(format!("line={line}"));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("cargo-pin {}", f.rule))
    ));
    let message = match &f.name {
        Some(name) => format!("{name}: {}", f.message),
        None => f.message.clone(),
    };
    format!(
        "::{} {}::{}\n",
        command(f.level),
        props.join(","),
        escape_data(&message)
    )
}

/// Escapes a command's message.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Rule;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("a,b:c"), "a,b:c");
    }

    #[test]
    fn one_line_per_finding_with_hostile_text() {
        let mut f = Finding::file(
            Rule::GitTag,
            "a,b:c/Cargo.toml",
            Some(7),
            "tag `v1`\nmoved 100%".into(),
        );
        f.name = Some("x".into());
        f.level = Level::Warn;
        let root = SourceRoot {
            dir: "/r".into(),
            prefix: String::new(),
            web: None,
        };
        let out = check(
            &Report {
                findings: vec![f],
                summary: Default::default(),
            },
            &root,
        );
        assert_eq!(
            out,
            "::warning file=a%2Cb%3Ac/Cargo.toml,line=7,title=cargo-pin git-tag::x: tag `v1`%0Amoved 100%25\n"
        );
    }

    #[test]
    fn file_findings_have_no_line() {
        let f = Finding::file(Rule::LockfileMissing, "Cargo.lock", None, "none".into());
        let root = SourceRoot {
            dir: "/r".into(),
            prefix: "ws/".into(),
            web: None,
        };
        assert_eq!(
            annotation(&f, &root),
            "::error file=ws/Cargo.lock,title=cargo-pin lockfile-missing::none\n"
        );
    }
}
