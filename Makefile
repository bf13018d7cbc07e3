# SPDX-License-Identifier: GPL-2.0-only
# xtables-addons-rs: top-level build.
#
#   make                 plugins, tools, the Rust kernel object and the kernel modules
#   make install         DESTDIR-aware install (modules through kbuild's modules_install)
#   make uninstall       removes what make install installed (same DESTDIR and KDIR)
#   make check           host tests (cargo tests, the shim's with overflow checks, plugin tests,
#                        object checks, tests/host/*.sh, fuzz smoke runs)
#   make soak            the property tests on fresh random seeds, SOAK_ROUNDS times
#   make bench           the benchmark boots (guest instruction counts, ours vs upstream) and
#                        their tables (bench/README.md)
#   make vmtest          the QEMU lab (tests/vm), Debian's kernel (6.1), stock iptables
#   make vmtest-newer    the lab on bookworm-backports' kernel (6.12), unpacked into target/kernel/
#   make vmtest-sid      the lab on sid's kernel (7.2), its modules built in a sid chroot
#                        (target/chroot/sid: the kernel's compiler, gcc-16, is sid's)
#   make dkms-source     the DKMS source tree in $(DESTDIR)/usr/src/xtables-addons-rs-VERSION
#   make deb             the Debian packages (dpkg-buildpackage -b, lintian) in target/deb/
#   make packaging-test  those packages in a Debian 12 chroot, DKMS, the lab on DKMS's modules;
#                        make install's module signing with a throwaway key
#   make test            check + the lab on all three kernels + the packaging test without its
#                        lab part (what CI runs)
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
SYSTEMDUNITDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
# The release the modules are built for (Debian's headers say 6.1.192 in kernel.release, but
# the module directory and vermagic use UTS_RELEASE).
KERNELRELEASE_OF_KDIR = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

