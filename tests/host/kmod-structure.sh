#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The shape of kmod-c/ (DEVELOPERS.md, "Style"): one concept per file (none over 600
# lines), a prefix on every symbol, static ones too (its extension's name, xa_ for the shared
# modules), and lock rules asserted in code, not only written in comments.
# Reads the modules `make` built in kmod-c/; their metadata is checked by the other kmod-*.sh.
. "$(dirname "$0")/lib.sh"

# --- no file over 600 lines
# Our sources (not kbuild's generated *.mod.c).
sources=$(ls kmod-c/*.[ch] kmod-c/include/*.h | grep -v '\.mod\.c$')
# shellcheck disable=SC2086
long=$(wc -l $sources | awk '$2 != "total" && $1 > 600 {print $2 " (" $1 ")"}' | xargs)
check "no kmod-c file over 600 lines${long:+: $long}" test -z "$long"

# --- every symbol of every module prefixed
# prefix_of MODULE: the prefix of its symbols, as a regular expression.
prefix_of() {
	case $1 in
	xa_*) echo 'xa_' ;;
	xt_ACCOUNT) echo 'acc_' ;;
	xt_*) echo "${1#xt_}_" | tr '[:upper:]' '[:lower:]' ;;
	*) echo "unknown module $1" >&2; echo '^$' ;;
	esac
}
# What kbuild and the compiler add (registration, symbol tables, the call padding __pfx_ and
# CFI __cfi_ twins of every function, names with a dot, __ names) is not ours to name.
KBUILD_SYMS='^(init_module|cleanup_module|_note_[0-9]+|__.*|.*\..*)$'
# ours SYMBOL: whether kmod-c's sources define SYMBOL (a function or a file-scope variable);
# else it is an out-of-line copy of a kernel header's inline function (jhash) or the Rust core's.
ours() {
	# shellcheck disable=SC2086
	grep -qE "^([a-z][^(=;]*[ *])?$1(\(|\[| =|;)" $sources
}
modules=$(ls kmod-c/*.ko 2>/dev/null)
[ -n "$modules" ] || setup_failed "no kmod-c/*.ko (run make first)"
for ko in $modules; do
	m=$(basename "$ko" .ko)
	p=$(prefix_of "$m")
	syms=$(nm --defined-only "$ko" | awk 'NF == 3 && $2 ~ /^[A-Za-z]$/ {print $2, $3}')
	# Global (upper-case type) symbols: all prefixed.
	unprefixed=$(awk '$1 ~ /^[A-Z]$/ {print $2}' <<<"$syms" | sed -E 's/^__(pfx|cfi)_//' |
		grep -vE "$KBUILD_SYMS" | grep -vE "^$p" | sort -u | xargs)
	check "$m: every global symbol starts with $p${unprefixed:+ (not: $unprefixed)}" \
		test -z "$unprefixed"
	# Static ones that kmod-c defines too, but for module parameters (upstream's names: the
	# variable is the parameter, __param_NAME).
	params=$(awk '{print $2}' <<<"$syms" | sed -n 's/^__param_//p')
	unprefixed=$(awk '$1 ~ /^[a-z]$/ {print $2}' <<<"$syms" | grep -vE "$KBUILD_SYMS" |
		grep -vE "^$p" | grep -vxF -e "$params" -e '' | sort -u | while read -r sym; do
		ours "$sym" && echo "$sym"
	done | xargs)
	check "$m: every static symbol of its sources starts with $p too${unprefixed:+ (not: $unprefixed)}" \
		test -z "$unprefixed"
done

# --- a lock rule in a comment is asserted in code
# A function whose comment (at its definition or at its declaration in a header) says a lock
# is held ("caller holds", "must be held", "its lock held", "with ... held", "under
# ...lock/mutex/rcu") must say so in code: lockdep_assert_held() and friends, lockdep_is_held()
# in an RCU walk, an RCU accessor lockdep checks (rcu_dereference*(), RCU_LOCKDEP_WARN, a
# *_rcu() helper), taking the lock itself, or sparse's __must_hold, __acquires, __releases.
# Prints FILE:LINE: NAME of each that does not (or that has no definition to look into).
unasserted() {
	awk '
	FNR == 1 { comment = ""; fn = 0; incomment = 0 }
	fn && /^}/ { fn = 0; next }
	# A declaration (a prototype in a header) has no body to look into.
	fn && !body && /;[[:space:]]*$/ { fn = 0; next }
	fn && /^{/ { body = 1; defined[name] = 1 }
	fn { if ($0 ~ /lockdep_assert|lockdep_is_held|(mutex|spin|read|write|rcu_read)_lock(_bh|_irq|_irqsave)?\(|rcu_dereference|RCU_LOCKDEP_WARN|[a-z]_rcu\(|__must_hold|__acquires|__releases/) asserted[name] = 1; next }
	/^\/\*/ { comment = ""; incomment = 1 }
	incomment { comment = comment " " $0; if ($0 ~ /\*\//) incomment = 0; next }
	/^[a-z].*[a-z0-9_]\(/ {
		match($0, /[A-Za-z_0-9]+\(/)
		name = substr($0, RSTART, RLENGTH - 1)
		c = tolower(comment)
		gsub(/[ \t]*\*+[ \t]*/, " ", c)
		if (c ~ /caller (holds|must hold)|must be held|lock held|with [^.]* held|[^a-z]under [^.]*(lock|mutex|rcu)/ && !(name in claimed))
			claimed[name] = FILENAME ":" FNR
		comment = ""
		if ($0 ~ /__must_hold|__acquires|__releases/) asserted[name] = 1
		fn = !/;[[:space:]]*$/; body = 0
		next
	}
	# A return type on a line of its own: the comment above belongs to the function below.
	/^[a-z][^(;={]*$/ { next }
	/^[^ \t]/ { comment = "" }
	END {
		for (n in claimed)
			if (!(n in asserted)) print claimed[n] ": " n (n in defined ? "" : " (no definition found)")
	}
	' "$@"
}
# shellcheck disable=SC2086
missing=$(unasserted $sources | sort)
[ -z "$missing" ] || printf '%s\n' "$missing"
check "every function documented as running with a lock held asserts it (lockdep or sparse)" \
	test -z "$missing"
# The same rule for the phrases themselves: none without an assertion in the same file.
phrases=$(grep -rliE 'caller (holds|must hold)|must be held' kmod-c | while read -r f; do
	grep -qE 'lockdep_assert|__must_hold' "$f" || echo "$f"
done | xargs)
check "no \"caller holds\"/\"must be held\" comment in a file without lockdep_assert_held or __must_hold${phrases:+ ($phrases)}" \
	test -z "$phrases"
finish
