// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the header the kernel module uses (kmod-c/include/xt_pknock.h), so the match
//! data can never drift from the kernel's, plus libxtables' port parser (`xtables_parse_port`,
//! the one upstream's plugin uses, for identical port and service-name handling).

use std::env;
use std::path::PathBuf;

fn main() {
    let header = "../../kmod-c/include/xt_pknock.h";
    println!("cargo:rerun-if-changed={header}");
    println!("cargo:rerun-if-changed=build.rs");
    let wrapper = format!("#include <xtables.h>\n#include \"{header}\"\n");
    let bindings = bindgen::Builder::default()
        .header_contents("pknock_wrapper.h", &wrapper)
        .use_core()
        .wrap_unsafe_ops(true)
        .allowlist_type("xt_pknock_mtinfo")
        .allowlist_var("XT_PKNOCK_.*")
        .allowlist_function("xtables_parse_port")
        .derive_default(false)
        .generate()
        .unwrap_or_else(|e| panic!("bindgen on {header} failed ({e}); install libclang-dev"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("pknock.rs"))
        .expect("cannot write the bindings");
}
