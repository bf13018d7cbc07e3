#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_pknock.so on the host: stock iptables/ip6tables load it; help, print and save identical
# to upstream's plugin (parsed rules and random kernel records); every upstream error with
# upstream's words; our extra checks; odd input never crashes. Rules in a kernel: tests/vm.
. "$(dirname "$0")/../plugin/lib.sh"

plugin_under_test xt_pknock pknock
[ -x "$PY" ] || setup_failed "$PY not found (scripts/setup.sh installs python3)"

ours_path=$ours:$STOCK

# --- the shared object
check "links only libxtables and libc" needs_only "$so" libxtables.so.12 libc.so.6
check "no panic path survives in the plugin" no_panic_path "$so"
check "smaller than 64 KiB ($(stat -c %s "$so") bytes)" test "$(stat -c %s "$so")" -lt 65536
check "exports no symbols of its own" test -z "$(nm -D --defined-only "$so" | grep -v ' [Uw] ')"

# --- stock binaries load it; ip6tables too (upstream's plugin is IPv4 only)
for bin in iptables-legacy iptables-nft ip6tables-legacy ip6tables-nft; do
	check "$bin -m pknock --help shows the options" \
		help_shows "^  --checkip" as_nobody "$ours_path" $bin -m pknock --help
	check "$bin: missing --name is an error, exit 2" \
		fails_with 2 "pknock: --name option is required." \
		as_nobody "$ours_path" $bin -A INPUT -p tcp -m pknock --knockports 1 --time 5 -j ACCEPT
	check "$bin: bad port is an error, exit 2" \
		fails_with 2 "invalid port/service \`nope' specified" \
		as_nobody "$ours_path" $bin -A INPUT -p tcp -m pknock --knockports 1,nope --name x --time 5
	check "$bin: a dot-file --name is refused (ours only)" \
		fails_with 2 '--name ".hidden" must not start with a dot' \
		as_nobody "$ours_path" $bin -A INPUT -p tcp -m pknock --knockports 1 --name .hidden --time 5
done

# ours_vs_upstream FAMILY [-p PROTO] ARGS...: both plugins through the driver, same output and
# status; error messages compared without the prefix (ours "pknock:", upstream "xt_pknock:")
# and the empty line upstream's messages end with.
ours_vs_upstream() {
	local a b
	a=$(env XTABLES_LIBDIR="$ours" "$DRIVER" "$@" 2>&1; echo "exit $?")
	b=$(env XTABLES_LIBDIR="$upstream" "$DRIVER" "$@" 2>&1; echo "exit $?")
	a=$(sed -e 's/^xt-driver: pknock: /xt-driver: /' -e '/^$/d' <<<"$a")
	b=$(sed -e 's/^xt-driver: xt_pknock: /xt-driver: /' -e '/^$/d' <<<"$b")
	[ "$a" = "$b" ] || {
		echo "     ours:     $a"
		echo "     upstream: $b"
		return 1
	}
}

check "help identical to upstream's" ours_vs_upstream -4 match pknock help

# --- accepted rules: print and save identical to upstream (6 = tcp, 17 = udp)
while read -r proto args; do
	check "print/save identical: -p $proto $args" ours_vs_upstream -4 -p "$proto" match pknock parse $args
done <<'EOF'
6 --knockports 4002,4001,4004 --strict --name SSH --time 10 --autoclose 60
17 --knockports 4000 --autoclose 240 --name FTP --opensecret s1 --closesecret s2
6 --name FTP --checkip
6 --knockports 5001,5002 --time 5 --name K2
6 --checkip --strict --name a
6 --name x --time 4294967295 --knockports 0,65535
6 --knockports ssh,http,443 --time 1 --name svc
17 --knockports domain,1,2,3,4,5,6,7,8,9,10,11,12,13,14 --time 7 --name fifteen
6 --autoclose 0 --time 1 --knockports 9 --name z
6 --autoclose 4294967295 --time 3 --knockports 9 --name 0123456789012345678901234567890
17 --opensecret 0123456789012345678901234567890 --closesecret x --knockports 9 --name n --time 2 --autoclose 5 --strict
6 --name Web_1-2.x --time 2 --knockports 9
6 --name octal --time 010 --autoclose 010 --knockports 9
6 --name hex --time 16 --autoclose 0x10 --knockports 9
EOF

