# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of the lab's guest instruction counts, sourced by run.sh after lab.sh: boots whose
# scenarios say insn=yes run under the insn-count TCG plugin (insn-count.c), which writes
# BOOT.insn.log beside the boot's other logs; insn_boot_report checks that file.

# The lab's known answer: the phases "bench=calibrate spin=N" (lib.sh's insn_calibrate) run N
# iterations of a 2-instruction user-mode loop, so two of them differ by exactly 2 x (N1 - N2).
insn_spin_small=1000
insn_spin_large=1001000

# insn_prepare: sets insn_plugin, the plugin built for the installed QEMU (the first build
# downloads QEMU's source package for its plugin header: see build.sh).
insn_prepare() {
	insn_plugin=$("$lab_here/insn/build.sh") || lab_die "cannot build the instruction-count plugin"
}

# insn_qemu_args NAME: sets insn_args, QEMU's options that load the plugin for boot NAME.
insn_qemu_args() {
	insn_args=(-plugin "file=$insn_plugin,out=$lab_logs/$1.insn.log" -icount shift=0,sleep=off)
}

# insn_user LOG LABEL: the user-mode count of the phase LABEL (one phase of that label).
insn_user() {
	awk -v l="label=$2" 'index($0, l) && substr($0, index($0, l)) == l {
		for (i = 1; i <= NF; i++) if ($i ~ /^user=/) print substr($i, 6) }' "$1"
}

# The most two measurements of one phase may differ (report.py's spread: (max - min) / median)
# in a boot with insn=repeat, within it and across its two boots.
insn_repeat_spread=2

# insn_repeat_boots: run.sh's boots with insn=repeat get a second boot right after them,
# BOOT-again, with the same scenarios (insn_repeat_report compares the two).
insn_repeat_boots() {
	local boot again all=()
	for boot in "${boots[@]}"; do
		all+=("$boot")
		[ "${boot_insn[$boot]:-}" = repeat ] || continue
		again=$boot-again
		all+=("$again")
		boot_jobs[$again]=${boot_jobs[$boot]}
		boot_smp[$again]=${boot_smp[$boot]}
		boot_timeout[$again]=${boot_timeout[$boot]}
		boot_expects[$again]=${boot_expects[$boot]:-}
		boot_insn[$again]=again
	done
	boots=("${all[@]}")
}

# insn_repeat_check NAME LOG...: PASS or FAIL lines of report.py's repeatability check (every
# phase and every per-packet figure within insn_repeat_spread, in each log and across them).
insn_repeat_check() {
	local name=$1 out
	shift
	out=$("$lab_here/insn/report.py" --max-spread "$insn_repeat_spread" "$@" 2>&1) ||
		grep -q '^FAIL ' <<<"$out" || out="FAIL insn: report.py failed: $out"
	sed "s/^\(PASS\|FAIL\) /\1 boot $name: /" <<<"$out"
}

# insn_repeat_report: appends to BOOT-again's report the comparison of each insn=repeat boot
# with its second boot.
insn_repeat_report() {
	local boot
	for boot in "${boots[@]}"; do
		[ "${boot_insn[$boot]:-}" = repeat ] || continue
		if [ -s "$lab_logs/$boot.insn.log" ] && [ -s "$lab_logs/$boot-again.insn.log" ]; then
			insn_repeat_check "$boot and $boot-again" \
				"$lab_logs/$boot.insn.log" "$lab_logs/$boot-again.insn.log"
		else
			echo "FAIL boot $boot-again: insn: no two plugin logs to compare"
		fi >>"$lab_logs/$boot-again.report"
	done
}

# insn_boot_report NAME: FAIL lines unless the plugin wrote a complete log without errors,
# counted every phase the guest reported ("insn: phase LABEL"), and gave the known answer.
insn_boot_report() {
	local name=$1 log=$lab_logs/$1.insn.log results=$lab_logs/$1.results.log small large missing
	if [ ! -s "$log" ]; then
		echo "FAIL boot $name: insn: no plugin log $lab_logs_rel/$name.insn.log"
		return
	fi
	grep -q '^exit ' "$log" || echo "FAIL boot $name: insn: the plugin log has no exit line (QEMU died?)"
	sed -n 's/^error /FAIL boot '"$name"': insn: /p' "$log"
	missing=$(comm -23 <(sed -n 's/^insn: phase //p' "$results" | sort) \
		<(sed -n 's/^phase .* label=//p' "$log" | sort) | head -n 5)
	[ -z "$missing" ] || echo "FAIL boot $name: insn: phases the plugin did not count: ${missing//$'\n'/, }"
	small=$(insn_user "$log" "bench=calibrate spin=$insn_spin_small")
	large=$(insn_user "$log" "bench=calibrate spin=$insn_spin_large")
	if [ -z "$small" ] || [ -z "$large" ]; then
		echo "FAIL boot $name: insn: no calibration phases (the scenario must call insn_calibrate)"
	elif [ $((large - small)) -ne $((2 * (insn_spin_large - insn_spin_small))) ]; then
		echo "FAIL boot $name: insn: calibration: user $large - $small is not" \
			"$((2 * (insn_spin_large - insn_spin_small)))"
	fi
	[ -z "${boot_insn[$name]#yes}" ] || insn_repeat_check "$name" "$log"
}
