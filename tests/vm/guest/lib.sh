# SPDX-License-Identifier: GPL-2.0-only
# Guest-side library of the QEMU lab, sourced by every scenario (busybox sh).
# Results are lines "PASS <job>: <what>" and "FAIL <job>: <what>"; everything else a scenario
# prints is kept in the host's log for debugging. Busybox runs its own applets before $PATH,
# so kmod's tools are called by full path.

XAVM_JOB=${XAVM_JOB:-$(basename "$0" .sh)}
MODPROBE=/usr/sbin/modprobe
INSMOD=/usr/sbin/insmod
RMMOD=/usr/sbin/rmmod
MODINFO=/usr/sbin/modinfo
# Read by the shell itself here and below where it can: under TCG every process costs, and
# this runs in every scenario.
read -r STOCK_LIBDIR </etc/xtables-stock-libdir
# The iptables backends this kernel has (the host reads its configuration: since 6.17 the legacy
# core is optional): "legacy nft" or "nft". ONE_BACKEND is for what runs on one: legacy if any.
read -r BACKENDS </proc/cmdline
case $BACKENDS in
*xavm_backends=*)
	BACKENDS=${BACKENDS##*xavm_backends=}
	BACKENDS=${BACKENDS%% *}
	BACKENDS=${BACKENDS//,/ }
	;;
*) BACKENDS= ;;
esac
ONE_BACKEND=${BACKENDS%% *}
SYSRQ_PW=lab-secret-7
SYSRQ_PARAMS=/sys/module/xt_SYSRQ/parameters
xavm_fails=0
xavm_mark=0

pass() { echo "PASS $XAVM_JOB: $*"; }
fail() {
	echo "FAIL $XAVM_JOB: $*"
	xavm_fails=$((xavm_fails + 1))
}

# run CMD...: show a command and its output in the log.
run() {
	echo "+ $*"
	"$@"
}

# check WHAT CMD...: CMD must succeed.
check() {
	local what=$1
	shift
	if run "$@"; then pass "$what"; else fail "$what (failed: $*)"; fi
}

# check_fails WHAT CMD...: CMD must fail.
check_fails() {
	local what=$1
	shift
	if run "$@"; then fail "$what (succeeded: $*)"; else pass "$what"; fi
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '  expected: %s\n  actual:   %s\n' "$2" "$3"
	fi
}

# finish: the scenario's exit status (the host counts PASS/FAIL lines; this is for the log).
finish() {
	echo "# $XAVM_JOB: $xavm_fails failure(s)"
	[ "$xavm_fails" -eq 0 ]
}

# ---- iptables: $BE selects the backend (legacy or nft) ----
ipt() { /usr/sbin/iptables-"$BE" -w "$@"; }
ip6t() { /usr/sbin/ip6tables-"$BE" -w "$@"; }
ipt_save() { /usr/sbin/iptables-"$BE"-save "$@"; }
ip6t_save() { /usr/sbin/ip6tables-"$BE"-save "$@"; }
ipt_restore() { /usr/sbin/iptables-"$BE"-restore "$@"; }
ip6t_restore() { /usr/sbin/ip6tables-"$BE"-restore "$@"; }

# rules_of SAVE-OUTPUT: just the rule lines (no comments, counters or chain headers), of every
# table but raw, which holds only the lab's own counters (see arrived).
rules_of() { awk '/^\*/ { table = $1 } table != "*raw" && /^-A / { print }'; }

# use_plugins ours|upstream: which extension plugins iptables loads (stock ones stay visible).
use_plugins() {
	local p
	for p in /opt/"$1"/xtables/libxt_*.so; do break; done
	if [ ! -e "$p" ]; then
		fail "no $1 plugins in the image (not built?)"
		return 1
	fi
	export XTABLES_LIBDIR=/opt/$1/xtables:$STOCK_LIBDIR
}

# ---- interoperability with upstream's plugins and modules ----
# interop_listings PREFIX: keep -S, -L and save output of INPUT, both families, in /tmp/PREFIX.*
interop_listings() {
	ipt -S INPUT >/tmp/$1.S4
	ip6t -S INPUT >/tmp/$1.S6
	ipt -L INPUT -n >/tmp/$1.L4
	ip6t -L INPUT -n >/tmp/$1.L6
	ipt_save | rules_of >/tmp/$1.save4
	ip6t_save | rules_of >/tmp/$1.save6
}

# interop COMBO PLUGINS MODULES: on each backend, COMBO upstream upstream (upstream's plugins
# with upstream's modules), then upstream-ours and ours-upstream; COMBO P M sets the rules up,
# keeps their listings in /tmp/P-M.* (interop_listings P-M) and returns 1 if it could not.
# Each mixed pair must list exactly what upstream's pair lists. PLUGINS and MODULES are the
# words of the checks' names ("plugin module" for one extension).
interop() {
	local pair f
	for BE in $BACKENDS; do
		"$1" upstream upstream || continue
		for pair in upstream-ours ours-upstream; do
			"$1" ${pair%-*} ${pair#*-} || continue
			for f in S4 S6 L4 L6 save4 save6; do
				check_eq "$BE: ${pair%-*} $2 + ${pair#*-} $3: $f as upstream's" \
					"$(cat /tmp/upstream-upstream.$f)" "$(cat /tmp/$pair.$f)"
			done
		done
	done
}

# arrived SRC: packets from SRC (an address, or a network ADDR/LEN) that entered the guest's IP
# stack so far, counted by a rule of its own in $BE's raw PREROUTING (added on first use;
# lab_reset removes them), in the network namespace $IN enters when set (as for tcp_knock). A
# check that a packet did NOT open or trigger something compares this before and after, so a
# packet that never arrived cannot pass it. The filter table the scenarios inspect is left
# alone. Whatever else comes from SRC counts too: 127.0.0.1 or ::1 sending UDP to itself also
# receives the ICMP errors it answers.
arrived() {
	local t=iptables
	case $1 in *:*) t=ip6tables ;; esac
	t="${IN:-} /usr/sbin/$t-$BE -w"
	$t -t raw -C PREROUTING -s "$1" 2>/dev/null || $t -t raw -A PREROUTING -s "$1" || return 1
	$t -t raw -S PREROUTING -v 2>/dev/null |
		awk -v s="$1" '$4 == s || index($4, s "/") == 1 { for (i = 5; i < NF; i++) if ($i == "-c") { print $(i + 1); exit } }'
}

# wait_arrived SRC N: wait (at most 60 s) until `arrived SRC` reaches N.
wait_arrived() { wait_at_least "$2" arrived "$1"; }

# sent SRC N CMD...: run CMD, which sends N packets from SRC, then wait (at most 60 s) until they
# arrived: loopback may deliver them after CMD returned (a loaded guest defers its backlog to
# ksoftirqd). On one vCPU, loopback's backlog is one queue: what was sent before them arrived
# too. Fails, saying so, when CMD failed or they did not all arrive.
sent() {
	local src=$1 n=$2 before
	shift 2
	before=$(arrived "$src") || return 1
	"$@" || return 1
	wait_arrived "$src" $((before + n)) && return 0
	echo "sent: $n packet(s) from $src, $(($(arrived "$src") - before)) arrived within 60 s"
	return 1
}

# ---- waiting on state ----
# uptime_s: seconds since boot (scenarios move the wall clock; deadlines must not follow it).
uptime_s() {
	uptime_read
	echo "$xavm_uptime"
}
# uptime_read: xavm_uptime set to uptime_s's number by the shell itself, without a process (the
# waiting loops read it every 100 ms).
uptime_read() {
	local idle
	read -r xavm_uptime idle </proc/uptime
	xavm_uptime=${xavm_uptime%.*}
}

# wait_for SECONDS CMD...: wait until CMD succeeds; SECONDS is a deadline against a hang, never
# the expected time. Fails when CMD never succeeded.
wait_for() {
	local end
	uptime_read
	end=$((xavm_uptime + $1))
	shift
	until "$@"; do
		uptime_read
		[ "$xavm_uptime" -lt "$end" ] || return 1
		usleep 100000
	done
}

# listening PORT...: each PORT has a listening TCP socket (IPv4 or IPv6).
listening() {
	local p
	for p in "$@"; do
		awk -v p="$(printf ':%04X' "$p")" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 || return 1
	done
}

# tcp_syn SRC PORT: one TCP connect from SRC to 127.0.0.1:PORT under $IN, given up after 1 s
# (a knock: nothing need answer; it returns without waiting for the SYN to arrive).
tcp_syn() { ${IN:-} socat -T1 /dev/null TCP:127.0.0.1:$2,bind="$1",connect-timeout=1 2>/dev/null; }

# tcp_knock SRC PORT...: one TCP connect from SRC to 127.0.0.1 on each PORT, in that order (a
# knock: nothing need answer); run under $IN (e.g. "nsenter -t PID -n") when the caller sets it.
# Returns once every SYN arrived (a connect that timed out leaves its SYN on the backlog of a
# loaded guest); fails, saying so, when they did not within 60 s.
tcp_knock() {
	local src=$1 p n
	shift
	n=$(arrived "$src") || return 1
	for p in "$@"; do tcp_syn "$src" "$p"; done
	wait_arrived "$src" $((n + $#)) && return 0
	echo "tcp_knock: not every SYN from $src to $* arrived within 60 s"
	return 1
}

# dropped_to IPT-FUNCTION PORT: packets dropped so far by INPUT's DROP rules for TCP port PORT.
dropped_to() {
	"$1" -L INPUT -v -x -n | awk -v p="dpt:$2" '$3 == "DROP" { for (i = 4; i <= NF; i++) if ($i == p) n += $1 }
		END { print n + 0 }'
}

# tcp_answer SRC DST PORT: what a TCP connection from SRC to DST:PORT reads (the lab's servers
# answer "hi"): nothing when it was refused or when an INPUT rule "-p tcp --dport PORT -j DROP"
# dropped its SYN; "nothing from SRC arrived" when its SYN never arrived. Decided by state,
# not by a timeout: the answer, the connection's end or the DROP rule's counter, whichever
# comes first; after 60 s (a hang) it says so, which no check expects.
tcp_answer() {
	local src=$1 dst=$2 port=$3 t=ipt n before pid out=/tmp/tcp_answer.out end
	case $src in *:*) t=ip6t src="[$src]" dst="[$dst]" ;; esac
	n=$(arrived "$1")
	before=$(dropped_to $t "$port")
	# -u: only what the server sends; no half-close of stdin's end with its 0.5 s linger.
	socat -u -T60 TCP:"$dst:$port",bind="$src",connect-timeout=60 STDOUT >"$out" 2>/dev/null &
	pid=$!
	uptime_read
	end=$((xavm_uptime + 60))
	while kill -0 $pid 2>/dev/null; do
		[ "$(dropped_to $t "$port")" -gt "$before" ] && break
		uptime_read
		if [ "$xavm_uptime" -ge "$end" ]; then
			echo "no answer, end or drop within 60 s"
			break
		fi
		usleep 100000
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	cat "$out"
	[ "$(arrived "$1")" -gt "$n" ] || echo "nothing from $1 arrived"
}

# ---- kernel modules ----
# load_module ours|upstream NAME [PARAM=VALUE...]: insmod NAME from that variant, after its
# dependencies (same variant first, else in-tree through modprobe).
load_module() {
	local variant=$1 name=$2 ko dep deps cache
	shift 2
	ko=/opt/$variant/mod/$name.ko
	if [ ! -e "$ko" ]; then
		echo "load_module: $ko is not in the image (not built?)"
		return 1
	fi
	# A module's depends asked of modinfo once a boot (kept in /tmp, which the boot's scenarios
	# share): kmod's start-up costs more than reading a file under TCG.
	cache=/tmp/.xavm-depends-$variant-$name
	if [ -e "$cache" ]; then
		read -r deps <"$cache"
	else
		deps=$($MODINFO -F depends "$ko")
		echo "$deps" >"$cache"
	fi
	for dep in ${deps//,/ }; do
		grep -q "^$dep " /proc/modules && continue
		if [ -e "/opt/$variant/mod/$dep.ko" ]; then
			load_module "$variant" "$dep" || return 1
		else
			run $MODPROBE "$dep" || return 1
		fi
	done
	run $INSMOD "$ko" "$@"
}

# loaded NAME: is the module loaded?
loaded() { grep -q "^$1 " /proc/modules; }

# unload NAME...: rmmod each loaded one; rule teardown under nft releases references late.
# Busybox's rmmod while trying (the same delete_module call, without kmod's start-up, which
# costs under TCG); kmod's for the last try, whose message goes to the log.
unload() {
	local m tries
	for m in "$@"; do
		tries=0
		while ! rmmod "$m" 2>/dev/null && loaded "$m"; do
			tries=$((tries + 1))
			if [ $tries -ge 50 ]; then
				run $RMMOD "$m"
				return 1
			fi
			usleep 100000
		done
	done
}

# lab_reset: no rules in either backend, no module of either variant loaded.
lab_reset() {
	local be t raw
	# One --noflush restore a backend and family, whose -F and -X do what iptables -F and -X
	# do: an iptables run per table and command was 12 processes a reset under TCG.
	for be in $BACKENDS; do
		for t in ip ip6; do
			# The raw tables hold only arrived's counters. Flushed where they exist: touching a
			# legacy table creates it, and its hooks would then cost every later packet
			# (benchmarks); iptables-nft's flush of a missing table creates none.
			raw=
			if [ "$be" = nft ] || has_line raw /proc/net/${t}_tables_names; then
				raw='*raw
-F
COMMIT'
			fi
			/usr/sbin/${t}tables-$be-restore -w --noflush 2>/dev/null <<-EOF
				*filter
				-F
				-X
				COMMIT
				$raw
			EOF
		done
	done
	loaded_variants
	# shellcheck disable=SC2086 # one module name per word
	unload $xavm_loaded
	unset XTABLES_LIBDIR
}

# has_line LINE FILE: FILE (if it exists) has the line LINE (shell builtins: no process).
has_line() {
	local l
	[ -r "$2" ] || return 1
	while read -r l; do [ "$l" = "$1" ] && return 0; done <"$2"
	return 1
}

# loaded_variants: xavm_loaded set to the loaded modules of either variant in the order
# lab_reset unloads them: the extensions by name (upstream's xt_CHAOS holds xt_DELUDE and
# xt_TARPIT, which sort after it), then the cores the others depend on. Shell builtins only
# (/proc/modules read once; the variants' extensions listed once a shell): it runs in every
# lab_reset, some 160 times a kernel, and every process costs under TCG.
loaded_variants() {
	local name mod rest present=' '
	[ -n "${xavm_extensions+set}" ] || xavm_extensions=$(variant_extensions)
	while read -r mod rest; do present="$present$mod "; done </proc/modules
	xavm_loaded=
	for name in $xavm_extensions xa_rangedb xa_named xa_shim compat_xtables; do
		case $present in *" $name "*) xavm_loaded="$xavm_loaded $name" ;; esac
	done
}

# variant_extensions: the names of either variant's modules, but the cores, sorted.
variant_extensions() {
	local ko name
	for ko in /opt/ours/mod/*.ko /opt/upstream/mod/*.ko; do
		[ -e "$ko" ] || continue
		name=${ko##*/}
		name=${name%.ko}
		case $name in xa_shim | xa_rangedb | xa_named | compat_xtables) continue ;; esac
		echo "$name"
	done | sort -u
}

