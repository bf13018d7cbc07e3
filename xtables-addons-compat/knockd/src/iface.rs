// SPDX-License-Identifier: GPL-2.0-only
//! Interface addresses (getifaddrs): knocks count only when addressed to one of them; and
//! socket addresses in C form.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every interface with its IPv4 and IPv6 addresses, interfaces without addresses included.
pub fn all() -> io::Result<BTreeMap<String, Vec<IpAddr>>> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // Safety: getifaddrs fills `head` with a list we free below.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut out: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
    let mut cur = head;
    while !cur.is_null() {
        // Safety: `cur` is a node of the list returned by getifaddrs, alive until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        // Safety: ifa_name is a NUL-terminated string owned by the list.
        let name = unsafe { std::ffi::CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        let addrs = out.entry(name).or_default();
        if ifa.ifa_addr.is_null() {
            continue;
        }
        // Safety: ifa_addr points to a sockaddr whose family says which struct it really is.
        let addr = unsafe {
            match i32::from((*ifa.ifa_addr).sa_family) {
                libc::AF_INET => {
                    let sin = &*ifa.ifa_addr.cast::<libc::sockaddr_in>();
                    Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                        sin.sin_addr.s_addr,
                    ))))
                }
                libc::AF_INET6 => {
                    let sin6 = &*ifa.ifa_addr.cast::<libc::sockaddr_in6>();
                    Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
                }
                _ => None,
            }
        };
        addrs.extend(addr);
    }
    // Safety: `head` came from getifaddrs and no reference into it survives this point.
    unsafe { libc::freeifaddrs(head) };
    Ok(out)
}

/// Addresses of one interface, sorted.
pub fn addresses(name: &str) -> io::Result<Vec<IpAddr>> {
    let mut v = all()?.remove(name).unwrap_or_default();
    v.sort();
    v.dedup();
    Ok(v)
}
