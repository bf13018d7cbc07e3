// SPDX-License-Identifier: GPL-2.0-only
//! ACCOUNT revision 2, IPv6 (ip6tables; upstream has none): `struct xt_acc_info_v2`, a
//! network of any prefix length 0..128. `--addr` is parsed as ip6tables' -s: an address or
//! host name, optionally with /PREFIX or a contiguous /MASK; address bits beyond the prefix
//! are cleared (2001:db8::1/64 is 2001:db8::/64), as ip6tables does, since the kernel refuses
//! a network with host bits set.

use core::ffi::{CStr, c_char, c_uint};
use core::fmt::Write;
use core::mem::offset_of;
use core::ptr;

use xtables::{Data, Error, Extension, Family, FinalCheckFn, Options, Out};
use xtables::{ParseFn, PrintFn, SaveFn};

use xtables_sys as sys;

use crate::abi::{self, xt_acc_info_v2};
use crate::{AccountInfo, OPTIONS, help, only_one_address, prefix_of};

// Safety: byte arrays, a u8 and an int32_t: every bit pattern is valid.
unsafe impl Data for xt_acc_info_v2 {}

/// The prefix length that is a single address, printed without "/128" as ip6tables does.
const HOST_PREFIX: u8 = 128;

impl AccountInfo for xt_acc_info_v2 {
    fn set_net(&mut self, arg: &CStr) -> Result<(), Error> {
        let mut addrs: *mut sys::in6_addr = ptr::null_mut();
        let mut mask = sys::in6_addr::default();
        let mut naddrs: c_uint = 0;
        // Safety: arg is NUL-terminated; the out-pointers are live locals. On a bad address
        // or mask libxtables ends the program through exit_err, as ip6tables does.
        unsafe { sys::xtables_ip6parse_any(arg.as_ptr(), &mut addrs, &mut mask, &mut naddrs) };
        // Safety: on return addrs points to naddrs (>= 1) addresses, masked and malloc'ed by
        // libxtables; we read the first and free the array. Every in6_addr union variant is
        // plain bytes.
        let (net_addr, mask) = unsafe {
            let first = (*addrs).__in6_u.__u6_addr8;
            sys::free(addrs.cast());
            (first, mask.__in6_u.__u6_addr8)
        };
        only_one_address(naddrs)?;
        let prefix = prefix_of(u128::from_be_bytes(mask), arg)?;
        self.net_addr = net_addr;
        // prefix_of returns at most 128.
        self.prefix_len = prefix as u8;
        Ok(())
    }

    fn write_net(&self, out: &mut Out) {
        let addr = sys::in6_addr {
            __in6_u: sys::in6_addr__bindgen_ty_1 {
                __u6_addr8: self.net_addr,
            },
        };
        // Safety: the helper reads the in6_addr and returns a pointer to a NUL-terminated
        // static buffer of libxtables, read at once.
        out.c_field(unsafe { CStr::from_ptr(sys::xtables_ip6addr_to_numeric(&addr)) }.to_bytes());
        // As xtables_ip6mask_to_numeric prints a prefix mask; written here so a prefix
        // length beyond 128 from the kernel shows as it is (and does not restore).
        if self.prefix_len != HOST_PREFIX {
            let _ = write!(out, "/{}", self.prefix_len);
        }
    }

    fn table_name_mut(&mut self) -> &mut [c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize] {
        &mut self.table_name
    }

    fn table_name(&self) -> &[c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize] {
        &self.table_name
    }
}

pub(crate) struct Account6;

impl Extension for Account6 {
    const NAME: &'static CStr = c"ACCOUNT";
    const REVISION: u8 = 2;
    const FAMILY: Family = Family::Ipv6;
    type Data = xt_acc_info_v2;
    // table_nr is the kernel's: rules compare equal whatever it holds.
    const USERSPACE_SIZE: usize = offset_of!(xt_acc_info_v2, table_nr);
    const HELP: &'static str = help!(
        " --addr ip6/prefix\t\tBase network IPv6 address and prefix length used for this table\n"
    );
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<xt_acc_info_v2>> = Some(crate::parse);
    const FINAL_CHECK: Option<FinalCheckFn<xt_acc_info_v2>> = Some(crate::final_check);
    const PRINT: Option<PrintFn<xt_acc_info_v2>> = Some(crate::print);
    const SAVE: Option<SaveFn<xt_acc_info_v2>> = Some(crate::save);
}
