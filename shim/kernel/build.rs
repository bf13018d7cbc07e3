// SPDX-License-Identifier: GPL-2.0-only
//! Generates the C interface types and constants from kmod-c/include/xa_shim.h,
//! so the exported functions can never silently disagree with the header.

use std::env;
use std::path::PathBuf;

fn main() {
    let header = "../../kmod-c/include/xa_shim.h";
    println!("cargo:rerun-if-changed={header}");
    // Headers xa_shim.h includes (the per-extension parts and the xt_*.h ABIs).
    println!("cargo:rerun-if-changed=../../kmod-c/include");
    let bindings = bindgen::Builder::default()
        .header(header)
        .use_core()
        .ctypes_prefix("core::ffi")
        .prepend_enum_name(false)
        .allowlist_type("xa_.*")
        .allowlist_var("XA_.*")
        .allowlist_var("XT_PKNOCK_.*")
        .allowlist_function("xa_.*")
        .generate()
        .expect("bindgen failed on xa_shim.h");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("xa_shim.rs");
    bindings
        .write_to_file(&out)
        .expect("cannot write the bindings");
}
