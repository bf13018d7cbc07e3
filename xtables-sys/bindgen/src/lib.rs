// SPDX-License-Identifier: GPL-2.0-only
//! The bindgen step of every build script in the repository, written once.
//!
//! C headers are the single source of every layout shared with C: libxtables' `xtables.h`
//! (crate `xtables-sys`), the kernel/user struct header of each extension
//! (`kmod-c/include/xt_NAME.h`) and the shim's interface (`kmod-c/include/xa_shim.h`).
//! A build script names its headers and what it needs from them; the settings, the include
//! path, the rerun triggers and the output file are this crate's:
//!
//! ```no_run
//! // main() of extensions/NAME/build.rs
//! let abi = xa_bindgen::headers(&["xt_NAME.h"]).allowlist_type("xt_NAME_info");
//! xa_bindgen::write(abi, "xt_NAME.rs");
//! ```
//!
//! and the crate includes the output, e.g. `mod abi { include!(concat!(env!("OUT_DIR"),
//! "/xt_NAME.rs")); }`.

use std::env;
use std::path::{Path, PathBuf};

/// The builder type, for build scripts that need bindgen's own items (e.g. callbacks).
pub use bindgen;

/// kmod-c/include: one kernel/user header per extension, and the shim's C interface.
const KMOD_INCLUDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kmod-c/include");

/// A builder for `names`, each named as an `#include` would: `"xt_pknock.h"` in kmod-c/include,
/// `"../include/x.h"` (a path with a slash) relative to the calling crate, `"<linux/connector.h>"`
/// on the system's include path. Quoted headers and the rest of kmod-c/include (which they may
/// include by name) rerun the build script when they change.
///
/// Settings: `core` types (the bindings' users are `no_std`), `unsafe` operations inside the
/// generated `unsafe fn`s wrapped in blocks, C enum constants without the enum's name as prefix.
pub fn headers(names: &[&str]) -> bindgen::Builder {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={KMOD_INCLUDE}");
    let mut wrapper = String::new();
    for name in names {
        if name.starts_with('<') {
            wrapper += &format!("#include {name}\n");
        } else {
            let path = match name.contains('/') {
                true => crate_dir().join(name),
                false => Path::new(KMOD_INCLUDE).join(name),
            };
            println!("cargo:rerun-if-changed={}", path.display());
            wrapper += &format!("#include \"{}\"\n", path.display());
        }
    }
    bindgen::Builder::default()
        .header_contents("xa_bindgen.h", &wrapper)
        .clang_arg(format!("-I{KMOD_INCLUDE}"))
        .use_core()
        .wrap_unsafe_ops(true)
        .prepend_enum_name(false)
}

/// Generates the bindings and writes them to `OUT_DIR/file`, for `include!`. A failure stops
/// the build with bindgen's message and what to install.
pub fn write(builder: bindgen::Builder, file: &str) {
    let bindings = builder.generate().unwrap_or_else(|e| {
        panic!("bindgen failed ({e}); install libclang-dev, libxtables-dev and linux-libc-dev")
    });
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join(file);
    bindings
        .write_to_file(&out)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// The directory of the crate whose build script runs (cargo runs it there, and says so).
fn crate_dir() -> PathBuf {
    PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}
