use super::*;

const IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// A lockfile from `(name, version, source, deps)`; `""` source is local.
fn lock(packages: &[(&str, &str, &str, &[&str])]) -> Lockfile {
    let mut t = String::from("version = 4\n");
    for (name, version, source, deps) in packages {
        t.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"
        ));
        if !source.is_empty() {
            t.push_str(&format!("source = \"{source}\"\n"));
        }
        if !deps.is_empty() {
            let deps: Vec<String> = deps.iter().map(|d| format!(" \"{d}\",\n")).collect();
            t.push_str(&format!("dependencies = [\n{}]\n", deps.concat()));
        }
    }
    Lockfile::parse(&t).unwrap()
}

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn vs(list: &[&str]) -> Vec<Version> {
    list.iter().map(|s| v(s)).collect()
}

fn find<'a>(changes: &'a [Change], name: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.package == name)
        .unwrap_or_else(|| panic!("no change for {name}: {changes:#?}"))
}

#[test]
fn identical_lockfiles_have_no_changes() {
    let l = lock(&[("app", "0.1.0", "", &["a"]), ("a", "1.0.0", IO, &[])]);
    assert!(diff(&l, &l.clone()).is_empty());
}

#[test]
fn kinds_of_change() {
    let base = lock(&[
        ("app", "0.1.0", "", &["up", "down", "gone", "same"]),
        ("up", "1.0.0", IO, &[]),
        ("down", "2.0.0", IO, &[]),
        ("gone", "1.0.0", IO, &[]),
        ("same", "1.0.0", IO, &[]),
    ]);
    let head = lock(&[
        ("app", "0.1.0", "", &["up", "down", "new", "same"]),
        ("up", "1.1.0", IO, &[]),
        ("down", "1.9.0", IO, &[]),
        ("new", "0.3.0", IO, &[]),
        ("same", "1.0.0", IO, &[]),
    ]);
    let c = diff(&base, &head);
    let kinds: Vec<(&str, Kind)> = c.iter().map(|c| (c.package.as_str(), c.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("down", Kind::Downgraded),
            ("gone", Kind::Removed),
            ("new", Kind::Added),
            ("up", Kind::Upgraded),
        ]
    );
    let up = find(&c, "up");
    assert_eq!(
        (up.from.clone(), up.to.clone()),
        (vs(&["1.0.0"]), vs(&["1.1.0"]))
    );
    assert_eq!(up.introduced, vs(&["1.1.0"]));
    assert!(up.direct);
    assert_eq!(up.via, ["app"]);
    assert_eq!(up.source, Some(Source::Registry(IO.into())));
    let gone = find(&c, "gone");
    assert!(gone.introduced.is_empty() && gone.to.is_empty());
    assert_eq!(gone.from, vs(&["1.0.0"]));
    // The head line of the package's entry.
    assert_eq!(
        find(&c, "new").line,
        Some(head.named("new").next().unwrap().line)
    );
}

#[test]
fn several_versions_are_sets() {
    let base = lock(&[
        ("app", "0.1.0", "", &["s 1.0.0", "s 0.9.0"]),
        ("s", "1.0.0", IO, &[]),
        ("s", "0.9.0", IO, &[]),
    ]);
    // A third version added beside the two: added, the others kept.
    let head = lock(&[
        ("app", "0.1.0", "", &["s 1.0.0", "s 0.9.0", "s 2.0.0"]),
        ("s", "1.0.0", IO, &[]),
        ("s", "0.9.0", IO, &[]),
        ("s", "2.0.0", IO, &[]),
    ]);
    let c = diff(&base, &head);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, Kind::Added);
    assert_eq!(c[0].from, vs(&["0.9.0", "1.0.0"]));
    assert_eq!(c[0].to, vs(&["0.9.0", "1.0.0", "2.0.0"]));
    assert_eq!(c[0].introduced, vs(&["2.0.0"]));
    // Reordering entries changes nothing.
    let shuffled = lock(&[
        ("s", "0.9.0", IO, &[]),
        ("app", "0.1.0", "", &["s 0.9.0", "s 1.0.0"]),
        ("s", "1.0.0", IO, &[]),
    ]);
    assert!(diff(&base, &shuffled).is_empty());
    // One of two removed.
    let fewer = lock(&[("app", "0.1.0", "", &["s"]), ("s", "1.0.0", IO, &[])]);
    let c = diff(&base, &fewer);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, Kind::Removed);
    // 0.9.0 → 1.1.0 while 1.0.0 stays: upgraded, 1.1.0 introduced.
    let moved = lock(&[
        ("app", "0.1.0", "", &["s 1.0.0", "s 1.1.0"]),
        ("s", "1.0.0", IO, &[]),
        ("s", "1.1.0", IO, &[]),
    ]);
    let c = diff(&base, &moved);
    assert_eq!(c[0].kind, Kind::Upgraded);
    assert_eq!(c[0].introduced, vs(&["1.1.0"]));
}

