// SPDX-License-Identifier: GPL-2.0-only
//! Declaring an extension and the C callbacks that libxtables calls.

use core::cell::UnsafeCell;
use core::ffi::{CStr, c_int, c_void};
use core::marker::PhantomData;
use core::mem::{align_of, size_of};
use core::sync::atomic::{AtomicBool, Ordering};

use crate::options::{Options, Parse, Used, protocol_of};
use crate::out::Out;
use crate::{Error, sys};

/// Address families an extension serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// IPv4 and IPv6 (iptables and ip6tables) with one registration.
    Unspec,
    /// iptables only.
    Ipv4,
    /// ip6tables only.
    Ipv6,
}

impl Family {
    const fn nfproto(self) -> u16 {
        // The NFPROTO_* values are small enum constants (0, 2, 10).
        (match self {
            Family::Unspec => sys::NFPROTO_UNSPEC,
            Family::Ipv4 => sys::NFPROTO_IPV4,
            Family::Ipv6 => sys::NFPROTO_IPV6,
        }) as u16
    }
}

/// The data an extension shares with its kernel module (the rule's "targinfo"/"matchinfo"),
/// normally a struct bindgen generated from the module's C header; `()` for none.
///
/// # Safety
/// Every byte pattern must be a valid value (integers, arrays of them, nested such structs;
/// no `bool`, enums, references or pointers): print and save read it from rules that came
/// from the kernel, which may hold anything.
pub unsafe trait Data: Copy + 'static {}

// Safety: a zero-sized type has no bytes to be invalid.
unsafe impl Data for () {}

/// Init: defaults for the zeroed data of a new rule.
pub type InitFn<D> = fn(&mut D);
/// Parse callback: one option, see [`Parse`].
pub type ParseFn<D> = for<'a> fn(&mut Parse<'a, D>) -> Result<(), Error>;
/// Final check: the data after all options, and which options were given.
pub type FinalCheckFn<D> = fn(&mut D, Used) -> Result<(), Error>;
/// Print (`iptables -L`): the data, the output and whether `-n` was given.
/// By convention the text starts with a space.
pub type PrintFn<D> = fn(&D, &mut Out, bool);
/// Save (`iptables -S`, `iptables-save`): options that recreate the data, each starting
/// with a space.
pub type SaveFn<D> = fn(&D, &mut Out);

/// An iptables extension (target or match): what [`Target`] and [`Match`] register.
///
/// Only `NAME`, `FAMILY`, `Data` and `HELP` are required; a callback left `None` is not
/// registered, exactly like a NULL pointer in a C plugin.
pub trait Extension: 'static {
    /// Extension name as used with `-j`/`-m` (at most 28 bytes).
    const NAME: &'static CStr;
    /// Revision, as the kernel module registers it.
    const REVISION: u8 = 0;
    /// Address families served.
    const FAMILY: Family;
    /// The data shared with the kernel module.
    type Data: Data;
    /// Bytes of `Data` that iptables compares to find a rule (`-D`, `-C`); all by default.
    /// Smaller when the kernel keeps private state at the end of the struct.
    const USERSPACE_SIZE: usize = xt_align(size_of::<Self::Data>());
    /// Help text printed by `iptables -j NAME --help` (after iptables' own).
    const HELP: &'static str;
    /// Sets defaults in the (zeroed) data before any option is parsed.
    const INIT: Option<InitFn<Self::Data>> = None;
    /// Command-line options ([`OptionTable::options`](crate::OptionTable::options)).
    const OPTIONS: Options = Options::NONE;
    /// Called for each option given, after libxtables checked its value (kind, range),
    /// repetition and inversion; exclusions and requirements are checked after all options.
    /// An error ends iptables with the message (exit status 2).
    const PARSE: Option<ParseFn<Self::Data>> = None;
    /// Called once after all options, when libxtables found the mandatory, required and
    /// excluded options in order.
    const FINAL_CHECK: Option<FinalCheckFn<Self::Data>> = None;
    /// Text for `iptables -L`.
    const PRINT: Option<PrintFn<Self::Data>> = None;
    /// Text for `iptables -S` and `iptables-save`.
    const SAVE: Option<SaveFn<Self::Data>> = None;
}

