// SPDX-License-Identifier: GPL-2.0-only
//! Port knocking: a daemon compatible with knockd and tportknockd (configs and command lines),
//! capturing through an AF_PACKET TPACKET_V3 ring behind a BPF filter, and a knock client.

pub mod bpf;
pub mod capture;
pub mod client;
pub mod command;
pub mod conf_knockd;
pub mod conf_tport;
pub mod config;
pub mod daemon;
pub mod iface;
pub mod log;
pub mod packet;
pub mod runner;
pub mod tracker;
