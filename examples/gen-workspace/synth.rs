//! Synthetic workspaces, in memory: N members × M dependencies written in
//! every form cargo accepts, and a Cargo.lock (v4) that satisfies every
//! requirement.
//!
//! Pure and deterministic: the same pool, parameters and seed give the same
//! bytes. Shared by the `gen-workspace` example (which writes the files),
//! the benchmarks and the generator's test (which keep them in memory).
//!
//! What the lockfile is: every member with the dependencies it declares and
//! one or two locked releases of every crate the members name, each
//! satisfying every requirement written for it. What it is not: a full
//! resolution. The locked crates' own dependencies are left out (there are
//! no sources to build anyway), so `cargo build` would re-resolve; everything
//! cargo-pin and `cargo metadata --no-deps` read is consistent.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use semver::{Version, VersionReq};

/// One locked release of a crate.
#[derive(Debug, Clone)]
pub(crate) struct Release {
    pub version: Version,
    /// The index's `cksum`, or a stand-in derived from the seed.
    pub checksum: String,
}

/// A crate the members may depend on.
#[derive(Debug, Clone)]
pub(crate) struct Crate {
    pub name: String,
    /// The newest release.
    pub newest: Release,
    /// The newest release of an older, semver-incompatible line, if any:
    /// some members use it, so the lockfile holds two versions of the crate.
    pub older: Option<Release>,
}

/// The crates to draw from, most "popular" first (members pick low indices
/// more often), and where they came from.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    pub crates: Vec<Crate>,
    pub origin: String,
}

impl Pool {
    /// The built-in list (see `fallback.rs`), checksums derived from `seed`.
    pub(crate) fn builtin(seed: u64, max: usize) -> Pool {
        let mut rng = Rng::new(seed ^ 0xC0FF_EE00);
        let mut crates: Vec<Crate> = super::fallback::CRATES
            .iter()
            .map(|(name, newest, older)| Crate {
                name: (*name).to_string(),
                newest: Release {
                    version: Version::parse(newest).expect("built-in list"),
                    checksum: rng.hex(64),
                },
                older: (!older.is_empty()).then(|| Release {
                    version: Version::parse(older).expect("built-in list"),
                    checksum: rng.hex(64),
                }),
            })
            .collect();
        rng.shuffle(&mut crates);
        crates.truncate(max);
        Pool {
            crates,
            origin: "built-in list (examples/gen-workspace/fallback.rs)".into(),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub(crate) struct Params {
    pub members: usize,
    /// Dependency entries per member, all tables together.
    pub deps: usize,
    pub seed: u64,
}

/// How many crates a workspace of `members` members should draw from: the
/// lockfile grows with the workspace, as it does in real ones.
pub(crate) fn pool_size(members: usize) -> usize {
    (members * 2).max(64)
}

/// A generated workspace: files by path relative to the root, and counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Workspace {
    pub files: Vec<(String, String)>,
    pub stats: Stats,
}

/// Counts over a generated workspace, written to `gen.json` beside it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct Stats {
    pub members: usize,
    /// Dependency entries in all manifests (members and root).
    pub entries: usize,
    /// Registry requirements as written (inherited entries are written once,
    /// in `[workspace.dependencies]`).
    pub registry_requirements: usize,
    /// Of those, the ones already exact (`=x.y.z`).
    pub exact: usize,
    pub inherited: usize,
    pub path: usize,
    pub git: usize,
    pub renamed: usize,
    pub header_tables: usize,
    pub target_tables: usize,
    pub locked_packages: usize,
    pub pool: usize,
}

/// A small, seeded PRNG (SplitMix64): deterministic across platforms and
/// releases, which `rand` does not promise.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// An index in `0..n` skewed towards 0: a few crates are used by almost
    /// every member, most by a few, as in real workspaces.
    pub(crate) fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * n as f64) as usize).min(n - 1)
    }

    /// Picks by weight: `weights[i]` is the chance of `i` among their sum.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.next_u64() % total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    pub(crate) fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next_u64());
        }
        s.truncate(len);
        s
    }

    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// The ways a requirement can be spelled; `check` has one rule per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReqKind {
    Caret,
    CaretExplicit,
    Tilde,
    Exact,
    Wildcard,
    Range,
    PartialExact,
}

