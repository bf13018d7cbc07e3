// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the public header ../include/libxt_ACCOUNT_cl.h (the context struct and the
//! prototypes our exported functions are checked against), on kmod-c/include/xt_ACCOUNT.h
//! (sockopt numbers, handle and record structs, which it includes) and on the few libc calls
//! used.

fn main() {
    let headers = [
        "../include/libxt_ACCOUNT_cl.h",
        "<errno.h>",
        "<netinet/in.h>",
        "<stdlib.h>",
        "<sys/socket.h>",
        "<unistd.h>",
    ];
    let abi = xa_bindgen::headers(&headers)
        .derive_default(true)
        .allowlist_type(
            "ipt_ACCOUNT_context|ipt_acc_handle_sockopt|ipt_acc_handle_ip|xt_acc_handle6_sockopt|xt_acc_handle_ip6",
        )
        .allowlist_var(
            "IPT_SO_.*|ACCOUNT_TABLE_NAME_LEN|IPT_ACCOUNT_MIN_BUFSIZE|LIBXT_ACCOUNT_VERSION",
        )
        .allowlist_var("AF_INET|IPPROTO_RAW|IPPROTO_IP|ENOMEM|ENOPROTOOPT")
        // glibc's SOCK_* are enum constants.
        .allowlist_type("__socket_type")
        .allowlist_function("ipt_ACCOUNT_.*")
        .allowlist_function("socket|getsockopt|setsockopt|close|malloc|free|abort|__errno_location");
    xa_bindgen::write(abi, "libxt_ACCOUNT_cl.rs");
}
