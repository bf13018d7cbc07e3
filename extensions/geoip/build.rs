// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header (kmod-c/include/xt_geoip.h): both revisions' structs.

fn main() {
    let abi = xa_bindgen::headers(&["xt_geoip.h"])
        .allowlist_type("xt_geoip_match_info(_v1)?")
        .allowlist_var("XT_GEOIP_.*");
    xa_bindgen::write(abi, "xt_geoip.rs");
}
