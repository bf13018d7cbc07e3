#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The QEMU lab: boot Debian's kernel under TCG and run tests/vm/scenarios/*.sh in the guest.
# Scenarios sharing a boot (header line "# xavm: boot=NAME smp=N timeout=SECONDS
# [needs=WHAT[,WHAT]] [expects=REPORT[,REPORT]] [insn=yes|repeat]") run one after the other in a
# single guest; expects= marks a self-test boot whose kernel must report a lockup (lab.sh's
# lab_expected_report): there, and only there, that report passes instead of failing; insn=yes
# boots it under the instruction-count plugin (tests/vm/insn/), insn=repeat twice, checking that
# its counts repeat within 2 % (tests/vm/insn/lab.sh). Prints every PASS/FAIL line,
# then "N passed, M failed"; exits non-zero on any failure, any oops/BUG/WARNING/panic in the
# guest's kernel log, or a timeout.
set -euo pipefail

usage() {
	cat <<EOF
Usage: tests/vm/run.sh [--only SCENARIO]... [--skip PATTERN]... [--without NEED]... [--kernel-root DIR]
                       [--build-chroot DIR] [--modules DIR] [--list] [--help]
Run the QEMU lab scenarios (tests/vm/scenarios/*.sh); expects 'make' to have run.
  --only SCENARIO    run only this scenario (repeatable; name without .sh)
  --skip PATTERN     leave out, and list, the scenarios whose name matches PATTERN (a shell glob,
                     e.g. '*-bench'; repeatable)
  --without NEED     leave out, and list, the scenarios declaring needs=NEED (repeatable);
                     NEED: $known_needs
  --kernel-root DIR  boot a kernel unpacked under DIR by scripts/fetch-kernel-image.sh
                     (DIR/boot, DIR/lib/modules, DIR/usr/src/linux-headers-*; same as LAB_KROOT=DIR)
  --build-chroot DIR build our modules for it in the chroot DIR (scripts/make-chroot.sh), which has
                     the kernel's compiler and headers (same as LAB_CHROOT=DIR)
  --modules DIR      our modules from DIR (e.g. what DKMS built), not make's (same as LAB_KMOD_DIR=DIR)
  --list             list the scenarios and their boots, then exit
Environment: LAB_KVER=VERSION boots vmlinuz-VERSION (default: linux-image-amd64's kernel, or
  the newest under the kernel root); LAB_SLOTS=N: at most N guests at a time on the machine,
  for all lab runs together (default 2; tests/vm/demo.sh's guest takes none); LAB_JOBS=N:
  this run's guests at a time (default LAB_SLOTS); LAB_TIMEOUT_FACTOR=N multiplies each boot's
  timeout (default 1);
  LAB_BACKENDS=nft tests only that iptables backend (default: those the kernel's configuration
  has; since 6.17 the legacy one is optional).
Logs: tests/vm/out/ (tests/vm/out/KVER/ for a --kernel-root kernel): <boot>.console.log
  (kernel console), <boot>.results.log (guest report).
EOF
}

. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/insn/lab.sh"

# What a scenario may need beyond our own build and the stock system: upstream's dkms modules
# exist only for the host's installed kernels (and fail to build on newer ones).
known_needs='upstream-modules'

only=()
skip=()
without=()
list=false
while [ $# -gt 0 ]; do
	case $1 in
	--only) [ $# -ge 2 ] || { usage >&2; exit 2; }; only+=("$2"); shift 2 ;;
	--only=*) only+=("${1#--only=}"); shift ;;
	--skip) [ $# -ge 2 ] || { usage >&2; exit 2; }; skip+=("$2"); shift 2 ;;
	--skip=*) skip+=("${1#--skip=}"); shift ;;
	--without) [ $# -ge 2 ] || { usage >&2; exit 2; }; without+=("$2"); shift 2 ;;
	--without=*) without+=("${1#--without=}"); shift ;;
	--kernel-root) [ $# -ge 2 ] || { usage >&2; exit 2; }; export LAB_KROOT=$2; shift 2 ;;
	--kernel-root=*) export LAB_KROOT=${1#--kernel-root=}; shift ;;
	--build-chroot) [ $# -ge 2 ] || { usage >&2; exit 2; }; export LAB_CHROOT=$2; shift 2 ;;
	--build-chroot=*) export LAB_CHROOT=${1#--build-chroot=}; shift ;;
	--modules) [ $# -ge 2 ] || { usage >&2; exit 2; }; export LAB_KMOD_DIR=$2; shift 2 ;;
	--modules=*) export LAB_KMOD_DIR=${1#--modules=}; shift ;;
	--list) list=true; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done

# header SCENARIO-FILE KEY DEFAULT: a value of the "# xavm:" header line.
header() {
	local v
	v=$(sed -n 's/^# xavm:.*\<'"$2"'=\([^ ]*\).*/\1/p' "$1" | head -n 1)
	echo "${v:-$3}"
}

# known_need NEED: is NEED one run.sh knows?
known_need() { grep -qxF "$1" <<<"${known_needs// /$'\n'}"; }
for need in "${without[@]}"; do
	known_need "$need" || lab_die "--without $need: unknown (known: $known_needs)"
done

declare -A boot_jobs boot_smp boot_timeout boot_expects boot_insn
boots=()
left_out=()
for f in "$lab_here"/scenarios/*.sh; do
	job=$(basename "$f" .sh)
	needs=$(header "$f" needs '')
	for need in ${needs//,/ }; do
		known_need "$need" || lab_die "$f: needs=$need: unknown (known: $known_needs)"
	done
	if [ ${#only[@]} -gt 0 ]; then
		printf '%s\n' "${only[@]}" | grep -qxF "$job" || continue
	fi
	skipped=false
	for pattern in "${skip[@]}"; do
		# shellcheck disable=SC2254 # the pattern is a glob on purpose
		case $job in $pattern) skipped=true ;; esac
	done
	if $skipped; then
		left_out+=("$job (--skip)")
		continue
	fi
	if [ ${#without[@]} -gt 0 ] && grep -qxF -f <(printf '%s\n' "${without[@]}") <<<"${needs//,/$'\n'}"; then
		left_out+=("$job (needs $needs)")
		continue
	fi
	boot=$(header "$f" boot "$job")
	smp=$(header "$f" smp 1)
	timeout=$(header "$f" timeout 240)
	expects=$(header "$f" expects '')
	for report in ${expects//,/ }; do
		lab_expected_report "$report" >/dev/null || lab_die "$f: expects=$report: unknown"
	done
	if [ -z "${boot_jobs[$boot]:-}" ]; then
		boots+=("$boot")
		boot_jobs[$boot]=$job
		boot_smp[$boot]=$smp
		boot_timeout[$boot]=60 # the boot itself
		boot_expects[$boot]=$expects
	else
		boot_jobs[$boot]+=",$job"
		[ "${boot_smp[$boot]}" = "$smp" ] || lab_die "$f: smp=$smp, but boot $boot already has smp=${boot_smp[$boot]}"
		# What a self-test boot lets pass must not reach other scenarios' boots.
		[ "${boot_expects[$boot]}" = "$expects" ] || lab_die "$f: expects=$expects, but boot $boot has expects=${boot_expects[$boot]}"
	fi
	boot_timeout[$boot]=$((boot_timeout[$boot] + timeout))
	case $(header "$f" insn no) in
	yes | repeat) boot_insn[$boot]=$(header "$f" insn no) ;;
	no) ;;
	*) lab_die "$f: insn=$(header "$f" insn no): yes, repeat or no" ;;
	esac
done
insn_repeat_boots
# Longest first (tests/vm/boot-seconds): with LAB_JOBS guests at a time, a long boot started last
# keeps the run going while the other slots idle. Unlisted boots first, then the list's order.
mapfile -t boots < <(for boot in "${boots[@]}"; do
	awk -v b="$boot" '$1 == b { s = $2 } END { print (s == "" ? 1000000 : s), b }' "$lab_here/boot-seconds"
done | sort -s -k1,1nr | cut -d' ' -f2)
for name in "${only[@]}"; do
	[ -e "$lab_here/scenarios/$name.sh" ] || lab_die "no scenario $name (see --list)"
done
# The selection is explicit: what --without leaves out is listed on every run.
for job in "${left_out[@]}"; do echo "vm lab: left out: $job"; done
[ ${#boots[@]} -gt 0 ] || lab_die "no scenarios to run"

if $list; then
	for boot in "${boots[@]}"; do
		echo "boot $boot (smp ${boot_smp[$boot]}, timeout ${boot_timeout[$boot]}s${boot_insn[$boot]:+, insn=${boot_insn[$boot]}}):" \
			"${boot_jobs[$boot]//,/ }"
	done
	exit 0
fi

start=$SECONDS
lab_prepare
# (An associative array never assigned is unset: ${#boot_insn[@]} would fail under set -u.)
[ -z "${boot_insn[*]:-}" ] || insn_prepare
lab_prepared
echo "vm lab: kernel $lab_kver, initramfs $(du -h "$lab_initrd" | cut -f1), ${#boots[@]} boot(s), iptables backends: $lab_backends"
report=$lab_logs/report.txt
: >"$report"
# A boot whose report is missing must not count an earlier run's.
for boot in "${boots[@]}"; do rm -f "$lab_logs/$boot.report"; done

# run_boot BOOT: boot one guest when a slot is free; its report goes to BOOT.report in lab_logs.
run_boot() {
	local boot=$1 t0 status=0 job insn_args=()
	lab_slot
	t0=$SECONDS
	[ -z "${boot_insn[$boot]:-}" ] || insn_qemu_args "$boot"
	lab_boot "$boot" "${boot_smp[$boot]}" "$((boot_timeout[$boot] * timeout_factor))" "${boot_jobs[$boot]}" \
		"${insn_args[@]}" || status=$?
	{
		for job in ${boot_jobs[$boot]//,/ }; do lab_job_report "$boot" "$job"; done
		lab_boot_report "$boot" "$status" "${boot_expects[$boot]}"
		[ -z "${boot_insn[$boot]:-}" ] || insn_boot_report "$boot"
	} >"$lab_logs/$boot.report"
	echo "vm lab: boot $boot: $((SECONDS - t0))s, cpu $(awk '{ printf "%.0f", $1 + $2 }' "$lab_logs/$boot.cpu")s ($(sed -n 's/^=== END \([^ ]*\) rc=[0-9]* seconds=\(.*\)/\1 \2s/p' \
		"$lab_logs/$boot.results.log" | paste -sd, - | sed 's/,/, /g'))"
}

# LAB_JOBS guests at a time (TCG runs a vCPU per host thread), each in one of the machine's
# LAB_SLOTS (lab_slot); reports print in boot order.
# Two slots by default: a core each on the machines we test on.
LAB_SLOTS=${LAB_SLOTS:-2}
[[ $LAB_SLOTS =~ ^[1-9][0-9]*$ ]] || lab_die "LAB_SLOTS must be a positive number, not '$LAB_SLOTS'"
# A boot's timeout (against a hung guest) times LAB_TIMEOUT_FACTOR: a guest sharing its core
# with other guests and builds runs slower (make test: up to 4x).
timeout_factor=${LAB_TIMEOUT_FACTOR:-1}
[[ $timeout_factor =~ ^[1-9][0-9]*$ ]] || lab_die "LAB_TIMEOUT_FACTOR must be a positive number, not '$timeout_factor'"
jobs_max=${LAB_JOBS:-$LAB_SLOTS}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || lab_die "LAB_JOBS must be a positive number, not '$jobs_max'"
for boot in "${boots[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
	run_boot "$boot" &
done
wait
insn_repeat_report
for boot in "${boots[@]}"; do
	cat "$lab_logs/$boot.report" 2>/dev/null || echo "FAIL boot $boot: no report (its run ended early; see the output above)"
done | tee "$report"
passed=$(grep -c '^PASS ' "$report" || true)
failed=$(grep -c '^FAIL ' "$report" || true)
echo "vm lab: total $((SECONDS - start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
