# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of the QEMU lab, sourced by run.sh and demo.sh: pick the kernel, build the
# initramfs, boot a guest that runs some jobs, and read back what it reported.

lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab_repo=$(cd "$lab_here/../.." && pwd)
lab_out=$lab_here/out
# Kernel messages that fail a run wherever they appear: oopses and warnings, and what the lockup
# detectors report with the thresholds lab_boot sets (a soft lockup, an RCU stall, a hung task).
# A "Call Trace:" alone is not one: the kernel prints traces for harmless reasons too.
lab_kernel_errors='Oops|BUG:|Kernel panic|WARNING:|general protection|stack-protector|UBSAN:|Unable to handle kernel|refcount_t:|list_(add|del) corruption|detected stalls|soft lockup|hard LOCKUP|blocked for more than'

# lab_expected_report NAME: the kernel report a self-test boot may declare it expects (header
# expects=NAME[,NAME]): in that boot, and only there, such lines are what it checks for.
lab_expected_report() {
	case $1 in
	soft-lockup) echo 'BUG: soft lockup' ;;
	hung-task) echo 'blocked for more than' ;;
	*) return 1 ;;
	esac
}

lab_die() {
	echo "vm lab: $*" >&2
	exit 1
}

# lab_kroot: LAB_KROOT, a private root with boot/vmlinuz-*, lib/modules/*/ and
# usr/src/linux-headers-*/ (scripts/fetch-kernel-image.sh unpacks one), as an absolute path;
# empty for the host's own /boot, /lib/modules and headers.
lab_kroot() {
	[ -n "${LAB_KROOT:-}" ] || return 0
	[ -d "$LAB_KROOT/boot" ] || lab_die "LAB_KROOT=$LAB_KROOT has no boot/ (see scripts/fetch-kernel-image.sh)"
	(cd "$LAB_KROOT" && pwd)
}

# lab_kver KROOT: LAB_KVER; else, on the host's own root, the kernel of Debian's
# linux-image-amd64 (upstream's dkms modules, the interop oracle, are built for it); else the
# newest kernel under KROOT with an image and its modules.
lab_kver() {
	local kroot=$1 img ver found=''
	if [ -n "${LAB_KVER:-}" ]; then
		echo "$LAB_KVER"
		return
	fi
	if [ -z "$kroot" ]; then
		ver=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
			sed -n 's/.*linux-image-\([^ ,]*\).*/\1/p')
		if [ -n "$ver" ] && [ -e "/boot/vmlinuz-$ver" ]; then
			echo "$ver"
			return
		fi
	fi
	for img in "$kroot"/boot/vmlinuz-*; do
		ver=${img#"$kroot"/boot/vmlinuz-}
		[ -d "$kroot/lib/modules/$ver/kernel" ] && found+="$ver"$'\n'
	done
	found=$(printf '%s' "$found" | sort -V | tail -n 1)
	[ -n "$found" ] || lab_die "no kernel image with modules in ${kroot:-/}boot (install linux-image-amd64)"
	echo "$found"
}

# lab_kmod_stale DIR: a private module build is missing or older than kmod-c/'s sources or
# make's Rust object (a newer one means the Rust core changed).
lab_kmod_stale() {
	[ -e "$1/.built" ] || return 0
	[ -n "$(find "$lab_repo/kmod-c" -maxdepth 2 \( -name '*.[ch]' ! -name '*.mod.c' -o -name Kbuild \
		-o -name xa_shim_core.o \) -newer "$1/.built")" ]
}

