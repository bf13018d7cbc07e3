// SPDX-License-Identifier: GPL-2.0-only
//! A safe Rust view of libxt_ACCOUNT_cl: [`Session`] owns a context and calls the library's
//! C functions (crate account_cl_abi, the code of libxt_ACCOUNT_cl.so.1), so iptaccount
//! exercises exactly what C programs get. Both families: IPv4 tables (upstream's functions)
//! and IPv6 tables (the library's extensions, our module only).

use std::ffi::{CStr, CString};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use account_cl_abi::{E_NO_IPV6, E_TABLE, E_TABLE6, TABLE_NAME_MAX, sys};

/// A failed call: the library's message (upstream's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub &'static str);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Whether this is the library's message `msg`.
    fn is(&self, msg: &CStr) -> bool {
        self.0.as_bytes() == msg.to_bytes()
    }
}

/// The address family of a table (IPv4: iptables rules; IPv6: ip6tables rules, our module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::Ipv4, Family::Ipv6];
}

/// The counters of one IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub ip: IpAddr,
    pub src_packets: u64,
    pub src_bytes: u64,
    pub dst_packets: u64,
    pub dst_bytes: u64,
}

/// One read of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: Vec<u8>,
    pub family: Family,
    /// IPv6: packets not counted since the last flush because the table was full.
    pub uncounted: u64,
    /// Ascending by address.
    pub records: Vec<Record>,
}

/// An open connection to the kernel tables (a raw socket; needs CAP_NET_ADMIN).
pub struct Session {
    ctx: sys::ipt_ACCOUNT_context,
}

impl Session {
    /// Opens the socket and the read buffer.
    pub fn open() -> Result<Self, Error> {
        let mut ctx = sys::ipt_ACCOUNT_context::default();
        // Safety: ctx is a live context.
        let rc = unsafe { account_cl_abi::ipt_ACCOUNT_init(&mut ctx) };
        let session = Session { ctx };
        if rc != 0 {
            return Err(session.error());
        }
        Ok(session)
    }

    fn error(&self) -> Error {
        if self.ctx.error_str.is_null() {
            return Error("unknown error");
        }
        // Safety: error_str points to one of the library's static NUL-terminated messages.
        Error(
            unsafe { CStr::from_ptr(self.ctx.error_str) }
                .to_str()
                .unwrap_or("unknown error"),
        )
    }

    /// The counters of every active IP of the `family` table `table`, ascending; zeroes them
    /// when `flush`.
    pub fn read(&mut self, family: Family, table: &[u8], flush: bool) -> Result<Table, Error> {
        // The C API would cut the name at 31 bytes and read another table.
        if table.len() > TABLE_NAME_MAX {
            return Err(Error("table name longer than 31 bytes"));
        }
        let name = CString::new(table).map_err(|_| Error("table name contains a NUL byte"))?;
        let dont_flush = (!flush).into();
        let mut uncounted = 0;
        // Safety: a live context, a NUL-terminated name, a writable counter.
        let rc = unsafe {
            match family {
                Family::Ipv4 => account_cl_abi::ipt_ACCOUNT_read_entries(
                    &mut self.ctx,
                    name.as_ptr(),
                    dont_flush,
                ),
                Family::Ipv6 => account_cl_abi::ipt_ACCOUNT_read_entries6(
                    &mut self.ctx,
                    name.as_ptr(),
                    dont_flush,
                    &mut uncounted,
                ),
            }
        };
        if rc != 0 {
            return Err(self.error());
        }
        let mut records = Vec::with_capacity(self.ctx.handle.itemcount as usize);
        while let Some(record) = self.next_record(family) {
            records.push(record);
        }
        Ok(Table {
            name: table.to_vec(),
            family,
            uncounted,
            records,
        })
    }

