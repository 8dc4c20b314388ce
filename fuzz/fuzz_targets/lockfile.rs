//! Lockfile parsing never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    if let Ok(lock) = cargo_pin::workspace::lockfile::Lockfile::parse(data) {
        for p in &lock.packages {
            let _ = lock.named(&p.name).count();
            let _ = lock.resolve_registry(&p.name, &semver::VersionReq::STAR, Some(&p.name));
        }
    }
});
