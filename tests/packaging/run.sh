#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The packaging test: our .debs (make deb) in a clean Debian 12 chroot, as an administrator
# would use them, then the QEMU lab on the modules DKMS built there.
#
#   tests/packaging/run.sh [--prepare | --no-lab]
#
# --prepare only makes (or refreshes) the cached chroot (make test runs it beside make prepare,
# which fetches the backports kernel).
# --no-lab leaves out step 4 (make test's form: see the Makefile's test target for why).
#
# 1. A fresh copy of a cached Debian 12 chroot (debootstrap: dkms and the headers of the lab's
#    6.1 kernel) gets Debian's xtables-addons-dkms/-common (3.23, built by DKMS for 6.1).
# 2. apt installs our two packages over them (Conflicts/Replaces): DKMS builds ours for 6.1 with
#    no Rust toolchain in the chroot; Debian's modules and files are gone.
# 3. bookworm-backports' 6.12 headers are installed, as a kernel upgrade would: DKMS's kernel
#    hook builds ours for 6.12 (where Debian's 3.23 does not build).
# 4. The lab boots 6.1 and 6.12 with the modules DKMS installed (not make's): a scenario for each
#    kind of module (below: SYSRQ, pknock, ACCOUNT, geoip, asn, a reply target), so a module DKMS
#    built wrong for a kernel fails to load or to work there.
# 5. apt purges ours: no file is left that was not there before step 1.
# Prints PASS/FAIL lines, each step's time and "N passed, M failed"; exits non-zero on any failure.
#
# Why the 6.12 headers arrive after Debian's packages are gone: Debian's 3.23 does not build for
# 6.12, and its postinst fails when it cannot build for an installed kernel's headers, so with
# those headers present apt cannot install Debian's packages at all (they stay half-configured;
# ours installs over that state too, tried by hand): there is no working Debian installation to
# upgrade from. The upgrade starts where an administrator's working one does, on 6.1; the kernel
# upgrade comes after ours is in.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
prepare_only=false
lab=true
case ${1:-} in
--prepare) prepare_only=true ;;
--no-lab) lab=false ;;
'') ;;
*) echo "usage: $0 [--prepare | --no-lab]" >&2; exit 2 ;;
esac
work=$repo/target/packaging
base=$repo/target/chroot/bookworm
root=$work/root
newer_kroot=$repo/target/kernel/bookworm-backports
# Every module loads and unloads (lab-modules); then what each does: xt_SYSRQ, xt_pknock,
# xt_ACCOUNT, xa_rangedb with xt_geoip and xt_asn (one boot), xt_TARPIT on xa_shim's reply builders.
scenarios=(lab-modules sysrq-valid pknock-tcp account-basic geoip-basic geoip-asn reply-tarpit)
passed=0
failed=0

# step WHAT: the time since the previous step (or the start), for make test's time budget.
step_start=$SECONDS
step() {
	echo "packaging: $1: $((SECONDS - step_start)) s"
	step_start=$SECONDS
}
pass() { echo "PASS packaging: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL packaging: $*"; failed=$((failed + 1)); }
check() { # check WHAT CMD...
	local what=$1
	shift
	if "$@" >>"$work/log" 2>&1; then pass "$what"; else fail "$what (see $work/log)"; fi
}
finish() {
	echo "packaging: $SECONDS s in all"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
die() { fail "$*"; finish; }
in_root() { "$repo/scripts/in-chroot.sh" "$root" env DEBIAN_FRONTEND=noninteractive "$@"; }
apt_root() { in_root apt-get -y -q -o Dpkg::Use-Pty=0 "$@"; }
# files_of ROOT: every file and symlink of the chroot, but the package managers' own state,
# caches and logs, and depmod's indexes (regenerated for every kernel, owned by no package).
files_of() {
	(cd "$1" && find . -xdev \( -type f -o -type l \) | sed 's|^\.||' |
		grep -vE '^/(var/(lib/(apt|dpkg)|cache|log)|tmp|proc|run)/|^/usr/lib/modules/[^/]*/modules\.|^/etc/ld\.so\.cache$' |
		sort)
}

k61=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null | sed -n 's/.*linux-image-\([^ ,]*\).*/\1/p')
[ -n "$k61" ] && [ -r "/boot/vmlinuz-$k61" ] || die "no Debian 12 kernel image (linux-image-amd64)"
mkdir -p "$work"
: >"$work/log"
# The cached chroot has only what every run starts from; each run works on a fresh copy. Beside
# dkms and the headers, what every Debian 12 but a minimal chroot has (netbase, udev): else the
# files their maintainer scripts leave on purpose (/etc/hosts, udev's groups' /etc/gshadow-), when
# iptables and the 6.12 image pull them in, would count as left behind.
scripts/make-chroot.sh --also bookworm-updates --also bookworm-security --also bookworm-backports bookworm "$base" \
	dkms "linux-headers-$k61" netbase udev >>"$work/log" 2>&1 ||
	die "could not make the Debian 12 chroot $base (see $work/log)"
