// SPDX-License-Identifier: GPL-2.0-only
//! Generates the `sys` module: bindgen on libxtables' `xtables.h` (package libxtables-dev), plus
//! the few C stdio/stdlib calls the plugins make, so every struct layout and constant comes from
//! the installed headers and never from a hand-written copy.

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// Include directories from `pkg-config --cflags-only-I xtables` (empty on Debian, where the
/// header is in /usr/include; needed on systems that install it elsewhere).
fn xtables_include_args() -> Vec<String> {
    match Command::new("pkg-config")
        .args(["--cflags-only-I", "xtables"])
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-link-lib=xtables");
    // Plugins are no_std: name libc explicitly so its symbols get their version (GLIBC_x).
    println!("cargo:rustc-link-lib=c");

    let header = "#include <xtables.h>\n\
                  #include <linux/netfilter.h>\n\
                  #include <linux/netfilter_ipv4/ip_tables.h>\n\
                  #include <linux/netfilter_ipv6/ip6_tables.h>\n\
                  #include <stdio.h>\n\
                  #include <stdlib.h>\n";
    let bindings = bindgen::Builder::default()
        .header_contents("xtables_wrapper.h", header)
        .clang_args(xtables_include_args())
        .use_core()
        .wrap_unsafe_ops(true)
        .opaque_type("_IO_FILE")
        .prepend_enum_name(false)
        .allowlist_type("xtables_(target|match|globals)|_xt_align|xt_option_flags")
        .allowlist_type("xt_(option_entry|option_call|fcheck_call|entry_target|entry_match)")
        .allowlist_type("ipt_entry|ip6t_entry")
        .allowlist_var("XTABLES_VERSION(_CODE)?|XT_EXTENSION_MAXNAMELEN|NFPROTO_(UNSPEC|IPV4|IPV6)")
        .allowlist_var("XTTYPE_.*|XTOPT_.*|PARAMETER_PROBLEM|xt_params|stdout|stderr")
        .allowlist_var("XT_INV_PROTO|IP6T_F_PROTO")
        .allowlist_function(
            "xtables_register_(target|match)|xtables_save_string|xtables_options?_(parse|fcheck)",
        )
        .allowlist_function("fwrite|fputs|fflush|exit|abort")
        .generate()
        .unwrap_or_else(|e| {
            panic!("bindgen on xtables.h failed ({e}); install libxtables-dev and libclang-dev")
        });

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("xtables_sys.rs"))
        .expect("writing the generated bindings to OUT_DIR");
}
