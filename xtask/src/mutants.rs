//! `cargo xtask mutants`: mutation testing with cargo-mutants (crates.io: `cargo-mutants`) over
//! `idp-core` and the providers' rule rooms (`auth.rs`, `pagination.rs`, `error.rs`, `client.rs`),
//! judged by the whole workspace's tests.
//!
//! The checkout is first mirrored into a private tree, `target/mutants/tree` (only files whose
//! content changed are rewritten, so its own `target/` stays warm between runs), and cargo-mutants
//! runs `--in-place` there: the checkout itself is never mutated, other work in it can go on, and
//! each run only rebuilds what changed. The results are a snapshot of the checkout when the run
//! started. Outcomes land in `target/mutants/out/mutants.out/`; `--iterate` skips the mutants an
//! earlier run caught (or found unviable) and accumulates the results.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const HELP: &str = "\
usage: cargo xtask mutants [options] [-- <cargo-mutants args>]

Runs cargo-mutants on a private copy of the checkout (target/mutants/tree, kept warm between runs)
with the whole workspace's tests, then prints caught / missed / unviable / timeout per file and the
missed mutants. Without --package or --file: all of idp-core plus each provider's auth.rs,
pagination.rs, error.rs and client.rs.

options:
  --package <name>    only this package (repeatable): idp-core is the whole crate, a provider
                      (idp-okta, idp-authress, idp-kinde) is its four rule rooms
  --file <glob>       only these files (repeatable; passed to cargo-mutants as --file)
  -F, --re <regex>    only mutants whose name matches (passed as --re)
  -j, --jobs <n>      parallel build/test jobs (default 1; above 1 the private tree is copied
                      once per job, its target included)
  --iterate           skip mutants caught or unviable in the previous run; accumulate results
  --own-tests         judge each mutant by its own package's tests only: a fast first pass
                      (what they catch, the workspace's tests catch too); follow it with
                      --iterate, without --own-tests, so the workspace's tests judge the rest
  --timeout <s>       test timeout per mutant (default: 3 x the baseline's test time,
                      at least 120)
  --build-timeout <s> build timeout per mutant (default 1200)
  --doctests          also build and run doctests (off by default: they cost more than they catch)
  --head              mirror the committed HEAD instead of the working tree (others'
                      uncommitted work in the checkout then cannot break the baseline)
  --list              list the mutants, run nothing
  -h, --help          this text

needs cargo-mutants (>= 25): cargo install cargo-mutants --locked";

/// The providers' rule rooms that are mutated.
const ROOMS: [&str; 4] = ["auth.rs", "pagination.rs", "error.rs", "client.rs"];
const PROVIDERS: [&str; 3] = ["idp-okta", "idp-authress", "idp-kinde"];

#[derive(Debug, Default)]
struct Options {
    packages: Vec<String>,
    files: Vec<String>,
    regexes: Vec<String>,
    jobs: u32,
    iterate: bool,
    own_tests: bool,
    timeout: Option<u64>,
    build_timeout: u64,
    doctests: bool,
    head: bool,
    list: bool,
    passthrough: Vec<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        jobs: 1,
        build_timeout: 1200,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--package" | "-p" => o.packages.push(value(arg)?),
            "--file" | "-f" => o.files.push(value(arg)?),
            "--re" | "-F" => o.regexes.push(value(arg)?),
            "--jobs" | "-j" => o.jobs = number(arg, &value(arg)?)?,
            "--timeout" => o.timeout = Some(number(arg, &value(arg)?)?),
            "--build-timeout" => o.build_timeout = number(arg, &value(arg)?)?,
            "--iterate" => o.iterate = true,
            "--own-tests" => o.own_tests = true,
            "--doctests" => o.doctests = true,
            "--head" => o.head = true,
            "--list" => o.list = true,
            "--" => o.passthrough.extend(it.by_ref().cloned()),
            other => return Err(format!("unknown option {other:?}\n\n{HELP}")),
        }
    }
    if o.jobs == 0 {
        return Err("--jobs must be at least 1".to_owned());
    }
    Ok(Some(o))
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{name} expects a number, got {v:?}"))
}

