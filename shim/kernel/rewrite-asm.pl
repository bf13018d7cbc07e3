#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-only
# Rewrites rustc's post-LTO x86-64 assembly of the shim into what the kernel
# accepts. Used by build-object.sh:
#
#   rewrite-asm.pl [--rethunk] [--ibt] [--padding N] IN.s > OUT.s
#
# - Core's prebuilt bitcode makes memcpy/memset/bcmp libcalls go through the
#   GOT, which the module loader refuses (R_X86_64_GOTPCREL): `call *X@GOTPCREL`
#   becomes `call X`. Where one GOT load feeds several calls
#   (`movq X@GOTPCREL(%rip), %r13` ... `call *%r13`), those calls become
#   direct too once straight-line code proves the register still holds X
#   (build-object.sh disables machine LICM so such loads are not hoisted
#   out of loops, where no straight-line proof exists).
# - bcmp becomes memcmp (same answer for equal/unequal; exported by every kernel).
# - With --rethunk (CONFIG_RETHUNK kernels) every `ret` becomes
#   `jmp __x86_return_thunk`.
# - With --ibt (CONFIG_X86_KERNEL_IBT kernels) every global function starts
#   with `endbr64`: the module's export table refers to it, and objtool
#   warns about a data reference to a function without a landing pad.
# - With --padding N (CONFIG_CALL_PADDING kernels) every function is preceded
#   by N bytes of NOPs and its entry aligned to 16, as the kernel's own
#   -fpatchable-function-entry does: call depth tracking (retbleed=stuff)
#   writes its thunks there and refuses functions without the padding.
# - Line-table directives (`.file N "dir" "name"`, `.loc`) from core's
#   prebuilt bitcode are dropped: GNU as refuses the DWARF 5 form without
#   --gdwarf-5, and the object is stripped of debug info anyway.
# Anything it cannot prove safe (an indirect branch left over) is a hard error.
use strict;
use warnings;

my $usage = "usage: rewrite-asm.pl [--rethunk] [--ibt] [--padding N] IN.s > OUT.s\n";
my ($rethunk, $ibt, $padding) = (0, 0, 0);
while (@ARGV > 1) {
	my $opt = shift @ARGV;
	if ($opt eq '--rethunk') { $rethunk = 1; }
	elsif ($opt eq '--ibt') { $ibt = 1; }
	elsif ($opt eq '--padding' && @ARGV > 1 && $ARGV[0] =~ /^\d+$/) { $padding = shift @ARGV; }
	else { die $usage; }
}
die $usage unless @ARGV == 1;

my $sym = qr/[A-Za-z_.\$][\w.\$]*/;

# All names of a 64-bit register and its parts, as one alternation.
sub register_family {
	my ($reg) = @_;
	return "$reg|${reg}d|${reg}w|${reg}b" if $reg =~ /^r\d+$/;
	my ($x) = $reg =~ /^r([a-z]+)$/ or die "unexpected register %$reg\n";
	my %low = (ax => 'al|ah', bx => 'bl|bh', cx => 'cl|ch', dx => 'dl|dh',
	           si => 'sil', di => 'dil', bp => 'bpl', sp => 'spl');
	die "unexpected register %$reg\n" unless exists $low{$x};
	return "r$x|e$x|$x|$low{$x}";
}

my %callee_saved = map { $_ => 1 } qw(rbx rbp r12 r13 r14 r15);

# The symbol an indirect `call *%reg` at $lines->[$at] always reaches: the
# GOT load of %reg must come before it in straight-line code (no label in
# between, so no other path enters) with no other mention of the register,
# and no call in between unless the register is callee-saved.
sub call_target {
	my ($name, $lines, $at, $reg) = @_;
	my $family = register_family($reg);
	for (my $i = $at - 1; $i >= 0; $i--) {
		local $_ = $lines->[$i];
		return $1 if /^\s*movq\s+($sym)\@GOTPCREL\(%rip\),\s*%$reg\s*$/;
		last if /^\S.*:\s*$/;
		next if /^\s*\.cfi_/;
		last if /%(?:$family)\b/;
		last if /^\s*callq?\s/ && !$callee_saved{$reg};
	}
	die "$name: cannot prove the target of: $lines->[$at]";
}

sub rewrite_function {
	my ($name, $lines) = @_;
	for my $at (0 .. $#$lines) {
		next unless $lines->[$at] =~ /^(\s*)callq?\s+\*%(\w+)\s*$/;
		my ($indent, $reg) = ($1, $2);
		$lines->[$at] = "${indent}callq\t" . call_target($name, $lines, $at, $reg) . "\n";
	}
	for (@$lines) {
		s/^(\s*)(call|jmp)q?\s+\*($sym)\@GOTPCREL\(%rip\)\s*$/$1$2\t$3\n/;
		# Now only feeds rewritten calls; kept so every register value stays as compiled.
		s/^(\s*)movq\s+($sym)\@GOTPCREL\(%rip\),\s*(%\w+)\s*$/$1leaq\t$2(%rip), $3\n/;
		s/\bbcmp\b/memcmp/g unless /^\s*\./;
		s/^(\s*)retq?\s*$/$1jmp\t__x86_return_thunk\n/ if $rethunk;
		die "$name: indirect branch left: $_" if /^\s*(?:call|jmp)q?\s+\*/;
		die "$name: GOT reference left: $_" if /\@GOTPCREL/;
	}
}

# Landing pad and padding at a function's entry label.
sub rewrite_entry {
	my ($name, $lines, $global) = @_;
	for my $at (0 .. $#$lines) {
		next unless $lines->[$at] =~ /^\Q$name\E:\s*$/;
		my @before = $padding ? ("\t.p2align\t4, 0x90\n", "\t.skip\t$padding, 0x90\n") : ();
		my @after = $ibt && $global ? ("\tendbr64\n") : ();
		splice(@$lines, $at, 1, @before, $lines->[$at], @after);
		return;
	}
	die "$name: entry label not found\n";
}

open(my $in, '<', $ARGV[0]) or die "$ARGV[0]: $!\n";
my ($name, @function, %global);
while (my $line = <$in>) {
	next if $line =~ /^\s*\.(?:file\s+\d+|loc)\s/;
	$global{$1} = 1 if $line =~ /^\s*\.globl\s+($sym)\s*$/;
	if (!defined $name) {
		if ($line =~ /^\s*\.type\s+($sym),\s*\@function/) {
			$name = $1;
			@function = ($line);
		} else {
			die "GOT reference outside a function: $line" if $line =~ /\@GOTPCREL/;
			print $line;
		}
		next;
	}
	push @function, $line;
	if ($line =~ /^\s*\.size\s+\Q$name\E,/) {
		rewrite_function($name, \@function);
		rewrite_entry($name, \@function, $global{$name});
		print @function;
		undef $name;
	}
}
die "unterminated function $name\n" if defined $name;
close($in) or die "$ARGV[0]: $!\n";
