//! Judging a workspace: the rules, the policy that sets their levels, the
//! findings they produce, and the commands that only read.

pub mod check;
pub mod finding;
pub mod outdated;
pub mod policy;
pub mod registry_check;
pub mod release;
pub mod rule;
