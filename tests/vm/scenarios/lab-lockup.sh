#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=lab-lockup smp=1 timeout=240 expects=soft-lockup,hung-task
# The lab's self-test of its lockup detectors, in a boot of its own (expects= lets exactly these
# two reports pass in this boot, and nowhere else): the detectors are on with the lab's
# thresholds; a loop with bottom halves off for 100 s, past the 60 s after which the lab reports
# a soft lockup, is reported; a task sleeping uninterruptibly past the hung-task timeout (lowered
# to 10 s in this boot only) is reported. The self-test module (tests/vm/selftest/) does
# either, then refuses to stay loaded.
. /vm/lib.sh
MOD=/opt/lab/mod/xa_lab_lockup.ko

check_eq "the lockup detectors are on (nowatchdog would turn them off)" 1 "$(cat /proc/sys/kernel/watchdog)"
check_eq "the soft-lockup detector is on" 1 "$(cat /proc/sys/kernel/soft_watchdog)"
check_eq "watchdog_thresh is the lab's 30 (a report after 60 s)" 30 "$(cat /proc/sys/kernel/watchdog_thresh)"
check_eq "the hung-task timeout is the lab's 120 s" 120 "$(cat /proc/sys/kernel/hung_task_timeout_secs)"

log_mark
check_fails "100 s with bottom halves off (the module refuses to stay loaded)" $INSMOD $MOD mode=spin seconds=100
check_eq "the spin ran to its end" 1 "$(count_since 'xa_lab_lockup: spin for 100 s done')"
check "the soft-lockup detector reported it" [ "$(count_since 'BUG: soft lockup')" -ge 1 ]

echo 10 >/proc/sys/kernel/hung_task_timeout_secs
log_mark
check_fails "30 s in an uninterruptible sleep (the module refuses to stay loaded)" $INSMOD $MOD mode=sleep seconds=30
check "the hung-task detector reported it (timeout 10 s)" [ "$(count_since 'blocked for more than 10 seconds')" -ge 1 ]
echo 120 >/proc/sys/kernel/hung_task_timeout_secs
finish
