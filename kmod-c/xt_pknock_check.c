// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: which match data checkentry refuses, and why. The wording is
 * upstream's where it has one: administrators find these lines in their logs.
 */
#include <linux/ctype.h>
#include <linux/string.h>

#include "xt_pknock_check.h"

/* A rule name is a /proc file name: 1-31 printable bytes, no '/', no leading dot. */
static bool pknock_name_valid(const struct xt_pknock_mtinfo *info)
{
	unsigned int i;

	if (info->rule_name_len == 0 ||
	    info->rule_name_len > XT_PKNOCK_MAX_BUF_LEN ||
	    info->rule_name[0] == '.' ||
	    info->rule_name[info->rule_name_len] != '\0')
		return false;
	for (i = 0; i < info->rule_name_len; i++)
		if (!isprint(info->rule_name[i]) || info->rule_name[i] == '/')
			return false;
	return true;
}

/* Why checkentry refuses `info`, NULL if it is acceptable. */
const char *pknock_refusal(const struct xt_pknock_mtinfo *info)
{
	u8 opt = info->option;
	unsigned int i;

	if (opt & ~(XT_PKNOCK_KNOCKPORT | XT_PKNOCK_TIME | XT_PKNOCK_NAME |
		    XT_PKNOCK_STRICT | XT_PKNOCK_CHECKIP | XT_PKNOCK_OPENSECRET |
		    XT_PKNOCK_CLOSESECRET | XT_PKNOCK_AUTOCLOSE))
		return "unknown option bits (newer iptables plugin?)";
	if (!(opt & XT_PKNOCK_NAME))
		return "You must specify --name option.";
	if (!pknock_name_valid(info))
		return "--name must be 1-31 printable characters without '/' or a leading '.'";
	if (opt & XT_PKNOCK_OPENSECRET && info->ports_count != 1)
		return "--opensecret must have just one knock port";
	if (opt & XT_PKNOCK_KNOCKPORT) {
		if (opt & XT_PKNOCK_CHECKIP)
			return "Can't specify --knockports with --checkip.";
		if (opt & XT_PKNOCK_OPENSECRET && !(opt & XT_PKNOCK_CLOSESECRET))
			return "--opensecret must go with --closesecret.";
		if (opt & XT_PKNOCK_CLOSESECRET && !(opt & XT_PKNOCK_OPENSECRET))
			return "--closesecret must go with --opensecret.";
		if (info->ports_count == 0 || info->ports_count > XT_PKNOCK_MAX_PORTS)
			return "--knockports needs 1 to 15 ports";
		for (i = 0; i < info->ports_count; i++)
			if (info->port[i] == 0)
				return "--knockports: port 0 cannot be knocked";
	} else if (!(opt & XT_PKNOCK_CHECKIP)) {
		return "specify --knockports or --checkip";
	}
	if (opt & XT_PKNOCK_CHECKIP) {
		if (opt & (XT_PKNOCK_OPENSECRET | XT_PKNOCK_CLOSESECRET))
			return "Can't specify --opensecret and --closesecret with --checkip.";
		if (opt & XT_PKNOCK_TIME)
			return "Can't specify --time with --checkip.";
		if (opt & XT_PKNOCK_AUTOCLOSE)
			return "Can't specify --autoclose with --checkip.";
	} else if (!(opt & (XT_PKNOCK_OPENSECRET | XT_PKNOCK_TIME))) {
		return "you must specify --time.";
	}
	if (opt & XT_PKNOCK_OPENSECRET) {
		if (info->open_secret_len == 0 ||
		    info->open_secret_len > XT_PKNOCK_MAX_PASSWD_LEN ||
		    info->close_secret_len == 0 ||
		    info->close_secret_len > XT_PKNOCK_MAX_PASSWD_LEN)
			return "--opensecret and --closesecret must be 1-31 bytes";
		if (info->open_secret_len == info->close_secret_len &&
		    memcmp(info->open_secret, info->close_secret,
			   info->open_secret_len) == 0)
			return "opensecret & closesecret cannot be equal.";
	}
	return NULL;
}
