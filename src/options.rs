// SPDX-License-Identifier: GPL-2.0-only
//! Option tables (libxtables' `xt_option_entry`, "x6" parser) and the parse callback's view.

use core::ffi::{CStr, c_void};
use core::ptr;

use crate::error::c_str;
use crate::{Error, Family, sys};

/// What an option's argument is; libxtables parses and range-checks it before the parse
/// callback runs, and reports a bad value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No argument (a flag).
    None,
    /// Any string; the extension checks it ([`Parse::arg`]).
    String,
    /// Unsigned 8-bit integer ([`Parse::u8`]).
    U8,
    /// Unsigned 16-bit integer ([`Parse::u16`]).
    U16,
    /// Unsigned 32-bit integer ([`Parse::u32`]).
    U32,
    /// Unsigned 64-bit integer ([`Parse::u64`]).
    U64,
}

impl Kind {
    const fn xttype(self) -> sys::xt_option_type {
        match self {
            Kind::None => sys::XTTYPE_NONE,
            Kind::String => sys::XTTYPE_STRING,
            Kind::U8 => sys::XTTYPE_UINT8,
            Kind::U16 => sys::XTTYPE_UINT16,
            Kind::U32 => sys::XTTYPE_UINT32,
            Kind::U64 => sys::XTTYPE_UINT64,
        }
    }
}

/// One command-line option: `--name` with an id (0 to 31) unique within the extension.
///
/// Built in a `static` [`OptionTable`], so mistakes (an id above 31) stop the build.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Opt(sys::xt_option_entry);

// Safety: the only pointer inside is the name, a 'static C string; the entry is never written.
unsafe impl Sync for Opt {}

impl Opt {
    /// The entry that ends a table (no name), and what `new` starts from.
    const END: Opt = Opt(sys::xt_option_entry {
        name: ptr::null(),
        type_: sys::XTTYPE_NONE,
        id: 0,
        excl: 0,
        also: 0,
        flags: 0,
        ptroff: 0,
        size: 0,
        min: 0,
        max: 0,
    });

    /// `--name` (without the dashes), its id and the kind of its argument.
    pub const fn new(name: &'static CStr, id: u32, kind: Kind) -> Self {
        assert!(id < 32, "option ids are bits of a 32-bit mask");
        Self(sys::xt_option_entry {
            name: name.as_ptr(),
            type_: kind.xttype(),
            id,
            ..Opt::END.0
        })
    }

    /// The option must be given (checked by libxtables after the final check).
    pub const fn mandatory(mut self) -> Self {
        self.0.flags |= sys::XTOPT_MAND;
        self
    }

    /// The option accepts `!` before it ([`Parse::invert`]).
    pub const fn invertible(mut self) -> Self {
        self.0.flags |= sys::XTOPT_INVERT;
        self
    }

    /// The option may be given more than once (by default a repetition is an error).
    pub const fn multiple(mut self) -> Self {
        self.0.flags |= sys::XTOPT_MULTI;
        self
    }

    /// Options (by id) that cannot be combined with this one.
    pub const fn excludes(mut self, ids: &[u32]) -> Self {
        self.0.excl = mask(ids);
        self
    }

    /// Options (by id) that must be given too when this one is.
    pub const fn requires(mut self, ids: &[u32]) -> Self {
        self.0.also = mask(ids);
        self
    }

    /// Inclusive range of an integer option (libxtables rejects values outside it).
    pub const fn range(mut self, min: u32, max: u32) -> Self {
        assert!(min <= max, "empty range");
        self.0.min = min;
        self.0.max = max;
        self
    }
}

const fn mask(ids: &[u32]) -> u32 {
    let mut m = 0;
    let mut i = 0;
    while i < ids.len() {
        assert!(ids[i] < 32, "option ids are bits of a 32-bit mask");
        m |= 1 << ids[i];
        i += 1;
    }
    m
}

