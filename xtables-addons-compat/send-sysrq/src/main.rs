// SPDX-License-Identifier: GPL-2.0-only
//! send_sysrq: sends an authenticated remote SysRq request to a host running the
//! xt_SYSRQ target. See send_sysrq(8).

mod cli;
mod password;
mod request;
mod state;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use cli::{Command, Options};
use xa_cli::net::{self, destination};
use xa_cli::{Error, print, say};

fn main() -> ExitCode {
    xa_cli::main("send_sysrq", cli::USAGE, run)
}

fn run() -> Result<(), Error> {
    let options = match cli::parse(std::env::args_os().skip(1))? {
        Command::Help => return print(cli::HELP.as_bytes()),
        Command::Version => return xa_cli::print_version("send_sysrq"),
        Command::Send(options) => options,
    };
    send(options)
}

fn send(o: Options) -> Result<(), Error> {
    let hash = request::hash_by_name(&o.hash)?;
    // Resolve before asking for the password, so a typo fails fast.
    let dst = SocketAddr::new(destination(&o.host, o.family, o.source)?, o.port);
    let dst_text = request::dst_text(dst.ip());
    let password = password::obtain(o.password)?;
    let dir = match o.state_dir {
        Some(dir) => dir,
        None => state::default_dir()?,
    };
    let salt = request::salt()?;
    // When sending, locked until the packet has left, so that concurrent senders' requests
    // leave in seqno order; a dry run only reads.
    let mut locked = if o.dry_run {
        None
    } else {
        Some(state::Locked::open(&dir, &o.host)?)
    };
    let last = match &locked {
        Some(locked) => locked.last,
        None => state::peek(&dir, &o.host)?,
    };
    let seqno = state::next_seqno(last, o.seqno)?;
    let mut payload = request::build(hash, &o.keys, seqno, &salt, &dst_text, &password)?;
    drop(password);
    if o.verbose {
        say!(
            "send_sysrq: {} {} bytes to {dst} (seqno {seqno}, {}, digest over \"{}\"): {}",
            if o.dry_run { "would send" } else { "sending" },
            payload.len(),
            hash.name(),
            String::from_utf8_lossy(dst_text.as_bytes()),
            String::from_utf8_lossy(&payload),
        );
    }
    match &mut locked {
        Some(locked) => {
            locked.record(seqno)?;
            net::send(&net::udp_to(dst, o.source)?, &payload)
        }
        None => {
            // Exactly the bytes that would be sent; a newline only for a human reader.
            if std::io::stdout().is_terminal() {
                payload.push(b'\n');
            }
            print(&payload)
        }
    }
}
