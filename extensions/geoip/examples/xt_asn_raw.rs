// SPDX-License-Identifier: GPL-2.0-only
//! libxt_asn.so for tests: asn revision 1 with any data (tests/plugin/xt_rawdata.rs).
#![no_std]

const NAME: &core::ffi::CStr = c"asn";
const REVISION: u8 = 1;
const SIZE: usize = 184;

include!("../../../tests/plugin/xt_rawdata.rs");
