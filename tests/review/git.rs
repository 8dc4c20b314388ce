//! Both sides read from git: `--head`, the default base, shallow clones, errors, and the README's recipes.

use super::*;

#[test]
fn head_rev_reads_both_sides_from_commits_and_ignores_the_working_tree() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    r.relock("q", "0.5.0", "0.6.0");
    let head = r.commit("bump q");
    // An uncommitted change the review of two commits must not see.
    r.relock("alpha", "1.1.0", "1.3.0");
    let v = r
        .cmd()
        .args(["--base", &base, "--head", &head, "--format", "json"])
        .json(0);
    let names: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["package"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["q"]);
    assert_eq!(v["head"]["commit"], head.as_str());
    assert_eq!(v["base"]["commit"], base.as_str());
}

#[test]
fn the_readme_review_recipes_run() {
    let readme = std::fs::read_to_string(support::repo().join("README.md")).unwrap();
    let start = readme
        .find("\n### Reviewing pull requests")
        .expect("the recipes");
    let section = &readme[start..];
    let section = &section[..section.find("\n### pre-commit").expect("next section")];
    let commands: Vec<&str> = section
        .lines()
        .filter_map(|l| l.find("cargo pin review ").map(|at| &l[at..]))
        .filter(|c| !c.starts_with("cargo pin review` "))
        .map(|c| c.split(['|', '#']).next().unwrap().trim())
        .collect();
    assert!(commands.len() >= 4, "{commands:#?}");
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    let clone = pull_request(&r);
    for (var, value) in [
        ("GITHUB_BASE_REF", "main"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
    ] {
        for command in &commands {
            let args: Vec<&str> = command.split_whitespace().skip(2).collect();
            let out = pin()
                .current_dir(&clone)
                .now(NOW)
                .cache_dir(&r.cache)
                .cargo_home(&r.home)
                .env(var, value)
                .args(&args)
                .output(0);
            assert!(
                !out.stdout.is_empty() || args.contains(&"--output") || args.contains(&"github"),
                "`{command}` printed nothing"
            );
        }
    }
    let md = std::fs::read_to_string(clone.join("review.md")).unwrap();
    assert!(
        md.starts_with("## ✅ cargo pin review: 1 package changed"),
        "{md}"
    );
}

#[test]
fn the_base_defaults_to_the_ci_base_or_the_merge_base() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    let clone = pull_request(&r);
    let run = |p: Pin| {
        p.current_dir(&clone)
            .now(NOW)
            .cache_dir(&r.cache)
            .cargo_home(&r.home)
            .args(["review", "--format", "json"])
    };
    for v in [
        run(pin()).json(0),
        run(pin().env("GITHUB_BASE_REF", "main")).json(0),
        run(pin().env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)).json(0),
    ] {
        assert_eq!(v["base"]["commit"], base.as_str(), "{v:#}");
        assert_eq!(change(&v, "q")["kind"], "upgraded");
    }
    let v = run(pin().env("GITHUB_BASE_REF", "main")).json(0);
    assert_eq!(v["base"]["rev"], "origin/main");
    // No origin: nothing to default to.
    let err = pin().current_dir(&r.root).args(["review"]).stderr(2);
    assert!(err.contains("pass `--base REV`"), "{err}");
    let err = pin()
        .current_dir(&r.root)
        .args(["review", "--base", "no-such-branch"])
        .stderr(2);
    assert!(
        err.contains("unknown git revision `no-such-branch`"),
        "{err}"
    );
}

#[test]
fn a_base_missing_from_a_shallow_clone_says_how_to_fetch_it() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    r.relock("q", "0.5.0", "0.6.0");
    r.commit("bump q");
    let url = format!("file://{}", r.root.display());
    git(
        r.copy.dir.path(),
        &["clone", "-q", "--depth=1", &url, "shallow"],
    );
    let shallow = r.copy.dir.path().join("shallow");
    let err = pin()
        .current_dir(&shallow)
        .args(["review", "--base", &base])
        .stderr(2);
    assert!(
        err.contains(&format!("git fetch --depth=1 origin {base}")),
        "{err}"
    );
    let err = pin()
        .current_dir(&shallow)
        .env("GITHUB_BASE_REF", "release")
        .args(["review"])
        .stderr(2);
    assert!(err.contains("git fetch --depth=1 origin release"), "{err}");
}

#[test]
fn a_malformed_base_lockfile_names_the_revision_and_line() {
    let r = Repo::new();
    r.copy.write("Cargo.lock", "version = 4\n\n[[package]\n");
    let bad = r.commit("break the lockfile");
    r.copy
        .write("Cargo.lock", &git(&r.root, &["show", "HEAD~1:Cargo.lock"]));
    let err = r.cmd().args(["--base", &bad]).stderr(2);
    assert!(err.contains(&format!("Cargo.lock at {bad}:3:")), "{err}");
}

#[test]
fn outside_git_is_a_clear_error() {
    let c = Copy::of("check/pinned");
    let err = pin()
        .current_dir(c.root())
        .args(["review", "--base", "HEAD"])
        .stderr(2);
    assert!(err.contains("not in a git repository"), "{err}");
}

#[test]
fn a_workspace_below_the_repository_root() {
    let c = Copy::at("registry-basic", "rust/ws");
    let repo = c.dir.path();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", "base"]);
    let lock = c.read("Cargo.lock");
    c.write(
        "Cargo.lock",
        &lock.replacen(
            &format!("name = \"xy\"\nversion = \"1.0.0\"\nsource = \"{IO}\""),
            &format!(
                "name = \"xy\"\nversion = \"1.0.0\"\nsource = \"git+https://github.com/o/xy#{COMMIT_A}\""
            ),
            1,
        ),
    );
    // Only a git source changed: no registry is asked.
    let v = pin()
        .current_dir(c.root())
        .args(["review", "--base", "HEAD", "--format", "json"])
        .json(0);
    assert_eq!(rules(&v), triples(&[("new-git-source", "warn", "xy")]));
    assert_eq!(v["findings"][0]["manifest"], "Cargo.lock");
    // Reports for GitHub name the file from the repository's root.
    let gh = pin()
        .current_dir(c.root())
        .args(["review", "--base", "HEAD", "--format", "github"])
        .stdout(0);
    assert!(
        gh.starts_with("::warning file=rust/ws/Cargo.lock,line="),
        "{gh}"
    );
}
