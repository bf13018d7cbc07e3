#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: the live SYSRQ demo in the QEMU lab. Boots Debian's kernel, where stock iptables
# inserts a -j SYSRQ rule through our plugin, send_sysrq sends an authenticated request, the
# kernel log shows the SysRq handled, and a byte-for-byte replay is refused. Prints the guest's
# transcript; exits non-zero if a step fails or the kernel logs an oops/BUG/WARNING/panic.
set -euo pipefail
case ${1:-} in
-h | --help)
	echo "Usage: tests/vm/demo.sh   (after make; LAB_KVER=VERSION picks the kernel)"
	exit 0
	;;
"") ;;
*) echo "demo.sh: no arguments expected (see --help)" >&2; exit 2 ;;
esac

. "$(dirname "$0")/lab.sh"

lab_prepare
echo "Booting Debian's kernel $lab_kver in QEMU (TCG, no KVM): about 10 seconds..."
status=0
lab_boot demo 1 180 demo || status=$?
sed -n '/^=== BEGIN demo$/,/^=== END demo rc=/p' "$lab_logs/demo.results.log" | sed '1d;$d' | grep -v '^+ '
report=$( { lab_job_report demo demo; lab_boot_report demo "$status"; } )
failed=$(printf '%s\n' "$report" | grep -c '^FAIL ' || true)
echo
if [ "$failed" -eq 0 ]; then
	echo "Demo complete: the request was handled, the replay refused, no kernel warnings."
	echo "(full logs: tests/vm/out/demo.console.log, tests/vm/out/demo.results.log)"
else
	printf '%s\n' "$report" | grep '^FAIL '
	echo "Demo FAILED (logs: tests/vm/out/demo.console.log, tests/vm/out/demo.results.log)"
	exit 1
fi
