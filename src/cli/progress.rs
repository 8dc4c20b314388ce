//! The progress bar `cargo pin` shows on stderr while it reads registries:
//! only when stderr is a terminal, and only once the work has taken long
//! enough to be worth watching. Part of the command-line edge; the library
//! reports progress through [`crate::registry::Progress`] and never draws.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::registry::Progress;

/// How long work runs before the bar appears.
const DELAY: Duration = Duration::from_millis(400);

/// A delayed progress bar on stderr.
pub(crate) struct TermProgress {
    bar: ProgressBar,
    /// Set once the work is over, so a late timer never draws.
    done: Arc<Mutex<bool>>,
    enabled: bool,
    /// Warnings shown (not under `-q`).
    warnings: bool,
    /// `warning:` coloured (stderr's colour).
    color: bool,
}

impl TermProgress {
    /// A bar that draws only when stderr is a terminal and `shown` (not
    /// `-q`), which also decides whether warnings are; `color`: stderr's.
    pub(crate) fn for_stderr(shown: bool, color: bool) -> Arc<TermProgress> {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} reading the registry {pos}/{len} crates")
        {
            bar.set_style(style);
        }
        Arc::new(TermProgress {
            bar,
            done: Arc::new(Mutex::new(false)),
            enabled: shown && std::io::stderr().is_terminal(),
            warnings: shown,
            color,
        })
    }
}

impl TermProgress {
    /// One labelled line on stderr, above the bar.
    fn line(&self, label: &str, message: &str) {
        use std::io::Write as _;
        self.bar.suspend(|| {
            let _ = writeln!(std::io::stderr(), "{label} {message}");
        });
    }
}

impl Progress for TermProgress {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
        if !self.enabled {
            return;
        }
        let bar = self.bar.clone();
        let done = self.done.clone();
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            let Ok(done) = done.lock() else { return };
            if !*done {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            }
        });
    }

    fn advance(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        if let Ok(mut done) = self.done.lock() {
            *done = true;
        }
        self.bar.finish_and_clear();
    }

    fn warn(&self, message: &str) {
        if self.warnings {
            self.line(&super::label("warning:", self.color), message);
        }
    }

    fn note(&self, message: &str) {
        if self.warnings {
            self.line("note:", message);
        }
    }
}