if $prepare_only; then
	echo "packaging: $base is ready"
	exit 0
fi
k612=$(scripts/fetch-kernel-image.sh bookworm-backports "$newer_kroot" | tail -n 1) ||
	die "could not fetch bookworm-backports' kernel"
# account-basic compares our module with upstream's: on 6.12 that is sid's 3.31 (make newer-kernel).
if $lab; then
	scripts/build-upstream-modules.sh "$newer_kroot" "$k612" >/dev/null ||
		die "could not build upstream's modules for $k612 (scripts/build-upstream-modules.sh)"
fi
step "the kernels and the cached chroot"

deb_dir=$repo/target/deb
mapfile -t debs < <(ls "$deb_dir"/xtables-addons-rs-{dkms,common}_*.deb 2>/dev/null)
[ ${#debs[@]} -eq 2 ] || die "no packages in $deb_dir (make deb)"
rm -rf "$root"
cp -a "$base" "$root" || die "could not copy $base"
in_root true || die "the chroot does not run"
in_root sh -c 'command -v cargo rustc' >/dev/null && fail "the chroot has a Rust toolchain"
before=$work/files.before
files_of "$root" >"$before"

# 1. Debian's packages, as an administrator has them today.
check "Debian's xtables-addons-dkms and -common install and build for $k61" \
	apt_root install --no-install-recommends xtables-addons-dkms xtables-addons-common
check "Debian's xt_SYSRQ is installed for $k61" test -e "$root/lib/modules/$k61/updates/dkms/xt_SYSRQ.ko"
step "1. Debian's packages"

# 2. Ours over them.
check "apt installs our packages over Debian's (Conflicts/Replaces)" \
	apt_root install --no-install-recommends "${debs[@]}"
check "Debian's packages are removed" \
	sh -c "! chroot '$root' dpkg-query -W -f='\${Status}\n' xtables-addons-dkms xtables-addons-common 2>/dev/null | grep -q 'ok installed'"
check "Debian's dkms tree is gone" test ! -e "$root/var/lib/dkms/xtables-addons"
mapfile -t modules < <(make -s --no-print-directory print-modules | tr ' ' '\n')
[ ${#modules[@]} -gt 0 ] || die "no module list (make print-modules)"
# dkms_modules KVER: the module files DKMS installed for KVER (compressed as the kernel's
# configuration says: 6.12's are .ko.xz), one a line.
dkms_modules() { ls "$root/lib/modules/$1/updates/dkms/" 2>/dev/null; }
check_modules() { # KVER: every module of kmod-c/Kbuild, built by DKMS, and no upstream one
	local kver=$1 m missing='' others
	for m in "${modules[@]}"; do
		dkms_modules "$kver" | grep -qxE "$m\.ko(\.xz|\.zst|\.gz)?" || missing+=" $m"
	done
	check "DKMS installed every module for $kver (${modules[*]})${missing:+; missing:$missing}" test -z "$missing"
	others=$(dkms_modules "$kver" | sed -E 's/\.ko(\.xz|\.zst|\.gz)?$//' | grep -vxF -f <(printf '%s\n' "${modules[@]}"))
	check "no upstream module left for $kver${others:+: $(echo $others)}" test -z "$others"
	check "dkms status: installed for $kver" \
		sh -c "chroot '$root' dkms status -m xtables-addons-rs -k '$kver' 2>/dev/null | grep -q ': installed'"
	# What `modprobe NAME` loads (the README's command): NAME from DKMS's directory, last, after
	# its dependencies, each ours from there or in-tree (where the kernel's image is installed, as
	# 6.12's is).
	missing=''
	for m in "${modules[@]}"; do
		loads=$(in_root modprobe -S "$kver" --show-depends "$m" 2>>"$work/log" |
			awk '$1 == "insmod" { print $2 }' | sed -E 's|^(/usr)?/lib/modules/[^/]*/||; s/\.(xz|zst|gz)$//')
		[ "$(tail -n 1 <<<"$loads")" = "updates/dkms/$m.ko" ] &&
			! grep -qvE '^(updates/dkms|kernel)/' <<<"$loads" || missing+=" $m"
	done
	check "modprobe loads each module and its dependencies from DKMS's directory or the kernel for $kver${missing:+; not:$missing}" \
		test -z "$missing"
}
check_modules "$k61"
# ours FILE: FILE is installed and xtables-addons-rs-common's (not Debian's, which has the same
# names).
ours() { chroot "$root" dpkg -S "$1" 2>/dev/null | grep -q '^xtables-addons-rs-common: '; }
check "the plugins are ours and where iptables looks" ours /usr/lib/x86_64-linux-gnu/xtables/libxt_SYSRQ.so
# Every program and library of the package finds its libraries (Depends from dh_shlibdeps).
check "every ELF file of xtables-addons-rs-common resolves its libraries in the chroot" \
	bash -c "files=\$(chroot '$root' dpkg -L xtables-addons-rs-common) || exit 1
	for f in \$files; do
		[ -f '$root'\$f ] && head -c 4 '$root'\$f | grep -q ELF || continue
		chroot '$root' ldd \$f | grep 'not found' && exit 1
	done; exit 0"
check "the tools are ours" ours /usr/sbin/iptaccount
check "our tools run (iptaccount --help)" in_root iptaccount --help
step "2. ours over Debian's"

# 3. A kernel upgrade (backports' headers depend on the image): DKMS's kernel hook builds ours
# for it. INITRD=No skips the image's initramfs, which the chroot boots nowhere.
check "bookworm-backports' linux-headers-$k612 installs" \
	in_root env INITRD=No apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends "linux-headers-$k612"
check_modules "$k612"
step "3. the kernel upgrade"

# 4. The lab on what DKMS built.
lab_kernels=("$k61" "$k612")
$lab || { lab_kernels=(); echo "packaging: --no-lab: the lab on DKMS's modules left out"; }
for kver in "${lab_kernels[@]}"; do
	mods=$work/modules-$kver
	rm -rf "$mods"
	mkdir -p "$mods"
	for m in $(dkms_modules "$kver"); do
		case $m in
		*.ko.xz) xz -dc "$root/lib/modules/$kver/updates/dkms/$m" >"$mods/${m%.xz}" ;;
		*.ko.zst) zstd -qdc "$root/lib/modules/$kver/updates/dkms/$m" >"$mods/${m%.zst}" ;;
		*.ko.gz) gzip -dc "$root/lib/modules/$kver/updates/dkms/$m" >"$mods/${m%.gz}" ;;
		*) cp "$root/lib/modules/$kver/updates/dkms/$m" "$mods/" ;;
		esac
	done
	args=()
	[ "$kver" = "$k61" ] || args=(--kernel-root "$newer_kroot")
	only=()
	for s in "${scenarios[@]}"; do only+=(--only "$s"); done
	echo "packaging: the lab on $kver with the modules DKMS built"
	# shellcheck disable=SC2086 # LAB_LOCK: a command prefix, e.g. a lock around QEMU runs
	if ${LAB_LOCK:-} tests/vm/run.sh "${args[@]}" --modules "$mods" "${only[@]}" | tee "$work/lab-$kver.log"; then
		pass "lab on $kver with DKMS's modules: $(tail -n 1 "$work/lab-$kver.log")"
	else
		fail "lab on $kver with DKMS's modules: $(tail -n 1 "$work/lab-$kver.log")"
	fi
	step "4. the lab on $kver"
done

# 5. Removal.
check "apt purges our packages" apt_root purge xtables-addons-rs-dkms xtables-addons-rs-common
# The image the headers pulled in too: apt never autoremoves a kernel image.
check "apt purges bookworm-backports' kernel again" apt_root purge "linux-headers-$k612" \
	"linux-headers-${k612%-amd64}-common" "linux-kbuild-${k612%%-*}" "linux-image-$k612"
check "apt removes what was installed for Debian's packages" apt_root autoremove --purge
after=$work/files.after
files_of "$root" >"$after"
left=$(comm -13 "$before" "$after")
if [ -z "$left" ]; then
	pass "no file left behind by the upgrade and the removal"
else
	fail "files left behind: $(wc -l <<<"$left"): $(head -n 10 <<<"$left" | tr '\n' ' ')"
fi
step "5. the removal"
gone=$(comm -23 "$before" "$after")
[ -z "$gone" ] && pass "no file of the clean system lost" ||
	fail "files of the clean system lost: $(head -n 10 <<<"$gone" | tr '\n' ' ')"
finish
