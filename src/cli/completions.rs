//! `cargo pin completions SHELL`: the shell completion script (clap_complete)
//! for the `cargo-pin` binary. The bash script also completes `cargo pin
//! ...`, handing every other `cargo ...` to cargo's own completion.

use anyhow::{Context as _, Result};
use clap::Args;
use clap_complete::Shell;

use super::{Output, Status};

#[derive(Debug, Args)]
#[command(after_help = "\
Load it in ~/.bashrc, after cargo's own completion (rustup's); it completes
both `cargo pin ...` and `cargo-pin ...`:
  source <(cargo pin completions bash)
zsh: a file `_cargo-pin` on $fpath; cargo's zsh completion (rustup's) hands
`cargo pin ...` to it:
  cargo pin completions zsh > \"${fpath[1]}/_cargo-pin\"
fish, PowerShell and elvish complete `cargo-pin ...`:
  cargo pin completions fish > ~/.config/fish/completions/cargo-pin.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    pub(crate) shell: Shell,
}

/// Completes `cargo pin ARGS` as `cargo-pin ARGS`, and any other `cargo
/// ...` with the completion cargo had before this script was sourced
/// (rustup's, loaded on demand by bash-completion), else file names.
const BASH_CARGO: &str = r#"
# `cargo pin ...` completes as `cargo-pin ...`; every other `cargo ...` with
# cargo's own completion, as it was before this script was sourced.
# Sourced again (bash-completion loading this file for `cargo-pin`), it keeps
# the completion it found the first time.
if ! complete -p cargo &>/dev/null && declare -F _completion_loader &>/dev/null; then
    _completion_loader cargo &>/dev/null
fi
if __cargo_pin_spec=$(complete -p cargo 2>/dev/null) &&
    [[ $__cargo_pin_spec =~ -F\ ([^ ]+) ]]; then
    if [[ ${BASH_REMATCH[1]} != _cargo_pin_cargo ]]; then
        __cargo_pin_cargo_fallback=${BASH_REMATCH[1]}
    fi
else
    __cargo_pin_cargo_fallback=""
fi
unset __cargo_pin_spec

_cargo_pin_cargo() {
    # `cargo pin ...`, or `cargo +TOOLCHAIN pin ...`
    local at=1
    [[ ${COMP_WORDS[1]} == +* ]] && at=2
    if [[ ${COMP_CWORD} -gt ${at} && ${COMP_WORDS[at]} == pin ]]; then
        local COMP_WORDS=("cargo-pin" "${COMP_WORDS[@]:at+1}")
        local COMP_CWORD=$((COMP_CWORD - at))
        _cargo__pin cargo-pin "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    elif [[ -n $__cargo_pin_cargo_fallback ]]; then
        "$__cargo_pin_cargo_fallback" "$@"
    elif [[ ${COMP_CWORD} -eq 1 && pin == "${COMP_WORDS[1]}"* ]]; then
        COMPREPLY=(pin)
    else
        COMPREPLY=()
    fi
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _cargo_pin_cargo -o nosort -o bashdefault -o default cargo
else
    complete -F _cargo_pin_cargo -o bashdefault -o default cargo
fi
"#;

pub(crate) fn run(args: &CompletionsArgs) -> Result<Output> {
    let mut cmd = super::pin_command();
    if args.shell == Shell::Bash {
        // clap_complete's bash script names a subcommand's case by its
        // bin name with `-` turned into `__subcmd__`, but the function it
        // matches with `-` turned into `__`: for a binary named with a
        // hyphen, no subcommand would complete. The bin names of the
        // subcommands as the script would spell them keep the two equal.
        cmd = cmd.mut_subcommands(|sub| {
            let bin = format!("cargo__pin {}", sub.get_name());
            sub.bin_name(bin)
        });
    }
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cargo-pin", &mut script);
    let mut text = String::from_utf8(script).context("the completion script is not UTF-8")?;
    if args.shell == Shell::Bash {
        text.push_str(BASH_CARGO);
    }
    Ok(Output::stdout(text, Status::Ok))
}
