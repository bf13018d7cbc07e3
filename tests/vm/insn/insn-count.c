// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCG plugin of the QEMU lab: counts the guest instructions each vCPU executes, kernel mode
 * and user mode apart, and writes the counts of the phases the guest marks to a file.
 *
 *   qemu-system-x86_64 ... -plugin file=insn-count.so,out=PATH
 *
 * A phase is marked by the guest (tests/vm/tools/insn.h: the insn tool, rawudp -I), which runs the
 * marker instruction, a `nopl 0x4e534e49(%rax)` (no other code contains that displacement),
 * once to begin a phase and once to end it, with %rax = 1 (begin), 3 (begin, profiled) or 2
 * (end), %rdi and %rsi the address and length of the phase's label. Each phase ends in one
 * line of PATH:
 *
 *   phase vcpu=N kernel=K user=U host_us=T label=LABEL
 *
 * K and U count every instruction the vCPU executed from the begin marker to the end marker
 * (both included), by the mode its address belongs to (the upper half of the address space is
 * the kernel's, with 4- or 5-level paging); an instruction that faults and is restarted counts
 * each time, and so does each iteration of a rep-prefixed string instruction (TCG executes
 * each as one instruction). T is the host's wall-clock time between the markers, in
 * microseconds (TCG's speed: noisy on a busy host). A profiled phase is followed by lines
 * "profile addr=0xADDR insns=N label=LABEL", one per translated block the vCPU ran in it (its
 * start address; N = executions x its instructions), most instructions first: where the
 * phase's instructions went, to be named with the guest's /proc/kallsyms. A malformed marker
 * sequence is written as an "error ..." line, and the last line, when QEMU exits, is
 * "exit vcpus=N kernel=K user=U" (the whole run's totals), so the lab can tell a complete
 * file from a truncated one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* nopl 0x4e534e49(%rax): a 7-byte NOP whose displacement spells "INSN". */
static const uint8_t insn_marker[] = { 0x0f, 0x1f, 0x80, 0x49, 0x4e, 0x53, 0x4e };
enum insn_marker_op { INSN_BEGIN = 1, INSN_END = 2, INSN_BEGIN_PROFILE = 3 };
#define INSN_LABEL_MAX 256
/* The upper half of the address space, with 4-level paging (0xffff8...) or 5-level (0xff...). */
#define INSN_KERNEL_START UINT64_C(0x8000000000000000)

/* Per vCPU: the running counts, and the phase open on it. */
struct insn_vcpu {
	uint64_t kernel;
	uint64_t user;
	uint64_t profiling; /* nonzero: count the blocks this vCPU runs */
	uint64_t begin_kernel;
	uint64_t begin_user;
	int64_t begin_us;
	bool open;
	char label[INSN_LABEL_MAX + 1];
};

static struct qemu_plugin_scoreboard *insn_vcpus;
static qemu_plugin_u64 insn_kernel;
static qemu_plugin_u64 insn_user;
static qemu_plugin_u64 insn_profiling;

/* One translation of a block, for profiles: its executions while its vCPU was profiling. */
struct insn_tb {
	uint64_t vaddr;
	uint64_t n_insns;
	uint64_t runs;
};
static GPtrArray *insn_tbs; /* every struct insn_tb, under insn_tbs_lock */
static GMutex insn_tbs_lock;
static FILE *insn_out;
static GMutex insn_out_lock;
/* Register handles, looked up once (every vCPU has the same layout). */
static struct qemu_plugin_register *insn_rax, *insn_rdi, *insn_rsi;

static void insn_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void insn_printf(const char *fmt, ...)
{
	va_list ap;

	g_mutex_lock(&insn_out_lock);
	va_start(ap, fmt);
	vfprintf(insn_out, fmt, ap);
	va_end(ap);
	fflush(insn_out);
	g_mutex_unlock(&insn_out_lock);
}

static bool insn_read_u64(struct qemu_plugin_register *reg, uint64_t *value)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();

	if (qemu_plugin_read_register(reg, buf) != 8)
		return false;
	memcpy(value, buf->data, 8); /* x86 is little-endian, as is the host */
	return true;
}

/* The label the marker points at, printable characters only (others become '?'). */
static bool insn_read_label(uint64_t addr, uint64_t len, char *label)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	uint64_t i;

	if (len == 0 || len > INSN_LABEL_MAX || !qemu_plugin_read_memory_vaddr(addr, buf, len))
		return false;
	for (i = 0; i < len; i++)
		label[i] = g_ascii_isprint(buf->data[i]) ? (char)buf->data[i] : '?';
	label[len] = '\0';
	return true;
}

static gint insn_by_count(gconstpointer a, gconstpointer b)
{
	const uint64_t *x = *(uint64_t *const *)a, *y = *(uint64_t *const *)b;

	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The profile of the phase LABEL: instructions per block start address, then reset. */
static void insn_write_profile(const char *label)
{
	g_autoptr(GHashTable) sums = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();
	GHashTableIter it;
	gpointer value;
	guint i;

	g_mutex_lock(&insn_tbs_lock);
	for (i = 0; i < insn_tbs->len; i++) {
		struct insn_tb *tb = g_ptr_array_index(insn_tbs, i);
		uint64_t runs = __atomic_exchange_n(&tb->runs, 0, __ATOMIC_RELAXED);
		uint64_t *sum;

		if (!runs)
			continue;
		sum = g_hash_table_lookup(sums, &tb->vaddr);
		if (!sum) {
			sum = g_new0(uint64_t, 2); /* address, instructions */
			sum[0] = tb->vaddr;
			g_hash_table_insert(sums, sum, sum);
		}
		sum[1] += runs * tb->n_insns;
	}
	g_mutex_unlock(&insn_tbs_lock);
	g_hash_table_iter_init(&it, sums);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(sorted, value);
	g_ptr_array_sort(sorted, insn_by_count);
	for (i = 0; i < sorted->len; i++) {
		const uint64_t *sum = g_ptr_array_index(sorted, i);

		insn_printf("profile addr=0x%" PRIx64 " insns=%" PRIu64 " label=%s\n", sum[0], sum[1],
			    label);
	}
}

static void insn_tb_exec(unsigned int vcpu_index, void *userdata)
{
	struct insn_tb *tb = userdata;

	(void)vcpu_index;
	__atomic_add_fetch(&tb->runs, 1, __ATOMIC_RELAXED);
}

static void insn_marker_exec(unsigned int vcpu_index, void *userdata)
{
	struct insn_vcpu *vcpu = qemu_plugin_scoreboard_find(insn_vcpus, vcpu_index);
	char label[INSN_LABEL_MAX + 1];
	uint64_t op, addr, len;

	(void)userdata;
	if (!insn_read_u64(insn_rax, &op) || !insn_read_u64(insn_rdi, &addr) ||
	    !insn_read_u64(insn_rsi, &len) || !insn_read_label(addr, len, label)) {
		insn_printf("error vcpu=%u unreadable marker\n", vcpu_index);
		return;
	}
	switch (op) {
	case INSN_BEGIN:
	case INSN_BEGIN_PROFILE:
		if (vcpu->open)
			insn_printf("error vcpu=%u begin inside label=%s\n", vcpu_index, vcpu->label);
		vcpu->open = true;
		vcpu->profiling = op == INSN_BEGIN_PROFILE;
		vcpu->begin_kernel = vcpu->kernel;
		vcpu->begin_user = vcpu->user;
		vcpu->begin_us = g_get_monotonic_time();
		memcpy(vcpu->label, label, sizeof(label));
		break;
	case INSN_END:
		if (!vcpu->open || strcmp(vcpu->label, label) != 0) {
			insn_printf("error vcpu=%u end without its begin label=%s\n", vcpu_index, label);
			break;
		}
		vcpu->open = false;
		if (vcpu->profiling) {
			vcpu->profiling = 0;
			insn_write_profile(label);
		}
		insn_printf("phase vcpu=%u kernel=%" PRIu64 " user=%" PRIu64 " host_us=%" PRId64
			    " label=%s\n", vcpu_index, vcpu->kernel - vcpu->begin_kernel,
			    vcpu->user - vcpu->begin_user, g_get_monotonic_time() - vcpu->begin_us,
			    label);
		break;
	default:
		insn_printf("error vcpu=%u unknown marker op=%" PRIu64 "\n", vcpu_index, op);
	}
}

static bool insn_is_marker(const struct qemu_plugin_insn *insn)
{
	uint8_t bytes[sizeof(insn_marker)];

	return qemu_plugin_insn_size(insn) == sizeof(insn_marker) &&
	       qemu_plugin_insn_data(insn, bytes, sizeof(bytes)) == sizeof(bytes) &&
	       memcmp(bytes, insn_marker, sizeof(bytes)) == 0;
}

/*
 * Every instruction adds one to its mode's count; markers also call insn_marker_exec; the
 * block counts its runs while its vCPU is profiling.
 */
static void insn_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct insn_tb *prof = g_new0(struct insn_tb, 1);

	(void)id;
	prof->vaddr = qemu_plugin_tb_vaddr(tb);
	prof->n_insns = n;
	g_mutex_lock(&insn_tbs_lock);
	g_ptr_array_add(insn_tbs, prof);
	g_mutex_unlock(&insn_tbs_lock);
	qemu_plugin_register_vcpu_tb_exec_cond_cb(tb, insn_tb_exec, QEMU_PLUGIN_CB_NO_REGS,
						  QEMU_PLUGIN_COND_NE, insn_profiling, 0, prof);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		bool kernel = qemu_plugin_insn_vaddr(insn) >= INSN_KERNEL_START;

		qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
			insn, QEMU_PLUGIN_INLINE_ADD_U64, kernel ? insn_kernel : insn_user, 1);
		if (insn_is_marker(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_marker_exec,
							       QEMU_PLUGIN_CB_R_REGS, NULL);
	}
}

