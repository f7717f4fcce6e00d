/* SPDX-License-Identifier: MIT */
/* QEMU command line parser: see parse.h.
 *
 * It reads the handful of options that decide whether a guest can run KVM
 * inside (accelerator, CPU model and flags, machine caps) plus what
 * identifies it (name, forwarded ports).  Options are matched the way QEMU
 * does: "-opt" and "--opt" alike, values as comma-separated key=value
 * lists where ",," is a literal comma and the first element may omit its
 * key.  Option strings come from argv and are NUL-terminated.
 */
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <string.h>

/* Options that take an argument, so that argument is skipped and never
 * read as an option.  From qemu-options.hx (HAS_ARG). */
static const char *const opts_with_arg[] = {
	"M", "machine", "cpu", "accel", "smp", "numa", "add-fd", "set", "global",
	"boot", "m", "mem-path", "k", "audio", "audiodev", "soundhw", "device",
	"name", "uuid", "fda", "fdb", "hda", "hdb", "hdc", "hdd", "cdrom",
	"blockdev", "drive", "mtdblock", "sd", "pflash", "fsdev", "virtfs",
	"iscsi", "usbdevice", "display", "vga", "spice", "vnc", "monitor", "qmp",
	"qmp-pretty", "mon", "debugcon", "pidfile", "gdb", "d", "D", "dfilter",
	"L", "bios", "kernel", "append", "initrd", "dtb", "fw_cfg", "serial",
	"parallel", "chardev", "netdev", "nic", "net", "tpmdev", "object",
	"incoming", "rtc", "icount", "watchdog", "watchdog-action", "action",
	"echr", "virtioconsole", "loadvm", "option-rom", "smbios", "acpitable",
	"trace", "plugin", "run-with", "chroot", "runas", "sandbox", "msg",
	"compat", "overcommit", "semihosting-config", "readconfig", "seed",
	"xen-domid", "async-teardown", "bt", "tb-size", "alt-grab", "g",
	"prom-env", "redir", "cpu-pm", "dump-vmstate",
};

struct accel_list {
	enum nr_accel a[NR_QEMU_MAX_ACCEL];
	int n;
};

/* What -cpu said about one extension: "ext=on|off" or bare "ext" (last
 * wins), "+ext", "-ext". */
struct ext_req {
	enum nr_tri set;
	bool plus;
	bool minus;
};

struct qscan {
	struct nr_qemu_guest *out;
	struct accel_list accel_opt;     /* -accel, -enable-kvm, -no-kvm */
	struct accel_list machine_accel; /* the last -machine accel= */
	struct ext_req vmx, svm;
};

/* ---- option strings ------------------------------------------------- */

/* Next comma-separated element of an option value; ",," stays inside the
 * element (it is a literal comma). */
static bool opt_next(struct nr_span s, size_t *pos, struct nr_span *elem)
{
	size_t i = *pos;

	if (i > s.len)
		return false;
	while (i < s.len && !(s.p[i] == ',' && !(i + 1 < s.len && s.p[i + 1] == ',')))
		i += (s.p[i] == ',') ? 2 : 1;
	elem->p = s.p + *pos;
	elem->len = (i > s.len ? s.len : i) - *pos;
	*pos = i + 1;
	return true;
}

/* key=value, or a bare key with an empty value (has_val false). */
static bool opt_kv(struct nr_span elem, struct nr_span *key, struct nr_span *val)
{
	const char *eq = elem.len ? memchr(elem.p, '=', elem.len) : NULL;

	if (!eq) {
		*key = elem;
		val->p = elem.p + elem.len;
		val->len = 0;
		return false;
	}
	key->p = elem.p;
	key->len = (size_t)(eq - elem.p);
	val->p = eq + 1;
	val->len = elem.len - key->len - 1;
	return true;
}

/* The value of the implied key: the first element when it has no '=', or
 * an explicit "implied=..." element anywhere. */
static struct nr_span opt_implied(struct nr_span s, const char *implied)
{
	struct nr_span elem, key, val, found = { s.p, 0 };
	size_t pos = 0;
	bool first = true;

	while (opt_next(s, &pos, &elem)) {
		if (!opt_kv(elem, &key, &val) && first)
			found = elem;
		else if (nr_span_eq(key, implied))
			found = val;
		first = false;
	}
	return found;
}

/* Copy with QEMU's ",," unescaped, then sanitised by nr_span_copy. */
static void copy_unescaped(struct nr_span s, char *dst, size_t size)
{
	char tmp[256];
	size_t o = 0;

	for (size_t i = 0; i < s.len && o < sizeof(tmp); i++) {
		tmp[o++] = s.p[i];
		if (s.p[i] == ',' && i + 1 < s.len && s.p[i + 1] == ',')
			i++;
	}
	nr_span_copy((struct nr_span){ tmp, o }, dst, size);
}