#[test]
fn transitive_changes_say_what_pulled_them_in() {
    let base = lock(&[("app", "0.1.0", "", &[]), ("lib", "0.1.0", "", &[])]);
    let head = lock(&[
        ("app", "0.1.0", "", &["big"]),
        ("lib", "0.1.0", "", &[]),
        ("big", "1.0.0", IO, &["mid"]),
        ("mid", "1.0.0", IO, &["leaf"]),
        ("leaf", "1.0.0", IO, &[]),
        ("orphan", "1.0.0", IO, &[]),
    ]);
    let c = diff(&base, &head);
    assert_eq!(c.len(), 4);
    let big = find(&c, "big");
    assert!(big.direct);
    assert_eq!(big.via, ["app"]);
    let leaf = find(&c, "leaf");
    assert!(!leaf.direct);
    assert_eq!(leaf.via, ["app", "big", "mid"]);
    assert!(find(&c, "orphan").via.is_empty());
}

#[test]
fn shortest_path_wins_and_cycles_end() {
    let head = lock(&[
        ("app", "0.1.0", "", &["a", "b"]),
        ("a", "1.0.0", IO, &["x"]),
        ("b", "1.0.0", IO, &["c"]),
        ("c", "1.0.0", IO, &["b", "x"]),
        ("x", "1.0.0", IO, &["c"]),
    ]);
    let base = lock(&[("app", "0.1.0", "", &[])]);
    let c = diff(&base, &head);
    assert_eq!(find(&c, "x").via, ["app", "a"]);
    assert_eq!(find(&c, "c").via, ["app", "b"]);
}

#[test]
fn source_changes() {
    let git1 = "git+https://github.com/o/g?branch=main#1111111111111111111111111111111111111111";
    let git2 = "git+https://github.com/o/g?branch=main#2222222222222222222222222222222222222222";
    let corp = "sparse+https://corp.example/index/";
    let base = lock(&[
        ("app", "0.1.0", "", &["g", "r", "m"]),
        ("g", "0.1.0", git1, &[]),
        ("r", "1.0.0", IO, &[]),
        ("m", "1.0.0", IO, &[]),
    ]);
    let head = lock(&[
        ("app", "0.1.0", "", &["g", "r", "m"]),
        ("g", "0.1.0", git2, &[]),
        ("r", "1.0.0", git1, &[]),
        ("m", "1.0.0", corp, &[]),
    ]);
    let c = diff(&base, &head);
    assert_eq!(c.len(), 3, "{c:#?}");
    for name in ["g", "r", "m"] {
        let ch = find(&c, name);
        assert_eq!(ch.kind, Kind::SourceChanged, "{name}");
        assert_eq!(ch.introduced, ch.to, "{name}");
        assert!(
            ch.from_source.is_some() && ch.from_source != ch.source,
            "{name}"
        );
    }
    assert_eq!(find(&c, "m").source, Some(Source::Registry(corp.into())));
    let Some(Source::Git(g)) = &find(&c, "g").source else {
        panic!("git source expected");
    };
    assert!(g.commit.starts_with("2222"));
}

#[test]
fn members_added_and_removed() {
    let base = lock(&[("app", "0.1.0", "", &[]), ("old", "0.1.0", "", &[])]);
    let head = lock(&[("app", "0.2.0", "", &[]), ("new", "0.1.0", "", &[])]);
    let c = diff(&base, &head);
    let kinds: Vec<(&str, Kind)> = c.iter().map(|c| (c.package.as_str(), c.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("app", Kind::Upgraded),
            ("new", Kind::Added),
            ("old", Kind::Removed)
        ]
    );
    assert!(c.iter().all(|c| c.source.is_none()));
}
