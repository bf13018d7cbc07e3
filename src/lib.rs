// SPDX-License-Identifier: GPL-2.0-only
//! Safe API for writing iptables extension plugins (`libxt_NAME.so`) in Rust.
//!
//! An extension implements [`Extension`] (name, revision, family, data struct, help, options
//! and callbacks), puts a [`Target`] or [`Match`] built from it in a `static`, and registers
//! it with [`plugin!`]. Everything that touches libxtables (the registration struct, the
//! option table and its terminator, the C callbacks, `exit_err`, C stdio) lives here; the
//! extension only writes its option logic.
//!
//! ```ignore
//! #![no_std]
//! use core::ffi::CStr;
//! use xtables::{Extension, Family, Target};
//!
//! struct Sysrq;
//! impl Extension for Sysrq {
//!     const NAME: &'static CStr = c"SYSRQ";
//!     const REVISION: u8 = 1;
//!     const FAMILY: Family = Family::Unspec;
//!     type Data = ();
//!     const HELP: &'static str = "SYSRQ takes no options\n";
//! }
//!
//! static SYSRQ: Target<Sysrq> = Target::new();
//! xtables::plugin!(SYSRQ);
//! ```
//!
//! A target with options, parse and save (see also the `xt_RSDEMO` example, which the host
//! tests drive through libxtables):
//!
//! ```ignore
//! const O_TIME: u32 = 0;
//! const O_NAME: u32 = 1;
//! static OPTS: OptionTable<2> = OptionTable::new([
//!     Opt::new(c"time", O_TIME, Kind::U32).range(1, 3600),
//!     Opt::new(c"name", O_NAME, Kind::String).mandatory(),
//! ]);
//! impl Extension for Demo {
//!     // ... NAME, FAMILY, HELP as above, Data = a bindgen'd C struct ...
//!     const OPTIONS: Options = OPTS.options();
//!     const PARSE: Option<ParseFn<Self::Data>> = Some(|call| {
//!         match call.id() {
//!             O_TIME => call.data().max_time = call.u32()?,
//!             _ => copy_name(call.data(), call.arg().to_bytes())?,
//!         }
//!         Ok(())
//!     });
//!     const SAVE: Option<SaveFn<Self::Data>> = Some(|d, out| {
//!         let _ = write!(out, " --time {}", d.max_time);
//!     });
//! }
//! ```
//!
//! # std or no_std
//! The crate is `#![no_std]` and extensions should be too: a plugin is a library loaded into
//! every iptables process, and without std it is ~10 KB instead of ~275 KB, needs no
//! libgcc_s, and runs no Rust runtime code. [`plugin!`] links std back in only for builds
//! that unwind (debug and test builds), because core alone cannot unwind.
//!
//! # Panics
//! Panics never cross into C: the release profile has `panic = "abort"`, callbacks avoid
//! panicking operations on input (checked arithmetic, `get`, bounded C-string reads), and the
//! panic handler of [`plugin!`] prints a "BUG" line and aborts. `catch_unwind` is not used
//! because it needs std and unwinding, which would bring back the runtime we avoid. The host
//! tests check that no panic path survives in the shipped plugin.
#![no_std]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

mod error;
mod extension;
mod options;
mod out;
pub mod sys;

pub use error::{Error, Escaped};
pub use extension::{
    Data, Extension, Family, FinalCheckFn, Match, ParseFn, PrintFn, Register, SaveFn, Target,
};
pub use options::{Kind, Opt, OptionTable, Options, Parse, Used};
pub use out::Out;

// The struct layouts and callbacks used here were written against ABI 12 (iptables 1.4.21 to
// 1.8.x); libxtables refuses plugins of another version, so a new ABI must be reviewed here.
const _: () = assert!(
    sys::XTABLES_VERSION_CODE == 12,
    "review the API for the new libxtables ABI"
);

/// Registers targets and matches with libxtables when iptables loads the plugin, and gives
/// the plugin its runtime (the panic handler, or std in unwinding builds). Use it once, in the
/// `#![no_std]` root of the extension crate, with every [`Target`] and [`Match`] static.
///
/// ```ignore
/// xtables::plugin!(SYSRQ);
/// ```
#[macro_export]
macro_rules! plugin {
    ($($ext:path),+ $(,)?) => {
        // An ELF constructor (not `_init`, which would replace the C runtime's): iptables
        // dlopen()s the plugin and expects it to register itself.
        // Not in unit-test binaries of the extension: there is no iptables to register with.
        #[cfg(not(test))]
        #[used]
        #[unsafe(link_section = ".init_array")]
        static __XTABLES_PLUGIN_INIT: extern "C" fn() = {
            extern "C" fn xtables_plugin_init() {
                $( $crate::Register::register(&$ext); )+
            }
            xtables_plugin_init
        };

        // Keeps unit-test builds free of dead-code warnings for the statics above.
        #[cfg(test)]
        #[allow(dead_code)]
        fn xtables_plugin_statics() {
            $( let _ = &$ext; )+
        }

        #[cfg(panic = "abort")]
        #[panic_handler]
        fn xtables_plugin_panic(info: &::core::panic::PanicInfo<'_>) -> ! {
            $crate::__private::panic(info)
        }

        // core cannot unwind; debug and test builds (panic = "unwind") use std's runtime.
        #[cfg(not(panic = "abort"))]
        extern crate std;
    };
}

#[doc(hidden)]
pub mod __private {
    /// The body of the panic handler of [`plugin!`](crate::plugin).
    pub fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        crate::error::abort_on_bug(info)
    }
}
