// SPDX-License-Identifier: GPL-2.0-only
//! Capture through an AF_PACKET SOCK_DGRAM socket with a memory-mapped TPACKET_V3 receive ring.
//!
//! The socket is created with protocol 0, so it receives nothing until `bind`; the filter and the
//! ring are set up before that, so no unfiltered packet is ever queued. The kernel fills whole
//! blocks of packets and hands a block over by setting TP_STATUS_USER in its header; we read all its
//! packets and give it back with TP_STATUS_KERNEL.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::bpf::{self, Insn};

const BLOCK_SIZE: u32 = 1 << 18;
const BLOCK_COUNT: u32 = 16;
const FRAME_SIZE: u32 = 1 << 11;
/// Milliseconds after which a partly filled block is handed to us anyway: bounds knock latency.
const BLOCK_TIMEOUT_MS: u32 = 20;
const ETH_P_ALL: u16 = 0x0003;

pub struct Ring {
    fd: OwnedFd,
    map: NonNull<u8>,
    len: usize,
    next_block: usize,
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn setsockopt<T>(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    // Safety: `value` points to a live T of the size passed; the kernel only reads it.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// Reads an option into `value`, a plain C value of the option's size.
fn getsockopt<T>(
    fd: &OwnedFd,
    level: libc::c_int,
    name: libc::c_int,
    value: &mut T,
) -> io::Result<()> {
    let mut len = std::mem::size_of::<T>() as libc::socklen_t;
    // Safety: `value` and `len` are valid for writing and describe a buffer of T's size.
    check(unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *mut T).cast(),
            &mut len,
        )
    })
    .map(drop)
}

/// Index of a network interface, with a clear error for a wrong name.
pub fn ifindex(name: &str) -> io::Result<u32> {
    let c = CString::new(name)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "bad interface name"))?;
    // Safety: `c` is a valid NUL-terminated string.
    match unsafe { libc::if_nametoindex(c.as_ptr()) } {
        0 => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no such interface: {name}"),
        )),
        i => Ok(i),
    }
}

impl Ring {
    /// Opens the socket and maps the ring; nothing is received before `bind`.
    pub fn open(filter: &[Insn]) -> io::Result<Ring> {
        // Safety: plain socket(2) call; the result is checked and owned right away.
        let raw = check(unsafe {
            libc::socket(libc::AF_PACKET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0)
        })?;
        // Safety: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let ring = Ring::map(fd)?;
        ring.set_filter(filter)?;
        Ok(ring)
    }

