/*
 * execve: ELF executables (static, static-pie and dynamic with PT_INTERP)
 * and "#!" scripts. Arguments are copied into the kernel first, so a
 * failure before the point of no return leaves the caller untouched.
 */
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/mman.h>
#include <asm/signal.h>

#include "arch/layout.h"
#include "engine.h"
#include "host.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "posix_timers.h"
#include "printk.h"
#include "ptrace.h"
#include "strace.h"
#include "syscall.h"

#define ARG_MAX_BYTES (256 * 1024)
#define ARG_ORDER 6 /* 256 KiB */
#define MAX_INTERP_DEPTH 4
#define STACK_INIT_SIZE (128 * 1024)

#define MS_NOSUID_K 2

struct exec_args {
	char *buf;        /* strings back to back: argv then envp */
	size_t used;
	int argc, envc;
	char *filename;   /* what AT_EXECFN shows */
	bool secure;      /* AT_SECURE: the program runs with other ids */
};

static int push_string(struct exec_args *a, const char *s, size_t n)
{
	if (a->used + n + 1 > ARG_MAX_BYTES)
		return -E2BIG;
	memcpy(a->buf + a->used, s, n);
	a->buf[a->used + n] = 0;
	a->used += n + 1;
	return 0;
}

static int copy_strings(struct exec_args *a, u64 uvec, int *count)
{
	u64 p;
	long n;

	*count = 0;
	if (!uvec)
		return 0;
	for (;;) {
		if (copy_from_user(&p, uvec + (u64)*count * 8, 8) < 0)
			return -EFAULT;
		if (!p)
			return 0;
		if (a->used >= ARG_MAX_BYTES)
			return -E2BIG;
		n = strncpy_from_user(a->buf + a->used, p, ARG_MAX_BYTES - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		a->used += (size_t)n + 1;
		(*count)++;
	}
}

/* Removes the first string (argv[0]) from the argument area. */
static void drop_first(struct exec_args *a)
{
	size_t n = strlen(a->buf) + 1;

	memmove(a->buf, a->buf + n, a->used - n);
	a->used -= n;
	a->argc--;
}

/* Inserts a string before all others (a new argv[0]). */
static int prepend(struct exec_args *a, const char *s)
{
	size_t n = strlen(s) + 1;

	if (a->used + n > ARG_MAX_BYTES)
		return -E2BIG;
	memmove(a->buf + n, a->buf, a->used);
	memcpy(a->buf, s, n);
	a->used += n;
	a->argc++;
	return 0;
}

static struct file *open_exec(const char *path)
{
	return file_open_exec(path);
}

struct elf_image {
	struct file *file;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[32];
	u64 bias;
};

static int read_elf(struct elf_image *im)
{
	ssize_t n = kernel_read(im->file, &im->eh, sizeof(im->eh), 0);
	size_t phsize;

	if (n < (ssize_t)sizeof(im->eh))
		return -ENOEXEC;
	if (memcmp(im->eh.e_ident, ELFMAG, SELFMAG) ||
	    im->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    im->eh.e_ident[EI_DATA] != ELFDATA2LSB || im->eh.e_machine != EM_X86_64 ||
	    (im->eh.e_type != ET_EXEC && im->eh.e_type != ET_DYN) ||
	    im->eh.e_phentsize != sizeof(Elf64_Phdr) || im->eh.e_phnum == 0 ||
	    im->eh.e_phnum > 32)
		return -ENOEXEC;
	phsize = sizeof(Elf64_Phdr) * im->eh.e_phnum;
	n = kernel_read(im->file, im->ph, phsize, im->eh.e_phoff);
	if (n != (ssize_t)phsize)
		return -ENOEXEC;
	return 0;
}

static u32 elf_prot(u32 flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Lowest and highest address spanned by the PT_LOAD segments. */
static void elf_span(struct elf_image *im, u64 *lo, u64 *hi)
{
	int i;

	*lo = ~0ULL;
	*hi = 0;
	for (i = 0; i < im->eh.e_phnum; i++) {
		Elf64_Phdr *p = &im->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (ALIGN_DOWN(p->p_vaddr, PAGE_SIZE) < *lo)
			*lo = ALIGN_DOWN(p->p_vaddr, PAGE_SIZE);
		if (p->p_vaddr + p->p_memsz > *hi)
			*hi = p->p_vaddr + p->p_memsz;
	}
}

/* Maps the PT_LOAD segments into current->mm; returns the end of the
 * highest segment (for brk). */
static long map_elf(struct elf_image *im, u64 bias)
{
	struct mm *mm = current->mm;
	u64 end = 0;
	int i;
	long rc;

	for (i = 0; i < im->eh.e_phnum; i++) {
		Elf64_Phdr *p = &im->ph[i];
		u64 start, fend, mend, off;
		u32 prot;

		if (p->p_type != PT_LOAD)
			continue;
		if ((p->p_vaddr & ~PAGE_MASK) != (p->p_offset & ~PAGE_MASK) ||
		    p->p_filesz > p->p_memsz)
			return -ENOEXEC;
		prot = elf_prot(p->p_flags);
		start = ALIGN_DOWN(p->p_vaddr + bias, PAGE_SIZE);
		fend = p->p_vaddr + bias + p->p_filesz;
		mend = p->p_vaddr + bias + p->p_memsz;
		off = ALIGN_DOWN(p->p_offset, PAGE_SIZE);
		if (mend > TASK_SIZE || mend < start)
			return -ENOEXEC;
		if (p->p_filesz) {
			rc = mm_map(mm, start, ALIGN_UP(fend, PAGE_SIZE) - start, prot, 0,
				    im->file, off >> PAGE_SHIFT);
			if (rc < 0)
				return rc;
			/* The rest of the last file page is bss: zero it. */
			if (p->p_memsz > p->p_filesz && (fend & ~PAGE_MASK) &&
			    (prot & PROT_WRITE)) {
				rc = clear_user(fend, PAGE_SIZE - (fend & ~PAGE_MASK));
				if (rc < 0)
					return rc;
			}
		}
		if (ALIGN_UP(mend, PAGE_SIZE) > ALIGN_UP(fend, PAGE_SIZE)) {
			u64 bstart = p->p_filesz ? ALIGN_UP(fend, PAGE_SIZE) : start;

			rc = mm_map(mm, bstart, ALIGN_UP(mend, PAGE_SIZE) - bstart, prot,
				    0, NULL, 0);
			if (rc < 0)
				return rc;
		}
		if (mend > end)
			end = mend;
	}
	return (long)end;
}

static u64 phdr_addr(struct elf_image *im)
{
	int i;

	for (i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_PHDR)
			return im->ph[i].p_vaddr + im->bias;
	for (i = 0; i < im->eh.e_phnum; i++) {
		Elf64_Phdr *p = &im->ph[i];

		if (p->p_type == PT_LOAD && im->eh.e_phoff >= p->p_offset &&
		    im->eh.e_phoff < p->p_offset + p->p_filesz)
			return p->p_vaddr + (im->eh.e_phoff - p->p_offset) + im->bias;
	}
	return 0;
}

static u64 cpu_hwcap(void)
{
	u32 a = 1, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	return d;
}

/* Builds argc/argv/envp/auxv on the new stack; returns the new rsp. */
static long build_stack(struct exec_args *a, struct elf_image *exe, u64 interp_base)
{
	struct mm *mm = current->mm;
	u64 sp = STACK_TOP, strings, execfn, random, platform, *vec;
	size_t nvec, i, off;
	u8 rnd[16];
	long rc;
	const char *s;

	rc = mm_map(mm, STACK_TOP - STACK_INIT_SIZE, STACK_INIT_SIZE,
		    PROT_READ | PROT_WRITE, VM_GROWSDOWN | VM_STACK, NULL, 0);
	if (rc < 0)
		return rc;
	mm->stack_start = STACK_TOP;
	/* Strings: execfn at the very top, then argv/envp, platform, random. */
	sp -= 8;
	sp -= strlen(a->filename) + 1;
	execfn = sp;
	rc = copy_to_user(execfn, a->filename, strlen(a->filename) + 1);
	if (rc < 0)
		return rc;
	sp -= a->used;
	strings = sp;
	rc = copy_to_user(strings, a->buf, a->used);
	if (rc < 0)
		return rc;
	sp -= 7;
	platform = sp;
	rc = copy_to_user(platform, "x86_64", 7);
	if (rc < 0)
		return rc;
	sp = ALIGN_DOWN(sp, 16) - 16;
	random = sp;
	host_getrandom(rnd, sizeof(rnd));
	rc = copy_to_user(random, rnd, sizeof(rnd));
	if (rc < 0)
		return rc;

	nvec = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * 22;
	vec = kmalloc(nvec * 8);
	if (!vec)
		return -ENOMEM;
	i = 0;
	vec[i++] = (u64)a->argc;
	off = 0;
	mm->arg_start = strings;
	for (s = a->buf; (int)(i - 1) < a->argc; i++) {
		vec[i] = strings + off;
		off += strlen(s) + 1;
		s = a->buf + off;
	}
	mm->arg_end = strings + off;
	vec[i++] = 0;
	mm->env_start = strings + off;
	{
		int k;

		for (k = 0; k < a->envc; k++) {
			vec[i++] = strings + off;
			off += strlen(a->buf + off) + 1;
		}
	}
	mm->env_end = strings + off;
	vec[i++] = 0;
#define AUX(t, v)                 \
	do {                      \
		vec[i++] = (t);   \
		vec[i++] = (u64)(v); \
	} while (0)
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, phdr_addr(exe));
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, exe->eh.e_phnum);
	AUX(AT_BASE, interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, exe->eh.e_entry + exe->bias);
	AUX(AT_UID, current->uid);
	AUX(AT_EUID, current->euid);
	AUX(AT_GID, current->gid);
	AUX(AT_EGID, current->egid);
	AUX(AT_SECURE, a->secure);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_MINSIGSTKSZ, 2048);
	AUX(AT_NULL, 0);