# --- errors upstream has: same words, exit 2
while read -r proto args; do
	check "error identical: -p $proto $args" ours_vs_upstream -4 -p "$proto" match pknock parse $args
done <<'EOF'
1 --name x --knockports 1 --time 1
!6 --name x --knockports 1 --time 1
0 --name x --knockports 1 --time 1
6 --name x --knockports 1 --time 1 --time 2
6 --name x --knockports 1 --knockports 2 --time 1
6 --name x --knockports 1 --time 1 --autoclose 1 --autoclose 2
6 --name x --name y --knockports 1 --time 1
17 --name x --knockports 1 --opensecret a --opensecret b
17 --name x --knockports 1 --closesecret a --closesecret b
6 --name x --checkip --checkip
6 --name x --strict --strict --knockports 1 --time 1
6 --name x --knockports 1 --time 0
6 --name x --knockports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 --time 1
6 --name x --knockports 1,,2 --time 1
6 --name x --knockports 1, --time 1
6 --name x --knockports 70000 --time 1
6 --name x --knockports nosuchservice --time 1
6 --name x
6 --knockports 1 --time 1
6 --name x --knockports 1 --checkip
17 --name x --checkip --opensecret a
17 --name x --checkip --closesecret a
6 --name x --checkip --time 3
6 --name x --checkip --autoclose 3
17 --name x --knockports 1 --opensecret a
17 --name x --knockports 1 --closesecret a
EOF
check "error: ! --strict cannot be inverted" fails_with 2 'option "--strict" cannot be inverted' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 -p 6 match pknock parse --name x --time 1 ! --strict

# --- our checks beyond upstream (its kernel module refuses these with a bare EINVAL, or
# its plugin truncates or saves text that does not restore)
while IFS='|' read -r proto args text; do
	# shellcheck disable=SC2086 # ARGS are words
	check "refused: -p $proto $args" fails_with 2 "pknock: $text" \
		env XTABLES_LIBDIR="$ours" "$DRIVER" -4 -p "$proto" match pknock parse $args
