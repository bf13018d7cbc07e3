#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every source file in git carries an SPDX-License-Identifier line near its top (GPL-2.0-only,
# the project's license): C, Rust, shell, Python, Perl, Makefiles and Kbuild files, Cargo
# manifests, man pages and any file starting with #!. Test data (configs, rules, expected
# output) and prose (*.md) are not source.
. "$(dirname "$0")/lib.sh"

# source_files: git's files that are source by name or by their first line.
source_files() {
	git ls-files -z | while IFS= read -r -d '' f; do
		case $f in
		*.c | *.h | *.rs | *.sh | *.py | *.pl | *.8 | *.5 | */Makefile | Makefile | */Kbuild | Kbuild | \
			*Cargo.toml) echo "$f" ;;
		*) [ "$(head -c 2 "$f" 2>/dev/null | tr -d '\0')" = '#!' ] && echo "$f" ;;
		esac
	done
}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || setup_failed "not a git work tree"
files=$(source_files)
[ "$(wc -l <<<"$files")" -gt 100 ] || setup_failed "found only $(wc -l <<<"$files") source files"
missing=$(while read -r f; do
	head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-only' || echo "$f"
done <<<"$files")
check "all $(wc -l <<<"$files") source files have 'SPDX-License-Identifier: GPL-2.0-only' in their first 5 lines" \
	eval '[ -z "$missing" ] || { sed "s/^/     missing: /" <<<"$missing"; false; }'
finish