RELEASE_DIR := target/release
PLUGINS = $(wildcard extensions/*/Cargo.toml)
# One plugin per cdylib crate in extensions/: extensions/NAME builds libxt_NAME.so (the other
# crates there are libraries the plugins share).
PLUGIN_SOS = $(patsubst extensions/%/Cargo.toml,libxt_%.so,$(shell grep -l cdylib $(PLUGINS)))
TOOLS := send_sysrq fw-safetynet knockd knock pknock-knock pknlusr iptaccount
# The kernel modules: kmod-c/Kbuild's obj-m, as make reads it (the one list; DKMS uses it too).
KMODS = $(patsubst %.o,%,$(shell printf 'include kmod-c/Kbuild\nx:\n\t@echo $$(obj-m)\n' | \
	MAKEFLAGS= $(MAKE) --no-print-directory -s -f - src=kmod-c obj=kmod-c x))
VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)

.PHONY: all rust kmod install install-userspace install-dev install-modules uninstall dkms-source deb packaging-test check soak vmtest vmtest-newer vmtest-sid \
	newer-kernel sid-kernel prepare test-packaging test-newer-labs test bench demo \
	clean print-kdir print-modules

all: rust kmod

rust:
	$(CARGO) build --release --workspace

kmod:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { echo "make: no kernel build dir; install linux-headers or pass KDIR=" >&2; exit 1; }
	shim/kernel/build-object.sh "$(KDIR)" kmod-c/xa_shim_core.o
	$(MAKE) -j$(shell nproc) -C "$(KDIR)" M=$(CURDIR)/kmod-c modules

install: install-userspace install-dev install-modules

# Plugins, tools, the run-time library, man pages, knockd's unit (what xtables-addons-rs-common
# ships; built by `make rust`).
install-userspace: rust
	install -d $(DESTDIR)$(XTLIBDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(LIBDIR)
	for so in $(PLUGIN_SOS); do install -m 0644 $(RELEASE_DIR)/$$so $(DESTDIR)$(XTLIBDIR)/; done
	# libxt_ACCOUNT_cl: upstream's file name and soname link.
	install -m 0644 $(RELEASE_DIR)/libxt_ACCOUNT_cl.so $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1.0.0
	ln -sf libxt_ACCOUNT_cl.so.1.0.0 $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi
	for t in $(TOOLS); do install -m 0755 $(RELEASE_DIR)/$$t $(DESTDIR)$(SBINDIR)/; done
	ln -sf knockd $(DESTDIR)$(SBINDIR)/tportknockd
	install -m 0644 man8/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	for t in $(GEOIP_LIBEXEC); do install -m 0755 $(RELEASE_DIR)/$$t $(DESTDIR)$(LIBEXECDIR)/; done
	install -m 0755 $(RELEASE_DIR)/xt_geoip_query $(DESTDIR)$(BINDIR)/
	install -m 0644 man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	ln -sf knockd.8 $(DESTDIR)$(MANDIR)/man8/tportknockd.8
	install -d $(DESTDIR)$(MANDIR)/man5 && install -m 0644 man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -D -m 0644 xtables-addons-compat/knockd/knockd.service $(DESTDIR)$(SYSTEMDUNITDIR)/knockd.service

# What C programs using libxt_ACCOUNT_cl compile against (Debian's packages do not ship it).
install-dev:
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)
	ln -sf libxt_ACCOUNT_cl.so.1 $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so
	install -m 0644 xtables-addons-compat/libxt_ACCOUNT_cl/include/libxt_ACCOUNT_cl.h kmod-c/include/xt_ACCOUNT.h $(DESTDIR)$(INCLUDEDIR)/

# kbuild installs (and, where the kernel is configured to, signs) the modules into
# /lib/modules/VER/extra; depmod only for the running system, not a staging DESTDIR.
install-modules: kmod
	$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod-c INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),DEPMOD=true) modules_install

uninstall:
	rm -f $(addprefix $(DESTDIR)$(XTLIBDIR)/,$(PLUGIN_SOS))
	rm -f $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1.0.0 $(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so.1 \
		$(DESTDIR)$(LIBDIR)/libxt_ACCOUNT_cl.so
	rm -f $(DESTDIR)$(INCLUDEDIR)/libxt_ACCOUNT_cl.h $(DESTDIR)$(INCLUDEDIR)/xt_ACCOUNT.h
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS) tportknockd)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man8/*.8)) tportknockd.8)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man5/*.5)))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/knockd.service
	rm -f $(addprefix $(DESTDIR)$(LIBEXECDIR)/,$(GEOIP_LIBEXEC)) $(DESTDIR)$(BINDIR)/xt_geoip_query
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man1/*.1)))
	rm -f $(foreach m,$(KMODS),$(DESTDIR)/lib/modules/$(KERNELRELEASE_OF_KDIR)/extra/$(m).ko)
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KERNELRELEASE_OF_KDIR); fi

dkms-source:
	dkms/make-source.sh $(DESTDIR)/usr/src/xtables-addons-rs-$(VERSION) $(VERSION)

# The Debian packages (debian/), binary only, into target/deb/, then lintian on them.
DEB_DIR := $(CURDIR)/target/deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	XA_DEB_DIR=$(DEB_DIR) dpkg-buildpackage -b -us -uc \
		--buildinfo-file=$(DEB_DIR)/xtables-addons-rs.buildinfo --buildinfo-option=-u$(DEB_DIR) \
		--changes-file=$(DEB_DIR)/xtables-addons-rs.changes --changes-option=-u$(DEB_DIR)
	lintian --fail-on error,warning --info $(DEB_DIR)/xtables-addons-rs.changes

# The packages in a clean Debian 12 chroot: DKMS builds for 6.1 and 6.12, the lab boots those
# modules, and an upgrade from Debian's xtables-addons and the removal leave nothing behind.
# Then make install-modules signs with a throwaway key. PACKAGING_TEST_ARGS=--no-lab leaves out
# its lab part (make test's form; README.md says why).
PACKAGING_TEST_ARGS ?=
packaging-test: deb
	tests/packaging/run.sh $(PACKAGING_TEST_ARGS)
	tests/packaging/sign.sh

# make check's property tests draw the same cases on every run (a fixed seed), so a failure there
# reproduces and a passing tree stays passing; make soak draws new ones. proptest replays the
# failures it saved (a test's .proptest-regressions file: commit it) before drawing.
PROPTEST_SEED := 20261208
SOAK_ROUNDS ?= 20
check: all
	PROPTEST_RNG_SEED=$(PROPTEST_SEED) $(CARGO) test --profile checked --workspace
	@set -e; for t in tests/host/*.sh; do [ $$t = tests/host/lib.sh ] && continue; echo "== $$t"; \
		start=$$(date +%s); bash $$t; echo "== $$t: $$(($$(date +%s) - start)) s"; done

soak:
	set -e; for round in $$(seq $(SOAK_ROUNDS)); do echo "== soak round $$round"; \
		$(CARGO) test --profile checked -p shim -q; done

# The benchmarks (*-bench) are make bench's: they measure, they do not test.
vmtest: all
	tests/vm/run.sh --skip '*-bench'

# Newer kernels are unpacked under target/kernel/, never installed. Debian 12's upstream modules
# (3.23) do not build for them: the interoperability oracle there is sid's xtables-addons 3.31.
NEWER_KROOT := target/kernel/bookworm-backports
# Benchmarks compare ours with upstream on one kernel (make bench); the instruction-count
# plugin's self-test (insn-*) runs on 6.1 (make vmtest), where the benchmarks use it, and so does
# the lab's lockup self-test (lab-lockup: the lab's console scan fails a run on a lockup report;
# its 100 s spin is 4 min of make test's CPU on two more kernels).
NEWER_LAB_ARGS := --skip '*-bench' --skip 'insn-*' --skip lab-lockup
newer-kernel:
	kver=$$(scripts/fetch-kernel-image.sh bookworm-backports $(NEWER_KROOT) | tail -n 1) && \
		scripts/build-upstream-modules.sh $(NEWER_KROOT) $$kver

vmtest-newer: all newer-kernel
	tests/vm/run.sh --kernel-root $(NEWER_KROOT) $(NEWER_LAB_ARGS)

# sid's kernel headers want sid's compiler and C library: kbuild runs in a sid chroot (its
# linux-headers package brings the compiler); the Rust object is built here against them.
SID_KROOT := target/kernel/sid
SID_CHROOT := target/chroot/sid
SID_CHROOT_PACKAGES := make kmod libelf-dev bc bison flex libssl-dev xz-utils perl
sid-kernel:
	kver=$$(scripts/fetch-kernel-image.sh sid $(SID_KROOT) | tail -n 1) && \
		scripts/make-chroot.sh sid $(SID_CHROOT) $(SID_CHROOT_PACKAGES) linux-headers-$$kver && \
		scripts/build-upstream-modules.sh --chroot $(SID_CHROOT) $(SID_KROOT) $$kver

vmtest-sid: all sid-kernel
	tests/vm/run.sh --kernel-root $(SID_KROOT) --build-chroot $(SID_CHROOT) $(NEWER_LAB_ARGS)

# What the newer kernels' labs need beyond the build: downloads, debootstrap, the oracle's
# builds. Cached under target/; make test runs it beside check and the 6.1 lab (it mostly waits
# on the network).
prepare:
	$(MAKE) newer-kernel
	$(MAKE) sid-kernel

# make test's packaging part, in the background as it mostly waits on the network, apt and dpkg:
# the packaging test's chroot, then the packages and the packaging test without its lab part
# (log: target/packaging-test.log). Its lab part (two more lab runs) and the signing check (it
# rebuilds kmod-c/ in place, which the 6.1 lab reads) are not: see test.
test-packaging:
	@mkdir -p target
	@{ tests/packaging/run.sh --prepare && $(MAKE) --no-print-directory deb && tests/packaging/run.sh --no-lab; } \
		>target/packaging-test.log 2>&1 || \
		{ echo "the packaging test failed: see target/packaging-test.log" >&2; grep '^FAIL' target/packaging-test.log >&2; \
		tail -n 20 target/packaging-test.log >&2; exit 1; }
	@echo "packaging test without its lab part: $$(tail -n 1 target/packaging-test.log) (target/packaging-test.log)"

# make test's newer kernels: their preparation (downloads, the sid chroot, the oracle's builds;
# target/prepare.log), then both labs at once (target/vmtest-newer.log, target/vmtest-sid.log).
test-newer-labs:
	@mkdir -p target
	@$(MAKE) --no-print-directory prepare >target/prepare.log 2>&1 || \
		{ echo "make prepare failed: see target/prepare.log" >&2; tail -n 30 target/prepare.log >&2; exit 1; }
	@status=0; \
	$(MAKE) --no-print-directory -o all vmtest-newer >target/vmtest-newer.log 2>&1 & newer=$$!; \
	$(MAKE) --no-print-directory -o all vmtest-sid >target/vmtest-sid.log 2>&1 || status=1; \
	wait $$newer || status=1; exit $$status

# CI: everything at once where it can be, as the lab's guests, the host tests and the packaging
# test each leave much of the machine idle (timers, captures, downloads): check in the
# foreground; the 6.1 lab, the newer kernels' preparation and labs, and the packaging test in
# the background. The labs share the machine's guest slots (LAB_SLOTS, tests/vm/lab.sh): three
# here, on two cores, as a guest uses about three quarters of its time on average (timers,
# captures: the lab prints each boot's CPU time) and the third keeps both cores busy once check
# is done. Sharing the cores, a boot takes up to four times as long as alone (pknock's took 839 s
# of its 960 s timeout), so the boots' timeouts (against a hung guest) are tripled. Each lab's
# log is in target/, its failures and totals are printed at the end, and last a summary of every
# part with its FAIL lines (what a CI that shows only the first and last lines of the output keeps).
# The packaging test's lab part (the lab on the modules DKMS built, 6.1 and 6.12) is make
# packaging-test's alone: it would add two lab runs to the 60 minutes (see README.md).
TEST_LABS := vmtest vmtest-newer vmtest-sid
test: export LAB_SLOTS ?= 3
test: export LAB_TIMEOUT_FACTOR ?= 3
test: all
	@mkdir -p target; rm -f $(addprefix target/,$(addsuffix .log,$(TEST_LABS))) target/check.status; \
	failed=; start=$$(date +%s); \
	$(MAKE) --no-print-directory -o all test-packaging & packaging=$$!; \
	$(MAKE) --no-print-directory -o all test-newer-labs & newer=$$!; \
	$(MAKE) --no-print-directory -o all vmtest >target/vmtest.log 2>&1 & lab=$$!; \
	{ $(MAKE) --no-print-directory -o all check 2>&1; echo $$? >target/check.status; } | tee target/check.log; \
	[ "$$(cat target/check.status)" = 0 ] || failed="$$failed check"; \
	wait $$lab || failed="$$failed vmtest"; \
	wait $$newer || failed="$$failed test-newer-labs"; \
	wait $$packaging || failed="$$failed test-packaging"; \
	for lab in $(TEST_LABS); do \
		echo "== make $$lab (target/$$lab.log)"; \
		grep -aE '^(FAIL |vm lab: (kernel|boot|total))|^[0-9]+ passed, [0-9]+ failed$$' target/$$lab.log 2>/dev/null || \
			{ echo "FAIL make $$lab: no lab report (see target/$$lab.log, target/prepare.log)"; \
			tail -n 20 target/$$lab.log target/prepare.log 2>/dev/null; failed="$$failed $$lab"; }; \
	done; \
	echo "== tests/packaging/sign.sh (target/sign.log)"; \
	tests/packaging/sign.sh >target/sign.log 2>&1 || failed="$$failed sign"; \
	grep -aE '^FAIL|^[0-9]+ passed, [0-9]+ failed$$' target/sign.log; \
	echo "== make test: summary ($$(( ($$(date +%s) - start) / 60 )) min; logs in target/)"; \
	echo "check: exit status $$(cat target/check.status)"; \
	grep -aE '^FAIL |^test .* FAILED$$' target/check.log | head -n 8; \
	for log in vmtest vmtest-newer vmtest-sid packaging-test sign; do \
		echo "$$log: $$(grep -aE '^[0-9]+ passed, [0-9]+ failed$$' target/$$log.log 2>/dev/null | tail -n 1 | grep . || echo no report)"; \
		grep -aE '^FAIL ' target/$$log.log 2>/dev/null | head -n 8; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED in:$$failed"; exit 1; fi; \
	echo "make test: passed"

# Every *-bench scenario, each in its boot under the instruction-count plugin; report.py turns
# their logs into the tables of bench/*.md.
BENCH_SCENARIOS := $(basename $(notdir $(wildcard tests/vm/scenarios/*-bench.sh)))
bench: all
	tests/vm/run.sh $(addprefix --only ,$(BENCH_SCENARIOS))
	@for b in $(BENCH_SCENARIOS); do echo "== $$b"; \
		tests/vm/insn/report.py --bench $${b%-bench} tests/vm/out/$$b.insn.log || exit 1; done

demo: all
	tests/vm/demo.sh

# The kernel build dir make uses, for scripts that must agree with it.
print-kdir:
	@echo $(KDIR)

print-modules:
	@echo $(KMODS)

clean:
	$(CARGO) clean
	-$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod-c clean
	rm -f kmod-c/xa_shim_core.o
	rm -rf shim/kernel/target
	rm -rf tests/vm/out
