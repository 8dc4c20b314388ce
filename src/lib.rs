//! cargo-pin: audit how exactly a Rust workspace pins what it builds with,
//! and pin it.
//!
//! Data flows one way: **read** the workspace → **judge** it (findings) →
//! **report**; and for commands that write, **plan** → **verify** →
//! **write** all files or none. One folder per role:
//!
//! | folder | role | start at |
//! |---|---|---|
//! | [`cli`](crate::main_with_args) | the edge: arguments, the [`Context`] read once from the process, one module per command (`run(&Context, &Args) -> Result<Output>`), printing, exit codes | `cli/mod.rs` |
//! | `context` | the clock and the environment, as data | [`Context`] |
//! | [`workspace`] | reading what is on disk: members via `cargo metadata --no-deps`, manifests with byte spans, Cargo.lock, the toolchain file, requirements, which lock entry a dependency resolves to | [`workspace::Workspace`] |
//! | [`audit`] | judging: the rules and their ids ([`audit::rule`]), `pin.toml` ([`audit::policy`]), findings, `check`'s rules, `check --registry`, release statuses, `outdated`, `review` (the lockfile diff and its gate) | [`audit::check`] |
//! | [`ci`] | reading the CI surface around the workspace: workflows, composite actions, `.gitlab-ci.yml`, Dockerfiles, into sites with byte spans (one module per kind of file) | [`ci::read`] |
//! | [`change`] | changing files: byte-exact edits, verification, the workspace lock, the all-or-none write (signals held off), cargo's relock, and the planners `fix`, `upgrade`, `allow` | `change/mod.rs` |
//! | [`registry`] | the registry: cargo's configuration ([`registry::config`]), which registry serves what, the sparse-index HTTP client, the cache, index parsing | [`registry::fetch`] |
//! | `report` | one module per format (human, json, markdown, sarif, github), each with a function per command; one switch, `report::render` | `report/mod.rs` |
//!
//! Adding a rule: `audit/rule.rs` (its id, level and texts) and the check
//! that finds it in `audit/`. Adding a format: a module in `report/` and its
//! arm in `report::render`. Adding a command: a module in `cli/` for its
//! arguments and run, with its logic in the folder of its role.
//!
//! The library never prints and reads no environment variable: `cli` does
//! both, once. What is public here is the entry point and what benchmarks,
//! fuzz targets and integration tests drive directly; the rest is
//! `pub(crate)`.

pub mod audit;
pub mod change;
pub mod ci;
mod cli;
mod context;
mod parallel;
pub mod registry;
mod report;
pub mod workspace;

pub use cli::{EXIT_DENY, EXIT_ERROR, EXIT_OK, main_with_args};
pub use context::{ColorChoice, Context, Flags, Host, Vars, Verbosity};
