#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The xtables crate's plugin API, through libxtables and stock iptables, with the RSDEMO
# example match (tests/plugin/xt_RSDEMO.rs): every option kind and flag, errors reaching
# exit_err, print and save (quoting, round trip), and records from the "kernel" that are
# short or full of garbage.
. "$(dirname "$0")/../plugin/lib.sh"

cargo build --release --quiet -p xtables --example xt_RSDEMO || setup_failed "cargo build --example xt_RSDEMO failed"
so=$ROOT/target/release/examples/libxt_RSDEMO.so
dir=$(plugin_dir demo "$so")
drv() { XTABLES_LIBDIR=$dir "$DRIVER" -4 match RSDEMO "$@"; }
udp() { XTABLES_LIBDIR=$dir "$DRIVER" -4 -p 17 match RSDEMO "$@"; }

check "no panic path survives in the plugin" no_panic_path "$so"
check "links only libxtables and libc" needs_only "$so" libxtables.so.12 libc.so.6

# --- accepted options: init, print and save
check "all kinds parsed, printed and saved" output_is \
	'print: name:a b"c count:5 level:2|
save: --name "a b\"c" --count 5 --level 2 --port 80 --bytes 18446744073709551615 --loud|' \
	udp parse --name 'a b"c' --count 5 --level 2 --loud --port 80 --bytes 18446744073709551615
check "inverted option and repeated multi option" output_is \
	'print: ! name:ssh count:1 level:0|
save: ! --name ssh --count 1 --quiet|' drv parse ! --name ssh --quiet --quiet
check "alias --lvl sets --level" output_is \
	'print: name:x count:2 level:4|
save: --name x --count 2 --level 4|' drv parse --name x --lvl 4 --count 2
# (the shell re-reads the saved words: a name with a space, no backslash or quote)
check "save output parses back to the same rule" eval '
	saved=$(udp parse ! --name "x y" --count 7 --port 9 --quiet | sed -n "s/^save:\(.*\)|$/\1/p")
	[ -n "$saved" ] && eval "again=\$(udp parse $saved)" &&
	[ "$(echo "$again" | sed -n "s/^save:\(.*\)|$/\1/p")" = "$saved" ]'

# --- errors: libxtables' checks and the extension's own, all exit 2 through exit_err
while IFS='|' read -r args message; do
	# shellcheck disable=SC2086 # args are words
	check "error: $args" fails_with 2 "$message" drv parse $args
done <<'EOF'
--count 5|RSDEMO: option "--name" must be specified
--name x --count 0|RSDEMO: bad value for option "--count", or out of range (1-1000).
--name x --count 1001|RSDEMO: bad value for option "--count", or out of range (1-1000).
--name x --level 256 --count 1|RSDEMO: bad value for option "--level", or out of range (0-255).
--name x --port 5|RSDEMO: --port needs -p tcp or -p udp
--name x --bytes 18446744073709551616|RSDEMO: bad value for option "--bytes", or out of range
--name x --level 3|RSDEMO: option "--level" also requires "--count".
--name x --name y|RSDEMO: option "--name" can only be used once.
--name x --count 1 --lvl 1 --level 2|RSDEMO: option "--level" can only be used once.
--name x --quiet --loud|RSDEMO: option "--loud" cannot be used together with "--quiet".
--name x --loud --quiet|RSDEMO: option "--loud" cannot be used together with "--quiet".
! --count 3 --name x|RSDEMO: option "--count" cannot be inverted.
--name 0123456789abcdef|RSDEMO: --name "0123456789abcdef": 1 to 15 bytes
--name x --count 1 --loud|RSDEMO: --loud needs a --level above 0
EOF
check "error: port out of range" fails_with 2 \
	'RSDEMO: bad value for option "--port", or out of range (0-65535).' udp parse --name x --port 65536
check "protocol of the rule: tcp accepted" exits 0 env XTABLES_LIBDIR="$dir" \
	"$DRIVER" -4 -p 6 match RSDEMO parse --name x --port 5
check "protocol of the rule: ! udp refused" fails_with 2 '--port needs -p tcp or -p udp' \
	env XTABLES_LIBDIR="$dir" "$DRIVER" -4 -p '!17' match RSDEMO parse --name x --port 5
check "error: non-UTF-8 argument shown escaped" \
	fails_with 2 'RSDEMO: --name "\xff\xfe0123456789abcdef": 1 to 15 bytes' drv parse --name $'\xff\xfe0123456789abcdef'

