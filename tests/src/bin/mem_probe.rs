//! Memory probe for `cargo xtask bench`: lists N Okta app users through `items()` against the
//! static loopback server and prints the peak resident set size (`VmHWM`) in KiB.
//!
//! Usage: `mem-probe <N>`; prints `items=<N> peak_rss_kib=<K>`.

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let server = idp_tests::bench_server::BenchServer::start(0).await?;
        let okta = idp::okta::Client::builder()
            .org_url(server.base_url())
            .api_token("bench-token")
            .build()?;
        let mut users = okta
            .application_users()
            .list(format!("app{n}"))
            .limit(500)
            .items();
        let mut count = 0usize;
        while let Some(_user) = users.try_next().await? {
            count += 1;
        }
        println!("items={count} peak_rss_kib={}", peak_rss_kib().unwrap_or(0));
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
