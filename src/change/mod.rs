//! Changing files: byte-exact edits, their verification, and writing all
//! files or none, for every command that writes.

pub mod allow;
pub mod edit;
pub mod fix;
pub mod upgrade;
pub mod write;