# lab_ours KVER [KDIR]: sets lab_kmod_dir, our modules for KVER: kmod-c/ when `make` built
# them for KVER, else a private build in out/kmod-KVER against KDIR (default
# /lib/modules/KVER/build; make's KDIR may name another kernel; with LAB_CHROOT, KDIR is
# /usr/src/linux-headers-KVER in that chroot and kbuild runs there). Warns about pieces not
# built at all: the tests that need them fail. LAB_KMOD_DIR names modules built elsewhere (e.g.
# by DKMS), used as they are.
lab_ours() {
	local kver=$1 kdir=${2:-/lib/modules/$1/build} built f missing='' dir chroot=()
	if [ -n "${LAB_KMOD_DIR:-}" ]; then
		lab_kmod_dir=$(cd "$LAB_KMOD_DIR" && pwd) || lab_die "no module directory $LAB_KMOD_DIR"
		built=$(modinfo -F vermagic "$lab_kmod_dir/xt_SYSRQ.ko" 2>/dev/null | cut -d' ' -f1)
		[ "$built" = "$kver" ] || lab_die "$LAB_KMOD_DIR/xt_SYSRQ.ko is built for '${built}', not $kver"
		return 0
	fi
	built=$(modinfo -F vermagic "$lab_repo/kmod-c/xt_SYSRQ.ko" 2>/dev/null | cut -d' ' -f1)
	lab_kmod_dir=$lab_repo/kmod-c
	if [ -n "${LAB_CHROOT:-}" ]; then
		kdir=/usr/src/linux-headers-$kver
		chroot=(--chroot "$LAB_CHROOT")
		[ -d "$LAB_CHROOT$kdir" ] || lab_die "the chroot $LAB_CHROOT has no $kdir (scripts/make-chroot.sh)"
	fi
	if [ -n "$built" ] && [ "$built" != "$kver" ]; then
		[ -d "${LAB_CHROOT:-}$kdir" ] || lab_die "kmod-c/ is built for $built, and $kver has no headers in $kdir"
		dir=$lab_out/kmod-$kver
		lab_kmod_dir=$dir
		if lab_kmod_stale "$dir"; then
			echo "vm lab: kmod-c/ is built for $built; building our modules for $kver in $dir"
			"$lab_repo/scripts/build-modules.sh" "${chroot[@]}" "$kdir" "$dir" ||
				lab_die "building our modules for $kver failed"
			touch "$dir/.built"
		fi
	fi
	for f in xa_shim.ko xt_SYSRQ.ko; do
		[ -e "$lab_kmod_dir/$f" ] || missing+=" kmod-c/$f"
	done
	for f in libxt_SYSRQ.so send_sysrq; do
		[ -e "$lab_repo/target/release/$f" ] || missing+=" target/release/$f"
	done
	[ -z "$missing" ] || echo "vm lab: not built:$missing (run make); the tests that need them fail" >&2
}

# lab_backends CONFIG: the iptables backends the kernel supports, as the guest's BACKENDS
# ("legacy nft" or "nft"). Since 6.17 the legacy ip_tables core is optional
# (CONFIG_NETFILTER_XTABLES_LEGACY); before, it was there whenever CONFIG_IP_NF_IPTABLES was.
# LAB_BACKENDS=nft narrows the choice (a kernel without the legacy core, simulated).
lab_backends() {
	local config=$1 backends=''
	[ -r "$config" ] || lab_die "cannot read the kernel configuration $config"
	if grep -q 'CONFIG_NETFILTER_XTABLES_LEGACY[= ]' "$config"; then
		! grep -qx 'CONFIG_NETFILTER_XTABLES_LEGACY=y' "$config" || backends=legacy
	elif grep -qE '^CONFIG_IP_NF_IPTABLES=[ym]$' "$config"; then
		backends=legacy
	fi
	if grep -qE '^CONFIG_NF_TABLES=[ym]$' "$config" && grep -qE '^CONFIG_NFT_COMPAT=[ym]$' "$config"; then
		backends="${backends:+$backends }nft"
	fi
	[ -n "$backends" ] || lab_die "$config: neither iptables backend (legacy core or nft_compat)"
	if [ -n "${LAB_BACKENDS:-}" ]; then
		case " $backends " in
		*" $LAB_BACKENDS "*) backends=$LAB_BACKENDS ;;
		*) lab_die "LAB_BACKENDS=$LAB_BACKENDS: the kernel's backends are: $backends" ;;
		esac
	fi
	echo "$backends"
}

