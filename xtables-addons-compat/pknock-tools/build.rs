// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the header the kernel module uses (kmod-c/include/xt_pknock.h) and on the
//! kernel's connector header: the netlink message layouts and the ABI limits are never
//! written here by hand.

use std::env;
use std::path::PathBuf;

fn main() {
    let header = "../../kmod-c/include/xt_pknock.h";
    println!("cargo:rerun-if-changed={header}");
    println!("cargo:rerun-if-changed=build.rs");
    let wrapper = format!("#include <linux/connector.h>\n#include \"{header}\"\n");
    let bindings = bindgen::Builder::default()
        .header_contents("pknock_tools.h", &wrapper)
        .use_core()
        .wrap_unsafe_ops(true)
        .allowlist_type("xt_pknock_nl_msg6?|cn_msg")
        .allowlist_var("XT_PKNOCK_(MAX_PASSWD_LEN|SPA_PAYLOAD_LEN)")
        .generate()
        .unwrap_or_else(|e| {
            panic!("bindgen on {header} failed ({e}); install libclang-dev and linux-libc-dev")
        });
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("pknock_abi.rs"))
        .expect("cannot write the bindings");
}
