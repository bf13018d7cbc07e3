//! Safe API for writing iptables extension plugins (work in progress).
