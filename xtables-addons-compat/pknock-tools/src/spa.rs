// SPDX-License-Identifier: GPL-2.0-only
//! One SPA datagram for the pknock match, as both knock clients send it (pknock-knock, and
//! knock with a secret): 64 hex digits of HMAC-SHA256(secret, source address || minute) and a
//! newline, from the source address it authenticates.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{SystemTime, UNIX_EPOCH};

use shim::pknock::spa;
use xa_cli::{Error, failure, net};

/// A datagram ready to go: the connected socket it leaves from and its payload.
pub struct Datagram {
    pub socket: UdpSocket,
    /// The address the payload authenticates: what the module sees as the packet's source
    /// (no NAT in between).
    pub source: IpAddr,
    pub minute: u32,
    pub payload: [u8; spa::PAYLOAD_LEN],
}

impl Datagram {
    /// The datagram to `dst` from `source` (default: the address the system picks for `dst`)
    /// for the time `at` (seconds since the epoch; default: now).
    pub fn new(
        secret: &[u8],
        dst: SocketAddr,
        source: Option<IpAddr>,
        at: Option<i64>,
    ) -> Result<Datagram, Error> {
        let socket = net::udp_to(dst, source)?;
        let source = socket
            .local_addr()
            .map_err(|e| failure!("cannot tell the source address: {e}"))?
            .ip();
        let now = match at {
            Some(at) => at,
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|_| failure!("the system clock is before 1970"))?
                .as_secs()
                .try_into()
                .map_err(|_| failure!("the system clock is out of range"))?,
        };
        let minute = spa::minute_of(now);
        let source_bytes = match source {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        };
        let payload = spa::payload(secret, &source_bytes, minute)
            .ok_or_else(|| failure!("cannot build the payload for {source}"))?;
        Ok(Datagram {
            socket,
            source,
            minute,
            payload,
        })
    }

    pub fn send(&self) -> Result<(), Error> {
        net::send(&self.socket, &self.payload)
    }
}