# backlog_drops: datagrams dropped on full backlogs so far (2nd column of softnet_stat, hex).
backlog_drops() {
	local total=0 hex
	for hex in $(awk '{ print $2 }' /proc/net/softnet_stat); do total=$((total + 0x$hex)); done
	echo $total
}

# ---- network namespaces ----
# ns_start [-r]: a new network namespace (with -r in a new user namespace too, root mapped to
# root), kept by a sleeping process $NS_PID (in the cgroup directory $NS_CGROUP when set), lo
# up inside; ns CMD... runs CMD in it, ns_stop ends it. Waits until unshare has left the
# host's namespace: entering it too early would run the commands on the host.
ns_start() {
	local tries=0
	if [ -n "${NS_CGROUP:-}" ]; then
		# shellcheck disable=SC2016,SC2048,SC2086 # $$ is the inner shell's; -r or nothing
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec unshare "$@"' sh "$NS_CGROUP" \
			$* -n sleep 600 &
	else
		# shellcheck disable=SC2048,SC2086 # -r or nothing
		unshare $* -n sleep 600 &
	fi
	NS_PID=$!
	# Until it runs sleep: unshare -r writes the user namespace's uid and gid maps after it
	# entered the namespaces, and nsenter -U fails (setgid: Invalid argument) before that.
	while [ "$(readlink /proc/$NS_PID/ns/net)" = "$(readlink /proc/self/ns/net)" ] ||
		[ "$(cat /proc/$NS_PID/comm 2>/dev/null)" != sleep ]; do
		[ $tries -lt 100 ] || return 1
		usleep 50000
		tries=$((tries + 1))
	done
	if [ "$1" = -r ]; then NS_ENTER='-U -n'; else NS_ENTER=-n; fi
	ns ip link set lo up
}
# shellcheck disable=SC2086 # NS_ENTER is two options for a user namespace
ns() { nsenter -t "$NS_PID" $NS_ENTER "$@"; }
ns_stop() {
	kill "$NS_PID"
	wait "$NS_PID" 2>/dev/null
}
# ns_ipt/ns_ip6t ARGS...: iptables/ip6tables of backend $BE in the namespace.
ns_ipt() { ns /usr/sbin/iptables-"$BE" -w "$@"; }
ns_ip6t() { ns /usr/sbin/ip6tables-"$BE" -w "$@"; }

