// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header kmod-c/include/xt_CHAOS.h, so the rule data can never drift
//! from the kernel's.

fn main() {
    let abi = xa_bindgen::headers(&["xt_CHAOS.h"]).allowlist_type("xt_chaos_tginfo|xt_chaos_target_variant");
    xa_bindgen::write(abi, "xt_CHAOS.rs");
}
