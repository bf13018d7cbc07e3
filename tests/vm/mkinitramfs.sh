#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the QEMU lab's initramfs for kernel KVER.
#
#   tests/vm/mkinitramfs.sh [--root DIR] KVER OUTPUT [KMOD_DIR [SELFTEST_DIR]]
#
# KMOD_DIR holds our modules built for KVER (default: kmod-c/), SELFTEST_DIR the lab's own
# self-test modules (tests/vm/selftest/, built by lab.sh), put in /opt/lab/mod. The kernel's own modules come
# from DIR/lib/modules/KVER (default root /; scripts/fetch-kernel-image.sh unpacks a private one).
# OUTPUT is two concatenated uncompressed cpio archives (the kernel unpacks both):
#  - a base image, cached in tests/vm/out/ and rebuilt only when one of its inputs changes:
#    busybox, iptables (legacy and nft, stock plugins), kmod, the in-tree modules the lab needs
#    (modules.dep and softdeps followed), and upstream xtables-addons' modules and plugins in
#    /opt/upstream/{mod,xtables} (the interoperability oracle);
#  - an overlay rebuilt every time: the guest init and scenarios, the tools (tools/*.c, static), send_sysrq,
#    and our modules and plugins in /opt/ours/{mod,xtables}.
# Variants (ours vs upstream modules, ours vs upstream plugins) are all in the image; the guest
# library picks one per test (insmod path, XTABLES_LIBDIR), so one image serves every scenario.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/out

usage() { echo "usage: $0 [--root DIR] KVER OUTPUT [KMOD_DIR [SELFTEST_DIR]]" >&2; exit 2; }
kroot=''
if [ "${1:-}" = --root ]; then
	[ $# -ge 2 ] || usage
	kroot=$(cd "$2" && pwd) || usage
	kroot=${kroot%/} # "/" is the host's own root: no prefix
	shift 2
fi
[ $# -ge 2 ] && [ $# -le 4 ] || usage
kver=$1
output=$2
kmod_dir=${3:-$repo/kmod-c}
selftest_dir=${4:-}
moddir=$kroot/lib/modules/$kver
# Where the guest finds them: its own /lib/modules, whatever the host's root.
guest_moddir=/lib/modules/$kver
modprobe_root=()
[ -z "$kroot" ] || modprobe_root=(-d "$kroot")
[ -d "$moddir/kernel" ] || { echo "mkinitramfs: no modules for kernel $kver in $moddir" >&2; exit 1; }
mkdir -p "$out"

# In-tree modules the guest needs (their dependencies and softdeps are added below); hashes by
# their crypto API alias (6.1's sha512_generic is 7.2's builtin sha512). Builtin ones and, on
# kernels without the legacy core, ip_tables resolve to nothing.
seed_modules=(x_tables ip_tables ip6_tables iptable_filter ip6table_filter iptable_raw ip6table_raw
	xt_tcpudp xt_multiport xt_u32 nfnetlink nf_tables nft_compat crypto-sha512 crypto-sha3-256
	xt_conntrack xt_CT ipt_REJECT iptable_mangle ip6table_mangle veth bridge)
# Stock iptables' programs; every name below is a symlink to one of the two multi binaries.
xtables_names=(iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore)

die() { echo "mkinitramfs: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 not found (install: $2)"; }
need busybox busybox-static
need xtables-legacy-multi iptables
need xtables-nft-multi iptables
need kmod kmod
need cpio cpio
need gzip gzip
need socat socat

# Upstream's modules: where dkms installed them for this kernel (a dkms path, so never ours
# from `make install`), else dkms's own tree.
upstream_modules() {
	local found
	# find fails on the directories that do not exist; what it found still counts.
	found=$(find "$moddir/updates" "$moddir/extra" -path '*dkms*' \
		\( -name 'xt_*.ko*' -o -name 'compat_xtables.ko*' \) 2>/dev/null | sort || true)
	[ -n "$found" ] || found=$(find /var/lib/dkms/xtables-addons/*/"$kver"/*/module \
		\( -name 'xt_*.ko*' -o -name 'compat_xtables.ko*' \) 2>/dev/null | sort || true)
	[ -z "$found" ] || printf '%s\n' "$found"
}

# Plugins shipped by a Debian package, from its file list.
package_plugins() {
	dpkg-query -L "$1" 2>/dev/null | grep -E '/xtables/lib[a-z0-9]+_[^/]*\.so$' || true
}

# Shared libraries (resolved paths) an ELF file needs, and the dynamic loader.
elf_libs() {
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

# In-tree module files: the seeds plus every dependency and softdep, as modprobe resolves them.
module_closure() {
	local m
	for m in "$@"; do
		{ modprobe "${modprobe_root[@]}" -S "$kver" --show-depends "$m" 2>/dev/null || true; } |
			awk '$1 == "insmod" { print $2 }'
	done | grep "^$moddir/kernel/" | sort -u
}

# Names of the modules the given modules depend on (in-tree ones go into the base image).
module_depends() {
	local ko
	for ko in "$@"; do modinfo -F depends "$ko"; done | tr ',' '\n' | grep -v '^$' | sort -u
}

copy_file() { # SRC ROOT: copy SRC (symlinks resolved) to the same path under ROOT
	install -D -m "$(stat -L -c %a "$1")" "$1" "$2$1"
}

copy_elf() { # SRC ROOT [DEST]: an executable and the libraries neither ROOT nor the base has
	local lib
	install -D -m 0755 "$1" "$2${3:-$1}"
	for lib in $(elf_libs "$1"); do
		[ -e "$2$lib" ] || grep -qxF "$lib" "$base.libs" 2>/dev/null || copy_file "$lib" "$2"
	done
}

# Decompressed modules keep the guest's kmod simple, and the image is compressed as a whole.
copy_module() { # SRC DEST
	mkdir -p "$(dirname "$2")"
	case $1 in
	*.ko.xz) xz -dc "$1" >"${2%.xz}" ;;
	*.ko.zst) zstd -qdc "$1" >"${2%.zst}" ;;
	*.ko.gz) gzip -dc "$1" >"${2%.gz}" ;;
	*) cp "$1" "$2" ;;
	esac
}

