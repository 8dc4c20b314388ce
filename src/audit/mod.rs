//! Judging a workspace: the rules, the policy that sets their levels, the
//! findings they produce, and the commands that only read.

pub mod check;
pub(crate) mod ci;
pub(crate) mod denied;
pub(crate) mod extends;
pub mod finding;
pub(crate) mod outdated;
pub mod policy;
pub(crate) mod registry_check;
pub(crate) mod release;
pub mod review;
pub mod rule;
pub(crate) mod vet;
