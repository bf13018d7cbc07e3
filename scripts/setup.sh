#!/bin/sh
# Install everything the build and the tests need on a Debian 12 machine.
set -eu
here=$(dirname "$0")
pkgs=$(grep -v '^#' "$here/debian-packages.txt" | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: run as root (it installs Debian packages)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Newer kernel headers (tests/host/kmod-newer-kernel.sh) come from bookworm-backports; they are
# unpacked privately, never installed, and backports' low priority keeps everything else stable.
if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo 'deb http://deb.debian.org/debian bookworm-backports main' \
		> /etc/apt/sources.list.d/xtables-addons-rs-backports.list
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
command -v cargo >/dev/null || {
	echo "setup.sh: cargo not found: install a Rust toolchain (rustup)" >&2
	exit 1
}
