// SPDX-License-Identifier: GPL-2.0-only
//! A safe Rust view of libxt_ACCOUNT_cl: [`Session`] owns a context and calls the library's
//! C functions (crate account_cl_abi, the code of libxt_ACCOUNT_cl.so.1), so iptaccount
//! exercises exactly what C programs get.

use std::ffi::{CStr, CString};
use std::fmt;
use std::net::Ipv4Addr;

use account_cl_abi::{TABLE_NAME_MAX, sys};

/// A failed call: the library's message (upstream's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub &'static str);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Error {}

/// The counters of one IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub ip: Ipv4Addr,
    pub src_packets: u64,
    pub src_bytes: u64,
    pub dst_packets: u64,
    pub dst_bytes: u64,
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

    /// The counters of every active IP of `table`, ascending; zeroes them when `flush`.
    pub fn read(&mut self, table: &[u8], flush: bool) -> Result<Vec<Record>, Error> {
        // The C API would cut the name at 31 bytes and read another table.
        if table.len() > TABLE_NAME_MAX {
            return Err(Error("table name longer than 31 bytes"));
        }
        let name = CString::new(table).map_err(|_| Error("table name contains a NUL byte"))?;
        // Safety: a live context and a NUL-terminated name.
        if unsafe {
            account_cl_abi::ipt_ACCOUNT_read_entries(&mut self.ctx, name.as_ptr(), (!flush).into())
        } != 0
        {
            return Err(self.error());
        }
        let mut records = Vec::with_capacity(self.ctx.handle.itemcount as usize);
        loop {
            // Safety: a live context after a successful read.
            let entry = unsafe { account_cl_abi::ipt_ACCOUNT_get_next_entry(&mut self.ctx) };
            // Safety: NULL or a record inside the context's buffer.
            let Some(entry) = (unsafe { entry.as_ref() }) else {
                break;
            };
            records.push(Record {
                // The kernel writes the IP as a host-order number (upstream's ABI; __be32 in the header).
                ip: Ipv4Addr::from(entry.ip),
                src_packets: entry.src_packets,
                src_bytes: entry.src_bytes,
                dst_packets: entry.dst_packets,
                dst_bytes: entry.dst_bytes,
            });
        }
        Ok(records)
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

    /// The names of all tables, in the kernel's order.
    pub fn table_names(&mut self) -> Result<Vec<Vec<u8>>, Error> {
        // Safety: a live context.
        if unsafe { account_cl_abi::ipt_ACCOUNT_get_table_names(&mut self.ctx) } != 0 {
            return Err(self.error());
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
            assert_eq!(
                s.read(&[b'a'; 32], false),
                Err(Error("table name longer than 31 bytes"))
            );
        }
    }
}
