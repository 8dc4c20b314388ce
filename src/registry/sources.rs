//! Which registry each dependency and each locked package comes from, as
//! cargo's configuration for the workspace says, and the client options
//! for a run. The glue between a [`Workspace`](crate::workspace::Workspace) and the [`registry`] client.
//!
//! [`registry`]: crate::registry

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, anyhow};

use crate::Context;
use crate::registry::config::{CargoConfig, Registry};
use crate::registry::{self, Cache, Index, Options, Progress};

/// The registries of one workspace, resolved once each.
#[derive(Debug)]
pub(crate) struct Sources {
    pub config: CargoConfig,
    cache_dir: Option<std::path::PathBuf>,
    named: HashMap<Option<String>, Registry>,
    by_source: HashMap<String, Registry>,
}

impl Sources {
    /// Reads cargo's configuration as it applies at the workspace root, in
    /// the context's environment.
    pub(crate) fn load(ctx: &Context, root: &Path) -> Result<Sources> {
        let config = CargoConfig::load(root, ctx.cargo_env.clone(), ctx.home_dir.as_deref())?;
        for w in &config.warnings {
            ctx.progress.warn(w);
        }
        Ok(Sources {
            config,
            cache_dir: ctx.cache_dir.clone(),
            named: HashMap::new(),
            by_source: HashMap::new(),
        })
    }

    /// The registry of a manifest dependency (`registry = "NAME"`, or
    /// crates.io when `None`).
    pub(crate) fn for_dependency(&mut self, name: Option<&str>) -> Result<Registry> {
        let key = name.map(str::to_string);
        if let Some(r) = self.named.get(&key) {
            return Ok(r.clone());
        }
        let r = self.config.registry_named(name)?;
        self.named.insert(key, r.clone());
        Ok(r)
    }

    /// The registry of a locked package's `source`.
    pub(crate) fn for_lock_source(&mut self, source: &str) -> Result<Registry> {
        if let Some(r) = self.by_source.get(source) {
            return Ok(r.clone());
        }
        let r = self.config.registry_for_source(source)?;
        self.by_source.insert(source.to_string(), r.clone());
        Ok(r)
    }

    /// Client options: `--offline` or cargo's `net.offline`, the cache
    /// directory, cargo's HTTP settings.
    pub(crate) fn options(&self, offline: bool) -> Result<Options> {
        Ok(Options {
            offline: offline || self.config.http.offline,
            cache: Some(Cache::new(self.cache_dir.clone().ok_or_else(|| {
                anyhow!("cannot find a cache directory; set CARGO_PIN_CACHE_DIR")
            })?)),
            http: self.config.http.clone(),
        })
    }

    /// Fetches every `(registry, crate)` in `wanted`.
    pub(crate) fn fetch(
        &self,
        wanted: &[(Registry, String)],
        offline: bool,
        progress: Arc<dyn Progress>,
    ) -> Result<Index> {
        registry::fetch(wanted, &self.options(offline)?, progress)
    }
}
