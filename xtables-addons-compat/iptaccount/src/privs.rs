// SPDX-License-Identifier: GPL-2.0-only
//! `--listen`'s privileges. Once its sockets are open (the raw socket to the kernel, which
//! needs CAP_NET_RAW, and the listening one, which may need CAP_NET_BIND_SERVICE), the server
//! parses requests from the network and needs one thing only: CAP_NET_ADMIN, which
//! xt_ACCOUNT checks on every read. [`keep_only_net_admin`] gives up everything else.

use std::ffi::CStr;
use std::io;

/// CAP_NET_ADMIN (linux/capability.h).
pub const CAP_NET_ADMIN: u32 = 12;
/// The user root becomes (Debian's nobody:nogroup; 65534:65534 where it is unknown).
pub const USER: &CStr = c"nobody";

const CAPABILITY_VERSION_3: u32 = 0x2008_0522;
/// CAP_SETPCAP: needed to change the bounding set.
const CAP_SETPCAP: u32 = 8;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// One 32-capability word of each set (version 3 has two).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Who the process is once the privileges are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
    /// Whether CAP_NET_ADMIN was kept (it was permitted before); without it, reads fail.
    pub net_admin: bool,
}

fn check(rc: libc::c_int, what: &str) -> io::Result<()> {
    if rc == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    Err(io::Error::new(e.kind(), format!("{what}: {e}")))
}

fn prctl(option: libc::c_int, arg: libc::c_ulong) -> libc::c_int {
    // Safety: prctl with integer arguments only.
    unsafe {
        libc::prctl(
            option,
            arg,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    }
}

fn capget() -> io::Result<[CapData; 2]> {
    let mut header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // Safety: a version-3 header and the two data words it describes.
    let rc = unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) };
    check(rc as libc::c_int, "capget")?;
    Ok(data)
}

fn capset(data: &[CapData; 2]) -> io::Result<()> {
    let mut header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    // Safety: a version-3 header and the two data words it describes.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) };
    check(rc as libc::c_int, "capset")
}

/// The set of capabilities `word` (effective, permitted or inheritable) as a 64-bit mask.
fn mask(data: &[CapData; 2], word: fn(&CapData) -> u32) -> u64 {
    u64::from(word(&data[0])) | u64::from(word(&data[1])) << 32
}

/// USER's uid and gid; the overflow ids 65534 (nobody's by convention, the kernel's for an
/// unmapped id) where USER is unknown, as in a minimal root file system.
fn lookup_user() -> (libc::uid_t, libc::gid_t) {
    const OVERFLOW_ID: u32 = 65534;
    // Safety: zeroed passwd is a valid out-parameter; buf outlives its use through pwd.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16384];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // Safety: all pointers are to live, writable memory of the given sizes.
    let rc = unsafe {
        libc::getpwnam_r(
            USER.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() {
        return (OVERFLOW_ID, OVERFLOW_ID);
    }
    (pwd.pw_uid, pwd.pw_gid)
}

/// Leaves the process with CAP_NET_ADMIN alone (if it had it), in every set that matters:
/// effective and permitted; nothing inheritable or ambient; the bounding set too when the
/// process may change it; no_new_privs, so no exec can gain any back. Root also becomes
/// USER, without supplementary groups (its files and signals are not the server's).
pub fn keep_only_net_admin() -> io::Result<Dropped> {
    let keep = 1u64 << CAP_NET_ADMIN;
    check(prctl(libc::PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")?;
    // The bounding set needs CAP_SETPCAP, which root has (with no_new_privs set, a process
    // without it cannot gain anything through exec anyway).
    if mask(&capget()?, |d| d.effective) & 1 << CAP_SETPCAP != 0 {
        // cap_last_cap is not always readable (no /proc): drop until the kernel says EINVAL.
        for cap in 0..64 {
            if cap != CAP_NET_ADMIN && prctl(libc::PR_CAPBSET_DROP, cap.into()) != 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EINVAL) {
                    break;
                }
                return Err(io::Error::new(
                    e.kind(),
                    format!("dropping capability {cap} from the bounding set: {e}"),
                ));
            }
        }
    }
    // EINVAL: a kernel without ambient capabilities (before 4.3), so none to clear.
    let clear = libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong;
    if prctl(libc::PR_CAP_AMBIENT, clear) != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINVAL) {
            return Err(io::Error::new(
                e.kind(),
                format!("clearing the ambient capabilities: {e}"),
            ));
        }
    }
    // Safety: plain getters.
    let (mut uid, mut gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if uid == 0 {
        let (new_uid, new_gid) = lookup_user();
        // Keep the permitted set across the change of user (it is trimmed just below).
        check(prctl(libc::PR_SET_KEEPCAPS, 1), "keepcaps")?;
        // Safety: no pointer (an empty group list).
        check(unsafe { libc::setgroups(0, std::ptr::null()) }, "setgroups")?;
        // Safety: plain setters.
        check(
            unsafe { libc::setresgid(new_gid, new_gid, new_gid) },
            "setresgid",
        )?;
        // Safety: as above.
        check(
            unsafe { libc::setresuid(new_uid, new_uid, new_uid) },
            "setresuid",
        )?;
        check(prctl(libc::PR_SET_KEEPCAPS, 0), "keepcaps")?;
        (uid, gid) = (new_uid, new_gid);
    }
    let before = capget()?;
    let kept = mask(&before, |d| d.permitted) & keep;
    let (lo, hi) = (kept as u32, (kept >> 32) as u32);
    capset(&[
        CapData {
            effective: lo,
            permitted: lo,
            inheritable: 0,
        },
        CapData {
            effective: hi,
            permitted: hi,
            inheritable: 0,
        },
    ])?;
    let after = capget()?;
    let left = mask(&after, |d| d.permitted)
        | mask(&after, |d| d.effective)
        | mask(&after, |d| d.inheritable);
    if left != kept {
        return Err(io::Error::other(format!(
            "capabilities {left:#x} left, not {kept:#x}"
        )));
    }
    Ok(Dropped {
        uid,
        gid,
        net_admin: kept != 0,
    })
}
