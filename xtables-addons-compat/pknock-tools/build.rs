// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the header the kernel module uses (kmod-c/include/xt_pknock.h) and on the
//! kernel's connector header: the netlink message layouts and the ABI limits are never
//! written here by hand.

fn main() {
    let abi = xa_bindgen::headers(&["<linux/connector.h>", "xt_pknock.h"])
        .allowlist_type("xt_pknock_nl_msg6?|cn_msg")
        .allowlist_var("XT_PKNOCK_(MAX_PASSWD_LEN|SPA_PAYLOAD_LEN)");
    xa_bindgen::write(abi, "xt_pknock.rs");
}