/// Weights for [`ReqKind`] in the order declared: mostly carets and exact
/// pins, a few of everything else.
const REQ_WEIGHTS: [u64; 7] = [40, 6, 10, 22, 4, 14, 4];
const REQ_KINDS: [ReqKind; 7] = [
    ReqKind::Caret,
    ReqKind::CaretExplicit,
    ReqKind::Tilde,
    ReqKind::Exact,
    ReqKind::Wildcard,
    ReqKind::Range,
    ReqKind::PartialExact,
];

/// A requirement of `kind` that `v` satisfies and that no release of
/// another semver-compatible line does (`single`: the crate has one locked
/// release, so even `*` is unambiguous).
fn requirement(rng: &mut Rng, kind: ReqKind, v: &Version, single: bool) -> String {
    let (ma, mi, pa) = (v.major, v.minor, v.patch);
    let r = match kind {
        ReqKind::Caret => match (ma, rng.below(3)) {
            (0, 0) | (_, 1) => format!("{ma}.{mi}"),
            (0, _) | (_, 2) => format!("{ma}.{mi}.{pa}"),
            _ => format!("{ma}"),
        },
        ReqKind::CaretExplicit => format!("^{ma}.{mi}.{pa}"),
        ReqKind::Tilde if rng.chance(50) => format!("~{ma}.{mi}"),
        ReqKind::Tilde => format!("~{ma}.{mi}.{pa}"),
        ReqKind::Exact => format!("={v}"),
        ReqKind::Wildcard if single && rng.chance(50) => "*".into(),
        ReqKind::Wildcard if ma > 0 => format!("{ma}.*"),
        ReqKind::Wildcard => format!("0.{mi}.*"),
        ReqKind::Range if ma > 0 => format!(">={ma}.{mi}, <{}", ma + 1),
        ReqKind::Range if mi > 0 => format!(">=0.{mi}.{pa}, <0.{}", mi + 1),
        ReqKind::Range => format!(">=0.0.{pa}, <=0.0.{pa}"),
        ReqKind::PartialExact => format!("={ma}.{mi}"),
    };
    debug_assert!(
        VersionReq::parse(&r).is_ok_and(|q| q.matches(v)),
        "{r} !~ {v}"
    );
    r
}

/// Which table a dependency is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Table {
    /// Index into [`TARGETS`] plus one; 0 for no target.
    target: usize,
    /// 0 normal, 1 dev, 2 build.
    kind: usize,
}

const TARGETS: [&str; 3] = [
    "'cfg(unix)'",
    "'cfg(windows)'",
    "'cfg(target_os = \"linux\")'",
];
const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

impl Table {
    fn header(&self) -> String {
        match self.target {
            0 => KINDS[self.kind].to_string(),
            t => format!("target.{}.{}", TARGETS[t - 1], KINDS[self.kind]),
        }
    }

    fn pick(rng: &mut Rng) -> Table {
        // normal, dev, build, then target tables.
        match rng.weighted(&[56, 15, 7, 12, 6, 4]) {
            0 => Table { target: 0, kind: 0 },
            1 => Table { target: 0, kind: 1 },
            2 => Table { target: 0, kind: 2 },
            3 => Table {
                target: 1 + rng.below(3),
                kind: 0,
            },
            4 => Table {
                target: 1 + rng.below(3),
                kind: 1,
            },
            _ => Table {
                target: 1 + rng.below(3),
                kind: 2,
            },
        }
    }
}

/// How an entry is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `name = "1.2"`
    String,
    /// `name = { version = "1.2", ... }`
    Inline,
    /// `[dependencies.name]`
    Header,
}

