# SPDX-License-Identifier: GPL-2.0-only
# xtables-addons-rs: top-level build.
#
#   make                 plugins, tools, the Rust kernel object and the kernel modules
#   make install         DESTDIR-aware install
#   make check           host tests (cargo tests, plugin tests, object checks, tests/host/*.sh)
#   make vmtest          the QEMU lab (tests/vm), Debian's kernel, stock iptables
#   make vmtest-newer    the lab on Debian 12's newest kernel (bookworm-backports, unpacked into
#                        target/kernel/), the scenarios that do not need upstream's modules
#   make test            check + vmtest + vmtest-newer (what CI runs)
#   make demo            live SYSRQ demo in the QEMU lab
#   KDIR=/path/to/build  build the modules for another kernel

SHELL := /bin/bash
CARGO ?= cargo
KVER ?= $(shell uname -r)
# The running kernel's build dir; when it has none (e.g. a CI guest kernel), the headers Debian's
# linux-headers-amd64 depends on: the kernel the QEMU lab boots and upstream's dkms modules exist for.
ifeq ($(origin KDIR),undefined)
KDIR := $(shell if [ -d /lib/modules/$(KVER)/build ]; then echo /lib/modules/$(KVER)/build; \
	else dep=$$(dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'); \
	[ -n "$$dep" ] && [ -d /lib/modules/$$dep/build ] && echo /lib/modules/$$dep/build; fi)
endif
DESTDIR ?=
PREFIX ?= /usr
XTLIBDIR ?= $(shell pkg-config --variable=xtlibdir xtables 2>/dev/null || echo $(PREFIX)/lib/xtables)
# Shared libraries (libxt_ACCOUNT_cl) go beside libxtables, e.g. Debian's multiarch directory.
LIBDIR ?= $(shell pkg-config --variable=libdir xtables 2>/dev/null || echo $(PREFIX)/lib)
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
# Upstream's places for the geoip/asn tools: the builders in libexec (scripts call them by
# path), the query tool in bin.
LIBEXECDIR ?= $(PREFIX)/libexec/xtables-addons
GEOIP_LIBEXEC := xt_geoip_build xt_geoip_build_maxmind xt_asn_build xt_asn_fetch
# The release the modules are built for (Debian's headers say 6.1.192 in kernel.release, but
# the module directory and vermagic use UTS_RELEASE).
KERNELRELEASE_OF_KDIR = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

RELEASE_DIR := target/release
PLUGINS = $(wildcard extensions/*/Cargo.toml)
TOOLS := send_sysrq fw-safetynet knockd knock pknock-knock pknlusr iptaccount

.PHONY: all rust kmod install check vmtest vmtest-newer test demo clean print-kdir

all: rust kmod

rust:
	$(CARGO) build --release --workspace

kmod:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { echo "make: no kernel build dir; install linux-headers or pass KDIR=" >&2; exit 1; }
	shim/kernel/build-object.sh "$(KDIR)" kmod-c/xa_shim_core.o
	$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod-c modules

install: all
	install -d $(DESTDIR)$(XTLIBDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	for so in $(filter-out %_cl.so,$(wildcard $(RELEASE_DIR)/libxt_*.so)); do install -m 0644 $$so $(DESTDIR)$(XTLIBDIR)/; done
	# libxt_ACCOUNT_cl: upstream's file names, soname links and headers.
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)
	install -m 0644 $(RELEASE_DIR)/libxt_ACCOUNT_cl.so $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1.0.0
	ln -sf libxt_ACCOUNT_cl.so.1.0.0 $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1
	ln -sf libxt_ACCOUNT_cl.so.1 $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so
	install -m 0644 xtables-addons-compat/libxt_ACCOUNT_cl/include/libxt_ACCOUNT_cl.h kmod-c/include/xt_ACCOUNT.h $(DESTDIR)$(INCLUDEDIR)/
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi
	for t in $(TOOLS); do install -m 0755 $(RELEASE_DIR)/$$t $(DESTDIR)$(SBINDIR)/; done
	ln -sf knockd $(DESTDIR)$(SBINDIR)/tportknockd
	install -m 0644 man8/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	for t in $(GEOIP_LIBEXEC); do install -m 0755 $(RELEASE_DIR)/$$t $(DESTDIR)$(LIBEXECDIR)/; done
	install -m 0755 $(RELEASE_DIR)/xt_geoip_query $(DESTDIR)$(BINDIR)/
	install -m 0644 man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(MANDIR)/man5 && install -m 0644 man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)/lib/modules/$(KERNELRELEASE_OF_KDIR)/extra
	install -m 0644 kmod-c/*.ko $(DESTDIR)/lib/modules/$(KERNELRELEASE_OF_KDIR)/extra/
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KERNELRELEASE_OF_KDIR); fi

check: all
	$(CARGO) test --release --workspace
	shim/kernel/check-object.sh kmod-c/xa_shim_core.o
	@set -e; for t in tests/host/*.sh; do [ $$t = tests/host/lib.sh ] && continue; echo "== $$t"; bash $$t; done

vmtest: all
	tests/vm/run.sh

# Upstream's dkms modules do not build for that kernel: what needs them is left out, by name.
NEWER_KROOT := target/kernel/bookworm-backports
vmtest-newer: all
	scripts/fetch-kernel-image.sh bookworm-backports $(NEWER_KROOT)
	tests/vm/run.sh --kernel-root $(NEWER_KROOT) --without upstream-modules

test: check vmtest vmtest-newer

demo: all
	tests/vm/demo.sh

# The kernel build dir make uses, for scripts that must agree with it.
print-kdir:
	@echo $(KDIR)

clean:
	$(CARGO) clean
	-$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod-c clean
	rm -f kmod-c/xa_shim_core.o
	rm -rf shim/kernel/target
	rm -rf tests/vm/out