    /// The next record of the last `family` read.
    fn next_record(&mut self, family: Family) -> Option<Record> {
        let record = |ip, counters: [u64; 4]| Record {
            ip,
            src_packets: counters[0],
            src_bytes: counters[1],
            dst_packets: counters[2],
            dst_bytes: counters[3],
        };
        match family {
            Family::Ipv4 => {
                // Safety: a live context after a successful IPv4 read; the entry is NULL or a
                // record inside the context's buffer.
                let e =
                    unsafe { account_cl_abi::ipt_ACCOUNT_get_next_entry(&mut self.ctx).as_ref() }?;
                // The kernel writes the IP as a host-order number (upstream's ABI).
                let ip = IpAddr::V4(Ipv4Addr::from(e.ip));
                Some(record(
                    ip,
                    [e.src_packets, e.src_bytes, e.dst_packets, e.dst_bytes],
                ))
            }
            Family::Ipv6 => {
                // Safety: as above, after a successful IPv6 read.
                let e =
                    unsafe { account_cl_abi::ipt_ACCOUNT_get_next_entry6(&mut self.ctx).as_ref() }?;
                // Network order, as the address bytes are.
                let ip = IpAddr::V6(Ipv6Addr::from(e.ip));
                Some(record(
                    ip,
                    [e.src_packets, e.src_bytes, e.dst_packets, e.dst_bytes],
                ))
            }
        }
    }

    /// Reads `table` of whichever family has it (names are unique across families): IPv4
    /// first, then IPv6. When neither has it, the IPv4 read's error, as upstream reports it.
    pub fn read_any(&mut self, table: &[u8], flush: bool) -> Result<Table, Error> {
        let ipv4_error = match self.read(Family::Ipv4, table, flush) {
            Ok(t) => return Ok(t),
            Err(e) if e.is(E_TABLE) => e,
            Err(e) => return Err(e),
        };
        match self.read(Family::Ipv6, table, flush) {
            Err(e) if e.is(E_TABLE6) || e.is(E_NO_IPV6) => Err(ipv4_error),
            other => other,
        }
    }

    /// How many kernel read handles are in use.
    pub fn handle_usage(&mut self) -> Result<i32, Error> {
        // Safety: a live context.
        let usage = unsafe { account_cl_abi::ipt_ACCOUNT_get_handle_usage(&mut self.ctx) };
        if usage < 0 {
            return Err(self.error());
        }
        Ok(usage)
    }

    /// Frees every kernel read handle (also other readers').
    pub fn free_all_handles(&mut self) -> Result<(), Error> {
        // Safety: a live context.
        if unsafe { account_cl_abi::ipt_ACCOUNT_free_all_handles(&mut self.ctx) } != 0 {
            return Err(self.error());
        }
        Ok(())
    }

    /// The names of the `family` tables, in the kernel's order. A module without IPv6
    /// (upstream's) has no IPv6 tables.
    pub fn table_names(&mut self, family: Family) -> Result<Vec<Vec<u8>>, Error> {
        // Safety: a live context.
        let rc = unsafe {
            match family {
                Family::Ipv4 => account_cl_abi::ipt_ACCOUNT_get_table_names(&mut self.ctx),
                Family::Ipv6 => account_cl_abi::ipt_ACCOUNT_get_table_names6(&mut self.ctx),
            }
        };
        if rc != 0 {
            let e = self.error();
            return if e.is(E_NO_IPV6) {
                Ok(Vec::new())
            } else {
                Err(e)
            };
        }
        let mut names = Vec::new();
        loop {
            // Safety: a live context after a successful get_table_names.
            let name = unsafe { account_cl_abi::ipt_ACCOUNT_get_next_name(&mut self.ctx) };
            if name.is_null() {
                break;
            }
            // Safety: a NUL-terminated name inside the context's buffer.
            names.push(unsafe { CStr::from_ptr(name) }.to_bytes().to_vec());
        }
        Ok(names)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Safety: a live context, deinitialised once.
        unsafe { account_cl_abi::ipt_ACCOUNT_deinit(&mut self.ctx) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_table_names_are_refused_not_cut() {
        // Opening needs root; the name check comes first either way.
        if let Ok(mut s) = Session::open() {
            for family in Family::ALL {
                assert_eq!(
                    s.read(family, &[b'a'; 32], false),
                    Err(Error("table name longer than 31 bytes"))
                );
            }
        }
    }
}
