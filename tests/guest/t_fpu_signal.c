/*
 * t_fpu_signal: the vector registers across a signal handler. The frame
 * holds the whole XSAVE image (magic1 in the legacy area's software bytes,
 * magic2 after it, UC_FP_XSTATE); a handler that clobbers every ymm
 * register leaves the interrupted code's values intact; a handler that
 * edits xmm0 and the upper half of ymm1 in the frame changes them; a
 * frame whose XSAVE header is invalid is a bad frame (SIGSEGV).
 */
#include "tg.h"

#include <cpuid.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define MAGIC1 0x46505853U
#define MAGIC2 0x46505845U

static int frame_magic1, frame_magic2, frame_flag, edit, corrupt;
static unsigned avx_offset; /* of the YMM upper halves in the XSAVE image */

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t m1, size;

	(void)sig;
	(void)si;
	memcpy(&m1, fp + 464, 4);
	memcpy(&size, fp + 464 + 16, 4);
	frame_magic1 = m1 == MAGIC1;
	frame_flag = uc->uc_flags & 1;
	if (frame_magic1) {
		uint32_t m2;
		memcpy(&m2, fp + size, 4);
		frame_magic2 = m2 == MAGIC2;
	}
	if (corrupt)
		fp[520] = 1; /* a compacted-format bit in a standard image */
	if (edit && frame_magic1) {
		memset(fp + 160, 0x5a, 16);		/* xmm0 */
		memset(fp + avx_offset + 16, 0xa5, 16); /* ymm1's upper half */
		uint64_t bv;
		memcpy(&bv, fp + 512, 8);
		bv |= 4; /* the AVX state is in the image */
		memcpy(fp + 512, &bv, 8);
	}
	/* Clobber every vector register. */
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
			 "vmovdqa %%ymm0, %%ymm1\n\tvmovdqa %%ymm0, %%ymm2\n\t"
			 "vmovdqa %%ymm0, %%ymm3\n\tvmovdqa %%ymm0, %%ymm4\n\t"
			 "vmovdqa %%ymm0, %%ymm5\n\tvmovdqa %%ymm0, %%ymm6\n\t"
			 "vmovdqa %%ymm0, %%ymm7\n\tvmovdqa %%ymm0, %%ymm8\n\t"
			 "vmovdqa %%ymm0, %%ymm9\n\tvmovdqa %%ymm0, %%ymm10\n\t"
			 "vmovdqa %%ymm0, %%ymm11\n\tvmovdqa %%ymm0, %%ymm12\n\t"
			 "vmovdqa %%ymm0, %%ymm13\n\tvmovdqa %%ymm0, %%ymm14\n\t"
			 "vmovdqa %%ymm0, %%ymm15\n\t"
			 :
			 :
			 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			   "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

/* Loads ymm0..15 from in, sends itself SIGUSR1 by a raw tgkill, stores
 * them to out: nothing else runs in between. */
static void round_trip(const uint8_t in[16][32], uint8_t out[16][32])
{
	long pid = getpid(), tid = syscall(SYS_gettid);
	register long rax __asm__("rax") = SYS_tgkill;
	register long rdi __asm__("rdi") = pid;
	register long rsi __asm__("rsi") = tid;
	register long rdx __asm__("rdx") = SIGUSR1;
	__asm__ volatile(
#define L(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
		L(0) L(1) L(2) L(3) L(4) L(5) L(6) L(7) L(8) L(9) L(10) L(11) L(12) L(13) L(14)
			L(15)
#undef L
				"syscall\n\t"
#define S(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
		S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14)
			S(15)
#undef S
		: "+r"(rax)
		: [in] "r"(in), [out] "r"(out), "r"(rdi), "r"(rsi), "r"(rdx)
		: "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

int main(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 28)) || !(c & (1u << 27))) {
		out("no AVX: nothing to test\n");
		tg_exit();
	}
	__cpuid_count(0xd, 2, a, b, c, d);
	avx_offset = b;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);

	static uint8_t in[16][32], got[16][32];
	for (int r = 0; r < 16; r++)
		for (int i = 0; i < 32; i++)
			in[r][i] = (uint8_t)(r * 37 + i * 3 + 1);

	round_trip(in, got);
	check(frame_magic1, "the frame's fpstate says an XSAVE image follows (magic1)");
	check(frame_magic2, "magic2 ends it");
	check(frame_flag, "uc_flags has UC_FP_XSTATE");
	int same = 1;
	for (int r = 0; r < 16; r++)
		if (memcmp(in[r], got[r], 32))
			same = 0;
	check(same, "all 16 ymm registers survive a handler that clobbers them");

	edit = 1;
	round_trip(in, got);
	uint8_t x0[16], hi1[16];
	memset(x0, 0x5a, 16);
	memset(hi1, 0xa5, 16);
	check(!memcmp(got[0], x0, 16) && !memcmp(got[0] + 16, in[0] + 16, 16),
	      "xmm0 edited in the frame, ymm0's upper half kept");
	check(!memcmp(got[1], in[1], 16) && !memcmp(got[1] + 16, hi1, 16),
	      "ymm1's upper half edited in the frame");
	same = 1;
	for (int r = 2; r < 16; r++)
		if (memcmp(in[r], got[r], 32))
			same = 0;
	check(same, "the other registers as they were");

	pid_t kid = xfork();
	if (kid == 0) {
		edit = 0;
		corrupt = 1;
		round_trip(in, got);
		_exit(0);
	}
	int st = wait_for(kid);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "a corrupt XSAVE header in the frame: SIGSEGV at sigreturn");
	tg_exit();
}