#undef AUX
	sp -= i * 8;
	sp = ALIGN_DOWN(sp, 16);
	rc = copy_to_user(sp, vec, i * 8);
	kfree(vec);
	return rc < 0 ? rc : (long)sp;
}

/* Parses "#!interp [arg]" from the first line; rewrites the arguments. */
static int script_args(struct exec_args *a, const char *head, size_t n,
		       const char *path, char *interp, size_t ilen)
{
	char line[256];
	size_t len = 0;
	char *p, *arg = NULL;
	int rc;

	while (2 + len < n && head[2 + len] != '\n' && len < sizeof(line) - 1) {
		line[len] = head[2 + len];
		len++;
	}
	line[len] = 0;
	p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	{
		char *e = p;

		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (*e) {
			*e++ = 0;
			while (*e == ' ' || *e == '\t')
				e++;
			if (*e) {
				char *t = e + strlen(e);

				while (t > e && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
					*--t = 0;
				arg = e;
			}
		}
	}
	strlcpy(interp, p, ilen);
	/* argv becomes: interp [arg] path argv[1..] */
	if (a->argc > 0)
		drop_first(a);
	rc = prepend(a, path);
	if (rc == 0 && arg)
		rc = prepend(a, arg);
	if (rc == 0)
		rc = prepend(a, interp);
	return rc;
}

static void fpu_init(struct fpstate *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->fx[0] = 0x7f; /* FCW 0x037f */
	fp->fx[1] = 0x03;
	fp->fx[24] = 0x80; /* MXCSR 0x1f80 */
	fp->fx[25] = 0x1f;
}

void exec_kill_other_threads(void);
void exec_done_vfork(struct task *t);

/*
 * The ids the new program runs with: a set-user-ID file runs as its owner,
 * a set-group-ID one (group-executable) as its group, unless the mount is
 * nosuid, the process asked for no new privileges, or an unprivileged
 * tracer watches it. The saved ids follow the effective ones, as on Linux.
 * Returns whether the ids now differ from the real ones (AT_SECURE: the
 * dynamic linker then ignores LD_PRELOAD and the like).
 */
static bool exec_credentials(struct file *exe)
{
	struct inode *i = exe->inode;
	struct task *t = current;
	int euid = t->euid, egid = t->egid;
	bool allowed = !(exe->path.mnt->flags & MS_NOSUID_K) && !t->no_new_privs &&
		       !(t->ptracer && t->ptracer->euid != 0);

	if (allowed && (i->mode & S_ISUID))
		euid = i->uid;
	if (allowed && (i->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		egid = i->gid;
	t->euid = t->suid = t->fsuid = euid;
	t->egid = t->sgid = t->fsgid = egid;
	return euid != t->uid || egid != t->gid;
}

void futex_exit_robust(struct task *t);

/*
 * systemd needs what this kernel does not have (cgroup2, namespaces,
 * fanotify, autofs...): when init turns out to be systemd, say so once,
 * and what to boot instead, before it fails in its own words.
 */
static void explain_systemd(struct file *exe)
{
	static bool told;
	struct dentry *d = exe->path.dentry;

	if (told || current->tgid != 1 || !d || d->namelen != 7 || memcmp(d->name, "systemd", 7))
		return;
	told = true;
	printk(KERN_ERR "init: systemd is not supported by this kernel; install sysvinit-core "
			"(tools/mkdebian.sh does) or boot with init=/lib/sysvinit/init\n");
}

static long do_execve(char *path, struct exec_args *a)
{
	struct elf_image exe = { 0 }, interp = { 0 };
	char head[256], interp_path[256];
	struct mm *mm, *old;
	long rc, end, sp;
	int depth;
	u64 entry, interp_base = 0;
	char *cur = path;

	for (depth = 0;; depth++) {
		ssize_t n;

		exe.file = open_exec(cur);
		if (IS_ERR(exe.file)) {
			rc = PTR_ERR(exe.file);
			exe.file = NULL;
			return rc;
		}
		n = kernel_read(exe.file, head, sizeof(head), 0);
		if (n >= 2 && head[0] == '#' && head[1] == '!') {
			if (depth >= MAX_INTERP_DEPTH) {
				file_put(exe.file);
				return -ELOOP;
			}
			rc = script_args(a, head, (size_t)n, cur, interp_path,
					 sizeof(interp_path));
			file_put(exe.file);
			if (rc < 0)
				return rc;
			cur = interp_path;
			continue;
		}
		break;
	}
	rc = read_elf(&exe);
	if (rc < 0)
		goto out;
	explain_systemd(exe.file);
	{
		int i;

		for (i = 0; i < exe.eh.e_phnum; i++) {
			Elf64_Phdr *p = &exe.ph[i];

			if (p->p_type != PT_INTERP)
				continue;
			if (p->p_filesz < 2 || p->p_filesz > sizeof(interp_path)) {
				rc = -ENOEXEC;
				goto out;
			}
			if (kernel_read(exe.file, interp_path, p->p_filesz, p->p_offset) !=
			    (ssize_t)p->p_filesz) {
				rc = -ENOEXEC;
				goto out;
			}
			interp_path[p->p_filesz - 1] = 0;
			interp.file = open_exec(interp_path);
			if (IS_ERR(interp.file)) {
				rc = PTR_ERR(interp.file);
				interp.file = NULL;
				goto out;
			}
			rc = read_elf(&interp);
			if (rc < 0)
				goto out;
			if (interp.eh.e_type != ET_DYN) {
				rc = -ELIBBAD;
				goto out;
			}
		}
	}

	/* Point of no return once the new mm replaces the old. */
	mm = mm_create();
	if (!mm) {
		rc = -ENOMEM;
		goto out;
	}
	exec_kill_other_threads();
	posix_timers_exit(current->signal);
	futex_exit_robust(current); /* its locks are in the old memory */
	/* The old address space (a vfork parent's, say) must not keep this
	 * task as the owner of its host FPU state. */
	engine_task_gone(current);
	old = current->mm;
	current->mm = mm;
	mm->exe = exe.file;
	file_get(exe.file);
	exe.bias = exe.eh.e_type == ET_DYN ? ELF_ET_DYN_BASE : 0;
	{
		u64 lo, hi;

		elf_span(&exe, &lo, &hi);
		if (exe.eh.e_type == ET_DYN && lo != 0)
			exe.bias = 0; /* prelinked: keep its addresses */
	}
	end = map_elf(&exe, exe.bias);
	if (end < 0)
		goto fatal;
	mm->brk_start = mm->brk = ALIGN_UP((u64)end, PAGE_SIZE);
	entry = exe.eh.e_entry + exe.bias;
	if (interp.file) {
		u64 lo, hi, base;

		elf_span(&interp, &lo, &hi);
		base = mm_get_unmapped(mm, 0, ALIGN_UP(hi - lo, PAGE_SIZE));
		if (!base)
			goto fatal;
		interp.bias = base - lo;
		end = map_elf(&interp, interp.bias);
		if (end < 0)
			goto fatal;
		interp_base = interp.bias;
		entry = interp.eh.e_entry + interp.bias;
	}
	a->secure = exec_credentials(exe.file);
	sp = build_stack(a, &exe, interp_base);
	if (sp < 0)
		goto fatal;
	if (old)
		mm_put(old);
	old = NULL;

	/* The new program's task state. */
	task_set_comm(current, path);
	if (trace_wanted(current))
		current->traced = true;
	files_close_on_exec(current->files);
	flush_signal_handlers(current);
	current->altstack_sp = 0;
	current->altstack_size = 0;
	current->altstack_flags = SS_DISABLE;
	memset(&current->regs, 0, sizeof(current->regs));
	current->regs.rip = entry;
	current->regs.rsp = (u64)sp;
	current->regs.eflags = EFLAGS_DEFAULT;
	fpu_init(&current->fp);
	current->xstate_len = 0; /* the old program's vector state goes too */
	engine_fpu_changed(current);
	exec_done_vfork(current);
	ptrace_exec(current, current->pid);
	rc = 0;
	goto out;
fatal:
	/* The old image is gone: the process cannot continue. */
	if (old)
		mm_put(old);
	printk(KERN_ERR "exec of %s failed after the point of no return\n", path);
	if (exe.file)
		file_put(exe.file);
	if (interp.file)
		file_put(interp.file);
	do_exit(SIGSEGV);
out:
	if (exe.file)
		file_put(exe.file);
	if (interp.file)
		file_put(interp.file);
	return rc;
}

long kernel_execve(const char *path, const char *const *argv,
		   const char *const *envp)
{
	struct exec_args a = { 0 };
	s64 f = frames_alloc(ARG_ORDER);
	long rc = 0;
	char *p;
	int i;

	if (f < 0)
		return -ENOMEM;
	a.buf = frame_to_virt((u64)f);
	for (i = 0; argv[i] && rc == 0; i++, a.argc++)
		rc = push_string(&a, argv[i], strlen(argv[i]));
	for (i = 0; envp[i] && rc == 0; i++, a.envc++)
		rc = push_string(&a, envp[i], strlen(envp[i]));
	p = kstrdup(path);
	a.filename = p;
	if (rc == 0 && p)
		rc = do_execve(p, &a);
	kfree(p);
	frames_free((u64)f, ARG_ORDER);
	return rc;
}

static long execve_common(int dirfd, u64 upath, u64 uargv, u64 uenvp, int flags)
{
	struct exec_args a = { 0 };
	char *path;
	s64 f;
	long rc;

	path = user_path(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (dirfd != AT_FDCWD && path[0] != '/')
		rc = -ENOSYS; /* execveat relative to a dirfd: not yet */
	else
		rc = 0;
	if (rc < 0) {
		kfree(path);
		return rc;
	}
	f = frames_alloc(ARG_ORDER);
	if (f < 0) {
		kfree(path);
		return -ENOMEM;
	}
	a.buf = frame_to_virt((u64)f);
	a.filename = path;
	rc = copy_strings(&a, uargv, &a.argc);
	if (rc == 0)
		rc = copy_strings(&a, uenvp, &a.envc);
	if (rc == 0)
		rc = do_execve(path, &a);
	frames_free((u64)f, ARG_ORDER);
	kfree(path);
	return rc;
}

long sys_execve(u64 path, u64 argv, u64 envp)
{
	return execve_common(AT_FDCWD, path, argv, envp, 0);
}

long sys_execveat(int dirfd, u64 path, u64 argv, u64 envp, int flags)
{
	return execve_common(dirfd, path, argv, envp, flags);
}
