// SPDX-License-Identifier: GPL-2.0-only
//! bindgen on the libc calls the database check makes (access, strerror, errno).

fn main() {
    let libc = xa_bindgen::headers(&["<unistd.h>", "<string.h>", "<errno.h>"])
        .allowlist_function("access|strerror|__errno_location")
        .allowlist_var("R_OK");
    xa_bindgen::write(libc, "libc.rs");
}
