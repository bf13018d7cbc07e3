// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header kmod-c/include/xt_ACCOUNT.h (struct ipt_acc_info, struct
//! xt_acc_info_v2), so no layout is written by hand.

fn main() {
    let abi = xa_bindgen::headers(&["xt_ACCOUNT.h"])
        .allowlist_type("ipt_acc_info|xt_acc_info_v2")
        .allowlist_var("ACCOUNT_TABLE_NAME_LEN");
    xa_bindgen::write(abi, "xt_ACCOUNT.rs");
}
