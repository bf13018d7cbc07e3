// SPDX-License-Identifier: GPL-2.0-only
//! ACCOUNT revision 1, IPv4: upstream's `struct ipt_acc_info`. Beyond upstream: a net larger
//! than /8 (except 0.0.0.0/0), a non-contiguous netmask and an empty name are refused here
//! with a clear message instead of being handed to the kernel, which cannot account them.

use core::ffi::{CStr, c_char, c_uint};
use core::mem::offset_of;
use core::ptr;

use xtables::{Data, Error, Escaped, Extension, Family, FinalCheckFn, Options, Out};
use xtables::{ParseFn, PrintFn, SaveFn};

use xtables_sys as sys;

use crate::abi::{self, ipt_acc_info};
use crate::{AccountInfo, OPTIONS, help, only_one_address, prefix_of};

// Safety: two integers, a byte array and an int32_t: every bit pattern is valid.
unsafe impl Data for ipt_acc_info {}

/// Largest network a kernel table holds, as a prefix length (/0 is the special "all" table).
const WIDEST_PREFIX: u32 = 8;

impl AccountInfo for ipt_acc_info {
    /// An address or host name, optionally with /PREFIX or /NETMASK, parsed by libxtables as
    /// iptables' -s does (host bits cleared).
    fn set_net(&mut self, arg: &CStr) -> Result<(), Error> {
        let mut addrs: *mut sys::in_addr = ptr::null_mut();
        let mut mask = sys::in_addr::default();
        let mut naddrs: c_uint = 0;
        // Safety: arg is NUL-terminated; the out-pointers are live locals. On a bad address
        // libxtables ends the program through exit_err, as iptables does.
        unsafe { sys::xtables_ipparse_any(arg.as_ptr(), &mut addrs, &mut mask, &mut naddrs) };
        // Safety: on return addrs points to naddrs (>= 1) masked addresses, malloc'ed by
        // libxtables; we read the first and free the array.
        let net_ip = unsafe {
            let first = (*addrs).s_addr;
            sys::free(addrs.cast());
            first
        };
        only_one_address(naddrs)?;
        let prefix = prefix_of(u128::from(u32::from_be(mask.s_addr)) << 96, arg)?;
        if prefix != 0 && prefix < WIDEST_PREFIX {
            return Err(Error::fmt(format_args!(
                "--addr \"{}\": a table holds at most a /{WIDEST_PREFIX} (or 0.0.0.0/0 for all)",
                Escaped(arg.to_bytes())
            )));
        }
        self.net_ip = net_ip;
        self.net_mask = mask.s_addr;
        Ok(())
    }

    fn write_net(&self, out: &mut Out) {
        let ip = sys::in_addr {
            s_addr: self.net_ip,
        };
        let mask = sys::in_addr {
            s_addr: self.net_mask,
        };
        // Safety: both helpers read the in_addr and return a pointer to a NUL-terminated
        // static buffer of libxtables, read at once (before the next call overwrites it).
        unsafe {
            out.c_field(CStr::from_ptr(sys::xtables_ipaddr_to_numeric(&ip)).to_bytes());
            out.c_field(CStr::from_ptr(sys::xtables_ipmask_to_numeric(&mask)).to_bytes());
        }
    }

    fn table_name_mut(&mut self) -> &mut [c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize] {
        &mut self.table_name
    }

    fn table_name(&self) -> &[c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize] {
        &self.table_name
    }
}

pub(crate) struct Account;

impl Extension for Account {
    const NAME: &'static CStr = c"ACCOUNT";
    const REVISION: u8 = 1;
    const FAMILY: Family = Family::Ipv4;
    type Data = ipt_acc_info;
    // table_nr is the kernel's: rules compare equal whatever it holds.
    const USERSPACE_SIZE: usize = offset_of!(ipt_acc_info, table_nr);
    const HELP: &'static str =
        help!(" --addr ip/netmask\t\tBase network IP and netmask used for this table\n");
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<ipt_acc_info>> = Some(crate::parse);
    const FINAL_CHECK: Option<FinalCheckFn<ipt_acc_info>> = Some(crate::final_check);
    const PRINT: Option<PrintFn<ipt_acc_info>> = Some(crate::print);
    const SAVE: Option<SaveFn<ipt_acc_info>> = Some(crate::save);
}