# ---- instruction counts (scenarios with insn=yes; see tests/vm/insn/) ----
# insn_calibrate: the known answer the host checks in every such boot (two loops of 1000 and
# 1001000 iterations of 2 instructions: their user-mode counts must differ by exactly 2000000).
insn_calibrate() {
	check "insn: calibration phases" sh -c 'insn --spin 1000 "bench=calibrate spin=1000" &&
		insn --spin 1001000 "bench=calibrate spin=1001000"'
}

# insn_symbols: the running kernel's and modules' functions (/proc/kallsyms, about 3 MB) into the
# results log, for tests/vm/insn/profile.py to name the addresses of phases profiled with
# INSN_PROFILE=1 or `insn --profile` (Debian ships no System.map; module addresses change from
# one load to the next). Call it after the phases, while their modules are still loaded.
insn_symbols() {
	awk '$2 ~ /^[tTwW]$/ { print "insn-sym: " $0 }' /proc/kallsyms
}

# insn_reload IMPL MODULE [PARAM=VALUE...]: the legacy backend's rules flushed, MODULE and the
# cores unloaded, IMPL's MODULE loaded: what a benchmark needs between its modules. (lab_reset's
# sweep of both backends and every module costs seconds of TCG each time.)
insn_reload() {
	local impl=$1 mod=$2
	shift 2
	/usr/sbin/iptables-legacy -w -F
	/usr/sbin/ip6tables-legacy -w -F
	unload "$mod" xa_shim compat_xtables && load_module "$impl" "$mod" "$@"
}

