// SPDX-License-Identifier: GPL-2.0-only
//! Upstream's soname: programs linked against upstream's library ask the loader for it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libxt_ACCOUNT_cl.so.1");
    // no_std: name libc explicitly so its symbols get their version (GLIBC_x).
    println!("cargo:rustc-link-lib=c");
}