/// The options of an extension: `N` entries followed by the all-zero entry libxtables needs
/// as terminator. Declare it as a `static` and give [`OptionTable::options`] to
/// [`Extension::OPTIONS`](crate::Extension::OPTIONS).
#[repr(C)]
pub struct OptionTable<const N: usize> {
    entries: [Opt; N],
    // repr(C): right after the last entry, same type, so no padding between.
    end: Opt,
}

impl<const N: usize> OptionTable<N> {
    /// A table of the given options. Names must be unique (checked at build time); an id
    /// given to a second name makes that name an alias (`--chkip` for `--checkip`): libxtables
    /// then applies the first entry's kind and flags.
    pub const fn new(entries: [Opt; N]) -> Self {
        let mut i = 0;
        while i < N {
            let mut j = i + 1;
            while j < N {
                assert!(
                    !same_name(entries[i].0.name, entries[j].0.name),
                    "duplicate option name"
                );
                j += 1;
            }
            i += 1;
        }
        Self {
            entries,
            end: Opt::END,
        }
    }

    /// The handle that [`Extension::OPTIONS`](crate::Extension::OPTIONS) takes.
    pub const fn options(&'static self) -> Options {
        Options(if N == 0 {
            ptr::null()
        } else {
            ptr::from_ref(&self.entries).cast()
        })
    }
}

const fn same_name(a: *const core::ffi::c_char, b: *const core::ffi::c_char) -> bool {
    // Safety: both come from Opt::new, which takes &'static CStr.
    let (a, b) = unsafe { (CStr::from_ptr(a).to_bytes(), CStr::from_ptr(b).to_bytes()) };
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A terminated option table for libxtables, or none; made by [`OptionTable::options`].
#[derive(Clone, Copy)]
pub struct Options(*const sys::xt_option_entry);

// Safety: points into an immutable 'static OptionTable (or is NULL).
unsafe impl Sync for Options {}

impl Options {
    /// No options.
    pub const NONE: Options = Options(ptr::null());

    pub(crate) const fn as_ptr(self) -> *const sys::xt_option_entry {
        self.0
    }

    pub(crate) const fn is_none(self) -> bool {
        self.0.is_null()
    }
}

/// The set of options (by id) given on the command line so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Used(pub(crate) u32);

impl Used {
    /// Whether option `id` was given.
    pub const fn contains(self, id: u32) -> bool {
        id < 32 && self.0 & (1 << id) != 0
    }
}

/// The `-p` protocol of the rule being built ([`Parse::protocol`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protocol {
    /// IP protocol number (6 TCP, 17 UDP, 136 UDP-Lite); 0 when the rule has no `-p`.
    pub number: u16,
    /// `! -p`: every protocol but `number`.
    pub inverted: bool,
}

/// The protocol in the rule entry libxtables passes as `xt_entry`.
///
/// # Safety
/// `entry` must be NULL or point to the rule being built: an `ipt_entry` for iptables
/// (`Family::Ipv4` extensions) or an `ip6t_entry` for ip6tables (`Family::Ipv6`).
pub(crate) unsafe fn protocol_of(family: Family, entry: *const c_void) -> Option<Protocol> {
    if entry.is_null() {
        return None;
    }
    match family {
        Family::Ipv4 => {
            // Safety: an ipt_entry (contract); only its plain-integer fields are read.
            let ip = unsafe { &(*entry.cast::<sys::ipt_entry>()).ip };
            let inverted = u32::from(ip.invflags) & sys::XT_INV_PROTO != 0;
            Some(Protocol {
                number: ip.proto,
                inverted,
            })
        }
        Family::Ipv6 => {
            // Safety: an ip6t_entry (contract); only its plain-integer fields are read.
            let ip = unsafe { &(*entry.cast::<sys::ip6t_entry>()).ipv6 };
            // ip6tables sets proto only together with the IP6T_F_PROTO flag.
            let given = u32::from(ip.flags) & sys::IP6T_F_PROTO != 0;
            let inverted = u32::from(ip.invflags) & sys::XT_INV_PROTO != 0;
            Some(Protocol {
                number: if given { ip.proto } else { 0 },
                inverted,
            })
        }
        // One registration serves both programs and nothing tells which entry this is.
        Family::Unspec => None,
    }
}

