#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Rust kernel object (shim/kernel) outside the kernel: builds it for KDIR
# (default: as the Makefile picks it), runs check-object.sh on it, links it
# into a userspace C program through kmod-c/include/xa_shim.h and verifies
# requests made by upstream's documented shell recipe (coreutils sha*sum).
# Also shows that check-object.sh and rewrite-asm.pl refuse what they must.
. "$(dirname "$0")/lib.sh"

if [ -z "${KDIR:-}" ]; then
	KDIR=/lib/modules/$(uname -r)/build
	[ -d "$KDIR" ] || KDIR=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "$KDIR" ] && [ -d "$KDIR" ] || setup_failed "no kernel build dir (install linux-headers or set KDIR)"
OBJ=$WORK/xa_shim_core.o
shim/kernel/build-object.sh "$KDIR" "$OBJ" || setup_failed "build-object.sh $KDIR"
gcc -std=gnu11 -Wall -Wextra -Werror -no-pie -I kmod-c/include -o "$WORK/object_test" \
	shim/kernel/test/object_test.c "$OBJ" || setup_failed "link the object into a userspace program"

if shim/kernel/check-object.sh "$OBJ" > "$WORK/check.log"; then
	ok "check-object.sh accepts the built object"
else
	cat "$WORK/check.log"
	ko "check-object.sh accepts the built object"
fi

# A C object with everything check-object.sh must refuse.
cat > "$WORK/bad.c" <<'C'
#include <stdio.h>
char buf[64];
double scale(double x) { return x * 1.5; }
int apply(int (*fn)(int), int x) { return fn(x); }
int show(int x) { volatile char big[2048]; big[x & 2047] = 1; return sprintf(buf, "%d", x) + big[0]; }
C
gcc -O2 -fPIC -fstack-protector-all -c -o "$WORK/bad.o" "$WORK/bad.c" || setup_failed "compile bad.c"
shim/kernel/check-object.sh "$WORK/bad.o" > "$WORK/bad.log"
status=$?
fails=$(grep -c '^FAIL' "$WORK/bad.log")
if [ "$status" -ne 0 ] && [ "$fails" -ge 6 ]; then
	ok "check-object.sh refuses SSE, GOT/PLT, foreign symbols, globals, indirect calls, big frames ($fails failed checks)"
else
	cat "$WORK/bad.log"
	ko "check-object.sh refuses a bad object (exit $status, $fails failed checks)"
fi

# refuses CHECK ASM: an object assembled from ASM, the function xa_sysrq_verify (an export, so a
# root of the call graph) and any helpers, each in a section of its own as build-object.sh
# makes them, fails the check-object.sh check named CHECK.
refuses() {
	local check=$1 asm=$2
	printf '%s\n' "$asm" | sed 's/^ *//' >"$WORK/doctored.s"
	as --64 -o "$WORK/doctored.o" "$WORK/doctored.s" || { echo "     cannot assemble"; return 1; }
	shim/kernel/check-object.sh "$WORK/doctored.o" >"$WORK/doctored.log"
	grep -q "^FAIL: $check" "$WORK/doctored.log" || { cat "$WORK/doctored.log"; return 1; }
}
# fn NAME BODY...: a function in a section of its own.
fn() {
	local name=$1
	shift
	printf '.section .text.%s,"ax",@progbits\n.type %s,@function\n%s:\n' "$name" "$name" "$name"
	printf '%s\n' "$@"
}
check "check-object.sh refuses vzeroupper" refuses "no vzeroupper" "$(fn xa_sysrq_verify vzeroupper ret)"
check "check-object.sh refuses xsave" refuses "no vzeroupper or xsave" "$(fn xa_sysrq_verify 'xsave (%rdi)' ret)"
check "check-object.sh refuses xrstor" refuses "no vzeroupper or xsave" "$(fn xa_sysrq_verify 'xrstor (%rdi)' ret)"
check "check-object.sh refuses notrack jmp *" refuses "no indirect calls" "$(fn xa_sysrq_verify 'notrack jmp *%rax')"
check "check-object.sh refuses a call chain over 2 KiB whose frames are each under 1 KiB" \
	refuses "deepest call chain" "$(fn xa_sysrq_verify 'push %rbx' 'sub $0x3f0,%rsp' 'call mid' 'add $0x3f0,%rsp' 'pop %rbx' ret
		fn mid 'sub $0x3f8,%rsp' 'call leaf' 'add $0x3f8,%rsp' ret
		fn leaf 'sub $0x3f8,%rsp' 'add $0x3f8,%rsp' ret)"
check "check-object.sh refuses recursion (unbounded stack)" \
	refuses "deepest call chain" "$(fn xa_sysrq_verify 'call again' ret; fn again 'call xa_sysrq_verify' ret)"
check "check-object.sh refuses a stack pointer change it cannot size" \
	refuses "deepest call chain" "$(fn xa_sysrq_verify 'push %rbp' 'mov %rsp,%rbp' 'and $-64,%rsp' 'mov %rbp,%rsp' 'pop %rbp' ret)"
