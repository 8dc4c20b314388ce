//! Findings: what `check` reports, as data. Reporters decide how it looks.

use serde::Serialize;

use crate::audit::rule::{Level, Rule};

/// One thing `check` found. Field names are the JSON contract.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub level: Level,
    /// Relative to the workspace root, `/`-separated.
    pub manifest: String,
    /// 1-based; `None` when the finding is about a whole (or missing) file.
    pub line: Option<usize>,
    pub table: Option<String>,
    /// The dependency's key as written.
    pub name: Option<String>,
    /// The crate (differs from `name` when renamed with `package =`).
    pub package: Option<String>,
    pub requirement: Option<String>,
    /// The locked version the requirement resolves to.
    pub locked: Option<String>,
    /// The exact requirement (or `rev = "..."`) that would pin it.
    pub fix: Option<String>,
    pub message: String,
}

impl Finding {
    /// A finding about a whole file, with no dependency attached.
    pub fn file(rule: Rule, manifest: &str, line: Option<usize>, message: String) -> Finding {
        Finding {
            rule,
            level: rule.default_level(),
            manifest: manifest.to_string(),
            line,
            table: None,
            name: None,
            package: None,
            requirement: None,
            locked: None,
            fix: None,
            message,
        }
    }

    /// `manifest:line`, or just the manifest when there is no line.
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.manifest),
            None => self.manifest.clone(),
        }
    }
}

/// Counts over a set of findings, part of the JSON contract.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Findings at level deny (any makes the exit code 1).
    pub deny: usize,
    /// Findings at level warn.
    pub warn: usize,
    /// Findings dropped by an `[[exempt]]` entry.
    pub exempted: usize,
    /// Findings dropped because their rule is at level allow.
    pub allowed: usize,
    /// Dependency requirements read (every table, inherited ones included).
    pub requirements: usize,
    /// Registry and git requirements that are pinned exactly.
    pub pinned: usize,
    /// Manifests read.
    pub manifests: usize,
}

/// The result of a check: findings in report order, and their counts.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Report {
    /// True when any finding is at level deny: exit code 1.
    pub fn failed(&self) -> bool {
        self.summary.deny > 0
    }
}
