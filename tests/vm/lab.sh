# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of the QEMU lab, sourced by run.sh and demo.sh: pick the kernel, build the
# initramfs, boot a guest that runs some jobs, and read back what it reported.

lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab_repo=$(cd "$lab_here/../.." && pwd)
lab_out=$lab_here/out
# Kernel messages that fail a run wherever they appear. A "Call Trace:" alone is not one: TCG
# guests on a busy host get RCU stall reports with traces; real stalls (over the 120 s set on
# the command line) and hung tasks still count.
lab_kernel_errors='Oops|BUG:|Kernel panic|WARNING:|general protection|stack-protector|UBSAN:|Unable to handle kernel|refcount_t:|list_(add|del) corruption|detected stalls|soft lockup|hard LOCKUP|blocked for more than'

lab_die() {
	echo "vm lab: $*" >&2
	exit 1
}

# lab_kver: LAB_KVER; else the kernel of Debian's linux-image-amd64 (upstream's dkms modules, the
# interop oracle, are built for it); else the newest kernel with an image and its modules.
lab_kver() {
	local img ver found=''
	if [ -n "${LAB_KVER:-}" ]; then
		echo "$LAB_KVER"
		return
	fi
	ver=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/.*linux-image-\([^ ,]*\).*/\1/p')
	if [ -n "$ver" ] && [ -e "/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		return
	fi
	for img in /boot/vmlinuz-*; do
		ver=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$ver/kernel" ] && found+="$ver"$'\n'
	done
	found=$(printf '%s' "$found" | sort -V | tail -n 1)
	[ -n "$found" ] || lab_die "no kernel image with modules in /boot (install linux-image-amd64)"
	echo "$found"
}

# lab_kmod_stale DIR: a private module build is missing or older than kmod-c/'s sources or
# make's Rust object (a newer one means the Rust core changed).
lab_kmod_stale() {
	[ -e "$1/.built" ] || return 0
	[ -n "$(find "$lab_repo/kmod-c" -maxdepth 2 \( -name '*.[ch]' ! -name '*.mod.c' -o -name Kbuild \
		-o -name xa_shim_core.o \) -newer "$1/.built")" ]
}

# lab_ours KVER: sets lab_kmod_dir, our modules for KVER: kmod-c/ when `make` built them for
# KVER, else a private build in out/kmod-KVER (make's KDIR may name another kernel). Warns
# about pieces not built at all: the tests that need them fail.
lab_ours() {
	local kver=$1 kdir=/lib/modules/$1/build built f missing='' dir
	built=$(modinfo -F vermagic "$lab_repo/kmod-c/xt_SYSRQ.ko" 2>/dev/null | cut -d' ' -f1)
	lab_kmod_dir=$lab_repo/kmod-c
	if [ -n "$built" ] && [ "$built" != "$kver" ]; then
		[ -d "$kdir" ] || lab_die "kmod-c/ is built for $built, and $kver has no headers in $kdir"
		dir=$lab_out/kmod-$kver
		lab_kmod_dir=$dir
		if lab_kmod_stale "$dir"; then
			echo "vm lab: kmod-c/ is built for $built; building our modules for $kver in $dir"
			rm -rf "$dir"
			mkdir -p "$dir"
			cp -r "$lab_repo/kmod-c/Kbuild" "$lab_repo/kmod-c/include" "$dir/"
			find "$lab_repo/kmod-c" -maxdepth 1 -name '*.c' ! -name '*.mod.c' -exec cp {} "$dir/" \;
			"$lab_repo/shim/kernel/build-object.sh" "$kdir" "$dir/xa_shim_core.o" >&2 ||
				lab_die "building the Rust object for $kver failed"
			make -s -C "$kdir" M="$dir" modules >&2 || lab_die "building our modules for $kver failed"
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

# lab_prepare: sets lab_kver, lab_kernel and lab_initrd (built now).
lab_prepare() {
	command -v qemu-system-x86_64 >/dev/null || lab_die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	lab_kver=$(lab_kver)
	lab_kernel=/boot/vmlinuz-$lab_kver
	[ -r "$lab_kernel" ] || lab_die "cannot read $lab_kernel"
	mkdir -p "$lab_out"
	# One run at a time: runs share the image, the module build and the log names.
	exec 9>"$lab_out/.lock"
	if ! flock -n 9; then
		echo "vm lab: another lab run is in progress; waiting for it"
		flock 9
	fi
	lab_ours "$lab_kver"
	lab_initrd=$lab_out/initrd-$lab_kver.img
	"$lab_here/mkinitramfs.sh" "$lab_kver" "$lab_initrd" "$lab_kmod_dir"
}

# lab_boot NAME SMP TIMEOUT JOB[,JOB...]: boot the guest, run the jobs, power off.
# Leaves out/NAME.console.log (kernel console) and out/NAME.results.log (the jobs' report).
# The lockup detectors are off and RCU stalls are reported after 120 s, not 21: a vCPU thread
# starved by the host looks like a stuck CPU to the guest. A real hang hits the timeout.
# Returns qemu's status (124: timed out).
lab_boot() {
	local name=$1 smp=$2 timeout=$3 jobs=$4 rc=0
	local console=$lab_out/$name.console.log results=$lab_out/$name.results.log
	rm -f "$console" "$results"
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m 512M \
		-display none -monitor none -nic none -no-reboot \
		-serial "file:$console" -serial "file:$results" \
		-kernel "$lab_kernel" -initrd "$lab_initrd" \
		-append "console=ttyS0 panic=-1 oops=panic rdinit=/init log_buf_len=8M \
rcupdate.rcu_cpu_stall_timeout=120 nowatchdog xavm_run=$jobs" \
		</dev/null || rc=$?
	touch "$console" "$results"
	sed -i 's/\r$//' "$results"
	return $rc
}

# lab_job_report NAME JOB: the PASS/FAIL lines of one job, and a FAIL if it did not finish,
# reported nothing, or stopped before calling `finish` (a test that cannot run fails).
lab_job_report() {
	local results=$lab_out/$1.results.log job=$2 section
	section=$(sed -n "/^=== BEGIN $job\$/,/^=== END $job rc=/p" "$results")
	printf '%s\n' "$section" | grep -E "^(PASS|FAIL) $job: " || true
	if ! printf '%s\n' "$section" | grep -q "^=== END $job rc="; then
		echo "FAIL $job: did not finish (guest crashed or timed out; see tests/vm/out/$1.console.log)"
	elif ! printf '%s\n' "$section" | grep -qE "^(PASS|FAIL) $job: "; then
		echo "FAIL $job: reported no result (see tests/vm/out/$1.results.log)"
	elif ! printf '%s\n' "$section" | grep -qE "^# $job: [0-9]+ failure\(s\)\$"; then
		echo "FAIL $job: stopped before its end (script error? see tests/vm/out/$1.results.log)"
	fi
}

# lab_boot_report NAME STATUS: FAIL lines for a timeout, a guest that did not finish, or
# any oops/BUG/WARNING/panic in the kernel console or the final dmesg.
lab_boot_report() {
	local name=$1 status=$2 line
	[ "$status" -ne 124 ] || echo "FAIL boot $name: timed out"
	grep -q '^=== DONE$' "$lab_out/$name.results.log" ||
		echo "FAIL boot $name: guest did not finish its jobs (see tests/vm/out/$name.console.log)"
	{ cat "$lab_out/$name.console.log"; sed -n '/^=== DMESG$/,/^=== DONE$/p' "$lab_out/$name.results.log"; } |
		{ grep -aE "$lab_kernel_errors" || true; } | sort -u | head -n 20 |
		while IFS= read -r line; do echo "FAIL boot $name: kernel: $line"; done
}
