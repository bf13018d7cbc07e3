// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_rangedb.ko: reading a set's files and laying out their union.
 *
 * The files are read in the calling process's context (checkentry, or the
 * write of "reload"): its root, mount namespace and credentials decide which
 * file DIR/KEY.iv4 is, and whether it may be read. Only regular files are
 * read (a FIFO or a device never blocks or feeds us), at most max_ranges
 * records each; every byte is then judged by the shim (whole records, each
 * range begin <= end, ascending without overlap) before the union is laid out.
 * Memory is charged to the caller's memory cgroup.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/vmalloc.h>

#include "xa_shim.h"
#include "xa_rangedb_int.h"

/* Room for "/usr/share/xt_asn/4294967295.iv6" and a longer directory. */
#define XA_RANGEDB_PATH_MAX 128

static const char *xa_rangedb_status_str(int status)
{
	switch (status) {
	case XA_GEOIP_E_TRUNCATED:
		return "size is not a whole number of records (truncated?)";
	case XA_GEOIP_E_REVERSED:
		return "a range ends before it begins";
	case XA_GEOIP_E_UNSORTED:
		return "a range begins before the previous one (unsorted)";
	case XA_GEOIP_E_OVERLAP:
		return "a range overlaps the previous one";
	default:
		return "invalid";
	}
}

/* Reads a whole regular file of at most max bytes into a kvmalloc'd buffer. */
static int xa_rangedb_read(const char *path, size_t max, void **data, size_t *len)
{
	struct file *file;
	loff_t size, pos = 0;
	ssize_t n = 0;
	void *buf;
	int ret;

	file = filp_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = -EINVAL;
	if (!S_ISREG(file_inode(file)->i_mode))
		goto out_file;
	size = i_size_read(file_inode(file));
	ret = -EFBIG;
	if (size < 0 || size > max)
		goto out_file;
	ret = -ENOMEM;
	buf = kvmalloc(size ? size : 1, GFP_KERNEL_ACCOUNT);
	if (!buf)
		goto out_file;
	while (pos < size) {
		n = kernel_read(file, buf + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	/* A file replaced meanwhile is written anew by rename, not in place. */
	ret = n < 0 ? n : pos != size ? -EIO : 0;
	if (ret) {
		kvfree(buf);
		goto out_file;
	}
	*data = buf;
	*len = size;
out_file:
	fput(file);
	return ret;
}

static void xa_rangedb_path(const struct xa_rangedb_kind *kind, u8 family, u32 key,
			    char *path)
{
	char name[16];

	kind->key_name(key, name, sizeof(name));
	snprintf(path, XA_RANGEDB_PATH_MAX, "%s/%s.iv%c", kind->dir, name,
		 family == NFPROTO_IPV4 ? '4' : '6');
}

static void xa_rangedb_log(const struct xa_rangedb_kind *kind, const char *path,
			   int err, const char *why)
{
	pr_warn_ratelimited("%s: cannot load %s: %s (%d)\n", kind->name, path, why, err);
}

/*
 * A set's memory. kmalloc's pages are contiguous (no TLB misses of their own on
 * the packet path) but a large size is rounded up to a power of two pages, up
 * to twice what is needed; vmalloc rounds up to a page. kmalloc (kvmalloc) then
 * unless that wastes more than an eighth and vmalloc would take less.
 * *footprint: what the allocation takes.
 */
static void *xa_rangedb_alloc(size_t bytes, size_t *footprint)
{
	size_t slab = kmalloc_size_roundup(bytes);
	void *p;

	if (slab - bytes > bytes / 8 && PAGE_ALIGN(bytes) < slab)
		p = __vmalloc(bytes, GFP_KERNEL_ACCOUNT);
	else
		p = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	*footprint = p && is_vmalloc_addr(p) ? PAGE_ALIGN(bytes) : slab;
	return p;
}

struct xa_rangedb_ranges *xa_rangedb_load(const struct xa_rangedb_kind *kind,
					  u8 family, const u32 *keys,
					  unsigned int count)
{
	size_t addr_size = family == NFPROTO_IPV4 ? sizeof(u32) : sizeof(struct xa_geoip_addr6);
	struct xa_geoip_file files[XA_RANGEDB_MAX_KEYS] = {};
	size_t max = (size_t)xa_rangedb_max_ranges * 2 * addr_size;
	struct xa_rangedb_ranges *ranges = ERR_PTR(-EINVAL);
	char path[XA_RANGEDB_PATH_MAX];
	struct xa_geoip_report report;
	size_t slots, bytes, footprint;
	unsigned int i;
	int ret;

	if (count == 0 || count > XA_RANGEDB_MAX_KEYS)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < count; i++) {
		void *data;

		xa_rangedb_path(kind, family, keys[i], path);
		ret = xa_rangedb_read(path, max, &data, &files[i].len);
		if (ret) {
			xa_rangedb_log(kind, path, ret,
				       ret == -EFBIG ? "larger than max_ranges records" :
				       ret == -EINVAL ? "not a regular file" : "cannot read it");
			ranges = ERR_PTR(ret);
			goto out;
		}
		files[i].data = data;
		cond_resched();
	}
	ret = xa_geoip_prepare(family == NFPROTO_IPV4 ? 4 : 6, files, count, &report);
	if (ret != XA_GEOIP_OK) {
		xa_rangedb_path(kind, family, keys[report.file < count ? report.file : 0], path);
		pr_warn_ratelimited("%s: cannot load %s: record %llu: %s\n", kind->name, path,
				    report.record, xa_rangedb_status_str(ret));
		goto out;
	}
	/* At most count * max_ranges ranges: the sizes below cannot overflow size_t. */
	slots = report.ranges + 1;
	bytes = size_add(sizeof(*ranges), size_mul(2 * slots, addr_size));
	ranges = xa_rangedb_alloc(bytes, &footprint);
	if (!ranges) {
		ranges = ERR_PTR(-ENOMEM);
		goto out;
	}
	ranges->slots = slots;
	ranges->bytes = footprint;
	ranges->ends = ranges->data;
	ranges->begins = (u8 *)ranges->data + slots * addr_size;
	ret = family == NFPROTO_IPV4 ?
		xa_geoip_layout4(files, count, ranges->begins, ranges->ends, slots) :
		xa_geoip_layout6(files, count, ranges->begins, ranges->ends, slots);
	if (ret != XA_GEOIP_OK) {
		/* The files were judged valid above: a shim fault, not the user's. */
		pr_err("%s: layout of a valid set failed (%d)\n", kind->name, ret);
		kvfree(ranges);
		ranges = ERR_PTR(-EINVAL);
	}
out:
	for (i = 0; i < count; i++)
		kvfree(files[i].data);
	return ranges;
}