# insn_rules N RULE: a filter table for *-restore: N INPUT rules RULE (a printf format: %d is
# the rule's index, e.g. in a table name), then a DROP of all UDP: benchmark datagrams end
# there, not in UDP's port-unreachable reply (rate-limited by time, which would make the counts
# depend on the host's speed). One restore, not N iptables runs: those cost seconds under TCG.
insn_rules() {
	local r=0
	echo '*filter'
	while [ $r -lt "$1" ]; do
		# shellcheck disable=SC2059 # RULE is the format
		printf -- "-A INPUT $2\n" $r
		r=$((r + 1))
	done
	echo '-A INPUT -p udp -j DROP'
	echo COMMIT
}

# insn_ruleset ipt|ip6t N [RULE]: insn_rules N RULE restored, its counters zeroed (legacy
# iptables-restore keeps the counters of rules identical to the ones it replaces).
insn_ruleset() {
	local ipt=$1
	shift
	insn_rules "$@" | "${ipt}_restore" && "$ipt" -Z INPUT
}

# insn_rule_packets IPT-FUNCTION TARGET: the packet counter of INPUT's last rule with TARGET.
insn_rule_packets() { "$1" -L INPUT -v -x -n | awk -v t="$2" '$3 == t { n = $1 } END { print n + 0 }'; }

