// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt-driver: drives an iptables extension plugin through libxtables the way iptables does,
 * without a kernel: find (dlopen from XTABLES_LIBDIR) -> init -> parse options -> final
 * check -> print/save. Used by tests/host/plugin-*.sh to compare our plugins with upstream's.
 *
 *   xt-driver -4|-6 [-p [!]PROTO] target|match NAME help
 *   xt-driver -4|-6 [-p [!]PROTO] target|match NAME parse [OPTION...]  ("!" inverts an option)
 *   xt-driver -4|-6 [-p [!]PROTO] target|match NAME data HEX  (record data as from the kernel)
 *   xt-driver -4|-6 target|match NAME where  (the file libxtables loaded the extension from)
 *   xt-driver -4|-6 [-p [!]PROTO] target|match NAME blob [OPTION...]  (as parse, then the
 *       record as iptables would hand it to the kernel: "revision:R size:N data:HEX")
 *
 * -p sets the protocol number of the rule the options are parsed for, like iptables' -p.
 * parse and data print two lines, "print:<text>|" and "save:<text>|" ("(none)" when the
 * plugin has no such callback). Errors go through xt_params->exit_err: message on stderr,
 * exit status 2, as in iptables.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xtables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

static struct option no_options[] = {{NULL}};

static void __attribute__((noreturn)) driver_exit_err(enum xtables_exittype status, const char *msg, ...)
{
	va_list args;

	fputs("xt-driver: ", stderr);
	va_start(args, msg);
	vfprintf(stderr, msg, args);
	va_end(args);
	fputc('\n', stderr);
	exit(status);
}

/*
 * There is no kernel to ask: every revision is "supported", or those up to
 * $XT_DRIVER_MAX_REVISION (to drive an older revision of a plugin that has several).
 */
static int driver_compat_rev(const char *name, uint8_t rev, int opt)
{
	const char *max = getenv("XT_DRIVER_MAX_REVISION");

	return max == NULL || rev <= atoi(max);
}

static struct xtables_globals driver_globals = {
	.program_name = "xt-driver",
	.program_version = "1",
	.orig_opts = no_options,
	.exit_err = driver_exit_err,
	.compat_rev = driver_compat_rev,
};

/* A target or a match, behind one interface. */
struct ext {
	struct xtables_target *t;
	struct xtables_match *m;
	const struct xt_option_entry *x6_options;
	const struct option *extra_opts;
	unsigned int *option_offset;
	void (*help)(void);
	void *record; /* xt_entry_target or xt_entry_match: header, then data */
};

static void *new_record(size_t data_len, const char *name, uint8_t revision)
{
	size_t size = XT_ALIGN(sizeof(struct xt_entry_target)) + data_len;
	struct xt_entry_target *rec = xtables_calloc(1, size);

	/* xt_entry_match has the same header layout. */
	rec->u.user.target_size = size;
	snprintf(rec->u.user.name, sizeof(rec->u.user.name), "%s", name);
	rec->u.user.revision = revision;
	return rec;
}

static void find_ext(struct ext *e, const char *kind, const char *name)
{
	memset(e, 0, sizeof(*e));
	if (strcmp(kind, "target") == 0) {
		e->t = xtables_find_target(name, XTF_LOAD_MUST_SUCCEED);
		e->x6_options = e->t->x6_options;
		e->extra_opts = e->t->extra_opts;
		e->option_offset = &e->t->option_offset;
		e->help = e->t->help;
	} else if (strcmp(kind, "match") == 0) {
		e->m = xtables_find_match(name, XTF_LOAD_MUST_SUCCEED, NULL);
		e->x6_options = e->m->x6_options;
		e->extra_opts = e->m->extra_opts;
		e->option_offset = &e->m->option_offset;
		e->help = e->m->help;
	} else {
		xtables_error(PARAMETER_PROBLEM, "kind must be target or match, not \"%s\"", kind);
	}
}

/* The shared object that defines the extension's struct: which plugin libxtables loaded. */
static void print_where(const struct ext *e)
{
	const void *defined = e->t ? (const void *)e->t : (const void *)e->m;
	Dl_info info;

	if (dladdr(defined, &info) == 0 || info.dli_fname == NULL)
		xtables_error(OTHER_PROBLEM, "dladdr cannot place the extension");
	puts(info.dli_fname);
}

static size_t ext_size(const struct ext *e)
{
	return e->t ? e->t->size : e->m->size;
}

static void set_record(struct ext *e, void *rec)
{
	e->record = rec;
	if (e->t)
		e->t->t = rec;
	else
		e->m->m = rec;
}

static void init_record(struct ext *e, const char *name)
{
	set_record(e, new_record(ext_size(e), name, e->t ? e->t->revision : e->m->revision));
	if (e->t && e->t->init)
		e->t->init(e->t->t);
	if (e->m && e->m->init)
		e->m->init(e->m->m);
}

/* The rule being built, passed to the extension's parser; iptables has these in a union. */
static union {
	struct ipt_entry v4;
	struct ip6t_entry v6;
} rule;

