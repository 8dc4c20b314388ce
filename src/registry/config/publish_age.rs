//! cargo's minimum publish age, the cooldown when `pin.toml` sets no
//! `min-release-age`: `registry.min-publish-age` for crates.io,
//! `registries.NAME.min-publish-age` for a named registry, else
//! `registry.global-min-publish-age`, each with its `CARGO_*` variable.
//! Values are `"0"` or a number and a unit, as cargo spells them
//! (`"14 days"`, `"2 weeks"`, `"1 month"`).

use anyhow::{Result, anyhow};
use jiff::SignedDuration;

use super::CargoConfig;
use super::registries::{CRATES_IO, env_key};

impl CargoConfig {
    /// `registry.global-min-publish-age`, for every registry.
    pub(super) fn global_min_publish_age(&self) -> Result<Option<SignedDuration>> {
        self.age(
            "CARGO_REGISTRY_GLOBAL_MIN_PUBLISH_AGE",
            &["registry", "global-min-publish-age"],
        )
    }

    /// cargo's minimum publish age for registry `name`: its own setting
    /// (`registry.min-publish-age` for crates.io,
    /// `registries.NAME.min-publish-age` otherwise), else the global one.
    pub fn min_publish_age(&self, name: &str) -> Result<Option<SignedDuration>> {
        let own = if name == CRATES_IO {
            self.age(
                "CARGO_REGISTRY_MIN_PUBLISH_AGE",
                &["registry", "min-publish-age"],
            )?
        } else {
            let var = format!("CARGO_REGISTRIES_{}_MIN_PUBLISH_AGE", env_key(name));
            self.age(&var, &["registries", name, "min-publish-age"])?
        };
        match own {
            Some(a) => Ok(Some(a)),
            None => self.global_min_publish_age(),
        }
    }

    fn age(&self, var: &str, keys: &[&str]) -> Result<Option<SignedDuration>> {
        match self.string(Some(var), keys)? {
            None => Ok(None),
            Some((s, origin)) => parse_publish_age(&s)
                .map(Some)
                .map_err(|e| anyhow!("{}: `{}`: {e}", origin.describe(), keys.join("."))),
        }
    }
}

/// Parses cargo's minimum publish age: `"0"`, or a number and a unit
/// (`"14 days"`, `"2 weeks"`, `"36 hours"`, `"90 minutes"`, `"1 month"`).
pub fn parse_publish_age(s: &str) -> Result<SignedDuration, String> {
    let t = s.trim();
    if t == "0" {
        return Ok(SignedDuration::ZERO);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration such as \"14 days\""))?;
    let secs = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "month" | "months" => 30 * 86_400,
        _ => return crate::audit::policy::parse_age(s),
    };
    n.checked_mul(secs)
        .map(SignedDuration::from_secs)
        .ok_or_else(|| format!("{s:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{fixture, load, write};
    use super::*;

    #[test]
    fn min_publish_age_precedence() {
        let f = fixture();
        write(
            &f.root.join(".cargo/config.toml"),
            "[registry]\nglobal-min-publish-age = \"2 weeks\"\nmin-publish-age = \"3 days\"\n[registries.corp]\nindex = \"sparse+https://corp.example/\"\n[registries.other]\nindex = \"sparse+https://other.example/\"\nmin-publish-age = \"0\"\n",
        );
        let c = load(&f, &[]).unwrap();
        let day = 86_400;
        assert_eq!(
            c.registry_named(None).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(3 * day))
        );
        assert_eq!(
            c.registry_named(Some("corp")).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(14 * day))
        );
        assert_eq!(
            c.registry_named(Some("other")).unwrap().min_publish_age,
            Some(SignedDuration::ZERO)
        );
        let c = load(&f, &[("CARGO_REGISTRY_MIN_PUBLISH_AGE", "1 day")]).unwrap();
        assert_eq!(
            c.registry_named(None).unwrap().min_publish_age,
            Some(SignedDuration::from_secs(day))
        );
        let c = load(&f, &[("CARGO_REGISTRY_MIN_PUBLISH_AGE", "1 fortnight")]).unwrap();
        let e = c.registry_named(None).unwrap_err().to_string();
        assert!(
            e.contains("CARGO_REGISTRY_MIN_PUBLISH_AGE") && e.contains("fortnight"),
            "{e}"
        );
    }

    #[test]
    fn publish_ages() {
        assert_eq!(parse_publish_age("0").unwrap(), SignedDuration::ZERO);
        assert_eq!(parse_publish_age("30 seconds").unwrap().as_secs(), 30);
        assert_eq!(parse_publish_age("1 month").unwrap().as_secs(), 2_592_000);
        assert_eq!(parse_publish_age("2 weeks").unwrap().as_secs(), 1_209_600);
        assert!(parse_publish_age("soon").is_err());
    }
}