# insn_send LABEL N RAWUDP-ARG...: rawudp's N sends of its datagram (-n N) are the phase
# "LABEL packets=N" (-I: its own start and exit are not); loopback delivers each one before the
# send returns.
insn_send() {
	local label=$1 n=$2
	shift 2
	rawudp -I "$label packets=$n" -n "$n" "$@"
}

# ---- kernel log ----
# log_mark: start a new window of the kernel log (log_since shows it).
log_mark() {
	xavm_mark=$((xavm_mark + 1))
	echo "xavm: mark $XAVM_JOB $xavm_mark" >/dev/kmsg
}
log_since() { dmesg | sed -n "/xavm: mark $XAVM_JOB $xavm_mark\$/,\$p"; }
count_since() { log_since | grep -c -e "$1"; }

# ---- SYSRQ ----
# sysrq_load ours|upstream [PARAM=VALUE...]: load xt_SYSRQ, then sysrq_configure.
sysrq_load() {
	local variant=$1
	shift
	load_module "$variant" xt_SYSRQ "$@" && sysrq_configure
}

# sysrq_configure: the lab password, stored seqno 1000.
sysrq_configure() {
	printf '%s' "$SYSRQ_PW" >$SYSRQ_PARAMS/password || return 1
	echo 1000 >$SYSRQ_PARAMS/seqno
}

