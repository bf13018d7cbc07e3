// SPDX-License-Identifier: GPL-2.0-only
/*
 * insn: run a command as one measured phase of the QEMU lab's instruction-count plugin
 * (tests/vm/insn/insn-count.c), from the guest.
 *
 *   insn [--profile] LABEL CMD [ARG...]
 *   insn --spin N LABEL
 *
 * Pins itself to the CPU it runs on (CMD inherits it), waits for its terminal (insn.h), executes
 * the plugin's begin marker, runs CMD and waits for it, executes the end marker, and prints
 * "insn: phase LABEL" on stderr. Exits with CMD's status (128 + signal if it was killed).
 * Without the plugin the markers are NOPs.
 * --spin N runs a loop of exactly 2 user-mode instructions N times instead of a command: the
 * lab's known answer (two such phases must differ by exactly twice the difference of their N).
 * --profile asks the plugin for the phase's profile (where its instructions went).
 * Linked statically; the guest has no compiler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "insn.h"

/* N iterations of dec + jnz: 2N instructions, plus the constant ones around the loop. */
static void insn_spin(uint64_t n)
{
	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
}

static int insn_usage(void)
{
	fputs("usage: insn [--profile] LABEL CMD [ARG...]\n"
	      "       insn --spin N LABEL\n"
	      "  runs CMD (or N iterations of a 2-instruction loop), pinned to this CPU, as one phase\n"
	      "  the lab's instruction-count plugin reports (--profile: with where they went)\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *label;
	unsigned long long spin = 0;
	uint64_t begin = INSN_BEGIN;
	char *end;
	int status;
	pid_t pid, waited;

	if (argc == 4 && strcmp(argv[1], "--spin") == 0) {
		spin = strtoull(argv[2], &end, 10);
		if (*argv[2] < '1' || *argv[2] > '9' || *end || spin == ULLONG_MAX) {
			fprintf(stderr, "insn: --spin needs a positive number, not \"%s\"\n", argv[2]);
			return 2;
		}
		argv += 2;
	} else if (argc >= 4 && strcmp(argv[1], "--profile") == 0) {
		begin = INSN_BEGIN_PROFILE;
		argv++;
	} else if (argc < 3 || argv[1][0] == '-') {
		return insn_usage();
	}
	label = argv[1];
	if (insn_label_check(label) || insn_phase_prepare())
		return 2;
	if (spin) {
		insn_spin(1); /* the loop's page is mapped before the phase */
		insn_mark(INSN_BEGIN, label);
		insn_spin(spin);
		insn_phase_end(label);
		return 0;
	}
	insn_mark(begin, label);
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "insn: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	waited = pid;
	while (pid > 0 && (waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (waited < 0) {
		insn_mark(INSN_END, label);
		fprintf(stderr, "insn: %s: %s\n", pid < 0 ? "fork" : "waitpid", strerror(errno));
		return 2;
	}
	insn_phase_end(label);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
