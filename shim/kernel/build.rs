// SPDX-License-Identifier: GPL-2.0-only
//! Generates the C interface types and constants from kmod-c/include/xa_shim.h,
//! so the exported functions can never silently disagree with the header.

fn main() {
    let interface = xa_bindgen::headers(&["xa_shim.h"])
        .ctypes_prefix("core::ffi")
        .allowlist_type("xa_.*")
        .allowlist_var("XA_.*")
        .allowlist_var("XT_PKNOCK_.*")
        .allowlist_function("xa_.*");
    xa_bindgen::write(interface, "xa_shim.rs");
}
