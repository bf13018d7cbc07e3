// SPDX-License-Identifier: GPL-2.0-only
//! pknock-knock: knocks on the ports of a host protected by the pknock match, or sends it an
//! SPA packet. See pknock-knock(8).

mod cli;

use std::net::SocketAddr;
use std::process::ExitCode;

use cli::{Command, Options};
use pknock_tools::secret;
use pknock_tools::spa::Datagram;
use xa_cli::net::{self, destination};
use xa_cli::{Error, failure, print, say};

const PROG: &str = "pknock-knock";

fn main() -> ExitCode {
    xa_cli::main(PROG, cli::USAGE, run)
}

fn run() -> Result<(), Error> {
    match cli::parse(std::env::args_os().skip(1))? {
        Command::Help => print(cli::HELP.as_bytes()),
        Command::Version => xa_cli::print_version(PROG),
        Command::Send(o) if o.secret.is_some() => spa_send(o),
        Command::Send(o) => knock(&o),
    }
}

fn knock(o: &Options) -> Result<(), Error> {
    let ip = destination(&o.host, o.family, o.source)?;
    let proto = if o.udp { "UDP" } else { "TCP" };
    for (i, &port) in o.ports.iter().enumerate() {
        let dst = SocketAddr::new(ip, port);
        if i > 0 && !o.dry_run {
            std::thread::sleep(o.delay);
        }
        if o.dry_run {
            print(format!("{proto} {dst}\n").as_bytes())?;
            continue;
        }
        if o.verbose {
            say!("pknock-knock: knocking on {proto} {dst}");
        }
        if o.udp {
            net::send(&net::udp_to(dst, o.source)?, &[])?;
        } else {
            net::tcp_knock(dst, o.source, o.wait)?;
        }
    }
    Ok(())
}

fn spa_send(mut o: Options) -> Result<(), Error> {
    let secret = secret::obtain(o.secret.take().ok_or_else(|| failure!("no secret"))?, PROG)?;
    let ip = destination(&o.host, o.family, o.source)?;
    let dst = SocketAddr::new(ip, o.ports.first().copied().unwrap_or_default());
    let datagram = Datagram::new(&secret, dst, o.source, o.at)?;
    if o.verbose {
        say!(
            "pknock-knock: {} SPA for {}, minute {}, to UDP {dst}",
            if o.dry_run { "would send" } else { "sending" },
            datagram.source,
            datagram.minute,
        );
    }
    if o.dry_run {
        // The payload is printable: 64 hex digits and the trailing newline.
        return print(&datagram.payload);
    }
    datagram.send()
}
