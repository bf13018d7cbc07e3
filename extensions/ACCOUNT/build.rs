// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the module's header kmod-c/include/xt_ACCOUNT.h (struct ipt_acc_info, struct
//! xt_acc_info_v2) and on the libxtables address helpers the plugin shares with iptables and
//! ip6tables (parse and print of `--addr`), so no layout or prototype is written by hand.

use std::env;
use std::path::PathBuf;

fn main() {
    let header = "../../kmod-c/include/xt_ACCOUNT.h";
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={header}");
    let wrapper = format!("#include <stdlib.h>\n#include <xtables.h>\n#include \"{header}\"\n");
    let bindings = bindgen::Builder::default()
        .header_contents("xt_account_wrapper.h", &wrapper)
        .use_core()
        .wrap_unsafe_ops(true)
        .derive_default(true)
        .allowlist_type("ipt_acc_info|xt_acc_info_v2")
        .allowlist_var("ACCOUNT_TABLE_NAME_LEN")
        .allowlist_function("xtables_ip6?parse_any|xtables_ip(addr|mask)_to_numeric|xtables_ip6addr_to_numeric|free")
        .generate()
        .unwrap_or_else(|e| panic!("bindgen on {header} failed ({e}); install libclang-dev"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("xt_account_sys.rs"))
        .expect("writing the generated bindings to OUT_DIR");
}