/// The `--file` globs for the chosen packages (all rooms when none is chosen).
fn scope(o: &Options) -> Vec<String> {
    let core = vec!["crates/idp-core/src/**/*.rs".to_owned()];
    let rooms = |p: &str| -> Vec<String> {
        ROOMS
            .iter()
            .map(|r| format!("crates/{p}/src/{r}"))
            .collect()
    };
    if !o.files.is_empty() {
        return o.files.clone();
    }
    if o.packages.is_empty() {
        return core
            .into_iter()
            .chain(PROVIDERS.iter().flat_map(|p| rooms(p)))
            .collect();
    }
    let mut globs = Vec::new();
    for p in &o.packages {
        match p.as_str() {
            "idp-core" => globs.extend(core.clone()),
            p if PROVIDERS.contains(&p) => globs.extend(rooms(p)),
            other => globs.push(format!("crates/{other}/src/**/*.rs")),
        }
    }
    globs
}

/// Entry point of `cargo xtask mutants`.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let Some(o) = parse(args)? else {
        println!("{HELP}");
        return Ok(());
    };
    check_installed()?;
    let base = root.join("target").join("mutants");
    let tree = base.join("tree");
    let out = base.join("out");
    let _lock = RunLock::take(base.join("run.lock"))?;
    let changed = sync_tree(root, &tree, o.head)?;
    println!(
        "mutants: private tree {} ({changed} files updated)",
        tree.display()
    );
    let timeout = if o.list {
        0
    } else {
        let measured = baseline(&tree, &o)?;
        o.timeout.unwrap_or(measured)
    };
    // cargo-mutants folds an earlier run's unviable mutants into `previously_caught.txt`; the
    // ones seen so far are carried in `unviable_all.txt` so that the summary can keep them apart.
    let outcomes = out.join("mutants.out");
    let carried = if o.iterate {
        let mut seen = lines_of(&outcomes.join(UNVIABLE_ALL));
        seen.extend(lines_of(&outcomes.join("unviable.txt")));
        seen
    } else {
        BTreeSet::new()
    };
    let mut cmd = cargo_in(&tree);
    cmd.args(["mutants", "--workspace"]);
    for glob in scope(&o) {
        cmd.args(["--file", &glob]);
    }
    for re in &o.regexes {
        cmd.args(["--re", re]);
    }
    cmd.arg("--output").arg(&out);
    // cargo-mutants' own baseline tests only the mutated packages; ours (above) tested the whole
    // workspace, which is what each mutant is judged by (or, with --own-tests, the mutated
    // package alone, which the baseline tested as well).
    let workspace = if o.own_tests { "false" } else { "true" };
    cmd.args([&format!("--test-workspace={workspace}"), "--baseline=skip"]);
    // Lints are capped by `cargo_in` (the same flags for the baseline, so the target stays warm).
    cmd.arg("--no-shuffle");
    if o.jobs == 1 {
        // The private tree is ours alone: mutate it in place, reuse its target.
        cmd.arg("--in-place");
    } else {
        cmd.args(["--jobs", &o.jobs.to_string(), "--copy-target=true"]);
    }
    cmd.args(["--build-timeout", &o.build_timeout.to_string()]);
    cmd.args(["--timeout", &timeout.to_string()]);
    if o.iterate {
        cmd.arg("--iterate");
    }
    if o.list {
        cmd.arg("--list");
    }
    for arg in test_args(&o) {
        // For the build as well as the test phase (`--` would reach only the test phase).
        cmd.args(["--cargo-arg", arg]);
    }
    cmd.args(&o.passthrough);
    println!("==> {}", describe(&cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("could not run cargo mutants: {e}"))?;
    if o.list {
        return status
            .success()
            .then_some(())
            .ok_or_else(|| format!("cargo mutants --list failed ({status})"));
    }
    let mut unviable = carried;
    unviable.extend(lines_of(&outcomes.join("unviable.txt")));
    let listed: String = unviable.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(outcomes.join(UNVIABLE_ALL), listed)
        .map_err(|e| format!("could not write {UNVIABLE_ALL}: {e}"))?;
    let summary = summarize(&outcomes);
    println!("\n{summary}");
    // cargo-mutants' exit codes (mutants.rs/exit-codes.html): 0 all caught, 2 some missed,
    // 3 some timed out.
    match status.code() {
        Some(0) => Ok(()),
        Some(2 | 3) => Err(summary),
        _ => Err(format!(
            "cargo mutants failed ({status}); see {}",
            out.display()
        )),
    }
}