/// Registers an extension with libxtables; implemented by [`Target`] and [`Match`] and
/// called by [`plugin!`](crate::plugin).
pub trait Register {
    /// Hands the extension to libxtables (once; later calls do nothing, and so does a call
    /// before libxtables is initialised).
    fn register(&'static self);
}

/// Whether the program initialised libxtables (xtables_init_all sets xt_params and the
/// family that xtables_register_* need) before loading us, as iptables does. When not, the
/// plugin was loaded by something else (a doctest, a symbol scanner), and registering would
/// crash inside libxtables.
fn libxtables_ready() -> bool {
    // Safety: reads a pointer-sized global of libxtables; never dereferenced here.
    !unsafe { sys::xt_params }.is_null()
}

/// `XT_ALIGN`: the kernel pads extension data to the alignment of `struct _xt_align`.
pub(crate) const fn xt_align(n: usize) -> usize {
    let a = align_of::<sys::_xt_align>();
    n.div_ceil(a) * a
}

/// The part every registration struct shares; the compile-time checks of an extension.
macro_rules! fill_common {
    ($raw:ident, $t:ty) => {{
        assert!(
            <$t>::NAME.to_bytes().len() < sys::XT_EXTENSION_MAXNAMELEN as usize,
            "name too long"
        );
        assert!(
            align_of::<<$t>::Data>() <= align_of::<sys::_xt_align>(),
            "data over-aligned"
        );
        assert!(
            <$t>::USERSPACE_SIZE <= xt_align(size_of::<<$t>::Data>()),
            "USERSPACE_SIZE too big"
        );
        assert!(
            <$t>::PARSE.is_none() || !<$t>::OPTIONS.is_none(),
            "PARSE without OPTIONS"
        );
        // The same pointer as XTABLES_VERSION in C: libxtables compares the strings.
        $raw.version = sys::XTABLES_VERSION.as_ptr().cast();
        $raw.name = <$t>::NAME.as_ptr();
        $raw.revision = <$t>::REVISION;
        $raw.family = <$t>::FAMILY.nfproto();
        $raw.size = xt_align(size_of::<<$t>::Data>());
        $raw.userspacesize = <$t>::USERSPACE_SIZE;
        $raw.help = Some(help::<$t>);
        if !<$t>::OPTIONS.is_none() {
            $raw.x6_options = <$t>::OPTIONS.as_ptr();
            $raw.x6_parse = Some(parse::<$t>);
        }
        if <$t>::FINAL_CHECK.is_some() {
            $raw.x6_fcheck = Some(final_check::<$t>);
        }
    }};
}

/// Defines [`Target`] and [`Match`]: the same registration around libxtables' two structs.
macro_rules! registration {
    ($(#[$doc:meta])* $name:ident, $raw_ty:ident, $register:ident, $entry:ident) => {
        $(#[$doc])*
        pub struct $name<T: Extension> {
            // libxtables links registered extensions into its lists and writes into them.
            raw: UnsafeCell<sys::$raw_ty>,
            registered: AtomicBool,
            _ext: PhantomData<fn() -> T>,
        }

        // Safety: iptables is single-threaded; `raw` is only handed to libxtables, once
        // (guarded by `registered`), and never read or written by Rust code after that.
        unsafe impl<T: Extension> Sync for $name<T> {}

        impl<T: Extension> $name<T> {
            /// The registration struct for extension `T`.
            #[allow(clippy::new_without_default)] // only useful in a const/static initializer
            pub const fn new() -> Self {
                // Safety: plain C data: all-zero means NULL pointers and no callbacks.
                let mut raw: sys::$raw_ty = unsafe { core::mem::zeroed() };
                fill_common!(raw, T);
                if T::INIT.is_some() {
                    raw.init = Some(init::<T, sys::$entry>);
                }
                if T::PRINT.is_some() {
                    raw.print = Some(print::<T, sys::$entry>);
                }
                if T::SAVE.is_some() {
                    raw.save = Some(save::<T, sys::$entry>);
                }
                Self {
                    raw: UnsafeCell::new(raw),
                    registered: AtomicBool::new(false),
                    _ext: PhantomData,
                }
            }
        }

        impl<T: Extension> Register for $name<T> {
            fn register(&'static self) {
                if libxtables_ready() && !self.registered.swap(true, Ordering::Relaxed) {
                    // Safety: a 'static, writable (UnsafeCell) registration struct, handed
                    // over once, to an initialised libxtables.
                    unsafe { sys::$register(self.raw.get()) };
                }
            }
        }
    };
}

registration!(
    /// A target (`-j NAME`) made from an [`Extension`]; declare it as a `static` and register
    /// it with [`plugin!`](crate::plugin). Misdeclarations (name too long, data over-aligned,
    /// `PARSE` without `OPTIONS`) stop the build.
    Target, xtables_target, xtables_register_target, xt_entry_target
);

registration!(
    /// A match (`-m NAME`) made from an [`Extension`]; see [`Target`].
    Match, xtables_match, xtables_register_match, xt_entry_match
);

/// A rule's extension record (`xt_entry_target`/`xt_entry_match`): header then data.
trait Entry {
    /// Total size from the header: every variant of the header union starts with it.
    ///
    /// # Safety
    /// `e` must point to a readable record header.
    unsafe fn total_size(e: *const Self) -> usize;
}

impl Entry for sys::xt_entry_target {
    unsafe fn total_size(e: *const Self) -> usize {
        // Safety: readable header (contract); the u16 size starts every union variant.
        usize::from(unsafe { (*e).u.target_size })
    }
}

impl Entry for sys::xt_entry_match {
    unsafe fn total_size(e: *const Self) -> usize {
        // Safety: readable header (contract); the u16 size starts every union variant.
        usize::from(unsafe { (*e).u.match_size })
    }
}

/// A pointer to the data of a rule's record, if the record is big enough for a `D` and the
/// data aligned. The record may come from the kernel (listing), so its size is not trusted.
/// Raw pointers throughout: the data lies beyond the header struct, outside any reference.
///
/// # Safety
/// `entry` must be NULL or point to a record whose `total_size` bytes are readable.
unsafe fn checked_data<D: Data, E: Entry>(entry: *const E) -> Option<*const D> {
    if entry.is_null() {
        return None;
    }
    // Safety: non-NULL, readable header (contract).
    let total = unsafe { E::total_size(entry) };
    // The data starts right after the header (the header is XT_ALIGN'ed, 32 bytes).
    let p = entry.cast::<u8>().wrapping_add(size_of::<E>()).cast::<D>();
    (total >= size_of::<E>() + size_of::<D>() && p.is_aligned()).then_some(p)
}

/// The data of a rule's record, read-only (print, save).
///
/// # Safety
/// As [`checked_data`], the record valid for `'a`.
unsafe fn entry_data<'a, D: Data, E: Entry>(entry: *const E) -> Option<&'a D> {
    // Safety: in bounds and aligned (checked), valid for 'a (contract); any bytes are a
    // valid D (Data).
    unsafe { checked_data::<D, E>(entry).map(|p| &*p) }
}

/// The data of a record libxtables just allocated for a new rule (init), writable.
///
/// # Safety
/// As [`entry_data`], and the record must be writable and not otherwise referenced.
unsafe fn entry_data_mut<'a, D: Data, E: Entry>(entry: *mut E) -> Option<&'a mut D> {
    // Safety: as entry_data; the pointer derives from the caller's *mut, writable and
    // exclusive per this function's contract.
    unsafe { checked_data::<D, E>(entry).map(|p| &mut *p.cast_mut()) }
}

/// The extension data libxtables allocated for the rule being built (`cb->data`).
///
/// # Safety
/// `p` must be NULL or point to `size_of::<D>()` writable bytes, valid for `'a` and not
/// otherwise referenced while the result lives.
unsafe fn data_mut<'a, D: Data>(p: *mut c_void) -> Option<&'a mut D> {
    let p = p.cast::<D>();
    // Safety: non-NULL and aligned (checked); size and exclusivity per the contract; any
    // bytes are a valid D (Data).
    if p.is_aligned() {
        unsafe { p.as_mut() }
    } else {
        None
    }
}

/// Init for a new rule's record (`xt_entry_target` or `xt_entry_match`).
unsafe extern "C" fn init<T: Extension, E: Entry>(entry: *mut E) {
    // Safety: iptables passes the record it just allocated (zeroed, our size) for a new rule.
    match (unsafe { entry_data_mut::<T::Data, E>(entry) }, T::INIT) {
        (Some(d), Some(init)) => init(d),
        _ => Error::new("internal error: no room for the extension data").exit(T::NAME),
    }
}

unsafe extern "C" fn help<T: Extension>() {
    Out::new().str(T::HELP);
}

unsafe extern "C" fn parse<T: Extension>(cb: *mut sys::xt_option_call) {
    // libxtables leaves the generic work to the extension: parse the argument by its kind,
    // check range, repetition and inversion, record the option in xflags. On a
    // bad value it calls exit_err itself.
    // Safety: cb is libxtables' own xt_option_call for this option.
    unsafe { sys::xtables_option_parse(cb) };
    // Safety: libxtables passes its xt_option_call for the option being parsed: `entry` into
    // our option table, `data` to the rule's T::Data (allocated with our size), both live
    // for the call; the data is not referenced elsewhere meanwhile.
    let result = match unsafe {
        cb.as_ref()
            .map(|c| (c, c.entry.as_ref(), data_mut::<T::Data>(c.data)))
    } {
        Some((call, Some(entry), Some(data))) => match T::PARSE {
            Some(f) => {
                // Safety: libxtables passes the rule being built (ipt_entry/ip6t_entry by
                // the program's family) or NULL.
                let protocol = unsafe { protocol_of(T::FAMILY, call.xt_entry) };
                f(&mut Parse::new(call, entry, data, protocol))
            }
            None => Ok(()),
        },
        _ => Err(Error::new("internal error: libxtables gave no option data")),
    };
    if let Err(e) = result {
        e.exit(T::NAME);
    }
}

unsafe extern "C" fn final_check<T: Extension>(cb: *mut sys::xt_fcheck_call) {
    // Safety: libxtables passes its xt_fcheck_call; `data` as in `parse`.
    let result = match unsafe { cb.as_ref().map(|c| (c.xflags, data_mut::<T::Data>(c.data))) } {
        Some((xflags, Some(data))) => {
            // libxtables checks mandatory, required and excluded options only after this
            // callback; check them first so the extension can rely on them. (Read-only, so
            // libxtables' second pass finds the same.) Exits on a violation.
            if !T::OPTIONS.is_none() {
                // Safety: a NUL-terminated name and our terminated 'static option table.
                unsafe {
                    sys::xtables_options_fcheck(T::NAME.as_ptr(), xflags, T::OPTIONS.as_ptr())
                };
            }
            match T::FINAL_CHECK {
                Some(f) => f(data, Used(xflags)),
                None => Ok(()),
            }
        }
        _ => Err(Error::new(
            "internal error: libxtables gave no data to check",
        )),
    };
    if let Err(e) = result {
        e.exit(T::NAME);
    }
}

/// Print (`iptables -L`) of a rule's record (`xt_entry_target` or `xt_entry_match`).
unsafe extern "C" fn print<T: Extension, E: Entry>(
    _ip: *const c_void,
    entry: *const E,
    numeric: c_int,
) {
    // Safety: iptables passes the rule's record, whole and valid for the call.
    let data = unsafe { entry_data::<T::Data, E>(entry) };
    match (data, T::PRINT) {
        (Some(d), Some(print)) => print(d, &mut Out::new(), numeric != 0),
        _ => bad_data_size(),
    }
}

/// Save (`iptables -S`) of a rule's record (`xt_entry_target` or `xt_entry_match`).
unsafe extern "C" fn save<T: Extension, E: Entry>(_ip: *const c_void, entry: *const E) {
    // Safety: iptables passes the rule's record, whole and valid for the call.
    let data = unsafe { entry_data::<T::Data, E>(entry) };
    match (data, T::SAVE) {
        (Some(d), Some(save)) => save(d, &mut Out::new()),
        _ => bad_data_size(),
    }
}

/// A record too small for our data (a mismatched kernel module): say so rather than read
/// beyond it; in save output this makes iptables-restore fail instead of silently restoring
/// another rule.
fn bad_data_size() {
    Out::new().str(" [bad data size]");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[derive(Clone, Copy)]
    #[repr(C)]
    struct Info {
        a: u32,
        b: u16,
    }
    // Safety: integers only.
    unsafe impl Data for Info {}

    struct Ext;
    impl Extension for Ext {
        const NAME: &'static CStr = c"TEST";
        const REVISION: u8 = 3;
        const FAMILY: Family = Family::Ipv6;
        type Data = Info;
        const HELP: &'static str = "help\n";
        const SAVE: Option<SaveFn<Info>> = Some(|_, _| ());
    }

    #[test]
    fn registration_struct_matches_the_declaration() {
        static T: Target<Ext> = Target::new();
        // Safety: not registered, so nothing else accesses it.
        let raw = unsafe { &*T.raw.get() };
        // Safety: a C string constant.
        assert_eq!(
            unsafe { CStr::from_ptr(raw.version) }.to_bytes_with_nul(),
            sys::XTABLES_VERSION
        );
        assert_eq!((raw.revision, raw.family), (3, sys::NFPROTO_IPV6 as u16));
        assert_eq!((raw.size, raw.userspacesize), (8, 8));
        assert!(raw.help.is_some() && raw.save.is_some());
        assert!(raw.print.is_none() && raw.x6_parse.is_none() && raw.x6_options.is_null());
    }

    #[test]
    fn xt_align_pads_to_eight() {
        assert_eq!(
            [xt_align(0), xt_align(1), xt_align(8), xt_align(9)],
            [0, 8, 8, 16]
        );
    }

    #[test]
    fn entry_data_refuses_short_records() {
        // A u64 buffer: aligned like the record iptables allocates.
        let mut rec = vec![0u64; 8];
        let t = rec.as_mut_ptr().cast::<sys::xt_entry_target>();
        let hdr = size_of::<sys::xt_entry_target>();
        for (size, ok) in [
            (0, false),
            (hdr, false),
            (hdr + 5, false),
            (hdr + 6, false),
            (hdr + 8, true),
        ] {
            // Safety: the buffer holds a header and 32 data bytes; size is at most that.
            unsafe { (*t).u.target_size = size as u16 };
            // Safety: as above.
            let d = unsafe { entry_data::<Info, _>(t.cast_const()) };
            assert_eq!(d.is_some(), ok, "size {size}");
        }
        // Safety: NULL is allowed.
        assert!(unsafe { entry_data::<Info, sys::xt_entry_target>(core::ptr::null()) }.is_none());
    }

    #[test]
    fn data_mut_refuses_null_and_misaligned() {
        let mut buf = [0u64; 2];
        let p = buf.as_mut_ptr().cast::<u8>();
        // Safety: valid, exclusive buffer; misaligned and NULL pointers are refused unread.
        unsafe {
            assert!(data_mut::<Info>(p.cast()).is_some());
            assert!(data_mut::<Info>(p.add(1).cast()).is_none());
            assert!(data_mut::<Info>(core::ptr::null_mut()).is_none());
        }
    }
}