/// One option being parsed, as given to [`Extension::PARSE`](crate::Extension::PARSE):
/// which option, its argument (already parsed by libxtables for integer kinds), and the
/// extension's data to fill in.
pub struct Parse<'a, D> {
    call: &'a sys::xt_option_call,
    entry: &'a sys::xt_option_entry,
    data: &'a mut D,
    protocol: Option<Protocol>,
}

/// One accessor per integer [`Kind`]: `name: Kind, union member;` reads the member libxtables
/// parsed the value into, after checking that the option is of that kind.
macro_rules! typed_values {
    ($($(#[$doc:meta])* $ty:ident: $kind:ident, $member:ident;)*) => {$(
        $(#[$doc])*
        pub fn $ty(&self) -> Result<$ty, Error> {
            self.expect(Kind::$kind)?;
            // Safety: libxtables stored the parsed value in the member of its type (checked
            // above).
            Ok(unsafe { self.call.val.$member })
        }
    )*};
}

impl<'a, D> Parse<'a, D> {
    pub(crate) fn new(
        call: &'a sys::xt_option_call,
        entry: &'a sys::xt_option_entry,
        data: &'a mut D,
        protocol: Option<Protocol>,
    ) -> Self {
        Self {
            call,
            entry,
            data,
            protocol,
        }
    }

    /// The rule's `-p` so far (iptables reads options left to right, so `-p` must come
    /// before the extension's options, as users write it anyway). `None` for a
    /// [`Family::Unspec`] extension, whose one registration serves both iptables and
    /// ip6tables, or when libxtables is driven without a rule.
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocol
    }

    /// The option's id.
    pub fn id(&self) -> u32 {
        self.entry.id
    }

    /// The option's name, without dashes.
    pub fn name(&self) -> &'a CStr {
        // Safety: entries come from our 'static OptionTable, whose names are C strings.
        unsafe { c_str(self.entry.name) }
    }

    /// The argument as given (empty for [`Kind::None`]).
    pub fn arg(&self) -> &'a CStr {
        // Safety: libxtables sets arg to the argv string (or NULL), valid during the call.
        unsafe { c_str(self.call.arg) }
    }

    /// Whether `!` preceded the option (only for [`Opt::invertible`] options).
    pub fn invert(&self) -> bool {
        self.call.invert
    }

    /// Options given so far, this one included.
    pub fn used(&self) -> Used {
        Used(self.call.xflags)
    }

    /// The extension's data (the kernel struct of the rule being built).
    pub fn data(&mut self) -> &mut D {
        self.data
    }

    fn expect(&self, kind: Kind) -> Result<(), Error> {
        if self.entry.type_ == kind.xttype() {
            Ok(())
        } else {
            Err(Error::fmt(format_args!(
                "internal error: option --{} is not of kind {kind:?}",
                crate::Escaped(self.name().to_bytes())
            )))
        }
    }

    typed_values! {
        /// The value of a [`Kind::U8`] option.
        u8: U8, u8_;
        /// The value of a [`Kind::U16`] option.
        u16: U16, u16_;
        /// The value of a [`Kind::U32`] option.
        u32: U32, u32_;
        /// The value of a [`Kind::U64`] option.
        u64: U64, u64_;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: u32 = 0;
    const B: u32 = 5;
    static TABLE: OptionTable<2> = OptionTable::new([
        Opt::new(c"alpha", A, Kind::U16)
            .range(1, 9)
            .mandatory()
            .excludes(&[B]),
        Opt::new(c"beta", B, Kind::None)
            .invertible()
            .multiple()
            .requires(&[A]),
    ]);

    #[test]
    fn builder_sets_libxtables_fields() {
        let [a, b] = &TABLE.entries;
        assert_eq!(
            (a.0.type_, a.0.id, a.0.min, a.0.max),
            (sys::XTTYPE_UINT16, 0, 1, 9)
        );
        assert_eq!(
            (a.0.flags, a.0.excl, a.0.also),
            (sys::XTOPT_MAND, 1 << 5, 0)
        );
        assert_eq!(
            (b.0.flags, b.0.excl, b.0.also),
            (sys::XTOPT_INVERT | sys::XTOPT_MULTI, 0, 1)
        );
    }

    #[test]
    fn table_is_terminated_in_place() {
        let first = TABLE.options().as_ptr();
        // Safety: the table has 2 entries and a terminator, contiguous (repr(C), same type).
        let third = unsafe { &*first.add(2) };
        assert!(third.name.is_null());
        // Safety: as above.
        assert_eq!(unsafe { c_str((*first.add(1)).name) }, c"beta");
    }

    #[test]
    fn empty_table_is_no_options() {
        static EMPTY: OptionTable<0> = OptionTable::new([]);
        assert!(EMPTY.options().is_none());
    }

    #[test]
    fn protocol_from_the_rule_entry() {
        // Safety: plain C data; all-zero is a rule without addresses or protocol.
        let (mut v4, mut v6, mut v6_flagged): (sys::ipt_entry, sys::ip6t_entry, sys::ip6t_entry) =
            unsafe { core::mem::zeroed() };
        v4.ip.proto = 17;
        v4.ip.invflags = sys::XT_INV_PROTO as u8;
        v6.ipv6.proto = 6;
        v6_flagged.ipv6.proto = 6;
        v6_flagged.ipv6.flags = sys::IP6T_F_PROTO as u8;
        let p4 = ptr::from_ref(&v4).cast();
        // Safety: each pointer is to the entry type its family names, or NULL.
        unsafe {
            assert_eq!(
                protocol_of(Family::Ipv4, p4),
                Some(Protocol {
                    number: 17,
                    inverted: true
                })
            );
            // ip6tables: without IP6T_F_PROTO the number is not in effect.
            let got = protocol_of(Family::Ipv6, ptr::from_ref(&v6).cast());
            assert_eq!(
                got,
                Some(Protocol {
                    number: 0,
                    inverted: false
                })
            );
            let got = protocol_of(Family::Ipv6, ptr::from_ref(&v6_flagged).cast());
            assert_eq!(
                got,
                Some(Protocol {
                    number: 6,
                    inverted: false
                })
            );
            assert_eq!(protocol_of(Family::Unspec, p4), None);
            assert_eq!(protocol_of(Family::Ipv4, ptr::null()), None);
        }
    }

    #[test]
    fn used_is_a_bit_set() {
        let u = Used(1 << 3 | 1);
        assert!(u.contains(0) && u.contains(3));
        assert!(!u.contains(1) && !u.contains(31) && !u.contains(32) && !u.contains(u32::MAX));
    }

    #[test]
    fn parse_checks_the_kind_before_reading_the_value() {
        // Safety: xt_option_call is plain C data; all-zero is a valid (empty) value.
        let mut call: sys::xt_option_call = unsafe { core::mem::zeroed() };
        call.val.u16_ = 7;
        call.arg = c"7".as_ptr();
        let entry = &TABLE.entries[0].0;
        let mut data = ();
        let p = Parse::new(&call, entry, &mut data, None);
        assert_eq!(p.u16().unwrap(), 7);
        assert_eq!(p.arg(), c"7");
        assert_eq!(p.name(), c"alpha");
        let e = p.u32().unwrap_err();
        assert_eq!(
            e.message(),
            b"internal error: option --alpha is not of kind U32"
        );
    }
}
