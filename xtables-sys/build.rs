// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on libxtables' `xtables.h` (package libxtables-dev), the rule entry structs of
//! ip(6)_tables.h, and the few C stdio/stdlib calls plugins make, so every struct layout and
//! constant comes from the installed headers and never from a hand-written copy.

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
    println!("cargo:rustc-link-lib=xtables");
    // Plugins are no_std: name libc explicitly so its symbols get their version (GLIBC_x).
    println!("cargo:rustc-link-lib=c");

    let headers = [
        "<xtables.h>",
        "<linux/netfilter.h>",
        "<linux/netfilter_ipv4/ip_tables.h>",
        "<linux/netfilter_ipv6/ip6_tables.h>",
        "<stdio.h>",
        "<stdlib.h>",
    ];
    let xtables = xa_bindgen::headers(&headers)
        .clang_args(xtables_include_args())
        .derive_default(true)
        .opaque_type("_IO_FILE")
        // The plugin API: registration, option parsing, rule entries, errors.
        .allowlist_type("xtables_(target|match|globals)|_xt_align|xt_option_flags")
        .allowlist_type("xt_(option_entry|option_call|fcheck_call|entry_target|entry_match)")
        .allowlist_type("ipt_entry|ip6t_entry")
        .allowlist_var("XTABLES_VERSION(_CODE)?|XT_EXTENSION_MAXNAMELEN|NFPROTO_(UNSPEC|IPV4|IPV6)")
        .allowlist_var("XTTYPE_.*|XTOPT_.*|PARAMETER_PROBLEM|xt_params|stdout|stderr")
        .allowlist_var("XT_INV_PROTO|IP6T_F_PROTO")
        .allowlist_function(
            "xtables_register_(target|match)|xtables_save_string|xtables_options?_(parse|fcheck)",
        )
        // The parsers and printers iptables itself uses for ports and addresses, so plugins
        // accept and print them as iptables does.
        .allowlist_function("xtables_parse_port")
        .allowlist_function("xtables_ip6?parse_any|xtables_ip(addr|mask)_to_numeric")
        .allowlist_function("xtables_ip6addr_to_numeric")
        .allowlist_function("fwrite|fputs|fflush|exit|abort|free");
    xa_bindgen::write(xtables, "xtables.rs");
}
