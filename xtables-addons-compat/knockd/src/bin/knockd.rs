// SPDX-License-Identifier: GPL-2.0-only
//! knockd, and tportknockd when invoked under that name.

fn main() -> std::process::ExitCode {
    knockd::daemon::main()
}
