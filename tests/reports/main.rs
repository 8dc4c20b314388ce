//! Integration tests of the reports (JSON, Markdown, SARIF, GitHub
//! annotations) and the CI recipes: the real binary, run on the fixtures.

mod ci;
mod common;
mod formats;
mod sarif;
mod schema;
mod snapshots;
