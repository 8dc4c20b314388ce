//! A registry nobody answers for: the connection refused or the host name
//! not resolved. The error names the registry and its URL once, however
//! many crates were to be read from it.

mod support;

use support::registry::Ws;

#[test]
fn a_refused_registry_is_named_once() {
    let ws = Ws::new("registry-basic");
    let dead = support::server::refused_url();
    let config = ws.read(".cargo/config.toml");
    ws.write(
        ".cargo/config.toml",
        &config.replace(&ws.server.url(), &dead),
    );
    for args in [&["outdated"][..], &["check", "--registry"], &["upgrade"]] {
        let stderr = ws.cmd().env("CARGO_NET_RETRY", "1").args(args).stderr(2);
        assert_eq!(stderr.matches(&dead).count(), 1, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        let expected = format!(
            "error: registry crates-io (replaced by `fixture` at {dead}) cannot be reached: \
             cannot connect: Connection refused (os error 111) (after 2 attempts); \
             gave up on "
        );
        assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
        // `check --registry` reads transitive packages (`xy`) too.
        assert!(
            stderr.ends_with(" crate(s): DeltaCase, alpha, bravo, cat, q\n")
                || stderr.ends_with(" crate(s): DeltaCase, alpha, bravo, cat, q, xy\n"),
            "{args:?}: {stderr}"
        );
    }
    assert!(ws.server.hits().is_empty());
}

#[test]
fn an_unresolvable_registry_is_named_once() {
    let ws = Ws::new("registry-basic");
    // `.invalid` never resolves (RFC 2606), offline or not.
    let dead = "http://registry.cargo-pin.invalid/";
    let config = ws.read(".cargo/config.toml");
    ws.write(
        ".cargo/config.toml",
        &config.replace(&ws.server.url(), dead),
    );
    let stderr = ws
        .cmd()
        .env("CARGO_NET_RETRY", "0")
        .arg("outdated")
        .stderr(2);
    assert_eq!(stderr.matches(dead).count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot be reached: cannot connect: ")
            && stderr.contains("gave up on 5 crate(s)"),
        "{stderr}"
    );
}
