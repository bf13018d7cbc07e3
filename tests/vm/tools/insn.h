// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's side of the QEMU lab's instruction-count plugin (tests/vm/insn/insn-count.c): a
 * phase is what the calling thread's vCPU executes between insn_phase_begin() and
 * insn_phase_end(). The insn tool makes any command a phase; a sender that marks its own loop
 * (rawudp -I) leaves its process's start and exit out of the phase: the kernel's page, LRU and
 * slab bookkeeping there varies by a few hundred thousand instructions from one run to the next.
 * The caller defines _GNU_SOURCE (for sched_setaffinity) before any include.
 */
#ifndef XAVM_INSN_H
#define XAVM_INSN_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum insn_marker_op { INSN_BEGIN = 1, INSN_END = 2, INSN_BEGIN_PROFILE = 3 };
#define INSN_LABEL_MAX 256

/* The plugin's marker: nopl 0x4e534e49(%rax), with the operation in %rax and the label in
 * %rdi/%rsi. A NOP to the CPU; "memory" keeps the compiler from moving work across it. */
static inline void insn_mark(uint64_t op, const char *label)
{
	__asm__ volatile("nopl 0x4e534e49(%%rax)" : : "a"(op), "D"(label), "S"(strlen(label))
			 : "memory");
}

/* 0 if LABEL can name a phase; otherwise 2, after saying why. */
static inline int insn_label_check(const char *label)
{
	size_t len = strlen(label);

	if (len == 0 || len > INSN_LABEL_MAX) {
		fprintf(stderr, "insn: the label must have 1 to %d characters\n", INSN_LABEL_MAX);
		return 2;
	}
	return 0;
}

/*
 * Prepares a phase: pins the thread to the CPU it runs on (children inherit it: the phase is
 * counted on one vCPU), waits until the terminals on stdout and stderr have sent what was
 * written to them (the lab's serial port sends a line in milliseconds, and its interrupts would
 * otherwise land in the phase), then sleeps a second, so that what the kernel deferred from
 * before the phase (the RCU callbacks and freeing of a rule set just replaced) runs before it,
 * not in it. Under -icount sleep=off an idle guest's clock jumps to its next timer: the sleep
 * costs no host time. 0, or 2 after saying why not.
 */
static inline int insn_phase_prepare(void)
{
	const struct timespec settle = { .tv_sec = 1 };
	cpu_set_t cpus;
	int cpu = sched_getcpu(), fd;

	CPU_ZERO(&cpus);
	if (cpu >= 0)
		CPU_SET(cpu, &cpus);
	if (cpu < 0 || sched_setaffinity(0, sizeof(cpus), &cpus) != 0) {
		fprintf(stderr, "insn: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return 2;
	}
	fflush(NULL);
	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (isatty(fd))
			tcdrain(fd);
	nanosleep(&settle, NULL);
	return 0;
}

/* Begins the phase LABEL; profiled (the plugin also writes where its instructions went, as for
 * `insn --profile`) when the environment has INSN_PROFILE=1. */
static inline void insn_phase_begin(const char *label)
{
	const char *profile = getenv("INSN_PROFILE");

	insn_mark(profile && strcmp(profile, "1") == 0 ? INSN_BEGIN_PROFILE : INSN_BEGIN, label);
}

/*
 * Ends the phase LABEL, and says so on stderr: the host checks the plugin counted every phase
 * printed (stderr, so that it stays in the log when the command's output goes to a file).
 * First sleeps 20 ms, so that what the phase's own work deferred runs in it, not after it: the
 * RCU callbacks that free the uncached route of every datagram a raw IP_HDRINCL socket sent
 * (the kernel does not cache those routes) run in batches at grace periods: 1900 to 3000 of a
 * 3000-datagram phase's ran inside it, depending on where its start fell, about 250
 * instructions each with their slab frees (seen in profiles, bench/README.md). Under -icount
 * sleep=off the sleep costs no host time and a few thousand idle-loop instructions.
 */
static inline void insn_phase_end(const char *label)
{
	const struct timespec settle = { .tv_nsec = 20 * 1000 * 1000 };

	nanosleep(&settle, NULL);
	insn_mark(INSN_END, label);
	fprintf(stderr, "insn: phase %s\n", label);
}

#endif
