// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_SYSRQ: the module parameters and the password and sequence number
 * they hold (see xt_SYSRQ_params.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "xt_SYSRQ_params.h"

/* An immutable password; replaced as a whole so a packet sees old or new. */
struct sysrq_secret {
	size_t len;
	char text[XA_SYSRQ_MAX_PASSWORD + 1]; /* NUL-terminated for reading back */
};

static struct sysrq_secret __rcu *sysrq_secret;
static DEFINE_MUTEX(sysrq_secret_lock);

static long sysrq_seqno;
/* Set when seqno= was given at load time, so init does not overwrite it. */
static bool sysrq_seqno_given;

static char sysrq_hash_name[16] = "sha1";
static int sysrq_hash __read_mostly = XA_HASH_NONE;
int sysrq_debug;
bool sysrq_allow_netns;

static int sysrq_password_set(const char *val, const struct kernel_param *kp)
{
	struct sysrq_secret *new = NULL, *old;
	size_t len = strlen(val);

	/* "echo secret > .../password" appends a newline: not part of it. */
	if (len > 0 && val[len - 1] == '\n')
		len--;
	if (memchr(val, '\n', len)) {
		pr_err("password must be a single line\n");
		return -EINVAL;
	}
	if (len > XA_SYSRQ_MAX_PASSWORD) {
		pr_err("password longer than %d characters refused\n",
		       XA_SYSRQ_MAX_PASSWORD);
		return -ENOSPC;
	}

	/* An empty password is stored as none: every request is dropped. */
	if (len > 0) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		memcpy(new->text, val, len);
		new->len = len;
	}

	mutex_lock(&sysrq_secret_lock);
	old = rcu_replace_pointer(sysrq_secret, new,
				  lockdep_is_held(&sysrq_secret_lock));
	mutex_unlock(&sysrq_secret_lock);

	/* Packets may still be verifying against the old copy. */
	synchronize_rcu();
	kfree_sensitive(old);
	return 0;
}

static int sysrq_password_get(char *buffer, const struct kernel_param *kp)
{
	const struct sysrq_secret *secret;
	int ret;

	mutex_lock(&sysrq_secret_lock);
	secret = rcu_dereference_protected(sysrq_secret,
					   lockdep_is_held(&sysrq_secret_lock));
	ret = scnprintf(buffer, PAGE_SIZE, "%s\n", secret ? secret->text : "");
	mutex_unlock(&sysrq_secret_lock);
	return ret;
}

/*
 * Called by the module loader when the module goes away, also after a
 * failed init: by then no target is registered and no packet can hold the
 * secret, so no grace period is needed.
 */
static void sysrq_password_free(void *arg)
{
	kfree_sensitive(rcu_replace_pointer(sysrq_secret, NULL, true));
}

static const struct kernel_param_ops sysrq_password_ops = {
	.set = sysrq_password_set,
	.get = sysrq_password_get,
	.free = sysrq_password_free,
};

static int sysrq_seqno_set(const char *val, const struct kernel_param *kp)
{
	long seqno;
	int ret;

	ret = kstrtol(val, 0, &seqno);
	if (ret)
		return ret;
	/* Pairs with the cmpxchg in sysrq_seqno_advance(). */
	WRITE_ONCE(sysrq_seqno, seqno);
	sysrq_seqno_given = true;
	return 0;
}

static int sysrq_seqno_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%ld\n", READ_ONCE(sysrq_seqno));
}

static const struct kernel_param_ops sysrq_seqno_ops = {
	.set = sysrq_seqno_set,
	.get = sysrq_seqno_get,
};

module_param_cb(password, &sysrq_password_ops, NULL, 0600);
MODULE_PARM_DESC(password, "password for remote sysrq");
module_param_string(hash, sysrq_hash_name, sizeof(sysrq_hash_name), 0400);
MODULE_PARM_DESC(hash, "hash algorithm, default sha1 (sha1, sha224, sha256, sha384, sha512)");
module_param_cb(seqno, &sysrq_seqno_ops, NULL, 0600);
MODULE_PARM_DESC(seqno, "sequence number for remote sysrq");
module_param_named(debug, sysrq_debug, int, 0600);
MODULE_PARM_DESC(debug, "debugging: 0=off, 1=on");
/* Root-only: the namespaces' own root must not be able to grant it to themselves. */
module_param_named(allow_netns, sysrq_allow_netns, bool, 0644);
MODULE_PARM_DESC(allow_netns,
		 "accept rules and requests in network namespaces other than the initial one (default N): their requests act on the whole machine");

int sysrq_verify(const u8 *data, size_t len, const char *dst, int dst_len,
		 struct xa_sysrq_request *req)
{
	const struct sysrq_secret *secret;
	u64 seqno;
	int status;

	rcu_read_lock();
	secret = rcu_dereference(sysrq_secret);
	if (!secret)
		status = -ENOKEY;
	/*
	 * A seqno already used is refused before any hashing, as upstream does:
	 * a flood of replayed requests costs no digests. (An accepted request's
	 * seqno is checked again, atomically, by sysrq_seqno_advance().)
	 */
	else if (xa_sysrq_seqno(data, len, &seqno) == XA_SYSRQ_OK &&
		 (s64)seqno <= (s64)READ_ONCE(sysrq_seqno))
		status = XA_SYSRQ_E_SEQNO;
	else
		status = xa_sysrq_verify(sysrq_hash, data, len, (const u8 *)dst,
					 dst_len, (const u8 *)secret->text,
					 secret->len, req);
	rcu_read_unlock();
	return status;
}

bool sysrq_seqno_advance(long seqno)
{
	long old = READ_ONCE(sysrq_seqno);

	do {
		if (seqno <= old)
			return false;
	} while (!try_cmpxchg(&sysrq_seqno, &old, seqno));
	return true;
}

int sysrq_params_init(void)
{
	sysrq_hash = xa_hash_from_name(sysrq_hash_name, strlen(sysrq_hash_name));
	if (sysrq_hash == XA_HASH_NONE) {
		pr_err("unknown hash \"%s\": use sha1, sha224, sha256, sha384 or sha512\n",
		       sysrq_hash_name);
		return -EINVAL;
	}
	if (!sysrq_seqno_given)
		WRITE_ONCE(sysrq_seqno, ktime_get_real_seconds());
	return 0;
}