    fn map(fd: OwnedFd) -> io::Result<Ring> {
        let version = libc::tpacket_versions::TPACKET_V3 as libc::c_int;
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_VERSION, &version)?;
        let req = libc::tpacket_req3 {
            tp_block_size: BLOCK_SIZE,
            tp_block_nr: BLOCK_COUNT,
            tp_frame_size: FRAME_SIZE,
            tp_frame_nr: BLOCK_SIZE / FRAME_SIZE * BLOCK_COUNT,
            tp_retire_blk_tov: BLOCK_TIMEOUT_MS,
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_RX_RING, &req)?;
        let len = (BLOCK_SIZE * BLOCK_COUNT) as usize;
        // Safety: maps the ring the kernel just allocated for this socket; checked below.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let map =
            NonNull::new(map.cast::<u8>()).ok_or_else(|| io::Error::other("mmap returned NULL"))?;
        Ok(Ring {
            fd,
            map,
            len,
            next_block: 0,
        })
    }

    /// Replaces the filter atomically (the kernel swaps programs under RCU).
    pub fn set_filter(&self, filter: &[Insn]) -> io::Result<()> {
        let prog = libc::sock_fprog {
            len: u16::try_from(filter.len()).map_err(|_| io::Error::other("filter too large"))?,
            // The kernel copies the program and never writes to it.
            filter: filter.as_ptr().cast::<libc::sock_filter>().cast_mut(),
        };
        setsockopt(&self.fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)
    }

    /// Starts receiving from one interface (0: all interfaces).
    pub fn bind(&self, ifindex: u32) -> io::Result<()> {
        // Safety: sockaddr_ll is plain data; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETH_P_ALL.to_be();
        sll.sll_ifindex = ifindex as i32;
        // Safety: `sll` is a valid sockaddr_ll of the length given.
        check(unsafe {
            libc::bind(
                self.fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        })
        .map(drop)
    }

    /// Waits up to `timeout_ms` for a filled block; `Ok(false)` on timeout or a signal, an error
    /// when the socket reports one (the interface went down or away).
    pub fn wait(&self, timeout_ms: i32) -> io::Result<bool> {
        if self.block_ready(self.next_block) {
            return Ok(true);
        }
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN | libc::POLLERR,
            revents: 0,
        };
        // Safety: one valid pollfd.
        match unsafe { libc::poll(&mut pfd, 1, timeout_ms) } {
            n if n < 0 => {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
            n if n > 0 && pfd.revents & libc::POLLERR != 0 => Err(self.socket_error()),
            n => Ok(n > 0),
        }
    }

    /// The pending socket error (ENETDOWN when the interface goes down or away).
    fn socket_error(&self) -> io::Error {
        let mut err: libc::c_int = 0;
        match getsockopt(&self.fd, libc::SOL_SOCKET, libc::SO_ERROR, &mut err) {
            Ok(()) => io::Error::from_raw_os_error(err),
            Err(e) => e,
        }
    }

    fn block_status(&self, block: usize) -> &AtomicU32 {
        let offset =
            block * BLOCK_SIZE as usize + std::mem::offset_of!(libc::tpacket_block_desc, hdr);
        // Safety: `offset` is inside the mapping (block < BLOCK_COUNT) and 8-byte aligned, and
        // block_status is the first field of tpacket_hdr_v1; the kernel updates it concurrently,
        // which is why it is only ever accessed atomically.
        unsafe { AtomicU32::from_ptr(self.map.as_ptr().add(offset).cast::<u32>()) }
    }

    fn block_ready(&self, block: usize) -> bool {
        self.block_status(block).load(Ordering::Acquire) & libc::TP_STATUS_USER != 0
    }

    /// Hands every packet of every filled block to `f` (as bytes from the network header).
    /// Returns the number of packets seen.
    pub fn drain(&mut self, mut f: impl FnMut(&[u8])) -> usize {
        let mut seen = 0;
        while self.block_ready(self.next_block) {
            let base = self.next_block * BLOCK_SIZE as usize;
            // Safety: the block belongs to us while TP_STATUS_USER is set (Acquire above orders
            // the kernel's writes before our reads); it lies inside the mapping.
            let block = unsafe {
                std::slice::from_raw_parts(self.map.as_ptr().add(base), BLOCK_SIZE as usize)
            };
            seen += for_each_packet(block, &mut f);
            self.block_status(self.next_block)
                .store(libc::TP_STATUS_KERNEL, Ordering::Release);
            self.next_block = (self.next_block + 1) % BLOCK_COUNT as usize;
        }
        seen
    }

    /// (packets received, packets dropped) since the last call, from PACKET_STATISTICS.
    pub fn stats(&self) -> io::Result<(u32, u32)> {
        // Safety: tpacket_stats_v3 is plain data.
        let mut st: libc::tpacket_stats_v3 = unsafe { std::mem::zeroed() };
        getsockopt(&self.fd, libc::SOL_PACKET, libc::PACKET_STATISTICS, &mut st)?;
        Ok((st.tp_packets, st.tp_drops))
    }
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// Walks the packets of one block. Offsets come from the kernel but are still bounds-checked,
/// so a bad block ends the walk instead of reading outside it.
fn for_each_packet(block: &[u8], f: &mut impl FnMut(&[u8])) -> usize {
    use std::mem::offset_of;
    let hdr = offset_of!(libc::tpacket_block_desc, hdr);
    let (Some(count), Some(first)) = (
        read_u32(block, hdr + offset_of!(libc::tpacket_hdr_v1, num_pkts)),
        read_u32(
            block,
            hdr + offset_of!(libc::tpacket_hdr_v1, offset_to_first_pkt),
        ),
    ) else {
        return 0;
    };
    let mut at = first as usize;
    for n in 0..count as usize {
        let field = |off: usize| read_u32(block, at + off);
        let (Some(next), Some(snaplen), Some(net)) = (
            field(offset_of!(libc::tpacket3_hdr, tp_next_offset)),
            field(offset_of!(libc::tpacket3_hdr, tp_snaplen)),
            read_u16(block, at + offset_of!(libc::tpacket3_hdr, tp_net)),
        ) else {
            return n;
        };
        let start = at + usize::from(net);
        match block.get(start..start + snaplen.min(bpf::SNAPLEN) as usize) {
            Some(data) => f(data),
            None => return n,
        }
        if next == 0 {
            return n + 1;
        }
        at += next as usize;
    }
    count as usize
}

impl Drop for Ring {
    fn drop(&mut self) {
        // Safety: unmaps exactly the mapping made in `map`; nothing borrows it past `self`.
        unsafe { libc::munmap(self.map.as_ptr().cast(), self.len) };
    }
}