static void insn_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index)
{
	g_autoptr(GArray) regs = NULL;
	guint i;

	(void)id;
	if (insn_rax)
		return;
	regs = qemu_plugin_get_registers();
	for (i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *r = &g_array_index(regs, qemu_plugin_reg_descriptor, i);

		if (strcmp(r->name, "rax") == 0)
			insn_rax = r->handle;
		else if (strcmp(r->name, "rdi") == 0)
			insn_rdi = r->handle;
		else if (strcmp(r->name, "rsi") == 0)
			insn_rsi = r->handle;
	}
	if (!insn_rax || !insn_rdi || !insn_rsi)
		insn_printf("error vcpu=%u no rax/rdi/rsi registers (not an x86-64 guest?)\n",
			    vcpu_index);
}

static void insn_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	insn_printf("exit vcpus=%d kernel=%" PRIu64 " user=%" PRIu64 "\n", qemu_plugin_num_vcpus(),
		    qemu_plugin_u64_sum(insn_kernel), qemu_plugin_u64_sum(insn_user));
	fclose(insn_out);
	qemu_plugin_scoreboard_free(insn_vcpus);
	g_ptr_array_free(insn_tbs, TRUE);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (g_str_has_prefix(argv[i], "out=")) {
			path = argv[i] + 4;
		} else {
			fprintf(stderr, "insn-count: unknown argument %s (only out=PATH)\n", argv[i]);
			return -1;
		}
	}
	if (!path || !*path) {
		fprintf(stderr, "insn-count: out=PATH is required\n");
		return -1;
	}
	if (!info->system_emulation || strcmp(info->target_name, "x86_64") != 0) {
		fprintf(stderr, "insn-count: x86_64 system emulation only, not %s\n",
			info->target_name);
		return -1;
	}
	insn_out = fopen(path, "w");
	if (!insn_out) {
		fprintf(stderr, "insn-count: cannot write %s: %s\n", path, g_strerror(errno));
		return -1;
	}
	insn_vcpus = qemu_plugin_scoreboard_new(sizeof(struct insn_vcpu));
	insn_kernel = qemu_plugin_scoreboard_u64_in_struct(insn_vcpus, struct insn_vcpu, kernel);
	insn_user = qemu_plugin_scoreboard_u64_in_struct(insn_vcpus, struct insn_vcpu, user);
	insn_profiling = qemu_plugin_scoreboard_u64_in_struct(insn_vcpus, struct insn_vcpu, profiling);
	insn_tbs = g_ptr_array_new_with_free_func(g_free);
	qemu_plugin_register_vcpu_init_cb(id, insn_vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, insn_tb_trans);
	qemu_plugin_register_atexit_cb(id, insn_exit, NULL);
	return 0;
}
