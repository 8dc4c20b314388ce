//! cargo-pin: audit how exactly a Rust workspace pins its dependencies, and
//! pin them.
//!
//! The library holds all the logic; `main.rs` only calls [`cli::main_with_args`].

pub mod audit;
pub mod change;
pub mod cli;
pub mod context;
mod parallel;
pub mod registry;
pub mod report;
pub mod workspace;

pub use context::Context;
