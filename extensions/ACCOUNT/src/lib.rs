// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_ACCOUNT.so`: the iptables side of the ACCOUNT target (revision 1, IPv4).
//!
//! `-j ACCOUNT --addr NET/MASK --tname NAME` accounts every IP of NET in the kernel table
//! NAME, read with iptaccount(8) or libxt_ACCOUNT_cl. The data is upstream's
//! `struct ipt_acc_info` (kmod-c/include/xt_ACCOUNT.h); help, the missing-option and
//! name-length errors, print and save are upstream's text, so `iptables-save` output is the
//! same with either plugin. Beyond upstream: a net larger than /8 (except 0.0.0.0/0), a
//! non-contiguous netmask and an empty name are refused here with a clear message instead
//! of being handed to the kernel, which cannot account them.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_ACCOUNT, as upstream's

use core::ffi::{CStr, c_uint};
use core::mem::offset_of;
use core::ptr;

use xtables::{
    Data, Error, Escaped, Extension, Family, FinalCheckFn, Kind, Opt, OptionTable, Options, Parse,
    ParseFn, PrintFn, SaveFn, Target, Used,
};

#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod sys {
    include!(concat!(env!("OUT_DIR"), "/xt_account_sys.rs"));
}

use sys::ipt_acc_info;

// Safety: two integers, a byte array and an int32_t: every bit pattern is valid.
unsafe impl Data for ipt_acc_info {}

const O_ADDR: u32 = 0;
const O_TNAME: u32 = 1;

/// Largest network a kernel table holds, as a prefix length (/0 is the special "all" table).
const WIDEST_PREFIX: u32 = 8;

static OPTIONS: OptionTable<2> = OptionTable::new([
    Opt::new(c"addr", O_ADDR, Kind::String),
    Opt::new(c"tname", O_TNAME, Kind::String),
]);

fn parse(p: &mut Parse<'_, ipt_acc_info>) -> Result<(), Error> {
    match p.id() {
        O_ADDR => {
            let (net_ip, net_mask) = parse_net(p.arg())?;
            let info = p.data();
            info.net_ip = net_ip;
            info.net_mask = net_mask;
        }
        O_TNAME => {
            let name = p.arg().to_bytes();
            let field = &mut p.data().table_name;
            // Room for the terminating NUL.
            if name.len() >= field.len() {
                return Err(Error::fmt(format_args!(
                    "Maximum table name length {} for --tname",
                    field.len() - 1
                )));
            }
            if name.is_empty() {
                return Err(Error::new("--tname: the table name must not be empty"));
            }
            for (dst, src) in field.iter_mut().zip(name) {
                *dst = *src as _;
            }
        }
        _ => return Err(Error::new("internal error: unknown option id")),
    }
    Ok(())
}

/// `--addr`: an address or host name, optionally with /PREFIX or /NETMASK, parsed by
/// libxtables as iptables' -s does. Returns network and mask in network byte order.
fn parse_net(arg: &CStr) -> Result<(u32, u32), Error> {
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
    if naddrs > 1 {
        return Err(Error::new("multiple IP addresses not allowed"));
    }
    let host_mask = u32::from_be(mask.s_addr);
    let prefix = host_mask.leading_ones();
    if prefix + host_mask.trailing_zeros() != 32 {
        return Err(Error::fmt(format_args!(
            "--addr \"{}\": the netmask must be contiguous (a prefix length)",
            Escaped(arg.to_bytes())
        )));
    }
    if prefix != 0 && prefix < WIDEST_PREFIX {
        return Err(Error::fmt(format_args!(
            "--addr \"{}\": a table holds at most a /{WIDEST_PREFIX} (or 0.0.0.0/0 for all)",
            Escaped(arg.to_bytes())
        )));
    }
    Ok((net_ip, mask.s_addr))
}

fn final_check(_: &mut ipt_acc_info, used: Used) -> Result<(), Error> {
    // Errors reach the user as "ACCOUNT: <message>": upstream's exact text.
    if !used.contains(O_ADDR) || !used.contains(O_TNAME) {
        return Err(Error::new("needs --addr and --tname"));
    }
    Ok(())
}

/// `NET/MASK` as iptables prints addresses: the mask as a prefix length when contiguous,
/// nothing for /32. Data from the kernel is printed whatever it holds.
fn write_net(info: &ipt_acc_info, out: &mut xtables::Out) {
    let ip = sys::in_addr {
        s_addr: info.net_ip,
    };
    let mask = sys::in_addr {
        s_addr: info.net_mask,
    };
    // Safety: both helpers read the in_addr and return a pointer to a NUL-terminated static
    // buffer of libxtables, read at once (before the next call overwrites it).
    unsafe {
        out.c_field(CStr::from_ptr(sys::xtables_ipaddr_to_numeric(&ip)).to_bytes());
        out.c_field(CStr::from_ptr(sys::xtables_ipmask_to_numeric(&mask)).to_bytes());
    }
}

fn print(info: &ipt_acc_info, out: &mut xtables::Out, _numeric: bool) {
    out.str(" ACCOUNT addr ");
    write_net(info, out);
    out.str(" tname ");
    out.c_field(table_name(info));
}

fn save(info: &ipt_acc_info, out: &mut xtables::Out) {
    out.str(" --addr ");
    write_net(info, out);
    // Upstream's text has two spaces here; iptables-save output must not change.
    out.str("  --tname");
    out.save_string(table_name(info));
}

fn table_name(info: &ipt_acc_info) -> &[u8] {
    // Safety: c_char and u8 have the same size and alignment; the slice covers the field.
    unsafe { core::slice::from_raw_parts(info.table_name.as_ptr().cast(), info.table_name.len()) }
}

struct Account;

impl Extension for Account {
    const NAME: &'static CStr = c"ACCOUNT";
    const REVISION: u8 = 1;
    const FAMILY: Family = Family::Ipv4;
    type Data = ipt_acc_info;
    // table_nr is the kernel's: rules compare equal whatever it holds.
    const USERSPACE_SIZE: usize = offset_of!(ipt_acc_info, table_nr);
    const HELP: &'static str = "ACCOUNT target options:\n \
        --addr ip/netmask\t\tBase network IP and netmask used for this table\n \
        --tname name\t\t\tTable name for the userspace library\n";
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<ipt_acc_info>> = Some(parse);
    const FINAL_CHECK: Option<FinalCheckFn<ipt_acc_info>> = Some(final_check);
    const PRINT: Option<PrintFn<ipt_acc_info>> = Some(print);
    const SAVE: Option<SaveFn<ipt_acc_info>> = Some(save);
}

static ACCOUNT: Target<Account> = Target::new();

xtables::plugin!(ACCOUNT);
