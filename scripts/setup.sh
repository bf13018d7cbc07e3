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
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
command -v cargo >/dev/null || {
	echo "setup.sh: cargo not found: install a Rust toolchain (rustup)" >&2
	exit 1
}
