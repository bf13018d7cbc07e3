// SPDX-License-Identifier: GPL-2.0-only
//! pknock-knock: knocks on the ports of a host protected by the pknock match, or sends it an
//! SPA packet. See pknock-knock(8).

mod cli;
mod net;
mod secret;

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cli::{Command, Options};
use shim::pknock::spa;
use xa_cli::{Error, failure, print, say};

fn main() -> ExitCode {
    xa_cli::main("pknock-knock", cli::USAGE, run)
}

fn run() -> Result<(), Error> {
    match cli::parse(std::env::args_os().skip(1))? {
        Command::Help => print(cli::HELP.as_bytes()),
        Command::Version => xa_cli::print_version("pknock-knock"),
        Command::Send(o) if o.secret.is_some() => spa_send(o),
        Command::Send(o) => knock(&o),
    }
}

fn knock(o: &Options) -> Result<(), Error> {
    let ip = xa_cli::net::destination(&o.host, o.family, o.source)?;
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
    let secret = secret::obtain(o.secret.take().ok_or_else(|| failure!("no secret"))?)?;
    let ip = xa_cli::net::destination(&o.host, o.family, o.source)?;
    let dst = SocketAddr::new(ip, o.ports.first().copied().unwrap_or_default());
    let socket = net::udp_to(dst, o.source)?;
    // What the module sees as the packet's source (no NAT in between).
    let src = socket
        .local_addr()
        .map_err(|e| failure!("cannot tell the source address: {e}"))?
        .ip();
    let now = match o.at {
        Some(at) => at,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| failure!("the system clock is before 1970"))?
            .as_secs()
            .try_into()
            .map_err(|_| failure!("the system clock is out of range"))?,
    };
    let minute = spa::minute_of(now);
    let src_bytes = match src {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    let payload = spa::payload(&secret, &src_bytes, minute)
        .ok_or_else(|| failure!("cannot build the payload for {src}"))?;
    if o.verbose {
        say!(
            "pknock-knock: {} SPA for {src}, minute {minute}, to UDP {dst}",
            if o.dry_run { "would send" } else { "sending" }
        );
    }
    if o.dry_run {
        // The payload is printable: 64 hex digits and the trailing newline.
        return print(&payload);
    }
    net::send(&socket, &payload)
}
