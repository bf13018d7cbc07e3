// SPDX-License-Identifier: GPL-2.0-only
//! no_std, panic-free core shared by the kernel modules and userspace.
//!
//! Everything here takes untrusted bytes and must never panic, allocate or
//! call through a function pointer: the same code is linked into the kernel
//! (see `shim/kernel/`). Slices are accessed with `get`/`split_at_checked`
//! and iterators only (fixed-size arrays also with constant indices, which
//! the compiler checks).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "craft")]
extern crate std;

pub mod account;
#[cfg(any(test, feature = "craft"))]
pub mod craft;
pub mod csum;
pub mod ct;
mod cursor;
pub mod delude;
pub mod echo;
pub mod geoip;
pub mod hash;
pub mod hex;
pub mod packet;
pub mod pknock;
pub mod reply;
pub mod sysrq;
pub mod tarpit;
