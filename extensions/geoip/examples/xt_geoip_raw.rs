// SPDX-License-Identifier: GPL-2.0-only
//! libxt_geoip.so for tests: geoip revision 2 with any data (tests/plugin/xt_rawdata.rs).
#![no_std]

const NAME: &core::ffi::CStr = c"geoip";
const REVISION: u8 = 2;
const SIZE: usize = 312;

include!("../../../tests/plugin/xt_rawdata.rs");
