//! no_std, panic-free core shared by the kernel modules and userspace.
#![no_std]
