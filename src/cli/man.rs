//! `cargo pin man`: the man page (clap_mangen), on stdout or one page per
//! command into a folder (`cargo-pin.1`, `cargo-pin-check.1`, ...).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use super::{Output, Status};

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write cargo-pin.1 and a page per command (cargo-pin-check.1, ...)
    /// into DIR instead of printing cargo-pin.1
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

/// The page of `cmd`, titled `title` (its file's name without `.1`).
fn render(cmd: &clap::Command, title: &str) -> Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(title.to_uppercase())
        .render(&mut out)
        .context("cannot render the man page")?;
    String::from_utf8(out).context("the man page is not UTF-8")
}

/// Every page: `cargo-pin` first, then `cargo-pin-CMD` for each command.
pub(crate) fn pages() -> Result<Vec<(String, String)>> {
    let mut cmd = super::pin_command();
    cmd.build();
    let mut pages = vec![("cargo-pin".to_string(), render(&cmd, "cargo-pin")?)];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("cargo-pin-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("cargo pin {}", sub.get_name()));
        pages.push((name.clone(), render(&page, &name)?));
    }
    Ok(pages)
}

pub(crate) fn run(args: &ManArgs) -> Result<Output> {
    let pages = pages()?;
    let Some(dir) = &args.dir else {
        let (_, main) = pages.into_iter().next().context("no man page")?;
        return Ok(Output::stdout(main, Status::Ok));
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let files: Vec<(PathBuf, Vec<u8>)> = pages
        .into_iter()
        .map(|(name, page)| (dir.join(format!("{name}.1")), page.into_bytes()))
        .collect();
    crate::change::write::write_all(&files)?;
    Ok(Output::stdout(
        format!(
            "wrote {} man pages into {} (cargo-pin.1, cargo-pin-check.1, ...)\n",
            files.len(),
            dir.display()
        ),
        Status::Ok,
    ))
}