/// What an entry points at.
#[derive(Debug, Clone)]
enum Target {
    /// A registry crate: pool index, older release or not, requirement,
    /// renamed (`package =`) or not.
    Registry {
        krate: usize,
        older: bool,
        req: String,
        renamed: bool,
    },
    /// `name.workspace = true`: index into the workspace's dependencies.
    Inherited(usize),
    /// Another member, by index (always an earlier one: no cycles).
    Path { member: usize, version: bool },
    /// A git dependency following a branch or a tag.
    Git { id: usize, tag: bool },
}

#[derive(Debug, Clone)]
struct Entry {
    table: Table,
    key: String,
    form: Form,
    target: Target,
    /// Extra keys for table forms (features, default-features, optional).
    extra: &'static str,
}

/// One `[workspace.dependencies]` entry.
#[derive(Debug, Clone)]
struct WorkspaceDep {
    key: String,
    krate: usize,
    req: String,
    form: Form,
    renamed: bool,
    extra: &'static str,
}

const EXTRAS: [&str; 5] = [
    "",
    "features = [\"std\"]",
    "default-features = false",
    "optional = true",
    "default-features = false, features = [\"alloc\"]",
];

fn member_name(i: usize) -> String {
    format!("member-{i:04}")
}

fn git_name(id: usize) -> String {
    format!("gitdep-{id:03}")
}

fn git_url(id: usize) -> String {
    format!("https://github.com/cargo-pin-bench/{}", git_name(id))
}

