#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_pknock's ABI and module metadata: kmod-c/include/xt_pknock.h must give every field of
# struct xt_pknock_mtinfo and struct xt_pknock_nl_msg the size and offset upstream's header
# (xtables-addons 3.23 source in /usr/src) gives it, and the option bits and limits the same
# values; it must compile in userspace on its own. kmod-c/xt_pknock.ko (built by `make`) has
# upstream's module name, aliases, parameters, and depends only on x_tables, xa_named (the
# per-namespace registry of named objects, kmod-c/xa_named.c) and xa_shim; xa_named.ko depends
# on nothing and exports only GPL-only functions.
# The W=1 build of all modules is checked by kmod-sysrq.sh, behaviour by tests/vm.
. "$(dirname "$0")/lib.sh"

UPSTREAM=/usr/src/xtables-addons-3.23/extensions/pknock/xt_pknock.h

# layout.c prints every field's offset and size, and the constants, for the header it includes.
cat >"$WORK/layout.c" <<'EOF'
#include <stddef.h>
#include <stdio.h>
#include HEADER
#define F(s, f) printf(#s "." #f " %zu %zu\n", offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define C(c) printf(#c " %d\n", (int)(c))
int main(void)
{
	F(xt_pknock_mtinfo, rule_name); F(xt_pknock_mtinfo, rule_name_len);
	F(xt_pknock_mtinfo, open_secret); F(xt_pknock_mtinfo, open_secret_len);
	F(xt_pknock_mtinfo, close_secret); F(xt_pknock_mtinfo, close_secret_len);
	F(xt_pknock_mtinfo, option); F(xt_pknock_mtinfo, ports_count);
	F(xt_pknock_mtinfo, port); F(xt_pknock_mtinfo, max_time);
	F(xt_pknock_mtinfo, autoclose_time);
	printf("sizeof mtinfo %zu align %zu\n", sizeof(struct xt_pknock_mtinfo),
	       _Alignof(struct xt_pknock_mtinfo));
	F(xt_pknock_nl_msg, rule_name); F(xt_pknock_nl_msg, peer_ip);
	printf("sizeof nl_msg %zu\n", sizeof(struct xt_pknock_nl_msg));
	C(XT_PKNOCK_KNOCKPORT); C(XT_PKNOCK_TIME); C(XT_PKNOCK_NAME); C(XT_PKNOCK_STRICT);
	C(XT_PKNOCK_CHECKIP); C(XT_PKNOCK_OPENSECRET); C(XT_PKNOCK_CLOSESECRET);
	C(XT_PKNOCK_AUTOCLOSE); C(XT_PKNOCK_MAX_PORTS); C(XT_PKNOCK_MAX_BUF_LEN);
	C(XT_PKNOCK_MAX_PASSWD_LEN);
	return 0;
}
EOF

if gcc -std=c11 -Wall -Wextra -Werror -DHEADER='"xt_pknock.h"' -Ikmod-c/include \
	-o "$WORK/ours" "$WORK/layout.c" 2>"$WORK/ours.err"; then
	ok "xt_pknock.h compiles in userspace on its own (C11, -Wall -Wextra -Werror)"
else
	cat "$WORK/ours.err"
	ko "xt_pknock.h compiles in userspace on its own"
fi
if [ ! -r "$UPSTREAM" ]; then
	ko "upstream's header $UPSTREAM missing (apt-get install xtables-addons-source or -dkms)"
elif ! gcc -std=gnu11 -include stdint.h -include linux/types.h -DHEADER="\"$UPSTREAM\"" \
	-o "$WORK/upstream" "$WORK/layout.c" 2>"$WORK/upstream.err"; then
	cat "$WORK/upstream.err"
	ko "upstream's header compiles"
elif [ -x "$WORK/ours" ]; then
	"$WORK/ours" >"$WORK/ours.txt"
	"$WORK/upstream" >"$WORK/upstream.txt"
	if diff -u "$WORK/upstream.txt" "$WORK/ours.txt"; then
		ok "every field offset/size, struct size and constant equals upstream's ($(grep -c . "$WORK/ours.txt") values)"
	else
		ko "layout differs from upstream's (diff above)"
	fi
	check "struct xt_pknock_mtinfo is 148 bytes" grep -qx 'sizeof mtinfo 148 align 4' "$WORK/ours.txt"
fi

# upstream's four parameters and peer_limit
check_module kmod-c/xt_pknock.ko "ip6t_pknock ipt_pknock" "x_tables xa_named xa_shim" \
	"gc_expir_time nl_multicast_group peer_hashsize peer_limit rule_hashsize"
check_module kmod-c/xa_named.ko "" "" ""
if [ -e kmod-c/xa_named.ko ]; then
	exports=$(module_exports xa_named)
	check "xa_named exports the functions kmod-c/xa_named.c exports, GPL-only ($exports)" \
		test "$exports" = "$(sed -n 's/^EXPORT_SYMBOL_GPL(\(xa_named_[a-z_]*\));$/\1\/EXPORT_SYMBOL_GPL/p' \
			kmod-c/xa_named.c | sort | xargs)"
fi
finish