# --- the same through stock iptables (unprivileged: it stops before touching the kernel)
for bin in iptables-legacy iptables-nft; do
	check "$bin -m RSDEMO --help shows the help" \
		help_shows "--loud        needs --level above 0; not with --quiet" as_nobody "$dir:$STOCK" $bin -m RSDEMO --help
	check "$bin: the extension's error, exit 2" fails_with 2 \
		'RSDEMO: --name "0123456789abcdef": 1 to 15 bytes' as_nobody "$dir" $bin -A INPUT -m RSDEMO --name 0123456789abcdef
	check "$bin: libxtables' error, exit 2" fails_with 2 \
		'RSDEMO: option "--name" must be specified' as_nobody "$dir" $bin -A INPUT -m RSDEMO --count 3
	# iptables hands the rule (with -p) to the parser: refused for icmp, accepted for udp
	# (up to the lock or netlink socket that nobody cannot open: exit 4).
	check "$bin: the extension sees -p icmp" fails_with 2 '--port needs -p tcp or -p udp' \
		as_nobody "$dir" $bin -A INPUT -p icmp -m RSDEMO --name x --port 5
	check "$bin: the extension sees -p udp" fails_with 4 'ermission denied' \
		as_nobody "$dir:$STOCK" $bin -A INPUT -p udp -m RSDEMO --name x --port 5
done

# --- the harness itself: a plugin that does not load is caught, never replaced by upstream's
mkdir "$WORK/broken" && chmod 755 "$WORK/broken"
printf 'extern int xa_no_such_symbol(void);\nint xa_broken(void) { return xa_no_such_symbol(); }\n' >"$WORK/broken.c"
cc -shared -fPIC -o "$WORK/broken/libxt_SYSRQ.so" "$WORK/broken.c" || setup_failed "cannot build a broken plugin"
check "harness: a plugin that does not load finds no stand-in in \$STOCK" eval \
	'XTABLES_LIBDIR="$WORK/broken:$STOCK" "$DRIVER" -4 target SYSRQ where >/dev/null 2>"$WORK/broken.err"
	 [ $? -ne 0 ] && loader_error "$WORK/broken.err" && grep -q "Couldn.t load target .SYSRQ." "$WORK/broken.err"'
check "harness: where upstream's plugin stands in, the loader error fails the check" \
	eval '! help_shows "SYSRQ" as_nobody "$WORK/broken:$UPSTREAM_XTLIBDIR" iptables-nft -j SYSRQ --help >/dev/null'
check "harness: the driver names the stand-in" eval \
	'[ "$(XTABLES_LIBDIR="$WORK/broken:$UPSTREAM_XTLIBDIR" "$DRIVER" -4 target SYSRQ where 2>/dev/null)" = \
	   "$UPSTREAM_XTLIBDIR/libxt_SYSRQ.so" ]'

# --- records from the kernel: too short, unterminated name, random bytes
check "short record: no read beyond it" output_is \
	'print: [bad data size]|
save: [bad data size]|' drv data 00
check "unterminated name: read stops at the field's end" output_is \
	'print: name:AAAAAAAAAAAAAAAA count:1094795585 level:65|
save: --name AAAAAAAAAAAAAAAA --count 1094795585 --level 65 --port 16705 --bytes 4702111234474983745 --loud|' \
	drv data "$(printf '41%.0s' $(seq 32))"
garbage_ok=0
for _ in $(seq 200); do
	hex=$(head -c $((RANDOM % 48)) /dev/urandom | od -An -tx1 | tr -d ' \n')
	exits 0 drv data "$hex" >/dev/null && [ "$(wc -c <"$WORK/out")" -lt 400 ] &&
		garbage_ok=$((garbage_ok + 1))
done
check "200 random records of 0-47 bytes: clean exits, bounded output" test $garbage_ok -eq 200

# --- memcheck: the driver allocates records of exactly the given size, so any read beyond
# a short or unterminated record, or of uninitialised memory, is reported
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
memcheck() { XTABLES_LIBDIR=$dir valgrind -q --error-exitcode=99 "$DRIVER" -4 match RSDEMO "$@"; }
for len in 0 1 8 31 32 33 48; do
	hex=$(head -c $len /dev/urandom | od -An -tx1 | tr -d ' \n')
	check "memcheck: record of $len random bytes" exits 0 memcheck data "$hex"
done
check "memcheck: unterminated name" exits 0 memcheck data "$(printf '41%.0s' $(seq 32))"
check "memcheck: init, parse, final check, print, save" \
	exits 0 memcheck parse ! --name 'a "b' --count 9 --lvl 1 --loud --bytes 1
check "memcheck: an error through exit_err" \
	exits 2 memcheck parse --name $'\xff0123456789abcdef'

finish
