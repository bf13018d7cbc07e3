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
# The deepest call chain from an exported function, return addresses included. The C caller
# (checked by tests/host/kmod-*.sh, at most 1 KiB per frame) runs in softirq on a 16 KiB stack
# already holding the network stack's frames; Debian's kernels warn about a single frame above
# CONFIG_FRAME_WARN=2048, so the whole Rust chain gets what the kernel allows one function.
max_chain=2048

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

check "no indirect calls or jumps (retpoline/IBT), notrack ones included" \
	"$(grep -P '\t(notrack\s+)?(call|jmp)q?\s+\*' <<< "$insns")"

check "no vzeroupper or xsave/xrstor family (kernel code must not touch extended FPU state)" \
	"$(grep -P '\t(vzeroupper|vzeroall|xsave|xsaveopt|xsavec|xsaves|xrstor|xrstors|fxsave|fxrstor)(64)?\b' <<< "$insns")"

check "no TLS or segment-relative accesses (no stack protector or thread locals)" \
	"$(grep -P '%[fg]s:' <<< "$insns")"

check "no constructor or thread-local sections" \
	"$(readelf -SW "$obj" | grep -oP '\.(init_array|fini_array|ctors|dtors|tdata|tbss)\S*')"

# Stack use of the deepest call chain. Functions sit in sections of their own; a call or a tail
# jump to another function carries a relocation naming its section (or an external symbol).
# Frame of a function: 8 bytes per push plus its largest `sub $N,%rsp`; a call adds the return
# address. Kernel helpers (memcpy, memset, ...) count as their return address only. Any other
# write to %rsp, or recursion, makes the use unknown: refused.
stack=$(objdump -dr --no-show-raw-insn "$obj" | EXPORTS=$exports perl -e '
	my (%frame, %calls, %tails, %odd, %starts, $section, $fn, $last, $near);
	# edge KIND SYMBOL OFFSET: a call or tail jump of the current function.
	sub edge { push @{$_[0] eq "call" ? \@{$calls{$fn}} : \@{$tails{$fn}}}, [$_[1], $_[2]] }
	while (<STDIN>) {
		if (/^\s+[0-9a-f]+:\s+R_X86_64_\w+\s+(\S+?)(?:([-+])0x([0-9a-f]+))?$/) {
			edge($last, $1, (defined $3 ? hex($3) * ($2 eq "-" ? -1 : 1) : 0) + 4) if $last;
			($last, $near) = ();
			next;
		}
		# Without a relocation the target is in the same section: objdump names it.
		edge($last, $near, 0) if $near;
		($last, $near) = ();
		if (/^Disassembly of section (\S+):/) { $section = $1; next }
		if (/^([0-9a-f]+) <(.*)>:$/) { $fn = $2; $frame{$fn} //= 0; push @{$starts{$section}}, [hex($1), $fn]; next }
		next unless defined $fn && /^\s+[0-9a-f]+:\t(.*)$/;
		my $insn = $1;
		if ($insn =~ /^(call|jmp)\s+(?:[0-9a-f]+ <([^>+]+)>)?/) { $last = $1; $near = $2 if defined $2 && $2 ne $fn }
		$frame{$fn} += 8 if $insn =~ /^push\s/;
		if ($insn =~ /^sub\s+\$0x([0-9a-f]+),%rsp$/) { $alloc{$fn} = hex($1) if hex($1) > ($alloc{$fn} // 0); next }
		$odd{$fn} //= $insn if $insn =~ /,%rsp$/ && $insn !~ /^(add\s+\$0x[0-9a-f]+|mov\s+%rbp),%rsp$/;
	}
	$frame{$_} += $alloc{$_} // 0 for keys %frame;
	# A relocation target: a function symbol, or a section and offset (the function there).
	sub target {
		my ($sym, $off) = @_;
		return $sym if exists $frame{$sym};
		return undef unless $starts{$sym};
		my ($best) = grep { $_->[0] <= $off } sort { $b->[0] <=> $a->[0] } @{$starts{$sym}};
		return $best ? $best->[1] : undef;
	}
	my (%use, %path, %busy);
	sub stack_of {
		my ($f) = @_;
		return $use{$f} if exists $use{$f};
		die "recursion through $f\n" if $busy{$f};
		die "unsized stack pointer change in $f: $odd{$f}\n" if exists $odd{$f};
		$busy{$f} = 1;
		my ($best, $via) = ($frame{$f}, "");
		for my $c (@{$calls{$f} // []}) {
			my $t = target(@$c);
			my ($u, $p) = defined $t ? (stack_of($t), $path{$t}) : (0, $c->[0]);
			($best, $via) = ($frame{$f} + 8 + $u, $p) if $frame{$f} + 8 + $u > $best;
		}
		for my $c (@{$tails{$f} // []}) {
			my $t = target(@$c);
			next unless defined $t;        # __x86_return_thunk: a return
			($best, $via) = (stack_of($t), "(tail) $path{$t}") if stack_of($t) > $best;
		}
		delete $busy{$f};
		$path{$f} = "$f($frame{$f})" . ($via ne "" ? " -> $via" : "");
		return $use{$f} = $best;
	}
	my ($max, $chain) = (0, "");
	for my $root (split " ", $ENV{EXPORTS}) {
		next unless exists $frame{$root};
		my $u = 8 + stack_of($root);
		($max, $chain) = ($u, $path{$root}) if $u > $max;
	}
	print "$max $chain\n";
' 2>&1)
largest=${stack%% *}
[[ $largest =~ ^[0-9]+$ ]] && echo "      deepest call chain: $largest bytes: ${stack#* }"
check "deepest call chain at most $max_chain bytes (return addresses included)" \
	"$( [[ $largest =~ ^[0-9]+$ ]] && [ "$largest" -le $max_chain ] || echo "$stack")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