# merged_usr ROOT: Debian's layout, so library paths from ldd land in one place in both archives.
merged_usr() {
	mkdir -p "$1"/usr/bin "$1"/usr/sbin "$1"/usr/lib "$1"/usr/lib64
	ln -s usr/bin "$1/bin"
	ln -s usr/sbin "$1/sbin"
	ln -s usr/lib "$1/lib"
	ln -s usr/lib64 "$1/lib64"
}

# Uncompressed: the guest kernel inflated the gzip'd image in 3.5 s of every boot under TCG
# (of ~13 s to /init); copying the 40 MB takes a fraction of that.
pack() { # ROOT OUTPUT
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2"
}

stock_plugins=$(package_plugins iptables)
upstream_plugins=$(package_plugins xtables-addons-common)
mapfile -t upstream_kos < <(upstream_modules)
mapfile -t ours_kos < <(find "$kmod_dir" -maxdepth 1 -name '*.ko' | sort)
mapfile -t tested_deps < <(module_depends "${upstream_kos[@]}" "${ours_kos[@]}")
mapfile -t intree_kos < <(module_closure "${seed_modules[@]}" "${tested_deps[@]}")
if [ ${#upstream_kos[@]} -eq 0 ] && [ -n "$kroot" ]; then
	echo "mkinitramfs: note: no upstream xtables-addons modules for $kver (dkms builds them only" \
		"for installed kernels): the scenarios with needs=upstream-modules cannot run" >&2
elif [ ${#upstream_kos[@]} -eq 0 ]; then
	echo "mkinitramfs: warning: no upstream xtables-addons modules for $kver" \
		"(dkms builds them only for kernels with headers: install linux-headers-$kver, run" \
		"'dkms autoinstall -k $kver'); the scenarios with needs=upstream-modules will fail" >&2
fi
[ -n "$upstream_plugins" ] || echo "mkinitramfs: warning: no upstream plugins" \
	"(install xtables-addons-common); the interoperability tests will fail" >&2
[ -n "$stock_plugins" ] || die "no stock iptables plugins found (dpkg -L iptables)"
[ ${#intree_kos[@]} -gt 0 ] || die "no in-tree modules resolved for $kver"

# Everything the base image is made of; its stat data is the cache key.
base_inputs() {
	printf '%s\n' "$0" "$(command -v busybox)" "$(command -v kmod)" "$(command -v socat)" \
		"$(command -v xtables-legacy-multi)" "$(command -v xtables-nft-multi)" \
		$stock_plugins $upstream_plugins "${upstream_kos[@]}" "${intree_kos[@]}" \
		"$moddir/modules.builtin" "$moddir/modules.order"
}
key=$({ echo "$kver"; base_inputs | xargs stat -L -c '%n %s %Y'; } | sha256sum | cut -c1-16)
base=$out/base-$kver-$key.cpio

work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

build_base() {
	local root=$work/base ko rel name p
	merged_usr "$root"
	mkdir -p "$root"/{dev,proc,sys,run,tmp,etc,opt/upstream/mod,opt/upstream/xtables}
	mknod -m 600 "$root/dev/console" c 5 1

	install -m 0755 "$(command -v busybox)" "$root/usr/bin/busybox"
	for name in $(busybox --list); do
		[ -e "$root/usr/bin/$name" ] || ln -s busybox "$root/usr/bin/$name"
	done

	copy_elf "$(command -v kmod)" "$root" /usr/sbin/kmod
	for name in modprobe insmod rmmod lsmod modinfo depmod; do
		ln -sf kmod "$root/usr/sbin/$name"
	done

	copy_elf "$(command -v socat)" "$root" /usr/bin/socat
	for p in xtables-legacy-multi xtables-nft-multi; do
		copy_elf "$(command -v $p)" "$root" "/usr/sbin/$p"
	done
	for name in "${xtables_names[@]}"; do
		ln -s xtables-legacy-multi "$root/usr/sbin/${name/tables/tables-legacy}"
		ln -s xtables-nft-multi "$root/usr/sbin/${name/tables/tables-nft}"
		ln -s xtables-nft-multi "$root/usr/sbin/$name" # Debian's default backend
	done
	# The ARP and bridge families exist in Debian 12's iptables only on nf_tables.
	for name in arptables-nft arptables-nft-save ebtables-nft ebtables-nft-save; do
		ln -s xtables-nft-multi "$root/usr/sbin/$name"
	done
	for p in $stock_plugins; do copy_elf "$p" "$root"; done
	for p in $upstream_plugins; do copy_elf "$p" "$root" "/opt/upstream/xtables/$(basename "$p")"; done
	# Upstream's iptaccount (with its libxt_ACCOUNT_cl.so.1), the ACCOUNT oracle.
	[ ! -x /usr/sbin/iptaccount ] || copy_elf /usr/sbin/iptaccount "$root" /opt/upstream/iptaccount
	dirname "$(echo "$stock_plugins" | head -n 1)" >"$root/etc/xtables-stock-libdir"

	for ko in "${intree_kos[@]}"; do
		rel=${ko#"$moddir/"}
		copy_module "$ko" "$root$guest_moddir/$rel"
	done
	cp "$moddir/modules.builtin" "$moddir/modules.order" "$root$guest_moddir/"
	[ -e "$moddir/modules.builtin.modinfo" ] && cp "$moddir/modules.builtin.modinfo" "$root$guest_moddir/"
	depmod -b "$root" "$kver"
	for ko in "${upstream_kos[@]}"; do
		name=$(basename "$ko")
		copy_module "$ko" "$root/opt/upstream/mod/$name"
	done

	(cd "$root" && find . -type f -name '*.so*' | sed 's|^\./|/|; s|^/usr/lib|/lib|') >"$base.libs"
	pack "$root" "$work/base.cpio"
	mv "$work/base.cpio" "$base"
}

build_overlay() { # OUTPUT
	local root=$work/overlay f
	merged_usr "$root"
	mkdir -p "$root"/{vm/jobs,opt/ours/mod,opt/ours/xtables,opt/lab/mod}
	install -m 0755 "$here/guest/init" "$root/init"
	install -m 0644 "$here/guest/lib.sh" "$root/vm/lib.sh"
	for f in "$here"/scenarios/*.sh "$here"/guest/demo.sh; do
		install -m 0755 "$f" "$root/vm/jobs/$(basename "$f")"
	done
	for f in "$here"/tools/*.c; do
		f=$(basename "$f" .c)
		install -m 0755 "$out/$f" "$root/usr/bin/$f"
	done
	for f in "${ours_kos[@]}"; do install -m 0644 "$f" "$root/opt/ours/mod/"; done
	# What kmod-c/Kbuild builds, for lab-modules to check the set above against.
	make -s --no-print-directory -C "$repo" print-modules >"$root/opt/ours/modules"
	# LAB_VARIANTS="NAME=DIR ...": the modules built in DIR as /opt/NAME/mod (load_module NAME
	# MODULE), to measure a change against the build in one boot (bench/README.md).
	for f in ${LAB_VARIANTS:-}; do
		[ "${f%%=*}" != "$f" ] && ls "${f#*=}"/*.ko >/dev/null || die "LAB_VARIANTS: $f is not NAME=DIR (with modules)"
		mkdir -p "$root/opt/${f%%=*}/mod"
		install -m 0644 "${f#*=}"/*.ko "$root/opt/${f%%=*}/mod/"
	done
	[ -z "$selftest_dir" ] || for f in "$selftest_dir"/*.ko; do install -m 0644 "$f" "$root/opt/lab/mod/"; done
	for f in "$repo"/target/release/libxt_*.so "$repo"/target/release/libipt_*.so; do
		[ -e "$f" ] && copy_elf "$f" "$root" "/opt/ours/xtables/$(basename "$f")"
	done
	# Lab data; the geoip database of tests/vm/data/geoip.csv as upstream's Perl builder writes
	# it (without its rows starting with "::", which it drops), for our module to read.
	mkdir -p "$root/vm/data/geoip-upstream"
	cp "$here"/data/* "$root/vm/data/"
	/usr/libexec/xtables-addons/xt_geoip_build -q -D "$root/vm/data/geoip-upstream" \
		-i "$here/data/geoip.csv" 2>/dev/null || die "upstream's xt_geoip_build failed (xtables-addons-common, its Perl modules)"
	# Test plugins handing the kernel any geoip/asn rule data (geoip-hostile), never installed.
	mkdir -p "$root/opt/raw/xtables"
	for f in geoip asn; do
		copy_elf "$repo/target/release/examples/libxt_${f}_raw.so" "$root" "/opt/raw/xtables/libxt_$f.so"
	done
	for f in send_sysrq iptaccount pknock-knock pknlusr xt_geoip_build xt_asn_build xt_geoip_query; do
		[ ! -x "$repo/target/release/$f" ] || copy_elf "$repo/target/release/$f" "$root" "/usr/sbin/$f"
	done
	pack "$root" "$1"
}

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p xt_geoip \
	--example xt_geoip_raw --example xt_asn_raw || die "cargo build of the raw-data test plugins failed"
# The packet tools: static, rebuilt when their source or a header they share changes.
for src in "$here"/tools/*.c; do
	bin=$out/$(basename "$src" .c)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$here/tools/lab_tool.h" -nt "$bin" ] ||
		[ "$here/tools/insn.h" -nt "$bin" ]; then
		gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$src"
	fi
done
if [ ! -e "$base" ]; then
	rm -f "$out"/base-"$kver"-*.cpio*
	build_base
fi
build_overlay "$out/overlay.cpio"
cat "$base" "$out/overlay.cpio" >"$output"
