//! Interrupts (SIGINT, SIGTERM) and the write phase: outside it a signal
//! ends the process at once, as it always did (exit 128 + signal); inside
//! it — while files are staged and renamed into place, or while cargo
//! relocks — the signal is only recorded, and the pipeline
//! ([`super::ChangeSet`]) finishes or undoes its work (all files or none,
//! no temporary file left) before the edge exits.
//!
//! The command line installs the handlers once ([`install`]); the library
//! only enters write phases ([`Critical`]) and asks whether a signal came
//! ([`check`]). Without [`install`] (the library used on its own) nothing
//! changes how signals behave.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Result, bail};

/// True outside every write phase: a signal then ends the process.
static OUTSIDE: AtomicBool = AtomicBool::new(true);
/// How many write phases are open (they nest: a write inside a relock).
static DEPTH: AtomicUsize = AtomicUsize::new(0);
/// The signal that came during a write phase, or 0.
static SIGNAL: AtomicUsize = AtomicUsize::new(0);

/// SIGINT and SIGTERM.
#[cfg(unix)]
const SIGNALS: [i32; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// Installs the handlers for SIGINT and SIGTERM. Called once, by the
/// command line.
pub(crate) fn install() -> Result<()> {
    #[cfg(unix)]
    for sig in SIGNALS {
        let status = 128 + sig;
        signal_hook::flag::register_conditional_shutdown(sig, status, &OUTSIDE)?;
        signal_hook::flag::register_usize(sig, &SIGNAL, sig as usize)?;
    }
    Ok(())
}

/// The signal received during a write phase, if one was.
pub(crate) fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => i32::try_from(s).ok(),
    }
}

/// The name of a signal, for messages.
pub(crate) fn name(sig: i32) -> String {
    #[cfg(unix)]
    if let Some(n) = signal_hook::low_level::signal_name(sig) {
        return n.to_string();
    }
    format!("signal {sig}")
}

/// An error when a signal came during the write phase.
pub(crate) fn check() -> Result<()> {
    match received() {
        Some(sig) => bail!("interrupted by {}", name(sig)),
        None => Ok(()),
    }
}

/// A write phase, open while this lives: signals are recorded, not obeyed.
#[derive(Debug)]
pub(crate) struct Critical(());

impl Critical {
    pub(crate) fn enter() -> Critical {
        DEPTH.fetch_add(1, Ordering::SeqCst);
        OUTSIDE.store(false, Ordering::SeqCst);
        Critical(())
    }
}

impl Drop for Critical {
    fn drop(&mut self) {
        if DEPTH.fetch_sub(1, Ordering::SeqCst) == 1 {
            OUTSIDE.store(true, Ordering::SeqCst);
        }
    }
}
