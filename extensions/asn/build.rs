// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header (kmod-c/include/xt_asn.h).

fn main() {
    let abi = xa_bindgen::headers(&["xt_asn.h"])
        .allowlist_type("xt_asn_match_info")
        .allowlist_var("XT_ASN_.*");
    xa_bindgen::write(abi, "xt_asn.rs");
}