/// Generates the workspace. Panics only on an empty pool.
pub(crate) fn generate(pool: &Pool, p: &Params) -> Workspace {
    assert!(!pool.crates.is_empty(), "the crate pool is empty");
    let n_crates = pool.crates.len();
    let mut rng = Rng::new(p.seed);

    // The workspace's shared requirements: the most popular crates.
    let n_ws = (n_crates / 3).clamp(1, 50);
    let mut ws_deps = Vec::with_capacity(n_ws);
    for krate in 0..n_ws {
        let c = &pool.crates[krate];
        let kind = REQ_KINDS[rng.weighted(&REQ_WEIGHTS)];
        let renamed = rng.chance(6);
        ws_deps.push(WorkspaceDep {
            key: if renamed {
                format!("{}_ws", c.name)
            } else {
                c.name.clone()
            },
            krate,
            req: requirement(&mut rng, kind, &c.newest.version, c.older.is_none()),
            form: [Form::String, Form::Inline, Form::Header][rng.weighted(&[60, 30, 10])],
            renamed,
            extra: EXTRAS[rng.below(3)],
        });
    }

    let mut members: Vec<Vec<Entry>> = Vec::with_capacity(p.members);
    let mut git_deps = 0;
    for i in 0..p.members {
        let mut rng = Rng::new(p.seed ^ (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut entries: Vec<Entry> = Vec::with_capacity(p.deps);
        let mut used_crates = BTreeSet::new();
        let mut used_keys = BTreeSet::new();
        // A few path dependencies on earlier members.
        let n_path = if i == 0 { 0 } else { rng.below(3).min(p.deps) };
        for _ in 0..n_path {
            let member = rng.below(i);
            let key = member_name(member);
            if used_keys.insert(key.clone()) {
                entries.push(Entry {
                    table: Table {
                        target: 0,
                        kind: if rng.chance(80) { 0 } else { 1 },
                    },
                    key,
                    form: Form::Inline,
                    target: Target::Path {
                        member,
                        version: rng.chance(50),
                    },
                    extra: "",
                });
            }
        }
        if i % 50 == 5 && entries.len() < p.deps {
            let id = git_deps;
            git_deps += 1;
            used_keys.insert(git_name(id));
            entries.push(Entry {
                table: Table { target: 0, kind: 0 },
                key: git_name(id),
                form: if rng.chance(50) {
                    Form::Inline
                } else {
                    Form::Header
                },
                target: Target::Git {
                    id,
                    tag: rng.chance(25),
                },
                extra: "",
            });
        }
        let mut attempts = 0;
        while entries.len() < p.deps && attempts < p.deps * 50 {
            attempts += 1;
            let krate = rng.skewed(n_crates);
            if !used_crates.insert(krate) {
                continue;
            }
            let c = &pool.crates[krate];
            let table = Table::pick(&mut rng);
            let form = [Form::String, Form::Inline, Form::Header][rng.weighted(&[55, 35, 10])];
            if krate < n_ws && rng.chance(70) {
                let key = ws_deps[krate].key.clone();
                if used_keys.insert(key.clone()) {
                    entries.push(Entry {
                        table,
                        key,
                        form,
                        target: Target::Inherited(krate),
                        extra: EXTRAS[rng.below(EXTRAS.len())],
                    });
                }
                continue;
            }
            let older = c.older.is_some() && rng.chance(20);
            let release = if older {
                c.older.as_ref().unwrap()
            } else {
                &c.newest
            };
            let kind = REQ_KINDS[rng.weighted(&REQ_WEIGHTS)];
            let req = requirement(&mut rng, kind, &release.version, c.older.is_none());
            let renamed = form != Form::String && rng.chance(8);
            let key = if renamed {
                format!("{}_{}", c.name.replace('-', "_"), release.version.major)
            } else {
                c.name.clone()
            };
            if used_keys.insert(key.clone()) {
                entries.push(Entry {
                    table,
                    key,
                    form,
                    target: Target::Registry {
                        krate,
                        older,
                        req,
                        renamed,
                    },
                    extra: if form == Form::String {
                        ""
                    } else {
                        EXTRAS[rng.below(EXTRAS.len())]
                    },
                });
            }
        }
        members.push(entries);
    }

    render(pool, p, &ws_deps, &members)
}

fn render(pool: &Pool, p: &Params, ws_deps: &[WorkspaceDep], members: &[Vec<Entry>]) -> Workspace {
    let mut stats = Stats {
        members: members.len(),
        pool: pool.crates.len(),
        ..Stats::default()
    };
    // (crate, older) pairs any member resolves to.
    let mut locked: BTreeSet<(usize, bool)> = BTreeSet::new();
    let mut files = Vec::with_capacity(members.len() * 2 + 2);

    let mut root = String::new();
    root.push_str("# A synthetic workspace generated by cargo-pin's `gen-workspace` example.\n");
    let _ = writeln!(
        root,
        "# members: {}, entries per member: {}, seed: {}\n",
        p.members, p.deps, p.seed
    );
    root.push_str("[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n\n");
    root.push_str("[workspace.dependencies]\n");
    let mut headers = String::new();
    for w in ws_deps {
        let c = &pool.crates[w.krate];
        stats.entries += 1;
        stats.registry_requirements += 1;
        stats.exact += usize::from(w.req.starts_with('=') && w.req.matches('.').count() == 2);
        stats.renamed += usize::from(w.renamed);
        let package = if w.renamed {
            format!("package = \"{}\", ", c.name)
        } else {
            String::new()
        };
        let extra = if w.extra.is_empty() {
            String::new()
        } else {
            format!(", {}", w.extra)
        };
        match w.form {
            Form::String if !w.renamed => {
                let _ = writeln!(root, "{} = \"{}\"", w.key, w.req);
            }
            Form::String | Form::Inline => {
                let _ = writeln!(
                    root,
                    "{} = {{ {package}version = \"{}\"{extra} }}",
                    w.key, w.req
                );
            }
            Form::Header => {
                stats.header_tables += 1;
                let _ = writeln!(headers, "\n[workspace.dependencies.{}]", w.key);
                if w.renamed {
                    let _ = writeln!(headers, "package = \"{}\"", c.name);
                }
                let _ = writeln!(headers, "version = \"{}\"", w.req);
                if !w.extra.is_empty() {
                    for kv in w.extra.split(", ") {
                        let _ = writeln!(headers, "{kv}");
                    }
                }
            }
        }
    }
    root.push_str(&headers);
    files.push(("Cargo.toml".to_string(), root));

    let mut lock_members = Vec::with_capacity(members.len());
    for (i, entries) in members.iter().enumerate() {
        let name = member_name(i);
        let mut text = String::with_capacity(entries.len() * 48 + 256);
        let _ = write!(
            text,
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n"
        );
        let mut by_table: BTreeMap<Table, Vec<&Entry>> = BTreeMap::new();
        for e in entries {
            by_table.entry(e.table).or_default().push(e);
        }
        let mut deps: BTreeSet<Dep> = BTreeSet::new();
        for (table, list) in &by_table {
            let header = table.header();
            stats.target_tables += if table.target > 0 { list.len() } else { 0 };
            let _ = write!(text, "\n# {header}: {} entries\n", list.len());
            if list.iter().any(|e| e.form != Form::Header) {
                let _ = writeln!(text, "[{header}]");
            }
            let mut tail = String::new();
            for e in list {
                stats.entries += 1;
                match entry(pool, ws_deps, e, &mut stats, &mut deps) {
                    Value::String(req) => {
                        let _ = writeln!(text, "{} = \"{req}\"", e.key);
                    }
                    Value::Pairs(pairs) if e.form == Form::Header => {
                        stats.header_tables += 1;
                        let _ = write!(tail, "\n[{header}.{}]\n", e.key);
                        for kv in pairs {
                            let _ = writeln!(tail, "{kv}");
                        }
                    }
                    Value::Pairs(pairs) if pairs.len() == 1 && e.key.len() % 2 == 0 => {
                        // Both spellings of a one-key table occur in the wild:
                        // `serde.workspace = true` and `serde = { workspace = true }`.
                        let _ = writeln!(text, "{}.{}", e.key, pairs[0]);
                    }
                    Value::Pairs(pairs) => {
                        let _ = writeln!(text, "{} = {{ {} }}", e.key, pairs.join(", "));
                    }
                }
            }
            text.push_str(&tail);
        }
        for d in &deps {
            if let Dep::Registry(k, older) = d {
                locked.insert((*k, *older));
            }
        }
        files.push((format!("crates/{name}/Cargo.toml"), text));
        files.push((
            format!("crates/{name}/src/lib.rs"),
            format!("//! `{name}`: a stub so that cargo can read the manifest.\n"),
        ));
        lock_members.push((name, deps));
    }

    let lock = lockfile(pool, &locked, &lock_members, p.seed);
    stats.locked_packages = lock.1;
    files.push(("Cargo.lock".to_string(), lock.0));
    Workspace { files, stats }
}

/// What a member's entry resolves to, for its `dependencies` list in the lock.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Dep {
    Registry(usize, bool),
    Member(usize),
    /// A git dependency: id, and whether it follows a tag (else a branch).
    Git(usize, bool),
}

/// An entry's value: a requirement string, or the `key = value` pairs of a
/// table (inline or under a header).
enum Value {
    String(String),
    Pairs(Vec<String>),
}

/// The entry's value, recording what it resolves to in `deps`.
fn entry(
    pool: &Pool,
    ws_deps: &[WorkspaceDep],
    e: &Entry,
    stats: &mut Stats,
    deps: &mut BTreeSet<Dep>,
) -> Value {
    let mut pairs = Vec::new();
    let extra = |pairs: &mut Vec<String>| {
        // Dev-dependencies cannot be optional.
        if !e.extra.is_empty() && (e.table.kind != 1 || !e.extra.contains("optional")) {
            pairs.extend(e.extra.split(", ").map(str::to_string));
        }
    };
    match &e.target {
        Target::Registry {
            krate,
            older,
            req,
            renamed,
        } => {
            stats.registry_requirements += 1;
            stats.exact += usize::from(req.starts_with('=') && req.matches('.').count() == 2);
            deps.insert(Dep::Registry(*krate, *older));
            if e.form == Form::String {
                return Value::String(req.clone());
            }
            if *renamed {
                stats.renamed += 1;
                pairs.push(format!("package = \"{}\"", pool.crates[*krate].name));
            }
            pairs.push(format!("version = \"{req}\""));
            extra(&mut pairs);
        }
        Target::Inherited(w) => {
            stats.inherited += 1;
            deps.insert(Dep::Registry(ws_deps[*w].krate, false));
            pairs.push("workspace = true".into());
            // `optional` and `features` may be added to an inherited entry;
            // `default-features` may not be turned off by a member.
            if !e.extra.contains("default-features") {
                extra(&mut pairs);
            }
        }
        Target::Path { member, version } => {
            stats.path += 1;
            deps.insert(Dep::Member(*member));
            pairs.push(format!("path = \"../{}\"", member_name(*member)));
            if *version {
                pairs.push("version = \"0.1.0\"".into());
            }
        }
        Target::Git { id, tag } => {
            stats.git += 1;
            deps.insert(Dep::Git(*id, *tag));
            pairs.push(format!("git = \"{}\"", git_url(*id)));
            pairs.push(if *tag {
                "tag = \"v0.1.0\"".into()
            } else {
                "branch = \"main\"".into()
            });
        }
    }
    Value::Pairs(pairs)
}

/// The v4 lockfile text and its number of packages.
fn lockfile(
    pool: &Pool,
    locked: &BTreeSet<(usize, bool)>,
    members: &[(String, BTreeSet<Dep>)],
    seed: u64,
) -> (String, usize) {
    const REGISTRY: &str = "registry+https://github.com/rust-lang/crates.io-index";
    let release = |k: usize, older: bool| -> &Release {
        let c = &pool.crates[k];
        if older {
            c.older.as_ref().expect("older release")
        } else {
            &c.newest
        }
    };
    let twice: BTreeSet<usize> = locked
        .iter()
        .filter(|(_, older)| *older)
        .map(|(k, _)| *k)
        .filter(|k| locked.contains(&(*k, false)))
        .collect();
    let mut rng = Rng::new(seed ^ 0x6C6F_636B);
    let dep_entry = |d: &Dep| -> String {
        match d {
            Dep::Registry(k, older) if twice.contains(k) => {
                format!("{} {}", pool.crates[*k].name, release(*k, *older).version)
            }
            Dep::Registry(k, _) => pool.crates[*k].name.clone(),
            Dep::Member(m) => member_name(*m),
            Dep::Git(id, _) => git_name(*id),
        }
    };

    // Every package as (name, version, body), sorted as cargo sorts them.
    let mut packages: Vec<(String, Version, String)> = Vec::new();
    for (name, deps) in members {
        let mut list: Vec<String> = deps.iter().map(dep_entry).collect();
        list.sort();
        list.dedup();
        let mut body = String::new();
        if !list.is_empty() {
            body.push_str("dependencies = [\n");
            for d in list {
                let _ = writeln!(body, " \"{d}\",");
            }
            body.push_str("]\n");
        }
        packages.push((name.clone(), Version::new(0, 1, 0), body));
    }
    for (k, older) in locked {
        let r = release(*k, *older);
        packages.push((
            pool.crates[*k].name.clone(),
            r.version.clone(),
            format!("source = \"{REGISTRY}\"\nchecksum = \"{}\"\n", r.checksum),
        ));
    }
    // Each git dependency is named by one member, by branch or by tag; the
    // lockfile records that reference and a commit.
    let git: BTreeMap<usize, bool> = members
        .iter()
        .flat_map(|(_, deps)| deps)
        .filter_map(|d| match d {
            Dep::Git(id, tag) => Some((*id, *tag)),
            _ => None,
        })
        .collect();
    for (id, tag) in git {
        let reference = if tag { "tag=v0.1.0" } else { "branch=main" };
        packages.push((
            git_name(id),
            Version::new(0, 1, 0),
            format!(
                "source = \"git+{}?{reference}#{}\"\n",
                git_url(id),
                rng.hex(40)
            ),
        ));
    }
    packages.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));

    let mut text = String::with_capacity(packages.len() * 160);
    text.push_str(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n",
    );
    for (name, version, body) in &packages {
        let _ = write!(
            text,
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n{body}"
        );
    }
    (text, packages.len())
}