# lab_selftest KVER KDIR: sets lab_selftest_dir, the lab's self-test module (selftest/) built for
# KVER in out/selftest-KVER, rebuilt when its source changes. KDIR as lab_ours takes it; with
# LAB_CHROOT, kbuild runs in that chroot against its headers.
lab_selftest() {
	local kver=$1 kdir=${2:-/lib/modules/$1/build} kbuild=(make)
	if [ -n "${LAB_CHROOT:-}" ]; then
		kdir=/usr/src/linux-headers-$kver
		kbuild=("$lab_repo/scripts/in-chroot.sh" "$LAB_CHROOT" make)
	fi
	lab_selftest_dir=$lab_out/selftest-$kver
	[ -z "$(find "$lab_here/selftest" -newer "$lab_selftest_dir/.built" 2>/dev/null)" ] &&
		[ -e "$lab_selftest_dir/.built" ] && return
	rm -rf "$lab_selftest_dir"
	mkdir -p "$lab_selftest_dir"
	cp "$lab_here"/selftest/* "$lab_selftest_dir/"
	"${kbuild[@]}" -s -C "$kdir" M="$lab_selftest_dir" modules >&2 ||
		lab_die "building the lab's self-test module for $kver failed"
	touch "$lab_selftest_dir/.built"
}

# lab_prepare: sets lab_kroot, lab_kver, lab_kernel, lab_initrd (built now), and lab_logs (and
# lab_logs_rel, as messages show it), where the boots' logs go: out/ for the host's kernels,
# out/KVER/ for one under LAB_KROOT; and lab_backends, the iptables backends the guest tests.
lab_prepare() {
	local kdir=''
	command -v qemu-system-x86_64 >/dev/null || lab_die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	lab_kroot=$(lab_kroot)
	lab_kver=$(lab_kver "$lab_kroot")
	lab_kernel=$lab_kroot/boot/vmlinuz-$lab_kver
	[ -r "$lab_kernel" ] || lab_die "cannot read $lab_kernel"
	lab_backends=$(lab_backends "$lab_kroot/boot/config-$lab_kver")
	lab_logs=$lab_out
	if [ -n "$lab_kroot" ]; then
		kdir=$lab_kroot/usr/src/linux-headers-$lab_kver
		lab_logs=$lab_out/$lab_kver
	fi
	lab_logs_rel=${lab_logs#"$lab_repo/"}
	mkdir -p "$lab_out" "$lab_logs"
	# One run per log directory (a kernel root's, or out/ for the host's kernels) at a time
	# until the run ends: its runs share the module build and the log names; one preparation
	# at a time (the guest tools and their image are shared by every kernel's runs) until
	# lab_prepared.
	exec 8>"$lab_logs/.run.lock"
	if ! flock -n 8; then
		echo "vm lab: another lab run with logs in $lab_logs_rel is in progress; waiting for it"
		flock 8
	fi
	exec 9>"$lab_out/.lock"
	flock 9
	lab_ours "$lab_kver" "$kdir"
	lab_selftest "$lab_kver" "${kdir:-/lib/modules/$lab_kver/build}"
	lab_initrd=$lab_out/initrd-$lab_kver.img
	"$lab_here/mkinitramfs.sh" --root "${lab_kroot:-/}" "$lab_kver" "$lab_initrd" "$lab_kmod_dir" "$lab_selftest_dir"
}

# lab_prepared: another kernel's run may prepare now (see lab_prepare).
lab_prepared() { exec 9>&-; }

# lab_slot: waits for one of LAB_SLOTS guest slots (run.sh sets the default), shared by every
# lab run on the machine, and holds it until the calling (sub)shell exits: make test runs three
# kernels' labs at once, never more guests than that.
lab_slot() {
	local i
	while :; do
		for ((i = 0; i < LAB_SLOTS; i++)); do
			exec {lab_slot_fd}>"$lab_out/.slot-$i"
			flock -n "$lab_slot_fd" && return
			exec {lab_slot_fd}>&-
		done
		sleep 1
	done
}

# lab_boot NAME SMP TIMEOUT JOB[,JOB...] [QEMU-ARG...]: boot the guest, run the jobs, power off.
# Leaves NAME.console.log (kernel console) and NAME.results.log (the jobs' report) in lab_logs.
# The lockup detectors are on, with thresholds for TCG on a shared host, where a slow or
# starved vCPU looks like a stuck CPU to the guest: a soft lockup (a CPU not scheduling, e.g. a
# loop with bottom halves off) is reported after 60 s (watchdog_thresh=30, Debian's 10 gives
# 20 s), an RCU stall after 120 s (Debian's 21 s fired falsely during boot), a hung task after
# 120 s (guest/init sets it). The NMI (hard lockup) watchdog is off: TCG has no PMU to drive it.
# no_timer_check: under heavy host load the boot-time IO-APIC timer check times out and panics
# (docs/notes/kernel-and-lab-surprises.md); TCG's timer is known good.
# See tests/vm/README.md. Returns qemu's status (124: timed out).
lab_boot() {
	local name=$1 smp=$2 timeout=$3 jobs=$4 rc=0
	local console=$lab_logs/$name.console.log results=$lab_logs/$name.results.log
	shift 4
	rm -f "$console" "$results"
	# The guest's host CPU time (user and system seconds) into NAME.cpu: a boot that uses much
	# less than its wall time waits (for a timer, a GC) and leaves its core to others.
	local TIMEFORMAT='%U %S'
	{ time timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m 512M \
		-display none -monitor none -nic none -no-reboot \
		-serial "file:$console" -serial "file:$results" \
		-kernel "$lab_kernel" -initrd "$lab_initrd" "$@" \
		-append "console=ttyS0 panic=-1 oops=panic rdinit=/init log_buf_len=8M \
rcupdate.rcu_cpu_stall_timeout=120 no_timer_check watchdog_thresh=30 nmi_watchdog=0 xavm_run=$jobs xavm_backends=${lab_backends// /,}" \
		</dev/null 2>&3 || rc=$?; } 3>&2 2>"$lab_logs/$name.cpu"
	touch "$console" "$results"
	sed -i 's/\r$//' "$results"
	return $rc
}

# lab_job_report NAME JOB: the PASS/FAIL lines of one job, and a FAIL if it did not finish,
# reported nothing, or stopped before calling `finish` (a test that cannot run fails).
lab_job_report() {
	local results=$lab_logs/$1.results.log job=$2 section
	section=$(sed -n "/^=== BEGIN $job\$/,/^=== END $job rc=/p" "$results")
	# Here-strings, not pipes: `grep -q` stops reading at the first match, and a large section
	# would then fail its writer with SIGPIPE, which pipefail turns into a false "no result".
	grep -E "^(PASS|FAIL) $job: " <<<"$section" || true
	if ! grep -q "^=== END $job rc=" <<<"$section"; then
		echo "FAIL $job: did not finish (guest crashed or timed out; see $lab_logs_rel/$1.console.log)"
	elif ! grep -qE "^(PASS|FAIL) $job: " <<<"$section"; then
		echo "FAIL $job: reported no result (see $lab_logs_rel/$1.results.log)"
	elif ! grep -qE "^# $job: [0-9]+ failure\(s\)\$" <<<"$section"; then
		echo "FAIL $job: stopped before its end (script error? see $lab_logs_rel/$1.results.log)"
	fi
}

# lab_boot_report NAME STATUS [EXPECTED,...]: FAIL lines for a timeout, a guest that did not
# finish, or any oops/BUG/WARNING/panic/lockup in the kernel console or the final dmesg; a
# self-test boot's EXPECTED reports (lab_expected_report) must be there instead (a PASS line
# each) and are no failure there.
lab_boot_report() {
	local name=$1 status=$2 expected=${3:-} kernel=$lab_logs/$1.kernel.log line want pattern
	[ "$status" -ne 124 ] || echo "FAIL boot $name: timed out"
	grep -q '^=== DONE$' "$lab_logs/$name.results.log" ||
		echo "FAIL boot $name: guest did not finish its jobs (see $lab_logs_rel/$name.console.log)"
	{ cat "$lab_logs/$name.console.log"; sed -n '/^=== DMESG$/,/^=== DONE$/p' "$lab_logs/$name.results.log"; } |
		{ grep -aE "$lab_kernel_errors" || true; } | sort -u >"$kernel"
	for want in ${expected//,/ }; do
		pattern=$(lab_expected_report "$want") || { echo "FAIL boot $name: unknown expected report $want"; continue; }
		if grep -q -- "$pattern" "$kernel"; then
			echo "PASS boot $name: the kernel reported the expected $want: $(grep -m 1 -- "$pattern" "$kernel")"
			grep -v -- "$pattern" "$kernel" >"$kernel.rest"
			mv "$kernel.rest" "$kernel"
		else
			echo "FAIL boot $name: the kernel did not report the expected $want (/$pattern/)"
		fi
	done
	head -n 20 "$kernel" | while IFS= read -r line; do echo "FAIL boot $name: kernel: $line"; done
	rm -f "$kernel"
}