/// `cargo` in the private tree, with the environment every build there uses: the shared specs
/// found from the checkout (not from the tree), and no debug info, which keeps each mutant's link
/// step and the tree's target small.
fn cargo_in(tree: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cmd.current_dir(tree);
    if let Some(shared) = idp_test_support::shared_dir(env!("CARGO_MANIFEST_DIR")) {
        cmd.env("IDP_SHARED_DIR", shared);
    }
    // `--cap-lints=warn`: a mutant that trips a deny-by-default lint is still built and tested
    // (what cargo-mutants' `--cap-lints=true` sets, given here for every build in the tree).
    cmd.env("CARGO_ENCODED_RUSTFLAGS", "--cap-lints=warn")
        .env_remove("RUSTFLAGS")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .env_remove("CARGO_TARGET_DIR");
    cmd
}

/// Held while a run uses the private tree: a second run would restore the file the first one
/// has mutated in place. A lock left by a run that was killed is taken over (its process is gone).
struct RunLock(PathBuf);

impl RunLock {
    fn take(path: PathBuf) -> Result<RunLock, String> {
        if let Ok(pid) = std::fs::read_to_string(&path) {
            let alive =
                Path::new("/proc").join(pid.trim()).exists() || !Path::new("/proc").exists();
            if alive {
                return Err(format!(
                    "another `cargo xtask mutants` (pid {}) is using the private tree; wait for it, \
                     or remove {} if it is gone",
                    pid.trim(),
                    path.display()
                ));
            }
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, std::process::id().to_string())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(RunLock(path))
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Which tests judge a mutant: lib, bin and integration tests; doctests (compiled one by one,
/// the most expensive) only with `--doctests`.
fn test_args(o: &Options) -> Vec<&'static str> {
    if o.doctests { vec![] } else { vec!["--tests"] }
}

/// Builds and runs the unmutated workspace's tests in the tree (incremental: it also warms the
/// target the mutants reuse). A failing test here would make every mutant look caught, so it
/// stops the run. Returns the test timeout: 3 x the measured test time, at least 120 s.
fn baseline(tree: &Path, o: &Options) -> Result<u64, String> {
    let run = |extra: &[&str]| -> Result<std::time::Duration, String> {
        let mut cmd = cargo_in(tree);
        cmd.arg("test");
        if o.own_tests && !o.packages.is_empty() {
            for p in &o.packages {
                cmd.args(["--package", p]);
            }
        } else {
            cmd.arg("--workspace");
        }
        cmd.args(test_args(o)).args(extra);
        println!("==> baseline: {}", describe(&cmd));
        let started = std::time::Instant::now();
        let output = cmd
            .output()
            .map_err(|e| format!("could not run cargo test: {e}"))?;
        if output.status.success() {
            return Ok(started.elapsed());
        }
        let log = tree.join("target").join("xtask-mutants-baseline.log");
        let mut text = output.stdout;
        text.extend(output.stderr);
        let _ = std::fs::write(&log, &text);
        Err(format!(
            "the unmutated workspace fails `cargo test` in the snapshot (log: {}); fix that first, \
             or wait until the checkout is consistent",
            log.display()
        ))
    };
    let build = run(&["--no-run"])?;
    let test = run(&[])?;
    let timeout = (test.as_secs() * 3).max(120);
    println!(
        "mutants: baseline ok ({}s build, {}s tests); test timeout {timeout}s",
        build.as_secs(),
        test.as_secs()
    );
    Ok(timeout)
}

fn check_installed() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let ok = Command::new(cargo)
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Ok(())
    } else {
        Err("cargo-mutants is not installed: run `cargo install cargo-mutants --locked`".to_owned())
    }
}

fn describe(cmd: &Command) -> String {
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    format!("cargo {}", args.join(" "))
}

