//! `cargo xtask bench cpu` (or `cargo bench -p idp-tests --bench sdk -- cpu`): the client's CPU
//! time per call and per listed item, measured the way a service feels it.
//!
//! - The server (`bench_server`) runs in its own process, pinned to core 1; each client is its
//!   own process pinned to core 0 (`taskset`, when it is installed), on a current-thread tokio
//!   runtime, so everything the client process spends is the client's.
//! - CPU is the client process's user + system time (the sum of its threads' `sum_exec_runtime`
//!   from `/proc/self/task/*/schedstat`, nanoseconds) over the measured steps, after a warm-up
//!   that opens the connection.
//! - Three clients do the same work in the same run: idp, a hand-written reqwest 0.12 +
//!   serde_json client (the reqwest idp is built on, same features) and the same hand-written
//!   client on reqwest 0.13 (newest, no TLS). Per work, the three client processes run side by
//!   side and take turns: a round is one batch of each (`--gets` GETs, or one whole walk), in an
//!   order rotated per round, the others blocked on their input meanwhile. A round's three batches
//!   run within milliseconds of each other, so the machine's drift (on a shared 2-core VM, ±30 %
//!   over seconds) cancels in their ratio.
//! - `--runs` rounds (default 41; a list batch is one walk of `--items`, default 4 000, so it
//!   stays short enough to pair well): median and range per client, and the median of the
//!   per-round ratios. The two hand-written clients' ratio is the run's own noise floor.
//! - With valgrind installed: instructions per call and per item (cachegrind, no cache
//!   simulation), from two runs of different lengths, so start-up cancels out. These do not swing
//!   with the machine's load and settle differences of a few percent.
//! - Peak RSS (`VmHWM`) of a 100 000-item Okta walk in pages of 500: a fresh process per walk,
//!   `--runs` walks per client (at most 7), median and range.
//!
//! Modes of the bench binary: `cpu [options]` (this orchestration), `cpu-server <total>`,
//! `cpu-batches <impl> <work> <base> <total> <page> <warm>` (a client taking batches on its
//! input) and `cpu-client <impl> <work> <base> <total> <page> <warm> <steps>` (one fresh run).

#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

mod clients;

use clients::{Client, Impl, Size, Work};

/// Sum of this process's threads' on-CPU time (user + system), in nanoseconds.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// A `/proc/self/status` figure in KiB (0 when it cannot be read).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// `cpu-server <total>`: serves until its standard input closes; prints `base=<url>` first.
fn server(args: &[String]) -> i32 {
    let total = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        std::process::exit(0);
    });
    current_thread().block_on(async move {
        let server = idp_tests::bench_server::BenchServer::start(total)
            .await
            .expect("bind");
        println!("base={}", server.base_url());
        let _ = std::io::stdout().flush();
        std::future::pending::<()>().await;
    });
    0
}

/// The arguments both client modes start with: `<impl> <work> <base> <total> <page> <warm>`.
struct ClientArgs {
    which: Impl,
    work: Work,
    base: String,
    size: Size,
    warm: usize,
}

impl ClientArgs {
    fn parse(mode: &str, args: &[String]) -> Option<ClientArgs> {
        let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
        let (Some(which), Some(work)) = (Impl::parse(arg(0)), Work::parse(arg(1))) else {
            eprintln!("{mode}: unknown client or work: {args:?}");
            return None;
        };
        let num = |i: usize| arg(i).parse::<usize>().unwrap_or(1);
        Some(ClientArgs {
            which,
            work,
            base: arg(2).to_owned(),
            size: Size {
                total: num(3),
                page: u32::try_from(num(4)).unwrap_or(200),
            },
            warm: num(5),
        })
    }
}

/// `cpu-client <impl> <work> <base> <total> <page> <warm> <steps>`: prints
/// `cpu_ns=… units=… peak_rss_kib=… threads=…` for the measured steps.
fn client(args: &[String]) -> i32 {
    let Some(ClientArgs {
        which,
        work,
        base,
        size,
        warm,
    }) = ClientArgs::parse("cpu-client", args)
    else {
        return 2;
    };
    let steps = args
        .get(6)
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(1);
    let rt = current_thread();
    let client = rt.block_on(async { Client::new(which, work, &base) });
    let (cpu, units) = rt.block_on(async {
        for _ in 0..warm {
            client.step(work, size).await;
        }
        let start = cpu_ns();
        let mut units = 0;
        for _ in 0..steps {
            units += client.step(work, size).await;
        }
        (cpu_ns() - start, units)
    });
    println!(
        "cpu_ns={cpu} units={units} peak_rss_kib={} threads={} rss_anon_kib={} rss_file_kib={}",
        peak_rss_kib(),
        threads(),
        status_kib("RssAnon:"),
        status_kib("RssFile:")
    );
    0
}

