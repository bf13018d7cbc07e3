// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the header the kernel module uses (kmod-c/include/xt_pknock.h), so the match
//! data can never drift from the kernel's.

fn main() {
    let abi = xa_bindgen::headers(&["xt_pknock.h"])
        .allowlist_type("xt_pknock_mtinfo")
        .allowlist_var("XT_PKNOCK_.*");
    xa_bindgen::write(abi, "xt_pknock.rs");
}