/* QEMU's boolean spellings; a bare flag means on. */
static enum nr_tri opt_bool(struct nr_span v, bool has_val)
{
	static const char *const on[] = { "on", "yes", "true", "y" };
	static const char *const off[] = { "off", "no", "false", "n" };

	if (!has_val)
		return NR_TRI_TRUE;
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (nr_span_eq(v, on[i]))
			return NR_TRI_TRUE;
		if (nr_span_eq(v, off[i]))
			return NR_TRI_FALSE;
	}
	return NR_TRI_UNKNOWN;
}

/* ---- accelerators --------------------------------------------------- */

static enum nr_accel accel_from(struct nr_span name)
{
	if (nr_span_eq(name, "kvm"))
		return NR_ACCEL_KVM;
	if (nr_span_eq(name, "tcg"))
		return NR_ACCEL_TCG;
	return NR_ACCEL_OTHER;
}

static void accel_add(struct accel_list *l, struct nr_span name)
{
	enum nr_accel a;

	if (name.len == 0)
		return;
	a = accel_from(name);
	for (int i = 0; i < l->n; i++)
		if (l->a[i] == a)
			return;
	if (l->n < NR_QEMU_MAX_ACCEL)
		l->a[l->n++] = a;
}

/* "kvm:tcg" */
static void accel_add_list(struct accel_list *l, struct nr_span names)
{
	size_t pos = 0;
	struct nr_span tok;

	while (nr_span_next_token(names, ":", &pos, &tok))
		accel_add(l, tok);
}

/* ---- per option ----------------------------------------------------- */

static void opt_accel(struct qscan *q, struct nr_span v)
{
	accel_add(&q->accel_opt, opt_implied(v, "accel"));
}

static void opt_machine(struct qscan *q, struct nr_span v)
{
	struct nr_span elem, key, val, type = opt_implied(v, "type");
	size_t pos = 0;

	if (type.len > 0 && !nr_span_eq(type, "help") && !nr_span_eq(type, "?"))
		copy_unescaped(type, q->out->machine, sizeof(q->out->machine));
	while (opt_next(v, &pos, &elem)) {
		bool has_val = opt_kv(elem, &key, &val);

		if (nr_span_eq(key, "accel") && has_val) {
			q->machine_accel.n = 0;
			accel_add_list(&q->machine_accel, val);
		} else if (nr_span_eq(key, "cap-nested-hv")) {
			q->out->cap_nested_hv = opt_bool(val, has_val);
		}
	}
}

static struct ext_req *ext_by_name(struct qscan *q, struct nr_span name)
{
	if (nr_span_eq(name, "vmx"))
		return &q->vmx;
	if (nr_span_eq(name, "svm"))
		return &q->svm;
	return NULL;
}

static void cpu_feature(struct qscan *q, struct nr_span elem)
{
	struct nr_span key, val;
	struct ext_req *e;
	char sign = elem.len ? elem.p[0] : '\0';

	if (sign == '+' || sign == '-') {
		elem.p++;
		elem.len--;
	}
	bool has_val = opt_kv(elem, &key, &val);

	e = ext_by_name(q, key);
	if (!e)
		return;
	if (sign == '+')
		e->plus = true;
	else if (sign == '-')
		e->minus = true;
	else
		e->set = opt_bool(val, has_val);
}

/* A later -cpu replaces an earlier one, as in QEMU. */
static void opt_cpu(struct qscan *q, struct nr_span v)
{
	struct nr_span elem;
	size_t pos = 0;
	bool first = true;

	memset(&q->vmx, 0, sizeof(q->vmx));
	memset(&q->svm, 0, sizeof(q->svm));
	q->vmx.set = q->svm.set = NR_TRI_UNKNOWN;
	q->out->cpu_model[0] = '\0';
	while (opt_next(v, &pos, &elem)) {
		if (first)
			copy_unescaped(elem, q->out->cpu_model, sizeof(q->out->cpu_model));
		else
			cpu_feature(q, elem);
		first = false;
	}
}

static void opt_name(struct qscan *q, struct nr_span v)
{
	copy_unescaped(opt_implied(v, "guest"), q->out->name, sizeof(q->out->name));
}

/* ---- port forwards -------------------------------------------------- */

static bool port_after_colon(struct nr_span s, int *port)
{
	size_t i = s.len;

	while (i > 0 && s.p[i - 1] != ':')
		i--;
	s.p += i;
	s.len -= i;
	/* Port 0 forwards nothing a client could reach: no match is better
	 * than a wrong one (discovery links levels by these ports). */
	return nr_span_to_int(s, port) && *port >= 1 && *port <= 65535;
}

