//! The `cargo-pin` binary: `cargo pin <command>`. All logic is in the library.

fn main() -> std::process::ExitCode {
    cargo_pin::main_with_args(std::env::args_os().collect())
}