# sysrq_request KEYS SEQNO SALT DST PASSWORD [HASH]: upstream's documented shell recipe.
sysrq_request() {
	local req="$1,$2,$3"
	printf '%s' "$req,$(printf '%s' "$req,$4,$5" | "${6:-sha1}sum" | cut -d' ' -f1)"
}

# send4 SRC DST PAYLOAD [rawudp options]: one UDP datagram to port 9.
send4() {
	local src=$1 dst=$2 payload=$3
	shift 3
	rawudp -s "$src" -d "$dst" -m "$payload" "$@"
}
send6() {
	local src=$1 dst=$2 payload=$3
	shift 3
	rawudp -6 -s "$src" -d "$dst" -m "$payload" "$@"
}

# client ARGS...: our send_sysrq with the lab password.
client() {
	if [ ! -x /usr/sbin/send_sysrq ]; then
		echo "send_sysrq is not in the image (not built?)"
		return 1
	fi
	echo "+ send_sysrq --state-dir /tmp/send_sysrq $*"
	SYSRQ_PASSWORD=$SYSRQ_PW /usr/sbin/send_sysrq --state-dir /tmp/send_sysrq "$@"
}

# expect_handled WHAT N: exactly N SysRq 'h' handled since the last log_mark: the module's
# "xt_SYSRQ: SysRq h" line and the kernel's "sysrq: HELP" line N times each. Waits (at most
# 60 s) for N to show up: on a loaded host the guest may defer packets to ksoftirqd.
expect_handled() {
	local counts
	[ "$2" -eq 0 ] || wait_for 60 at_least "$2" count_since 'sysrq: HELP'
	usleep 200000
	# Both counts in one pass over the log window (a pass is three processes under TCG, and a
	# flood's window is megabytes): "MODULE HELP".
	counts=$(log_since | awk '/xt_SYSRQ: SysRq h$/ { m++ } /sysrq: HELP/ { h++ } END { print m + 0, h + 0 }')
	if [ "$counts" = "$2 $2" ]; then
		pass "$1"
	else
		fail "$1: expected $2 SysRq, saw ${counts% *} 'xt_SYSRQ: SysRq h' and ${counts#* } 'sysrq: HELP'"
		log_since | tail -n 20
	fi
}

# rule_packets IPT-FUNCTION [TARGET [CHAIN]]: packet counter of CHAIN's (default INPUT) first
# rule with target TARGET (default SYSRQ): proves a test packet reached the target, so
# "nothing handled" is not vacuous.
rule_packets() {
	"$1" -L "${3:-INPUT}" -v -x -n | awk -v t="${2:-SYSRQ}" '$3 == t { print $1; exit }'
}

# wait_rule_packets IPT-FUNCTION N [TARGET [CHAIN]]: wait (at most 60 s) until that counter
# reaches N, so a "nothing handled" check that follows looks after the target has seen the packet.
wait_rule_packets() { wait_at_least "$2" rule_packets "$1" "$3" "$4"; }

# wait_at_least N CMD...: wait until the number CMD prints reaches N (at most 60 s: a deadline
# against a hang, not the time it should take).
wait_at_least() {
	local n=$1
	shift
	wait_for 60 at_least "$n" "$@"
}
# at_least N CMD...: the number CMD prints is N or more.
at_least() {
	local n=$1
	shift
	[ "$("$@")" -ge "$n" ]
}