static void set_protocol(int family, const char *arg)
{
	bool invert = arg[0] == '!';
	unsigned int proto;

	if (!xtables_strtoui(arg + invert, NULL, &proto, 0, UINT8_MAX))
		xtables_error(PARAMETER_PROBLEM, "bad protocol number \"%s\"", arg);
	if (family == NFPROTO_IPV4) {
		rule.v4.ip.proto = proto;
		rule.v4.ip.invflags = invert ? XT_INV_PROTO : 0;
	} else {
		rule.v6.ipv6.proto = proto;
		rule.v6.ipv6.flags = IP6T_F_PROTO;
		rule.v6.ipv6.invflags = invert ? XT_INV_PROTO : 0;
	}
}

static void parse_options(struct ext *e, int argc, char **argv)
{
	struct option *opts;
	bool invert = false;
	int c;

	if (e->x6_options)
		opts = xtables_options_xfrm(no_options, NULL, e->x6_options, e->option_offset);
	else
		opts = xtables_merge_options(no_options, NULL, e->extra_opts, e->option_offset);
	if (opts == NULL)
		opts = no_options;

	opterr = 0;
	optind = 0;
	/* "-" keeps non-options in place ("!"), ":" reports a missing argument as ':' */
	while ((c = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (c == 1 && strcmp(optarg, "!") == 0) {
			invert = true;
			continue;
		}
		if (c == 1)
			xtables_error(PARAMETER_PROBLEM, "Bad argument \"%s\"", optarg);
		if (c == ':')
			xtables_error(PARAMETER_PROBLEM, "option \"%s\" requires an argument", argv[optind - 1]);
		if (c == '?' || (unsigned int)c < *e->option_offset)
			xtables_error(PARAMETER_PROBLEM, "unknown option \"%s\"", argv[optind - 1]);
		if (e->t)
			xtables_option_tpcall(c, argv, invert, e->t, &rule);
		else
			xtables_option_mpcall(c, argv, invert, e->m, &rule);
		invert = false;
	}
	if (invert)
		xtables_error(PARAMETER_PROBLEM, "\"!\" at the end");
	if (e->t)
		xtables_option_tfcall(e->t);
	else
		xtables_option_mfcall(e->m);
}

static void load_hex(struct ext *e, const char *name, const char *hex)
{
	size_t len = strlen(hex), i;
	unsigned char *data;
	struct xt_entry_target *rec;

	if (len % 2 != 0)
		xtables_error(PARAMETER_PROBLEM, "odd number of hex digits");
	rec = new_record(len / 2, name, 0);
	data = rec->data;
	for (i = 0; i < len / 2; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &data[i]) != 1)
			xtables_error(PARAMETER_PROBLEM, "bad hex at %zu", 2 * i);
	set_record(e, rec);
}

/* The extension's data after parse and final check, as the kernel would get it. */
static void print_blob(const struct ext *e)
{
	const struct xt_entry_target *rec = e->record;
	size_t i;

	printf("revision:%u size:%zu data:", rec->u.user.revision, ext_size(e));
	for (i = 0; i < ext_size(e); i++)
		printf("%02x", rec->data[i]);
	putchar('\n');
}

static void print_and_save(const struct ext *e)
{
	static union {
		struct ipt_ip v4;
		struct ip6t_ip6 v6;
	} ip; /* no addresses, no protocol */

	fputs("print:", stdout);
	if (e->t && e->t->print)
		e->t->print(&ip, e->record, 0);
	else if (e->m && e->m->print)
		e->m->print(&ip, e->record, 0);
	else
		fputs("(none)", stdout);
	fputs("|\nsave:", stdout);
	if (e->t && e->t->save)
		e->t->save(&ip, e->record);
	else if (e->m && e->m->save)
		e->m->save(&ip, e->record);
	else
		fputs("(none)", stdout);
	fputs("|\n", stdout);
}

int main(int argc, char **argv)
{
	struct ext e;
	int family;

	if (argc < 5 || (strcmp(argv[1], "-4") != 0 && strcmp(argv[1], "-6") != 0)) {
		fputs("usage: xt-driver -4|-6 [-p [!]PROTO] target|match NAME "
		      "help|parse [OPTION...]|data HEX|where\n", stderr);
		return 2;
	}
	family = argv[1][1] == '4' ? NFPROTO_IPV4 : NFPROTO_IPV6;
	if (xtables_init_all(&driver_globals, family) < 0) {
		fputs("xt-driver: xtables_init_all failed\n", stderr);
		return 1;
	}
	if (strcmp(argv[2], "-p") == 0 && argc >= 7) {
		set_protocol(family, argv[3]);
		/* drop "-p PROTO": the rest reads as without it */
		argv[3] = argv[1];
		argv += 2;
		argc -= 2;
	}
	find_ext(&e, argv[2], argv[3]);

	if (strcmp(argv[4], "help") == 0) {
		if (e.help)
			e.help();
	} else if (strcmp(argv[4], "parse") == 0) {
		init_record(&e, argv[3]);
		/* getopt sees argv[4] ("parse") as the program name */
		parse_options(&e, argc - 4, argv + 4);
		print_and_save(&e);
	} else if (strcmp(argv[4], "blob") == 0) {
		init_record(&e, argv[3]);
		parse_options(&e, argc - 4, argv + 4);
		print_blob(&e);
	} else if (strcmp(argv[4], "where") == 0) {
		print_where(&e);
	} else if (strcmp(argv[4], "data") == 0 && argc == 6) {
		load_hex(&e, argv[3], argv[5]);
		print_and_save(&e);
	} else {
		xtables_error(PARAMETER_PROBLEM, "unknown mode \"%s\"", argv[4]);
	}
	return 0;
}
