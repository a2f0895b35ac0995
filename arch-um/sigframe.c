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
	/* The whole XSAVE image when there is one, as Linux gives it. */
	bool xs = engine_xstate_fetch(t);
	u32 fplen = xs ? t->xstate_len : sizeof(t->fp);
	const u32 magic2 = FP_XSTATE_MAGIC2;

	if ((ka->flags & SA_ONSTACK) && t->altstack_size && !on_altstack(t, r->rsp))
		sp = t->altstack_sp + t->altstack_size;
	sp -= fplen + (xs ? FP_XSTATE_MAGIC2_SIZE : 0);
	sp = ALIGN_DOWN(sp, 64);
	fpaddr = sp;
	frame = ALIGN_DOWN(sp - sizeof(f), 16) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (xs ? UC_FP_XSTATE : 0);
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
	if (xs) {
		/* The image carries the host's software bytes: magic1, sizes
		 * and features, true of this frame as well. */
		if (copy_to_user(fpaddr, t->xstate, fplen) < 0 ||
		    copy_to_user(fpaddr + fplen, &magic2, sizeof(magic2)) < 0)
			return -EFAULT;
	} else {
		struct fpstate fp = t->fp;

		/* No XSAVE image follows: no magic may say one does. */
		memset(fp.fx + FX_SW_BYTES, 0, sizeof(fp.fx) - FX_SW_BYTES);
		if (copy_to_user(fpaddr, &fp, sizeof(fp)) < 0)
			return -EFAULT;
	}
	if (copy_to_user(frame, &f, sizeof(f)) < 0)
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

/*
 * The XSAVE image of a frame being returned from, into t->xstate: 1 when
 * the frame has one of exactly the size t's image has, 0 when it has
 * none (legacy state only), -EFAULT when its header is one the host
 * would refuse to load (a bad frame, SIGSEGV, as on Linux). The software
 * bytes are put back as the host had them.
 */
static int restore_xstate(struct task *t, u64 fpstate, const u8 *legacy)
{
	u32 magic1, ext, size, magic2;
	u64 xfeatures, hdr[(XSAVE_HDR_END - XSAVE_XFEATURES) / 8];
	u8 *x;
	int i;

	memcpy(&magic1, legacy + FX_SW_BYTES, 4);
	memcpy(&ext, legacy + FX_SW_BYTES + 4, 4);
	memcpy(&size, legacy + FX_SW_BYTES + 16, 4);
	if (magic1 != FP_XSTATE_MAGIC1 || !t->xstate || size != t->xstate_len ||
	    ext != size + FP_XSTATE_MAGIC2_SIZE ||
	    copy_from_user(&magic2, fpstate + size, 4) < 0 || magic2 != FP_XSTATE_MAGIC2)
		return 0;
	if (copy_from_user(hdr, fpstate + XSAVE_XFEATURES, sizeof(hdr)) < 0)
		return -EFAULT;
	memcpy(&xfeatures, t->xstate + FX_SW_BYTES + 8, 8);
	/* Features the host does not save, a compacted image, reserved bits. */
	if (hdr[0] & ~xfeatures)
		return -EFAULT;
	for (i = 1; i < (int)(sizeof(hdr) / 8); i++)
		if (hdr[i])
			return -EFAULT;
	x = kmalloc(size);
	if (!x)
		return -EFAULT;
	if (copy_from_user(x, fpstate, size) < 0) {
		kfree(x);
		return -EFAULT;
	}
	memcpy(x + FX_SW_BYTES, t->xstate + FX_SW_BYTES, 512 - FX_SW_BYTES);
	memcpy(x + XSAVE_XFEATURES, hdr, sizeof(hdr)); /* as checked */
	memcpy(t->xstate, x, size);
	kfree(x);
	return 1;
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
		switch (restore_xstate(t, f.uc.mc.fpstate, t->fp.fx)) {
		case 1:
			engine_xstate_changed(t);
			break;
		case 0:
			engine_fpu_changed(t);
			break;
		default:
			engine_fpu_changed(t);
			return -EFAULT;
		}
	}
	return 0;
}