/// Mirrors the checkout's files (tracked and untracked, not ignored; with `head`, the files of the
/// committed `HEAD` as committed) into `tree`: writes only the files whose content differs (so
/// mtimes, and cargo's fingerprints, stay put), removes the ones that are gone. A file left
/// mutated by an interrupted run is restored here. Returns how many files were written or
/// removed.
fn sync_tree(root: &Path, tree: &Path, head: bool) -> Result<usize, String> {
    let mut ls = Command::new("git");
    if head {
        ls.args(["ls-tree", "-r", "-z", "--name-only", "HEAD"]);
    } else {
        ls.args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]);
    }
    let listing = ls
        .current_dir(root)
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !listing.status.success() {
        return Err("git ls-files failed".to_owned());
    }
    let files: BTreeSet<PathBuf> = listing
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .filter(|p| head || root.join(p).is_file())
        .collect();
    let mut changed = 0;
    for rel in &files {
        let src = root.join(rel);
        let dst = tree.join(rel);
        let bytes = if head {
            committed(root, rel)?
        } else {
            std::fs::read(&src).map_err(|e| format!("{}: {e}", src.display()))?
        };
        if std::fs::read(&dst).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(dir) = dst.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&dst, &bytes).map_err(|e| format!("{}: {e}", dst.display()))?;
            changed += 1;
        }
    }
    let manifest = tree.join(".xtask-mutants-files");
    if let Ok(previous) = std::fs::read_to_string(&manifest) {
        for gone in previous
            .lines()
            .map(PathBuf::from)
            .filter(|p| !files.contains(p))
        {
            if std::fs::remove_file(tree.join(&gone)).is_ok() {
                changed += 1;
            }
        }
    }
    let list: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    std::fs::write(&manifest, list.join("\n"))
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    Ok(changed)
}

/// The content of `rel` in the committed `HEAD`.
fn committed(root: &Path, rel: &Path) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("show")
        .arg(format!("HEAD:{}", rel.display()))
        .current_dir(root)
        .output()
        .map_err(|e| format!("git show: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!("git show HEAD:{} failed", rel.display()))
    }
}

/// The cumulative list of unviable mutants, kept beside cargo-mutants' outcome files.
const UNVIABLE_ALL: &str = "unviable_all.txt";

/// The non-empty lines of an outcome file (none when it does not exist).
fn lines_of(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Prints caught / missed / unviable / timeout per file and the missed mutants; returns a
/// one-line total.
fn summarize(dir: &Path) -> String {
    let read = |name: &str| -> Vec<String> { lines_of(&dir.join(name)).into_iter().collect() };
    // Every unviable mutant of this run and the earlier ones it iterates on (cargo-mutants lists
    // the earlier ones among `previously_caught.txt`).
    let unviable = lines_of(&dir.join(UNVIABLE_ALL));
    let mut caught = lines_of(&dir.join("caught.txt"));
    caught.extend(lines_of(&dir.join("previously_caught.txt")));
    let caught: Vec<String> = caught.difference(&unviable).cloned().collect();
    let kinds = [
        ("caught", caught),
        ("missed", read("missed.txt")),
        ("unviable", unviable.into_iter().collect()),
        ("timeout", read("timeout.txt")),
    ];
    let mut per_file: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for (i, (_, lines)) in kinds.iter().enumerate() {
        for line in lines {
            let file = line.split(':').next().unwrap_or(line);
            per_file.entry(file).or_default()[i] += 1;
        }
    }
    println!(
        "\n{:<45} {:>7} {:>7} {:>9} {:>8} {:>7}",
        "file", "caught", "missed", "unviable", "timeout", "score"
    );
    let mut total = [0usize; 4];
    for (file, n) in &per_file {
        println!(
            "{file:<45} {:>7} {:>7} {:>9} {:>8} {:>7}",
            n[0],
            n[1],
            n[2],
            n[3],
            score(n)
        );
        for (t, v) in total.iter_mut().zip(n) {
            *t += v;
        }
    }
    println!(
        "{:<45} {:>7} {:>7} {:>9} {:>8} {:>7}",
        "total",
        total[0],
        total[1],
        total[2],
        total[3],
        score(&total)
    );
    if !kinds[1].1.is_empty() {
        println!("\nmissed:");
        for line in &kinds[1].1 {
            println!("  {line}");
        }
    }
    if !kinds[3].1.is_empty() {
        println!("\ntimeouts:");
        for line in &kinds[3].1 {
            println!("  {line}");
        }
    }
    format!(
        "mutants: {} caught, {} missed, {} unviable, {} timeouts ({} of viable caught); outcomes in {}",
        total[0],
        total[1],
        total[2],
        total[3],
        score(&total),
        dir.display()
    )
}

/// Caught over viable mutants (caught + missed + timeouts: a timeout is not counted as caught).
fn score(n: &[usize; 4]) -> String {
    let viable = n[0] + n[1] + n[3];
    if viable == 0 {
        "-".to_owned()
    } else {
        format!("{:.1}%", 100.0 * n[0] as f64 / viable as f64)
    }
}