check "check-object.sh accepts the same chain under 2 KiB (the depth is measured, not guessed)" eval \
	'! refuses "deepest call chain" "$(fn xa_sysrq_verify "sub \$0x200,%rsp" "call leaf" "add \$0x200,%rsp" ret
		fn leaf "sub \$0x200,%rsp" "add \$0x200,%rsp" ret)" >/dev/null'

printf '\t.type f,@function\nf:\n\tmovq memcpy@GOTPCREL(%%rip), %%rbx\n.LBB0_1:\n\tcallq *%%rbx\n\tjmp .LBB0_1\n\t.size f, .-f\n' \
	> "$WORK/loop.s"
if perl shim/kernel/rewrite-asm.pl "$WORK/loop.s" > /dev/null 2> "$WORK/rewrite.log" \
	|| ! grep -q 'cannot prove the target' "$WORK/rewrite.log"; then
	cat "$WORK/rewrite.log"
	ko "rewrite-asm.pl refuses an indirect call it cannot prove direct"
else
	ok "rewrite-asm.pl refuses an indirect call it cannot prove direct"
fi

if "$WORK/object_test" --interface > "$WORK/interface.log"; then
	ok "C interface: hash lookups and argument checks ($(grep -c '^PASS' "$WORK/interface.log") checks)"
else
	cat "$WORK/interface.log"
	ko "C interface: hash lookups and argument checks"
fi

# digest TOOL TEXT: lowercase hex, as upstream's recipe computes it.
digest() { printf '%s' "$2" | "$1" | cut -d' ' -f1; }
# recipe TOOL REQ DST PASSWORD: upstream's shell recipe, echo's newline included.
recipe() { printf '%s,%s\n' "$2" "$(digest "$1" "$2,$3,$4")"; }
# verify NAME EXPECTED-STATUS HASH PAYLOAD DST PASSWORD [SEQNO KEYS]
verify() {
	local name=$1 status=$2 hash=$3 payload=$4 dst=$5 password=$6 out
	shift 6
	if out=$("$WORK/object_test" "$hash" "$payload" "$dst" "$password" "$status" "$@" 2>&1); then
		ok "$name"
	else
		ko "$name: $out"
	fi
}
V4=192.0.2.1
V6=2001:0db8:0000:0000:0000:0000:0000:0001
PW=s3cret
OK=0 E_EMPTY=1 E_TOO_LONG=2 E_FORMAT=3 E_SEQNO=4 E_SHORT=5 E_BAD=6 E_ARGUMENT=7

good=$(recipe sha1sum "s,1700000000,Zx8c2Lq" $V4 $PW)
verify "upstream sha1 recipe, with echo's newline" $OK sha1 "$good"$'\n' $V4 $PW 1700000000 s
verify "sha256 recipe, IPv6 destination" $OK sha256 "$(recipe sha256sum "reb,42,salt" $V6 $PW)" $V6 $PW 42 reb
verify "sha512 recipe" $OK sha512 "$(recipe sha512sum "b,7,x" $V4 $PW)" $V4 $PW 7 b
verify "sha224 recipe" $OK sha224 "$(recipe sha224sum "h,8,x" $V4 $PW)" $V4 $PW 8 h
verify "sha384 recipe" $OK sha384 "$(recipe sha384sum "h,9,x" $V4 $PW)" $V4 $PW 9 h
verify "empty keys and salt" $OK sha1 "$(recipe sha1sum ",3," $V4 $PW)" $V4 $PW 3 ""
verify "largest seqno" $OK sha1 "$(recipe sha1sum "s,9223372036854775807,x" $V4 $PW)" $V4 $PW 9223372036854775807 s
verify "seqno above INT64_MAX" $E_SEQNO sha1 "$(recipe sha1sum "s,9223372036854775808,x" $V4 $PW)" $V4 $PW
verify "seqno with a non-digit" $E_SEQNO sha1 "$(recipe sha1sum "s,12a,x" $V4 $PW)" $V4 $PW
verify "wrong password" $E_BAD sha1 "$good" $V4 wrong
verify "wrong destination" $E_BAD sha1 "$good" 192.0.2.2 $PW
verify "wrong hash" $E_BAD sha256 "$(recipe sha256sum "s,1,x" $V4 $PW | cut -c1-50)$(printf '%0*d' 50 0)" $V4 $PW
verify "uppercase digest" $E_BAD sha1 "$(tr a-f A-F <<< "$good")" $V4 $PW
verify "digest one digit short" $E_SHORT sha1 "${good:0:${#good}-1}" $V4 $PW
verify "two commas only" $E_FORMAT sha1 "s,1,x" $V4 $PW
verify "empty payload" $E_EMPTY sha1 "" $V4 $PW
verify "payload over 512 bytes" $E_TOO_LONG sha1 "$(printf 'a%.0s' {1..513})" $V4 $PW
verify "password over 63 bytes" $E_ARGUMENT sha1 "$good" $V4 "$(printf 'p%.0s' {1..64})"
verify "destination over 39 bytes" $E_ARGUMENT sha1 "$good" "$V6:0" $PW
finish