/* "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"; the addresses
 * never contain '-', so the last one splits host from guest. */
static void hostfwd_add(struct nr_qemu_guest *out, struct nr_span v)
{
	size_t dash = v.len;
	int hport, gport;

	while (dash > 0 && v.p[dash - 1] != '-')
		dash--;
	if (dash == 0 || out->hostfwd_count >= NR_QEMU_MAX_FWD)
		return;
	struct nr_span host = { v.p, dash - 1 }, guest = { v.p + dash, v.len - dash };

	if (!port_after_colon(host, &hport) || !port_after_colon(guest, &gport))
		return;
	out->hostfwd[out->hostfwd_count].host_port = hport;
	out->hostfwd[out->hostfwd_count].guest_port = gport;
	out->hostfwd_count++;
}

/* -netdev user,..., -nic user,..., -net user,...: only user networking
 * (slirp) forwards ports. */
static void opt_netdev(struct qscan *q, struct nr_span v)
{
	struct nr_span elem, key, val;
	size_t pos = 0;

	if (!nr_span_eq(opt_implied(v, "type"), "user"))
		return;
	while (opt_next(v, &pos, &elem))
		if (opt_kv(elem, &key, &val) && nr_span_eq(key, "hostfwd"))
			hostfwd_add(q->out, val);
}

/* ---- the argv walk -------------------------------------------------- */

static bool takes_arg(const char *name)
{
	for (size_t i = 0; i < sizeof(opts_with_arg) / sizeof(opts_with_arg[0]); i++)
		if (strcmp(name, opts_with_arg[i]) == 0)
			return true;
	return false;
}

static void opt_with_value(struct qscan *q, const char *name, const char *value)
{
	struct nr_span v = nr_span_cstr(value);

	if (strcmp(name, "accel") == 0)
		opt_accel(q, v);
	else if (strcmp(name, "machine") == 0 || strcmp(name, "M") == 0)
		opt_machine(q, v);
	else if (strcmp(name, "cpu") == 0)
		opt_cpu(q, v);
	else if (strcmp(name, "name") == 0)
		opt_name(q, v);
	else if (strcmp(name, "netdev") == 0 || strcmp(name, "nic") == 0 ||
	         strcmp(name, "net") == 0)
		opt_netdev(q, v);
}

static void opt_flag(struct qscan *q, const char *name)
{
	if (strcmp(name, "enable-kvm") == 0)
		accel_add(&q->accel_opt, nr_span_cstr("kvm"));
	else if (strcmp(name, "no-kvm") == 0)
		accel_add(&q->accel_opt, nr_span_cstr("tcg"));
}

static void scan_argv(struct qscan *q, const char *const *argv, size_t argc)
{
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!a || a[0] != '-' || a[1] == '\0')
			continue;
		const char *name = a + 1 + (a[1] == '-');

		if (!takes_arg(name))
			opt_flag(q, name);
		else if (i + 1 < argc && argv[i + 1])
			opt_with_value(q, name, argv[++i]);
	}
}

/* ---- conclusions ---------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool is_qemu_kvm(const char *base)
{
	return strcmp(base, "qemu-kvm") == 0;
}

static void decide_accel(struct qscan *q, const char *base)
{
	const struct accel_list *l = q->accel_opt.n ? &q->accel_opt : &q->machine_accel;
	struct nr_qemu_guest *out = q->out;

	if (l->n == 0) {
		out->accel[0] = is_qemu_kvm(base) ? NR_ACCEL_KVM : NR_ACCEL_TCG;
		out->accel_count = 1;
		out->accel_defaulted = true;
		return;
	}
	memcpy(out->accel, l->a, sizeof(out->accel));
	out->accel_count = l->n;
}

/* qemu-kvm is x86 on nearly every distro that ships it, except where the
 * machine type says otherwise. */
static bool binary_is_x86(const char *base, const char *machine)
{
	static const char *const non_x86_machines[] = { "s390", "pseries", "powernv", "virt" };

	if (strncmp(base, "qemu-system-x86_64", 18) == 0 ||
	    strncmp(base, "qemu-system-i386", 16) == 0)
		return true;
	if (!is_qemu_kvm(base))
		return false;
	for (size_t i = 0; i < sizeof(non_x86_machines) / sizeof(non_x86_machines[0]); i++)
		if (strncmp(machine, non_x86_machines[i], strlen(non_x86_machines[i])) == 0)
			return false;
	return true;
}

static bool model_is_hostlike(const char *m)
{
	return strcmp(m, "host") == 0 || strcmp(m, "max") == 0;
}