done <<'EOF'
6|--name x --knockports 1 --time -1|--time "-1" is not a number of seconds (1 to 4294967295).
6|--name x --knockports 1 --time 12abc|--time "12abc" is not a number of seconds
6|--name x --knockports 1 --time 0x10|--time "0x10" is not a number of seconds
6|--name x --knockports 1 --time 4294967296|--time "4294967296" is not a number of seconds
6|--name x --knockports 1 --time 1 --autoclose x|bad value for option "--autoclose"
6|--name .hidden --knockports 1 --time 1|--name ".hidden" must not start with a dot
6|--name a/b --knockports 1 --time 1|--name "a/b" must not contain "/"
6|--name 01234567890123456789012345678901 --knockports 1 --time 1|--name "01234567890123456789012345678901" is longer than 31 bytes.
6|--name a"b --knockports 1 --time 1|--name: character 0x22 is not allowed
17|--name x --opensecret a --closesecret b|SPA needs exactly one --knockports port
17|--name x --knockports 1,2 --opensecret a --closesecret b|SPA needs exactly one --knockports port
17|--name x --knockports 1 --opensecret same --closesecret same|--opensecret and --closesecret cannot be equal.
17|--name x --opensecret a|SPA needs both --opensecret and --closesecret.
6|--name x --knockports 1 --opensecret a --closesecret b|--opensecret needs `-p udp'
17|--name x --knockports 1 --opensecret 01234567890123456789012345678901 --closesecret b|--opensecret must be 1 to 31 bytes long (got 32)
EOF
for name in "" "a b" $'a\tb' $'\x01' $'\xff' "a'b" 'a\b'; do
	check "refused: --name $(printf %q "$name")" fails_with 2 "pknock: --name" \
		env XTABLES_LIBDIR="$ours" "$DRIVER" -4 -p 6 match pknock parse --name "$name" --knockports 1 --time 1
done
check "refused: empty --closesecret" fails_with 2 "--closesecret must be 1 to 31 bytes" \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 -p 17 match pknock parse --name x --knockports 1 --opensecret a --closesecret ""

# --- ip6tables: the same rules, -p known at parse time
check "ip6tables: knock rule parses and saves" output_is \
	"$(printf 'print: pknock knockports 4002,4001 time 10 name SSH6 strict |\nsave: --knockports 4002,4001  --time 10  --name SSH6  --strict |')" \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -6 -p 6 match pknock parse --knockports 4002,4001 --time 10 --name SSH6 --strict
check "ip6tables: SPA rule parses" exits 0 env XTABLES_LIBDIR="$ours" \
	"$DRIVER" -6 -p 17 match pknock parse --knockports 9 --name S6 --opensecret a --closesecret b
check "ip6tables: --knockports without -p is refused" fails_with 2 "pknock: needs \`-p tcp' or \`-p udp'" \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -6 match pknock parse --knockports 9 --name S6 --time 1

# --- kernel records: random well-formed ones identical to upstream; malformed ones (counts
# past the array, names without NUL) never crash ours (upstream reads past its buffers there)
"$PY" - "$WORK/records" <<'EOF'
import random, struct, sys
random.seed(3)
def name(n): return bytes(random.choice(b"abcXYZ019_-.") for _ in range(n))
with open(sys.argv[1], "w") as f:
    for i in range(300):
        rn = name(random.randint(0, 31))
        rec = rn.ljust(32, b"\0") + struct.pack("<I", len(rn))
        for _ in range(2):
            s = name(random.randint(0, 31))
            rec += s.ljust(32, b"\0") + struct.pack("<I", len(s))
        count = random.randint(0, 15)
        rec += bytes([random.randint(0, 255), count])
        rec += b"".join(struct.pack("<H", random.randint(0, 65535)) for _ in range(15))
        rec += struct.pack("<II", random.choice([0, 1, 2**31, 2**32 - 1, random.getrandbits(32)]),
                           random.choice([0, 60, 2**32 - 1, random.getrandbits(32)]))
        f.write(rec.ljust(152, b"\0").hex() + "\n")
EOF
same=0
while read -r hex; do
	ours_vs_upstream -4 match pknock data "$hex" >/dev/null && same=$((same + 1))
done <"$WORK/records"
check "300 random kernel records: print/save identical to upstream ($same same)" test "$same" -eq 300

bad_name=$(printf 'x%.0s' {1..32} | od -An -tx1 | tr -d ' \n')
full=$(printf 'ff%.0s' {1..152})
for hex in "" 00 "$full" "${bad_name}$(printf '0%.0s' {1..240})" "$(head -c 152 /dev/urandom | od -An -tx1 | tr -d ' \n')"; do
	check "kernel data '${hex:0:12}…' (${#hex} digits): handled cleanly" \
		survives env XTABLES_LIBDIR="$ours" "$DRIVER" -4 match pknock data "$hex"
done
ff32=$(printf '\377%.0s' {1..32})
check "all-ones record: 15 ports at most, name cut at its field" eval \
	'[ "$(env XTABLES_LIBDIR="$ours" "$DRIVER" -4 match pknock data "$full" | sed -n "s/^save://p")" = \
	   " --knockports $(printf "65535,%.0s" {1..14})65535  --time 4294967295  --autoclose 4294967295  --name $ff32  --opensecret  --closesecret  --strict  --checkip |" ]'

# --- odd input: a clean exit 0 or 2, never a signal or a BUG line
long=$(head -c 100000 /dev/zero | tr '\0' x)
for args in "--foo" "!" "x" "--knockports" "--name" "--time" $'\xff' "--$long" "--name $long" \
	"--knockports $long" "--knockports ,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"; do
	# shellcheck disable=SC2086 # ARGS are words
	check "driver: odd arguments '${args:0:16}' handled cleanly" \
		survives env XTABLES_LIBDIR="$ours" "$DRIVER" -4 -p 6 match pknock parse $args
done
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
check "memcheck: parse, print, save" exits 0 env XTABLES_LIBDIR="$ours" valgrind -q --error-exitcode=99 \
	"$DRIVER" -4 -p 6 match pknock parse --knockports 1,ssh --time 3 --name m --strict --autoclose 2
check "memcheck: malformed kernel record" exits 0 env XTABLES_LIBDIR="$ours" valgrind -q --error-exitcode=99 \
	"$DRIVER" -4 match pknock data "$full"

finish
