#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make install signs the modules the standard way: kbuild's modules_install signs every module
# when the kernel is configured with CONFIG_MODULE_SIG_ALL (Debian's is), with the key named by
# CONFIG_MODULE_SIG_KEY and the certificate at $KDIR/certs/signing_key.x509.
#
#   tests/packaging/sign.sh
#
# A throwaway key and certificate (openssl, valid one day); a KDIR that is make's own with
# certs/signing_key.x509 added (a directory of symlinks to the headers, which stay untouched);
# `make install-modules` into a staging DESTDIR. Every module of kmod-c/Kbuild installed there
# must end in a signature whose signer and hash modinfo reports as the throwaway key's, and which
# openssl verifies against that certificate over the module's bytes. The same check on a module
# with one byte changed must fail.
# Prints PASS/FAIL lines and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
passed=0
failed=0
pass() { echo "PASS sign: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL sign: $*"; failed=$((failed + 1)); }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cn="xtables-addons-rs throwaway signing test $$"

kdir=$(make -s --no-print-directory print-kdir)
[ -n "$kdir" ] && [ -d "$kdir" ] || { fail "no kernel build directory (make print-kdir)"; finish; }
grep -qx 'CONFIG_MODULE_SIG_ALL=y' "$kdir/.config" ||
	{ fail "$kdir is not configured with CONFIG_MODULE_SIG_ALL"; finish; }
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kdir/.config")
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
mapfile -t modules < <(make -s --no-print-directory print-modules | tr ' ' '\n')

# The key, as the kernel's documentation makes one (Documentation/admin-guide/module-signing.rst).
cat >"$work/x509.genkey" <<EOF
[ req ]
default_bits = 2048
distinguished_name = dn
prompt = no
string_mask = utf8only
x509_extensions = exts
[ dn ]
CN = $cn
[ exts ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 -config "$work/x509.genkey" \
	-outform PEM -out "$work/key.pem" -keyout "$work/key.pem" 2>"$work/openssl.log" ||
	{ cat "$work/openssl.log"; fail "openssl could not make a key"; finish; }
mkdir -p "$work/kdir/certs"
openssl x509 -in "$work/key.pem" -outform DER -out "$work/kdir/certs/signing_key.x509"
for entry in "$kdir"/* "$kdir"/.[!.]*; do
	[ -e "$entry" ] && ln -s "$(readlink -f "$entry")" "$work/kdir/"
done

if make --no-print-directory install-modules KDIR="$work/kdir" DESTDIR="$work/dest" \
	CONFIG_MODULE_SIG_KEY="$work/key.pem" >"$work/install.log" 2>&1; then
	pass "make install-modules with a throwaway key"
else
	tail -n 30 "$work/install.log"
	fail "make install-modules with a throwaway key"
	finish
fi

# verify MODULE: the signature appended to MODULE (its PKCS#7 blob, struct module_signature,
# then the magic string) verifies against the throwaway certificate over the bytes before it.
magic='~Module signature appended~'
verify() {
	local f=$1 size sig_len body
	size=$(stat -c %s "$f")
	cmp -s <(tail -c 28 "$f") <(printf '%s\n' "$magic") || return 1
	# struct module_signature: 12 bytes, sig_len big-endian in its last 4.
	sig_len=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	body=$((size - 28 - 12 - sig_len))
	[ "$body" -gt 0 ] || return 1
	head -c "$body" "$f" >"$work/body"
	tail -c $((28 + 12 + sig_len)) "$f" | head -c "$sig_len" >"$work/sig.der"
	openssl cms -verify -binary -inform DER -in "$work/sig.der" -content "$work/body" \
		-certfile "$work/key.pem" -nointern -noverify -out /dev/null 2>>"$work/verify.log"
}

installed=$work/dest/lib/modules/$kver/extra
for m in "${modules[@]}"; do
	f=$installed/$m.ko
	[ -e "$f" ] || { fail "$m.ko is not installed in $installed"; continue; }
	signer=$(modinfo -F signer "$f")
	algo=$(modinfo -F sig_hashalgo "$f")
	if [ "$signer" = "$cn" ] && [ "$algo" = "$hash" ]; then
		pass "$m.ko: modinfo: signer is the throwaway key, $algo"
	else
		fail "$m.ko: modinfo: signer '$signer', hash '$algo' (expected '$cn', $hash)"
	fi
	if verify "$f"; then
		pass "$m.ko: openssl verifies the signature against the certificate"
	else
		fail "$m.ko: openssl does not verify the signature (see $work/verify.log)"
	fi
done
# The verification can fail: one byte of a module's code changed.
f=$installed/${modules[0]}.ko
cp "$f" "$work/tampered.ko"
printf '\x90' | dd of="$work/tampered.ko" bs=1 seek=4096 conv=notrunc status=none
if verify "$work/tampered.ko"; then
	fail "a module with one byte changed still verifies"
else
	pass "a module with one byte changed does not verify"
fi
finish
