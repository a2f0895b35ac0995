/*
 * The two seccomp filters of a seccomp-engine child (see arch-um/stub.S).
 *
 * The guest thread: a system call from anywhere but the stub code page
 * traps (SIGSYS, so the kernel emulates it); from the stub page only
 * what its signal handler needs is allowed: futex on the communication
 * word or on a word of the wake page (wait or wake), rt_sigreturn, and
 * arch_prctl setting fs or gs (for hosts without FSGSBASE). Anything else
 * from the stub page kills the process: a guest that jumps into the stub
 * gets nothing else.
 *
 * The memory thread: mmap of the physmem fd (shared, fixed, maybe
 * populated), munmap, mprotect, futex and
 * write to the pipe on which it confirms requests; anything else kills
 * the process.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/seccomp.h>
#include <linux/unistd.h>

#include "arch/layout.h"
#include "kstring.h"
#include "seccomp_filter.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002

/* Offsets in struct seccomp_data. */
#define D_NR	    0
#define D_ARCH	    4
#define D_IP_LO	    8
#define D_IP_HI	    12
#define D_ARG_LO(n) (16 + 8 * (n))
#define D_ARG_HI(n) (20 + 8 * (n))

#define LD(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define RET(v)	((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
/* Jumps are relative to the next instruction: fixed up from labels. */
#define JEQ(k, t, f) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f)))
#define JGE(k, t, f) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f)))

/*
 * A tiny assembler: instructions whose jump targets are labels (negative
 * numbers -1, -2...) get them resolved when the program is done.
 */
struct prog {
	struct sock_filter *insn;
	unsigned n, max;
	int label_at[9];
};

static void emit(struct prog *p, struct sock_filter f)
{
	if (p->n < p->max)
		p->insn[p->n] = f;
	p->n++;
}

static void label(struct prog *p, int l)
{
	p->label_at[-l] = (int)p->n;
}

static int resolve(struct prog *p)
{
	unsigned i;

	if (p->n > p->max)
		return -1;
	for (i = 0; i < p->n; i++) {
		struct sock_filter *f = &p->insn[i];
		u8 *jt = &f->jt, *jf = &f->jf;
		u8 *j[2] = {jt, jf};
		int k;

		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		for (k = 0; k < 2; k++) {
			s8 v = (s8)*j[k];

			if (v < 0)
				*j[k] = (u8)(p->label_at[-v] - (int)i - 1);
		}
	}
	return (int)p->n;
}

enum {
	TRAP = -1,
	ALLOW = -2,
	KILL = -3,
	FUTEX = -4,
	ARCH = -5,
	MMAP = -6,
	WRITE = -7,
	FUTEX_OP = -8
};

static void returns(struct prog *p)
{
	label(p, TRAP);
	emit(p, RET(SECCOMP_RET_TRAP));
	label(p, ALLOW);
	emit(p, RET(SECCOMP_RET_ALLOW));
	label(p, KILL);
	emit(p, RET(SECCOMP_RET_KILL_PROCESS));
}

int seccomp_guest_filter(struct sock_filter *out, unsigned max)
{
	struct prog p = {.insn = out, .max = max};
	u32 stub_lo = (u32)STUB_CODE_ADDR, stub_hi = (u32)(STUB_CODE_ADDR >> 32);
	u64 word = SC_COMM_ADDR + SC_STATE;
	u32 wake_lo = (u32)STUB_WAKE_ADDR;

	_Static_assert(STUB_WAKE_ADDR >> 32 == (SC_COMM_ADDR + SC_STATE) >> 32, "one high half");
	_Static_assert((u32)STUB_WAKE_ADDR + STUB_WAKE_PAGES * 4096 > (u32)STUB_WAKE_ADDR,
		       "no wrap");

	/* Other ABIs (int $0x80) are the kernel's business too. */
	emit(&p, LD(D_ARCH));
	emit(&p, JEQ(AUDIT_ARCH_X86_64, 0, (u8)TRAP));
	emit(&p, LD(D_IP_HI));
	emit(&p, JEQ(stub_hi, 0, (u8)TRAP));
	emit(&p, LD(D_IP_LO));
	emit(&p, JGE(stub_lo, 0, (u8)TRAP));
	emit(&p, JGE(stub_lo + STUB_CODE_PAGES * 4096, (u8)TRAP, 0));
	/* From the stub page. */
	emit(&p, LD(D_NR));
	emit(&p, JEQ(__NR_rt_sigreturn, (u8)ALLOW, 0));
	emit(&p, JEQ(__NR_sched_yield, (u8)ALLOW, 0));
	emit(&p, JEQ(__NR_futex, (u8)FUTEX, 0));
	emit(&p, JEQ(__NR_arch_prctl, (u8)ARCH, (u8)KILL));
	/* On the communication word or in the wake page. */
	label(&p, FUTEX);
	emit(&p, LD(D_ARG_HI(0)));
	emit(&p, JEQ((u32)(word >> 32), 0, (u8)KILL));
	emit(&p, LD(D_ARG_LO(0)));
	emit(&p, JEQ((u32)word, (u8)FUTEX_OP, 0));
	emit(&p, JGE(wake_lo, 0, (u8)KILL));
	emit(&p, JGE(wake_lo + STUB_WAKE_PAGES * 4096, (u8)KILL, 0));
	label(&p, FUTEX_OP);
	emit(&p, LD(D_ARG_LO(1)));
	emit(&p, JEQ(FUTEX_WAIT, (u8)ALLOW, 0));
	emit(&p, JEQ(FUTEX_WAKE, (u8)ALLOW, (u8)KILL));
	label(&p, ARCH);
	emit(&p, LD(D_ARG_LO(0)));
	emit(&p, JEQ(ARCH_SET_FS, (u8)ALLOW, 0));
	emit(&p, JEQ(ARCH_SET_GS, (u8)ALLOW, (u8)KILL));
	returns(&p);
	return resolve(&p);
}

int seccomp_mm_filter(struct sock_filter *out, unsigned max, int physmem_fd, int done_fd)
{
	struct prog p = {.insn = out, .max = max};

	emit(&p, LD(D_ARCH));
	emit(&p, JEQ(AUDIT_ARCH_X86_64, 0, (u8)KILL));
	emit(&p, LD(D_NR));
	emit(&p, JEQ(__NR_munmap, (u8)ALLOW, 0));
	emit(&p, JEQ(__NR_mprotect, (u8)ALLOW, 0));
	emit(&p, JEQ(__NR_futex, (u8)ALLOW, 0));
	emit(&p, JEQ(__NR_write, (u8)WRITE, 0));
	emit(&p, JEQ(__NR_mmap, (u8)MMAP, (u8)KILL));
	label(&p, WRITE);
	emit(&p, LD(D_ARG_LO(0)));
	emit(&p, JEQ((u32)done_fd, (u8)ALLOW, (u8)KILL));
	label(&p, MMAP);
	emit(&p, LD(D_ARG_LO(4)));
	emit(&p, JEQ((u32)physmem_fd, 0, (u8)KILL));
	emit(&p, LD(D_ARG_LO(3)));
	emit(&p, JEQ(MAP_SHARED | MAP_FIXED, (u8)ALLOW, 0));
	emit(&p, JEQ(MAP_SHARED | MAP_FIXED | MAP_POPULATE, (u8)ALLOW, (u8)KILL));
	returns(&p);
	return resolve(&p);
}
