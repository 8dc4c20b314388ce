//! Serves a sparse index directory on 127.0.0.1 for manual trials and
//! benchmarks, with the same server the tests use.
//!
//! ```console
//! $ cargo run --example registry_server -- fixtures/registry [PORT]
//! http://127.0.0.1:PORT/
//! ```

// The print lints guard the library; this is a command-line tool: it prints where it listens.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/support/server.rs"]
mod server;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: registry_server DIR [PORT]");
        std::process::exit(2);
    };
    let port = match args.next().map(|p| p.parse::<u16>()) {
        None => 0,
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            eprintln!("error: bad port: {e}");
            std::process::exit(2);
        }
    };
    let s = server::Server::start_on(dir, port);
    println!("{}", s.url());
    loop {
        std::thread::park();
    }
}