static enum nr_tri ext_explicit(const struct ext_req *e)
{
	if (e->minus)
		return NR_TRI_FALSE;
	if (e->plus)
		return NR_TRI_TRUE;
	return e->set;
}

static enum nr_tri ext_from_model(const char *model, bool x86, bool svm)
{
	const struct nr_qemu_model *m;

	if (model[0] == '\0')
		return NR_TRI_UNKNOWN;
	if (model_is_hostlike(model))
		return NR_TRI_TRUE;
	if (!x86 || !(m = nr_qemu_x86_model(model)))
		return NR_TRI_UNKNOWN;   /* a model we do not know: no guess */
	return (svm ? m->svm : m->vmx) ? NR_TRI_TRUE : NR_TRI_FALSE;
}

static enum nr_tri either(enum nr_tri explicit_v, enum nr_tri model_v)
{
	return explicit_v != NR_TRI_UNKNOWN ? explicit_v : model_v;
}

static void decide_virt_ext(struct qscan *q, bool x86)
{
	struct nr_qemu_guest *out = q->out;
	/* No -cpu: qemu-system-x86_64's default model is qemu64. */
	const char *model = !out->cpu_model[0] && strcmp(out->binary, "qemu-system-x86_64") == 0
	                            ? "qemu64" : out->cpu_model;
	enum nr_tri ev = ext_explicit(&q->vmx), es = ext_explicit(&q->svm);
	enum nr_tri mv = ext_from_model(model, x86, false);
	enum nr_tri ms = ext_from_model(model, x86, true);

	out->vmx_exposed = either(ev, mv);
	out->svm_exposed = either(es, ms);
	if (ev == NR_TRI_TRUE || es == NR_TRI_TRUE)
		out->virt_ext_exposed = NR_TRI_TRUE;
	else if (ev == NR_TRI_FALSE || es == NR_TRI_FALSE)
		out->virt_ext_exposed = NR_TRI_FALSE;
	else if (mv == ms)
		out->virt_ext_exposed = mv;
	else
		out->virt_ext_exposed = NR_TRI_UNKNOWN; /* svm-only model: host decides */
	/* TCG alone emulates SVM (not VMX): the host does not matter. */
	if (out->virt_ext_exposed == NR_TRI_UNKNOWN && out->svm_exposed == NR_TRI_TRUE &&
	    out->accel_count == 1 && out->accel[0] == NR_ACCEL_TCG)
		out->virt_ext_exposed = NR_TRI_TRUE;
}

void nr_qemu_guest_settle(struct nr_qemu_guest *g, int host_amd)
{
	if (g->virt_ext_exposed != NR_TRI_UNKNOWN || g->svm_exposed != NR_TRI_TRUE ||
	    g->vmx_exposed != NR_TRI_FALSE || host_amd < 0)
		return;
	g->virt_ext_exposed = host_amd ? NR_TRI_TRUE : NR_TRI_FALSE;
}

/* ---- public --------------------------------------------------------- */

bool nr_qemu_is_binary(const char *argv0)
{
	const char *base;

	if (!argv0)
		return false;
	base = base_name(argv0);
	return strcmp(base, "qemu-kvm") == 0 || strcmp(base, "qemu-system") == 0 ||
	       (strncmp(base, "qemu-system-", 12) == 0 && base[12] != '\0');
}

const char *nr_accel_name(enum nr_accel a)
{
	switch (a) {
	case NR_ACCEL_KVM:
		return "kvm";
	case NR_ACCEL_TCG:
		return "tcg";
	case NR_ACCEL_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

static void guest_init(struct nr_qemu_guest *out)
{
	memset(out, 0, sizeof(*out));
	out->virt_ext_exposed = NR_TRI_UNKNOWN;
	out->vmx_exposed = NR_TRI_UNKNOWN;
	out->svm_exposed = NR_TRI_UNKNOWN;
	out->cap_nested_hv = NR_TRI_UNKNOWN;
}

int nr_qemu_argv_parse(const char *const *argv, size_t argc, struct nr_qemu_guest *out)
{
	struct qscan q = { .out = out };
	const char *base;

	guest_init(out);
	if (!argv || argc == 0 || !nr_qemu_is_binary(argv[0]))
		return -EINVAL;
	base = base_name(argv[0]);
	nr_span_copy(nr_span_cstr(base), out->binary, sizeof(out->binary));
	q.vmx.set = q.svm.set = NR_TRI_UNKNOWN;
	scan_argv(&q, argv, argc);
	decide_accel(&q, base);
	decide_virt_ext(&q, binary_is_x86(base, out->machine));
	return 0;
}
