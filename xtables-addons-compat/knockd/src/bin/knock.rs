// SPDX-License-Identifier: GPL-2.0-only
//! knock: the port-knock client.

fn main() -> std::process::ExitCode {
    knockd::client::main()
}
