// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the public header ../include/libxt_ACCOUNT_cl.h (the context struct and the
//! prototypes our exported functions are checked against), on kmod-c/include/xt_ACCOUNT.h
//! (sockopt numbers, handle and record structs) and on the few libc calls used.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../include/libxt_ACCOUNT_cl.h");
    println!("cargo:rerun-if-changed=../../../kmod-c/include/xt_ACCOUNT.h");

    let wrapper = "#include <libxt_ACCOUNT_cl.h>\n\
                   #include <errno.h>\n\
                   #include <netinet/in.h>\n\
                   #include <stdlib.h>\n\
                   #include <sys/socket.h>\n\
                   #include <unistd.h>\n";
    let bindings = bindgen::Builder::default()
        .header_contents("account_cl_wrapper.h", wrapper)
        .clang_args(["-I../include", "-I../../../kmod-c/include"])
        .use_core()
        .wrap_unsafe_ops(true)
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
        .prepend_enum_name(false)
        .allowlist_function("ipt_ACCOUNT_.*")
        .allowlist_function("socket|getsockopt|setsockopt|close|malloc|free|abort|__errno_location")
        .generate()
        .unwrap_or_else(|e| {
            panic!("bindgen on libxt_ACCOUNT_cl.h failed ({e}); install libclang-dev")
        });
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("account_cl_sys.rs"))
        .expect("writing the generated bindings to OUT_DIR");
}
