// SPDX-License-Identifier: GPL-2.0-only
//! fw-safetynet: apply firewall rules with automatic rollback, and arm a reset, so a remote
//! admin cannot lock themselves out. See fw-safetynet(8) and README.md.

/// `println!` that never panics: a closed stdout (a reader gone, a dropped SSH session) must
/// not abort a command half-way, least of all an apply waiting for its confirmation, so what
/// cannot be written is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod backend;
mod cli;
mod commands;
mod parts;
mod ruleset;
mod snapshot;
mod state;
mod systemd;
mod timefmt;
mod watchdog;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args_os().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fw-safetynet: {e}\nTry 'fw-safetynet --help'.");
            return ExitCode::from(commands::EXIT_USAGE);
        }
    };
    if args.help {
        let _ = std::io::Write::write_all(&mut std::io::stdout(), cli::USAGE.as_bytes());
        return ExitCode::SUCCESS;
    }
    if args.version {
        say!("fw-safetynet {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match commands::run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("fw-safetynet: {e}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
