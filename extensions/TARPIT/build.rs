// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header kmod-c/include/xt_TARPIT.h, so the rule data can never drift
//! from the kernel's.

fn main() {
    let abi = xa_bindgen::headers(&["xt_TARPIT.h"]).allowlist_type("xt_tarpit_tginfo|xt_tarpit_target_variant");
    xa_bindgen::write(abi, "xt_TARPIT.rs");
}
