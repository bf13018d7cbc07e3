// SPDX-License-Identifier: GPL-2.0-only
//! Sending the request over UDP.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use xa_cli::{Error, failure};

/// Sends `payload` as one datagram to `dst`, from `source` if given.
pub fn send(payload: &[u8], dst: SocketAddr, source: Option<IpAddr>) -> Result<(), Error> {
    let local = source.unwrap_or(match dst {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    });
    let socket =
        UdpSocket::bind((local, 0)).map_err(|e| failure!("cannot bind to {local}: {e}"))?;
    let sent = socket
        .send_to(payload, dst)
        .map_err(|e| failure!("cannot send to {dst}: {e}"))?;
    if sent != payload.len() {
        return Err(failure!(
            "sent only {sent} of {} bytes to {dst}",
            payload.len()
        ));
    }
    Ok(())
}