# expect_refused WHAT BEFORE [N [IPT-FUNCTION]]: the first SYSRQ rule's packet counter went from
# BEFORE to BEFORE+N (default 1; ipt), so the requests reached the target, and no SysRq was
# handled since the last log_mark. A request that never arrived would pass "nothing handled".
expect_refused() {
	local want=$(($2 + ${3:-1})) t=${4:-ipt}
	wait_rule_packets "$t" "$want"
	check_eq "$1: reached the rule" "$want" "$(rule_packets "$t")"
	expect_handled "$1: nothing handled" 0
}

# ---- ACCOUNT ----
# acc_reset: lab_reset, with xt_ACCOUNT (of either variant) unloaded before the cores.
acc_reset() {
	local be
	for be in $BACKENDS; do /usr/sbin/iptables-"$be" -w -F; done
	unload xt_ACCOUNT
	lab_reset
}

# acc_packets TABLE [IPTACCOUNT]: the packets TABLE counted so far, as sources plus as
# destinations (iptaccount -l, which does not flush; ours unless IPTACCOUNT is given). An exact
# check of a table waits until this reaches what was sent (wait_at_least), then reads it.
acc_packets() { "${2:-iptaccount}" -l "$1" | awk '$1 == "IP:" { n += $5 + $10 } END { print n + 0 }'; }

# ---- reply targets (TARPIT, DELUDE, CHAOS): pktprobe (tests/vm/tools/pktprobe.c) ----
# lo_captures: packet sockets bound to lo (/proc/net/packet). A pktprobe capture started in the
# background captures once there is one more: n=$(lo_captures), start it, then
# wait_at_least $((n + 1)) lo_captures before sending what it must see.
lo_captures() {
	awk -v i="$(cat /sys/class/net/lo/ifindex)" 'NR > 1 && $5 == i { n++ } END { print n + 0 }' /proc/net/packet
}

# seg FIELD...: for each segment line pktprobe printed (on stdin), the values of FIELDs (flags,
# seq, ack, win, ttl, len, sum), space-separated. One awk, not an echo and a sed per field: the
# reply scenarios ask for hundreds of fields, and every process costs under TCG.
seg() { seg_awk 0 "$@"; }

# segs: each segment line on stdin as "FLAGS SEQ ACK WIN TTL SUM"; a SYN-ACK's sequence number
# other than 0 shows as "isn" (random by design).
segs() { seg_awk 1 flags seq ack win ttl sum; }

# seg_awk ISN FIELD...: seg; with ISN 1, a SYN-ACK's seq field other than 0 prints as "isn".
seg_awk() {
	local isn=$1
	shift
	awk -v isn="$isn" -v fields="$*" 'BEGIN { n = split(fields, f, " ") }
		/^tcp / {
			for (i = 1; i <= n; i++) v[f[i]] = ""
			for (i = 2; i <= NF; i++) if ((e = index($i, "=")) > 1) v[substr($i, 1, e - 1)] = substr($i, e + 1)
			if (isn && v["flags"] == "SA" && v["seq"] != "0") v["seq"] = "isn"
			out = v[f[1]]
			for (i = 2; i <= n; i++) out = out " " v[f[i]]
			print out
		}'
}

# raw_answer TARGET WHAT FAMILY-OPT SRC DST FLAGS TEXT EXPECTED: one raw segment SRC:40000 ->
# DST:80 (seq 1000, ack 9000, FLAGS letters of FSRPAU, payload TEXT); its answers, as segs shows
# them, or "none", must be EXPECTED, and it must reach the TARGET rule (the counter; the stack's
# RST to an answer that finds no socket may move it once more).
raw_answer() {
	local target=$1 what=$2 fam=$3 src=$4 dst=$5 flags=$6 text=$7 expected=$8 t=ipt out got before
	[ "$fam" = -6 ] && t=ip6t
	before=$(rule_packets $t "$target")
	out=$(pktprobe tcp $fam -s "$src" -d "$dst" -p 80 -f "$flags" -q 1000 -a 9000 ${text:+-m "$text"})
	echo "$out"
	got=$(echo "$out" | segs)
	check_eq "$what" "$expected" "${got:-none}"
	check "$what: reached the rule" wait_rule_packets $t $((before + 1)) "$target"
}
