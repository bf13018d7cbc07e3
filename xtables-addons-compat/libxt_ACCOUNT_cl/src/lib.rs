// SPDX-License-Identifier: GPL-2.0-only
//! libxt_ACCOUNT_cl.so.1: a drop-in for xtables-addons' C library that reads the ACCOUNT
//! target's kernel tables (header include/libxt_ACCOUNT_cl.h). The functions are those of
//! the `account_cl_abi` crate, which iptaccount links directly; this crate only makes the
//! shared object of them (soname in build.rs), no_std like the iptables plugins: it needs
//! nothing but libc.
#![no_std]
#![allow(non_snake_case)] // named after upstream's library, libxt_ACCOUNT_cl

// The exported functions (#[no_mangle]) come with the crate.
pub use account_cl_abi::*;

// Nothing here can panic by design (no indexing without a check, no unwrap); should a bug
// make it, abort rather than unwind into C.
#[cfg(panic = "abort")]
#[panic_handler]
fn account_cl_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Safety: abort has no preconditions.
    unsafe { account_cl_abi::sys::abort() }
}

// core cannot unwind; debug and test builds (panic = "unwind") use std's runtime.
#[cfg(not(panic = "abort"))]
extern crate std;
