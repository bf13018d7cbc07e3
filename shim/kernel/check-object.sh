#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks that an object built by build-object.sh is fit for a kernel module:
#
#   shim/kernel/check-object.sh OBJ
#
# Prints one line per check and "N passed, M failed"; exits non-zero on failure.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OBJ" >&2; exit 2; }
obj=$1
[ -f "$obj" ] || { echo "check-object.sh: $obj: no such file" >&2; exit 1; }
for tool in objdump readelf nm; do
	command -v "$tool" > /dev/null || { echo "check-object.sh: $tool not found (binutils)" >&2; exit 1; }
done

exports=$("$(dirname "$0")/exports.sh" | tr '\n' ' ')
exports=${exports% }
# Everything the object may import: all exported by vmlinux on every supported kernel.
allowed_undefined="__x86_return_thunk memcmp memcpy memmove memset"
max_frame=1024

passed=0
failed=0
check() { # check NAME PROBLEMS: passes when PROBLEMS is empty
	if [ -z "$2" ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		sed 's/^/    /' <<< "$2" | head -n 20
		failed=$((failed + 1))
	fi
}

disasm=$(objdump -d --no-show-raw-insn "$obj") || { echo "check-object.sh: objdump failed on $obj" >&2; exit 1; }
# Instruction lines only: "  offset:<TAB>mnemonic operands".
insns=$(grep -P '^\s+[0-9a-f]+:\t' <<< "$disasm")

check "no SSE/AVX/MMX/x87 registers or instructions, no cpuid (kernel code must not touch FPU state)" \
	"$(grep -P '%[xyz]mm|%mm[0-7]|%st\b|\t(f[a-z0-9]+|emms|[ls]dmxcsr|cpuid)\b' <<< "$insns")"

check "relocations only R_X86_64_PC32/PLT32/64/32S (what the module loader applies)" \
	"$(readelf -rW "$obj" | grep -P '^[0-9a-f]{8,}\s' | awk '{print $3}' \
		| grep -v -x -E 'R_X86_64_(PC32|PLT32|64|32S)' | sort | uniq -c)"

check "undefined symbols only: $allowed_undefined (no panic hook xa_shim_panic)" \
	"$(nm -u "$obj" | awk '{print $2}' | grep -v -x -F -f <(tr ' ' '\n' <<< "$allowed_undefined"))"

check "global symbols are exactly: $exports" \
	"$(diff <(tr ' ' '\n' <<< "$exports" | sort) <(nm -g --defined-only "$obj" | awk '{print $3}' | sort))"

check "no indirect calls or jumps (retpoline/IBT)" "$(grep -P '\t(call|jmp)q?\s+\*' <<< "$insns")"

check "no TLS or segment-relative accesses (no stack protector or thread locals)" \
	"$(grep -P '%[fg]s:' <<< "$insns")"

check "no constructor or thread-local sections" \
	"$(readelf -SW "$obj" | grep -oP '\.(init_array|fini_array|ctors|dtors|tdata|tbss)\S*')"

# Frame of each function: 8 bytes per push plus the largest `sub $N,%rsp`.
frames=$(perl -ne '
	if (/^[0-9a-f]+ <(.*)>:$/) { $fn = $1; next }
	$size{$fn} += 8 if /\tpush\s/;
	$alloc{$fn} = hex($1) if /\tsub\s+\$0x([0-9a-f]+),%rsp/ && hex($1) > ($alloc{$fn} // 0);
	END { printf "%d %s\n", ($size{$_} // 0) + ($alloc{$_} // 0), $_ for keys %alloc, keys %size }
	' <<< "$disasm" | sort -n | tail -n 1)
largest=${frames%% *}
echo "      largest stack frame: ${largest:-0} bytes in ${frames#* }"
check "largest stack frame at most $max_frame bytes" "$( [ "${largest:-0}" -le $max_frame ] || echo "$frames")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