/// `cpu-batches <impl> <work> <base> <total> <page> <warm>`: warms up, prints `ready`, then for
/// each line `N` on its standard input runs `N` steps and prints `cpu_ns=… units=…` for them;
/// ends when its input closes. Between batches it is blocked on its input and spends nothing.
fn batches(args: &[String]) -> i32 {
    let Some(ClientArgs {
        which,
        work,
        base,
        size,
        warm,
    }) = ClientArgs::parse("cpu-batches", args)
    else {
        return 2;
    };
    let rt = current_thread();
    let client = rt.block_on(async { Client::new(which, work, &base) });
    rt.block_on(async {
        for _ in 0..warm {
            client.step(work, size).await;
        }
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(steps) = line.map(|l| l.trim().parse::<usize>().unwrap_or(0)) else {
            break;
        };
        let (cpu, units) = rt.block_on(async {
            let start = cpu_ns();
            let mut units = 0;
            for _ in 0..steps {
                units += client.step(work, size).await;
            }
            (cpu_ns() - start, units)
        });
        let _ = writeln!(out, "cpu_ns={cpu} units={units}");
        let _ = out.flush();
    }
    0
}

/// A running `cpu-batches` process.
struct BatchClient {
    child: Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    name: &'static str,
}

impl BatchClient {
    fn start(server: &Server, pin: bool, which: Impl, work: Work, size: Size, warm: usize) -> Self {
        let mut child = pinned(0, &exe(), pin)
            .args([
                "cpu-batches",
                which.name(),
                work.name(),
                &server.base,
                &size.total.to_string(),
                &size.page.to_string(),
                &warm.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn a batch client");
        let stdin = child.stdin.take().expect("client stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("client stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("client ready");
        assert_eq!(line.trim(), "ready", "{} {}", which.name(), work.name());
        BatchClient {
            child,
            stdin,
            stdout,
            name: which.name(),
        }
    }

    /// Runs `steps` steps; the client's CPU per unit, in nanoseconds.
    fn batch(&mut self, steps: usize) -> f64 {
        writeln!(self.stdin, "{steps}").expect("send a batch");
        self.stdin.flush().expect("send a batch");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("a batch's figures");
        let field = |name: &str| -> f64 {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{}: no {name} in {line:?}", self.name))
        };
        field("cpu_ns") / field("units").max(1.0)
    }
}

impl Drop for BatchClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Options {
    runs: usize,
    gets: usize,
    items: usize,
    page: u32,
    valgrind: bool,
    works: Vec<Work>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            runs: 41,
            gets: 400,
            items: 4_000,
            page: 200,
            valgrind: true,
            works: Work::ALL.to_vec(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().ok_or(format!("{a} needs a value"));
            match a.as_str() {
                "--runs" => o.runs = value()?.parse().map_err(|_| "--runs N")?,
                "--gets" => o.gets = value()?.parse().map_err(|_| "--gets N")?,
                "--items" => o.items = value()?.parse().map_err(|_| "--items N")?,
                "--page" => o.page = value()?.parse().map_err(|_| "--page N")?,
                "--no-valgrind" => o.valgrind = false,
                "--only" => {
                    o.works = value()?
                        .split(',')
                        .map(|w| Work::parse(w).ok_or(format!("unknown work {w}")))
                        .collect::<Result<_, _>>()?;
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(o)
    }
}

fn exe() -> String {
    std::env::current_exe()
        .expect("current exe")
        .to_string_lossy()
        .into_owned()
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A command pinned to `core` with taskset when it is there.
fn pinned(core: u32, program: &str, pin: bool) -> Command {
    if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", &core.to_string(), program]);
        c
    } else {
        Command::new(program)
    }
}

/// The server process and its base URL; it stops when its standard input closes.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(total: usize, pin: bool) -> Server {
        let mut child = pinned(1, &exe(), pin)
            .args(["cpu-server", &total.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the server");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("server stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server base");
        let base = line.trim().trim_start_matches("base=").to_owned();
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// One client run's figures.
struct Sample {
    units: usize,
    rss_kib: u64,
    instructions: Option<u64>,
}

struct Run<'a> {
    server: &'a Server,
    pin: bool,
    valgrind: bool,
}

impl Run<'_> {
    fn client(&self, which: Impl, work: Work, size: Size, warm: usize, steps: usize) -> Sample {
        let exe = exe();
        let mut cmd = if self.valgrind {
            let mut c = pinned(0, "valgrind", self.pin);
            c.args([
                "--tool=cachegrind",
                "--cache-sim=no",
                "--cachegrind-out-file=/dev/null",
                &exe,
            ]);
            c
        } else {
            pinned(0, &exe, self.pin)
        };
        let out = cmd
            .args([
                "cpu-client",
                which.name(),
                work.name(),
                &self.server.base,
                &size.total.to_string(),
                &size.page.to_string(),
                &warm.to_string(),
                &steps.to_string(),
            ])
            .output()
            .expect("spawn a client");
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| -> u64 {
            text.split_whitespace()
                .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| {
                    panic!(
                        "{} {}: no {name} in {text:?} {}",
                        which.name(),
                        work.name(),
                        String::from_utf8_lossy(&out.stderr)
                    )
                })
        };
        let instructions = self.valgrind.then(|| {
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .find_map(|l| l.split_once("I   refs:").map(|(_, n)| n.replace(',', "")))
                .and_then(|n| n.trim().parse().ok())
                .expect("cachegrind's I refs")
        });
        Sample {
            units: usize::try_from(field("units")).unwrap_or(0),
            rss_kib: field("peak_rss_kib"),
            instructions,
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn what(work: Work) -> &'static str {
    use clients::Provider::*;
    match work {
        Work::Get(Okta) => "Okta GET app user, per request",
        Work::Get(Authress) => "Authress GET connection, per request",
        Work::Get(Kinde) => "Kinde GET connection, per request",
        Work::List(Okta) => "Okta list app users, per item",
        Work::List(Authress) => "Authress list connections, per item",
        Work::List(Kinde) => "Kinde list connections, per item",
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.0} µs", ns / 1e3)
    } else {
        format!("{:.2} µs", ns / 1e3)
    }
}

fn fmt_count(n: f64) -> String {
    if n >= 10_000.0 {
        format!("{:.1} k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// `cpu [options]`: runs everything and prints the tables.
fn orchestrate(args: &[String]) -> i32 {
    let o = match Options::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "cpu: {e}\nusage: cpu [--runs N] [--gets N] [--items N] [--page N] [--no-valgrind] [--only get-okta,list-kinde,…]"
            );
            return 2;
        }
    };
    let pin = has("taskset");
    let size = Size {
        total: o.items,
        page: o.page,
    };
    println!(
        "client CPU: {} rounds; {} GETs per batch, lists of {} items in pages of {} (one walk per batch); server and client pinned: {}",
        o.runs, o.gets, o.items, o.page, pin
    );
    // work -> impl -> per-round cost per unit (ns). One process per client and work, its batches
    // interleaved with the other clients' (order rotated per round), so a round's three batches
    // run within milliseconds of each other and the machine's drift cancels in their ratios.
    let mut cpu: Vec<[Vec<f64>; 3]> = o.works.iter().map(|_| Default::default()).collect();
    {
        let server = Server::start(o.items, pin);
        for (w, &work) in o.works.iter().enumerate() {
            let (warm, steps) = match work {
                Work::Get(_) => (100, o.gets),
                Work::List(_) => (1, 1),
            };
            let mut clients: Vec<BatchClient> = Impl::ALL
                .iter()
                .map(|&i| BatchClient::start(&server, pin, i, work, size, warm))
                .collect();
            for round in 0..o.runs {
                for k in 0..3 {
                    let i = (k + round) % 3;
                    cpu[w][i].push(clients[i].batch(steps));
                }
            }
            clients.clear();
            eprint!(".");
        }
        eprintln!();
    }
    println!(
        "\n{:<38} {:>26} {:>26} {:>26} {:>9} {:>9} {:>9}",
        "CPU (median, range)",
        "idp",
        "raw reqwest 0.12",
        "raw reqwest 0.13",
        "idp/0.12",
        "idp/0.13",
        "0.12/0.13"
    );
    for (w, &work) in o.works.iter().enumerate() {
        let ratio = |a: usize, b: usize| {
            let mut r: Vec<f64> = cpu[w][a]
                .iter()
                .zip(&cpu[w][b])
                .map(|(x, y)| x / y)
                .collect();
            median(&mut r)
        };
        let cell = |i: usize| {
            let mut v = cpu[w][i].clone();
            let m = median(&mut v);
            format!(
                "{} ({}–{})",
                fmt_ns(m),
                fmt_ns(v.first().copied().unwrap_or(f64::NAN)),
                fmt_ns(v.last().copied().unwrap_or(f64::NAN))
            )
        };
        println!(
            "{:<38} {:>26} {:>26} {:>26} {:>8.2}× {:>8.2}× {:>8.2}×",
            what(work),
            cell(0),
            cell(1),
            cell(2),
            ratio(0, 1),
            ratio(0, 2),
            ratio(1, 2)
        );
    }

    if o.valgrind && has("valgrind") {
        instructions(&o, pin);
    } else {
        println!("\n(instruction counts skipped: valgrind not installed or --no-valgrind)");
    }

    let server = Server::start(o.items, pin);
    let run = Run {
        server: &server,
        pin,
        valgrind: false,
    };
    let walk = Size {
        total: 100_000,
        page: 500,
    };
    // One peak per round and client (order rotated as above): median and range, since one
    // walk's peak moves by a few hundred KiB with allocator and buffer timing.
    let mut peaks: [Vec<f64>; 3] = Default::default();
    // A fresh process per walk (a peak is a process's), at most 7 walks per client.
    let rss_walks = o.runs.clamp(1, 7);
    for round in 0..rss_walks {
        for k in 0..3 {
            let i = (k + round) % 3;
            let s = run.client(
                Impl::ALL[i],
                Work::List(clients::Provider::Okta),
                walk,
                0,
                1,
            );
            peaks[i].push(s.rss_kib as f64);
        }
    }
    let rss: Vec<(f64, f64, f64)> = peaks
        .iter_mut()
        .map(|v| {
            let m = median(v);
            (
                m,
                v.first().copied().unwrap_or(m),
                v.last().copied().unwrap_or(m),
            )
        })
        .collect();
    let cell = |(m, lo, hi): (f64, f64, f64)| format!("{m:.0} ({lo:.0}–{hi:.0}) KiB");
    println!(
        "\n{:<38} {:>26} {:>26} {:>26} {:>+8.0} KiB vs 0.12 (medians of {} walks each)",
        "peak RSS, Okta walk of 100 000 items",
        cell(rss[0]),
        cell(rss[1]),
        cell(rss[2]),
        rss[0].0 - rss[1].0,
        rss_walks
    );
    0
}

/// Instructions per unit under cachegrind: two runs of different lengths, the difference divided
/// by the difference in units, so start-up, connection and warm-up cancel.
fn instructions(o: &Options, pin: bool) {
    let total = (o.items / 10).max(o.page as usize);
    let size = Size {
        total,
        page: o.page,
    };
    let server = Server::start(total, pin);
    let run = Run {
        server: &server,
        pin,
        valgrind: true,
    };
    println!(
        "\n{:<38} {:>26} {:>26} {:>26} {:>9} {:>9} {:>9}",
        "instructions (cachegrind)",
        "idp",
        "raw reqwest 0.12",
        "raw reqwest 0.13",
        "idp/0.12",
        "idp/0.13",
        "0.12/0.13"
    );
    for &work in &o.works {
        let (warm, short, long) = match work {
            Work::Get(_) => (20, 50, 250),
            Work::List(_) => (1, 1, 3),
        };
        let per: Vec<f64> = Impl::ALL
            .iter()
            .map(|&i| {
                let a = run.client(i, work, size, warm, short);
                let b = run.client(i, work, size, warm, long);
                let (ia, ib) = (a.instructions.unwrap_or(0), b.instructions.unwrap_or(0));
                let units = (b.units.saturating_sub(a.units)).max(1);
                ib.saturating_sub(ia) as f64 / units as f64
            })
            .collect();
        println!(
            "{:<38} {:>26} {:>26} {:>26} {:>8.2}× {:>8.2}× {:>8.2}×",
            what(work),
            fmt_count(per[0]),
            fmt_count(per[1]),
            fmt_count(per[2]),
            per[0] / per[1],
            per[0] / per[2],
            per[1] / per[2]
        );
    }
}

/// Runs the mode named by `args[0]` (`cpu`, `cpu-server`, `cpu-client`); returns the exit code.
pub(crate) fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("cpu-server") => server(&args[1..]),
        Some("cpu-client") => client(&args[1..]),
        Some("cpu-batches") => batches(&args[1..]),
        _ => orchestrate(&args[1..]),
    }
}
