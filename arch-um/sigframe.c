/*
 * x86-64 signal frames: what a handler finds on its stack (the layout of
 * Linux's rt_sigframe: return address, ucontext, siginfo, FPU state) and
 * how rt_sigreturn puts the interrupted context back.
 */
#include <asm/signal.h>

#include "arch/regs.h"
#include "arch/sigcontext.h"
#include "engine.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "sigframe.h"
#include "task.h"

struct k_rt_sigframe {
	u64 pretcode;
	struct k_ucontext uc;
	u8 info[128];
};

_Static_assert(offsetof(struct k_rt_sigframe, info) == 312, "frame layout");

#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FLAGS_USER_MASK 0x40dd5ULL /* CF PF AF ZF SF TF DF OF NT AC */

void siginfo_to_user(u8 *out, const struct ksiginfo *si)
{
	memset(out, 0, 128);
	memcpy(out, &si->signo, 4);
	memcpy(out + 4, &si->errno_, 4);
	memcpy(out + 8, &si->code, 4);
	switch (si->signo) {
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		if (si->code > 0) {
			memcpy(out + 16, &si->addr, 8);
			break;
		}
		/* sent by kill */
		__attribute__((fallthrough));
	default:
		memcpy(out + 16, &si->pid, 4);
		memcpy(out + 20, &si->uid, 4);
		if (si->signo == SIGCHLD && si->code > 0)
			memcpy(out + 24, &si->status, 4);
		else
			memcpy(out + 24, &si->value, 8);
	}
}

void regs_to_sigcontext(const struct uregs *r, struct k_sigcontext *mc)
{
	mc->r8 = r->r8;
	mc->r9 = r->r9;
	mc->r10 = r->r10;
	mc->r11 = r->r11;
	mc->r12 = r->r12;
	mc->r13 = r->r13;
	mc->r14 = r->r14;
	mc->r15 = r->r15;
	mc->rdi = r->rdi;
	mc->rsi = r->rsi;
	mc->rbp = r->rbp;
	mc->rbx = r->rbx;
	mc->rdx = r->rdx;
	mc->rax = r->rax;
	mc->rcx = r->rcx;
	mc->rsp = r->rsp;
	mc->rip = r->rip;
	mc->eflags = r->eflags;
}

void sigcontext_to_regs(const struct k_sigcontext *mc, struct uregs *r)
{
	r->r8 = mc->r8;
	r->r9 = mc->r9;
	r->r10 = mc->r10;
	r->r11 = mc->r11;
	r->r12 = mc->r12;
	r->r13 = mc->r13;
	r->r14 = mc->r14;
	r->r15 = mc->r15;
	r->rdi = mc->rdi;
	r->rsi = mc->rsi;
	r->rbp = mc->rbp;
	r->rbx = mc->rbx;
	r->rdx = mc->rdx;
	r->rax = mc->rax;
	r->rcx = mc->rcx;
	r->rsp = mc->rsp;
	r->rip = mc->rip;
}

static bool on_altstack(struct task *t, u64 sp)
{
	return t->altstack_size && sp > t->altstack_sp &&
	       sp - t->altstack_sp <= t->altstack_size;
}

int sigframe_setup(struct task *t, int sig, const struct ksigaction *ka,
		   const struct ksiginfo *info, ksigset_t oldmask)
{
	struct uregs *r = &t->regs;
	struct k_rt_sigframe f;
	u64 sp = r->rsp - 128, fpaddr, frame;

	if ((ka->flags & SA_ONSTACK) && t->altstack_size && !on_altstack(t, r->rsp))
		sp = t->altstack_sp + t->altstack_size;
	engine_fpu_save(t);
	sp -= sizeof(t->fp);
	sp = ALIGN_DOWN(sp, 64);
	fpaddr = sp;
	frame = ALIGN_DOWN(sp - sizeof(f), 16) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_sp = t->altstack_sp;
	f.uc.uc_stack.ss_size = t->altstack_size;
	f.uc.uc_stack.ss_flags = t->altstack_size ?
					 (on_altstack(t, r->rsp) ? SS_ONSTACK : 0) :
					 SS_DISABLE;
	regs_to_sigcontext(r, &f.uc.mc);
	f.uc.mc.cs = USER_CS;
	f.uc.mc.ss = USER_SS;
	f.uc.mc.trapno = info->code > 0 && sig == SIGSEGV ? 14 : 0;
	f.uc.mc.err = info->code > 0 && sig == SIGSEGV ? 4 : 0;
	f.uc.mc.cr2 = info->addr;
	f.uc.mc.oldmask = oldmask;
	f.uc.mc.fpstate = fpaddr;
	f.uc.uc_sigmask = oldmask;
	siginfo_to_user(f.info, info);
	if (copy_to_user(fpaddr, &t->fp, sizeof(t->fp)) < 0 ||
	    copy_to_user(frame, &f, sizeof(f)) < 0)
		return -EFAULT;
	r->rsp = frame;
	r->rip = ka->handler;
	r->rdi = (u64)sig;
	r->rsi = frame + offsetof(struct k_rt_sigframe, info);
	r->rdx = frame + offsetof(struct k_rt_sigframe, uc);
	r->rax = 0;
	r->eflags &= ~0x50500ULL; /* clear TF, DF, RF, AC */
	return 0;
}

long sigframe_return(struct task *t)
{
	struct uregs *r = &t->regs;
	struct k_rt_sigframe f;
	u64 frame = r->rsp - 8;

	if (copy_from_user(&f, frame, sizeof(f)) < 0)
		return -EFAULT;
	sigcontext_to_regs(&f.uc.mc, r); /* eflags: only the user's bits, below */
	r->eflags = (r->eflags & ~FLAGS_USER_MASK) | (f.uc.mc.eflags & FLAGS_USER_MASK);
	r->orig_rax = (u64)-1;
	t->blocked = f.uc.uc_sigmask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	if (f.uc.mc.fpstate) {
		if (copy_from_user(&t->fp, f.uc.mc.fpstate, sizeof(t->fp)) < 0)
			return -EFAULT;
		/* MXCSR reserved bits would make the host refuse the state. */
		t->fp.fx[26] = 0;
		t->fp.fx[27] = 0;
		t->fp.fx[25] &= 0xff;
		engine_fpu_changed(t);
	}
	return 0;
}
