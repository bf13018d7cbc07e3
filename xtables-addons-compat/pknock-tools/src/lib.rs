// SPDX-License-Identifier: GPL-2.0-only
//! What pknock-knock, knock and pknlusr share: the pknock user/kernel ABI and the connector
//! message header, bindgen'd from the C headers (never written here by hand), the SPA secret
//! and the SPA datagram.

pub mod secret;
pub mod spa;

#[allow(non_camel_case_types, non_upper_case_globals, dead_code, missing_docs)]
// bindgen's accessors of the connector header's flexible array; unused here.
#[allow(clippy::missing_safety_doc)]
mod abi {
    include!(concat!(env!("OUT_DIR"), "/xt_pknock.rs"));
}
pub use abi::*;

// The clients build payloads with the shim; they must be what the module expects.
const _: () = assert!(XT_PKNOCK_SPA_PAYLOAD_LEN as usize == shim::pknock::spa::PAYLOAD_LEN);
