/*
 * t_sysfast: busy system call sites. Every scenario makes the same call
 * site trap thousands of times, so that a kernel which rewrites busy
 * sites (a jmp to a trampoline in place of the `mov $N,%eax` (b8),
 * `mov $N,%rax` (48 c7 c0) or glibc's `mov 8(%rsp),%r9` (4c 8b 4c 24 08)
 * before the syscall) would have done it, and then checks everything a
 * program can observe against the host kernel:
 *
 *   wrappers   glibc's getpid/getppid/write/read/close/syscall() in loops:
 *              results and errno every time
 *   sites      asm sites of the three shapes (and disp8 0x10, errors,
 *              ENOSYS, a six-argument call, a site also entered by a jump
 *              straight to its syscall, sites straddling a page boundary)
 *   regs       every register but rax/rcx/r11 kept, rcx = the address
 *              after the syscall, r11 = rflags before it (CF, DF, AC
 *              set and clear), flags kept, xmm/ymm/x87/mxcsr kept
 *   redzone    the 128 bytes below rsp of a leaf function kept, also when
 *              each call delivers a signal (kill of self)
 *   badrsp     a syscall with rsp unmapped, non-canonical or misaligned;
 *              a timer signal on the alternate stack meanwhile; a fault
 *              of `mov 8(%rsp),%r9` at a busy site
 *   timer      the register loop under a fast ITIMER_REAL: the handler
 *              sees the loop's registers and vector state in its context,
 *              its rip in the loop, DF clear, makes calls at busy sites of
 *              its own and clobbers all it can
 *   restart    a blocking read at a busy site interrupted with and
 *              without SA_RESTART: the context the handler sees, the result
 *   restart_syscall  a sleep at a busy site stopped and continued
 *   sigmask    a signal unblocked at a busy site arrives before the call
 *              returns; kill of self at a busy site: the handler's context,
 *              a register it changes comes back
 *   fsgs       arch_prctl(ARCH_SET_FS/GS) at busy sites takes effect
 *   decoys     bytes before a syscall that only look like a known shape
 *              (the tail of a lea, of a movabs; mov to r8d)
 *   fork       children keep using the parent's busy sites; fork, vfork
 *              and posix_spawn in loops; a CLONE_VM child at our sites at
 *              the same time; a site a child made busy is untouched in
 *              the parent
 *   threads    threads hammer shared sites (own tids, own FPU state) under
 *              ITIMER_PROF; threads created and ended in a loop
 *   exec       exec after busy loops, through an execve site made busy by
 *              failing calls, and beside a busy thread; the new image's
 *              sites are pristine
 *   ptrace     PTRACE_SYSCALL over a busy site (numbers, arguments, rip,
 *              rcx at entry; results at exit; a changed number, result,
 *              register, FPU state, rip; a skipped call), single steps
 *              through the three shapes, an int3 on a busy site, stops of a
 *              process in a busy loop
 *   selfstep   TF set by the program itself over a busy site
 *   readshape  glibc's read(), byte for byte (cmpb $0,flag(%rip); je;
 *              xor %eax,%eax; syscall), busy: results; the je taken once
 *              the flag is 0; calls that jump straight to the je or the
 *              xor; TF over a second busy copy (traps at each instruction)
 *   jit        generated code (RWX; W then X with the immediate or the
 *              whole instruction rewritten; unmapped and mapped again;
 *              shared with a child; through a memfd's two views; a private
 *              file mapping, whose file stays unchanged and whose later
 *              changes the mapping shows)
 *   space      the executable's bytes at busy sites unchanged on disk, the
 *              address space below the program free, a mapping over it
 *              and MADV_DONTNEED harmless, brk still grows
 *
 * Each scenario runs in a child of its own; the output is only what the
 * host kernel makes deterministic. Arguments name scenarios to run alone
 * (t_sysfast timer ptrace); "exec-child" and "nop" are the modes the
 * program execs itself in.
 */
#include "tg.h"

#include <cpuid.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <ucontext.h>

#define HOT 2000 /* calls per site and loop: far beyond any patching threshold */

typedef struct {
	long a, d; /* rax, rdx */
} pair;

/* ---------------------------------------------------------------- sites */

/*
 * Assembler macros for the sites, byte for byte: the three shapes
 * (MOV_EAX, MOV_RAX, MOV_R9), a global function (FN), a whole site
 * (SITE_B8, SITE_RAX; SITE_B8_4 first moves the fourth argument from rcx
 * to r10).
 */
__asm__(".macro FN name\n"
	".text\n.globl \\name\n.type \\name,@function\n\\name:\n"
	".endm\n"
	".macro MOV_EAX nr\n.byte 0xb8\n.long \\nr\n.endm\n"
	".macro MOV_RAX nr\n.byte 0x48,0xc7,0xc0\n.long \\nr\n.endm\n"
	".macro MOV_R9 disp\n.byte 0x4c,0x8b,0x4c,0x24,\\disp\n.endm\n"
	".macro SITE_B8 name, nr\nFN \\name\nMOV_EAX \\nr\nsyscall\nret\n.endm\n"
	".macro SITE_RAX name, nr\nFN \\name\nMOV_RAX \\nr\nsyscall\nret\n.endm\n"
	".macro SITE_B8_4 name, nr\nFN \\name\nmov %rcx,%r10\nMOV_EAX \\nr\nsyscall\nret\n.endm\n");

long sf_b8_getpid(void);
long sf_b8_getppid(void);
long sf_b8_gettid(void);
long sf_b8_close(long fd);
long sf_b8_enosys(void);
long sf_b8_read(long fd, void *buf, long n);
long sf_b8_write(long fd, const void *buf, long n);
pair sf_b8_kill(long pid, long sig, long d);
long sf_b8_sigmask(long how, const void *set, void *old, long size);
long sf_b8_execve(const char *path, char *const *argv, char *const *envp);
long sf_b8_nanosleep(long clock, long flags, const struct timespec *req, struct timespec *rem);
long sf_rax_getpid(void);
long sf_rax_getppid(void);
long sf_rax_gettid(void);
long sf_rax_close(long fd);
long sf_rax_enosys(void);
long sf_rax_read(long fd, void *buf, long n);
pair sf_rax_kill(long pid, long sig, long d);
long sf_tid_ref(void);
long sf_fresh(void);
long sf_bp(void);
long sf_step_b8(void);
long sf_step_rax(void);
long sf_step_r9(long nr);
/* glibc's syscall() without errno: the number in rdi, six arguments. */
long sf_r9_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/* The same with the sixth argument at 0x10(%rsp) (a push before). */
long sf_r9_d16(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/* which 0: mov $39,%eax; syscall. which 1: eax = 110, jump to the syscall. */
long sf_direct(long which);
extern char sf_direct_sys[];
/* Sites straddling a page boundary: the mov, the syscall, a 7-byte mov. */
long sf_pgx_mov(void);
long sf_pgx_sys(void);
long sf_pgx_rax(void);

__asm__("SITE_B8 sf_b8_getpid, 39\n"
	"SITE_B8 sf_b8_getppid, 110\n"
	"SITE_B8 sf_b8_gettid, 186\n"
	"SITE_B8 sf_b8_close, 3\n"
	"SITE_B8 sf_b8_enosys, 1000\n"
	"SITE_B8 sf_b8_read, 0\n"
	"SITE_B8 sf_b8_write, 1\n"
	"SITE_B8 sf_b8_kill, 62\n"
	"SITE_B8_4 sf_b8_sigmask, 14\n"
	"SITE_B8 sf_b8_execve, 59\n"
	"SITE_B8_4 sf_b8_nanosleep, 230\n"
	"SITE_RAX sf_rax_getpid, 39\n"
	"SITE_RAX sf_rax_getppid, 110\n"
	"SITE_RAX sf_rax_gettid, 186\n"
	"SITE_RAX sf_rax_close, 3\n"
	"SITE_RAX sf_rax_enosys, -1\n"
	"SITE_RAX sf_rax_read, 0\n"
	"SITE_RAX sf_rax_kill, 62\n"
	"SITE_B8 sf_tid_ref, 186\n"
	"SITE_B8 sf_fresh, 39\n"
	"SITE_B8 sf_bp, 39\n"
	"SITE_B8 sf_step_b8, 39\n"
	"SITE_RAX sf_step_rax, 39\n"
	"FN sf_step_r9\nmov %rdi,%rax\nMOV_R9 0x08\nsyscall\nret\n"
	"FN sf_r9_call\n"
	"mov %rdi,%rax\nmov %rsi,%rdi\nmov %rdx,%rsi\nmov %rcx,%rdx\nmov %r8,%r10\nmov %r9,%r8\n"
	"MOV_R9 0x08\nsyscall\nret\n"
	"FN sf_r9_d16\n"
	"push %rbx\n"
	"mov %rdi,%rax\nmov %rsi,%rdi\nmov %rdx,%rsi\nmov %rcx,%rdx\nmov %r8,%r10\nmov %r9,%r8\n"
	"MOV_R9 0x10\nsyscall\npop %rbx\nret\n"
	"FN sf_direct\n"
	"test %rdi,%rdi\njnz 1f\nMOV_EAX 39\n"
	".globl sf_direct_sys\nsf_direct_sys: syscall\nret\n"
	"1: mov $110,%eax\njmp sf_direct_sys\n"
	".balign 4096\n.skip 4093\nSITE_B8 sf_pgx_mov, 39\n"
	".balign 4096\n.skip 4090\nSITE_B8 sf_pgx_sys, 110\n"
	".balign 4096\n.skip 4092\nSITE_RAX sf_pgx_rax, 39\n"
	".balign 4096\n");

/*
 * Sites that threads run at once, each straddling a cache line: 32 of
 * shape b8 (gettid) at sf_xsites + 128 * i + 61, 32 of shape 48 c7 c0 at
 * sf_xsites_rax + 128 * i + 60.
 */
extern char sf_xsites[], sf_xsites_rax[];
__asm__(".text\n.balign 64\n.globl sf_xsites\nsf_xsites:\n"
	".rept 32\n.balign 64\n.skip 61\nMOV_EAX 186\nsyscall\nret\n.endr\n"
	".balign 64\n.globl sf_xsites_rax\nsf_xsites_rax:\n"
	".rept 32\n.balign 64\n.skip 60\nMOV_RAX 186\nsyscall\nret\n.endr\n"
	".balign 64\n");

static long xsite(int rax, int i)
{
	char *p = rax ? sf_xsites_rax + 128 * i + 60 : sf_xsites + 128 * i + 61;
	return ((long (*)(void))(void *)p)();
}

/*
 * Decoys: the bytes before each syscall look like a shape the kernel
 * could patch, and the registers agree with them, but they are the tail
 * of another instruction.
 *   lea:  mov $39,%eax; lea 0x27(%rax),%edi (8d b8 27 00 00 00): edi = 78
 *   b8:   movabs $0x00000027b8112233,%rdx     (... b8 27 00 00 00)
 *   rax:  movabs $0x00000027c0c74811,%rdx     (... 48 c7 c0 27 00 00 00)
 *   r9:   r9 = 8(%rsp); movabs $0x08244c8b4c112233,%rdx (... 4c 8b 4c 24 08)
 *   r8d:  r8 = 0; mov $39,%eax; mov $39,%r8d  (41 b8 27 00 00 00)
 * Each returns the result in rax and the other register in rdx.
 */
pair sf_decoy_lea(void);
pair sf_decoy_b8(void);
pair sf_decoy_rax(void);
pair sf_decoy_r9(void);
pair sf_decoy_r8d(void);
__asm__("FN sf_decoy_lea\n"
	"MOV_EAX 39\n.byte 0x8d,0xb8,0x27,0,0,0\nsyscall\nmov %rdi,%rdx\nret\n"
	"FN sf_decoy_b8\n"
	"MOV_EAX 39\n.byte 0x48,0xba,0x33,0x22,0x11,0xb8,0x27,0,0,0\nsyscall\nret\n"
	"FN sf_decoy_rax\n"
	"MOV_EAX 39\n.byte 0x48,0xba,0x11,0x48,0xc7,0xc0,0x27,0,0,0\nsyscall\nret\n"
	"FN sf_decoy_r9\n"
	"mov 8(%rsp),%r9\nMOV_EAX 39\n"
	".byte 0x48,0xba,0x33,0x22,0x11,0x4c,0x8b,0x4c,0x24,0x08\nsyscall\nret\n"
	"FN sf_decoy_r8d\n"
	"xor %r8d,%r8d\nMOV_EAX 39\n.byte 0x41,0xb8,0x27,0,0,0\nsyscall\nmov %r8,%rdx\nret\n");

/*
 * The bogus-rsp sites: rsp = rdi for the call (b8 and 48 c7 c0 shapes).
 * sf_badrsp_loop: rsp = rdi, getpid until sig_ticks >= rsi or rdx calls;
 * returns the calls whose result was not badrsp_expect.
 * sf_r9fault: rsp = rsi, then `mov 8(%rsp),%r9; syscall` with rax = rdi;
 * returns rax and r9.
 */
long sf_badrsp_b8(long rsp);
long sf_badrsp_rax(long rsp);
long sf_badrsp_loop(long rsp, long ticks, long max);
pair sf_r9fault(long nr, long rsp);
extern char sf_badrsp_loop_lo[], sf_badrsp_loop_hi[], sf_r9fault_site[];
volatile long sig_ticks;
long badrsp_expect;
__asm__("FN sf_badrsp_b8\n"
	"mov %rsp,%r8\nmov %rdi,%rsp\nMOV_EAX 39\nsyscall\nmov %r8,%rsp\nret\n"
	"FN sf_badrsp_rax\n"
	"mov %rsp,%r8\nmov %rdi,%rsp\nMOV_RAX 39\nsyscall\nmov %r8,%rsp\nret\n"
	"FN sf_badrsp_loop\n"
	"mov %rsp,%r8\nmov %rdi,%rsp\nxor %r9d,%r9d\nmov %rdx,%r10\n"
	".globl sf_badrsp_loop_lo\nsf_badrsp_loop_lo:\n"
	"1: MOV_EAX 39\nsyscall\n"
	"cmp badrsp_expect(%rip),%rax\nje 2f\ninc %r9\n"
	"2: cmp %rsi,sig_ticks(%rip)\njge 3f\ndec %r10\njnz 1b\n"
	".globl sf_badrsp_loop_hi\nsf_badrsp_loop_hi:\n"
	"3: mov %r8,%rsp\nmov %r9,%rax\nret\n"
	"FN sf_r9fault\n"
	"push %rbx\nmov %rsp,%rbx\nmov %rsi,%rsp\nmov %rdi,%rax\n"
	".globl sf_r9fault_site\nsf_r9fault_site: MOV_R9 0x08\nsyscall\n"
	"mov %rbx,%rsp\npop %rbx\nmov %r9,%rdx\nret\n");

/*
 * arch_prctl(ARCH_SET_FS or ARCH_SET_GS, rdi) at one site, the qword at
 * %fs:0 (%gs:0) read, the old base rsi put back at a second site.
 */
long sf_setfs(long base, long old);
long sf_setgs(long base, long old);
__asm__("FN sf_setfs\n"
	"push %rbx\nmov %rsi,%rbx\nmov %rdi,%rsi\nmov $0x1002,%edi\nMOV_EAX 158\nsyscall\n"
	"mov %fs:0,%rdx\n"
	"mov %rbx,%rsi\nmov $0x1002,%edi\nMOV_EAX 158\nsyscall\n"
	"mov %rdx,%rax\npop %rbx\nret\n"
	"FN sf_setgs\n"
	"push %rbx\nmov %rsi,%rbx\nmov %rdi,%rsi\nmov $0x1001,%edi\nMOV_EAX 158\nsyscall\n"
	"mov %gs:0,%rdx\n"
	"mov %rbx,%rsi\nmov $0x1001,%edi\nMOV_EAX 158\nsyscall\n"
	"mov %rdx,%rax\npop %rbx\nret\n");

/*
 * For PTRACE_SYSCALL: getppid with rdi = &tr_mx and known rsi, rdx, r10,
 * r8, r9, r12 = 0; returns rax and r12 (rdx), and stores mxcsr in tr_mx.
 * A tracer that moves rip to sf_tr_after2 skips the copy of r12 (rdx
 * stays 0x2222).
 */
pair sf_tr_site(unsigned *mx);
extern char sf_tr_after[], sf_tr_after2[];
unsigned tr_mx;
__asm__("FN sf_tr_site\n"
	"push %r12\nmov $0x1111,%esi\nmov $0x2222,%edx\nmov $0x3333,%r10d\nmov $0x4444,%r8d\n"
	"mov $0x5555,%r9d\nxor %r12d,%r12d\nMOV_EAX 110\nsyscall\n"
	".globl sf_tr_after\nsf_tr_after: mov %r12,%rdx\n"
	".globl sf_tr_after2\nsf_tr_after2: stmxcsr (%rdi)\npop %r12\nret\n");

/* TF set by the program: rdi is 0x100 to single-step the site, or 0. */
void sf_tf(long tf);
extern char sf_tf_site[], sf_tf_end[];
__asm__("FN sf_tf\n"
	"pushfq\nor %rdi,(%rsp)\npopfq\n"
	".globl sf_tf_site\nsf_tf_site: MOV_EAX 39\nsyscall\n"
	"pushfq\nandq $-257,(%rsp)\npopfq\nret\n"
	".globl sf_tf_end\nsf_tf_end:\n");

/*
 * glibc's read() ahead of its syscall, as sf_rd (and a second copy,
 * sf_rd2): cmpb $0,sf_rd_single(%rip); je 1f; xor %eax,%eax; syscall;
 * ret; 1: rax = -77 (the path glibc takes with threads). sf_rd_je and
 * sf_rd_xor are where the je and the xor begin; sf_rd_je_entry clears
 * ZF and jumps to the je. sf_rdtf(fd, buf, n, tf) calls sf_rd2 with
 * rflags |= tf (0x100 to single-step it).
 */
long sf_rd(long fd, void *buf, long n);
long sf_rd_je_entry(long fd, void *buf, long n);
long sf_rdtf(long fd, void *buf, long n, long tf);
extern char sf_rd_je[], sf_rd_xor[], sf_rd2[], sf_rd2_end[];
extern volatile char sf_rd_single;
__asm__(".data\n.globl sf_rd_single\nsf_rd_single: .byte 1\n.text\n"
	".macro READSITE name\nFN \\name\n"
	"cmpb $0,sf_rd_single(%rip)\n"
	".globl \\name\\()_je\n\\name\\()_je: je 1f\n"
	".globl \\name\\()_xor\n\\name\\()_xor: .byte 0x31, 0xc0\n"
	"syscall\nret\n1: mov $-77,%rax\nret\n"
	".globl \\name\\()_end\n\\name\\()_end:\n.endm\n"
	"READSITE sf_rd\nREADSITE sf_rd2\n"
	"FN sf_rd_je_entry\ntest %esp,%esp\njmp sf_rd_je\n"
	"FN sf_rdtf\n"
	"pushfq\nor %rcx,(%rsp)\npopfq\ncall sf_rd2\n"
	"pushfq\nandq $-257,(%rsp)\npopfq\nret\n");

/* ----------------------------------------------- vector state helpers */

int rl_avx;
unsigned char rl_vec[16 * 32] __attribute__((aligned(32)));
unsigned char rl_vec_out[16 * 32] __attribute__((aligned(32)));

/* ymm0-15 (xmm0-15 without AVX) from rl_vec, and back to rl_vec_out. */
__asm__(".macro ALLVEC insn\n"
	".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\\insn\n.endr\n"
	".endm\n"
	"FN sf_vec_load\n"
	"cmpl $0,rl_avx(%rip)\nje 1f\n"
	"ALLVEC \"vmovdqu rl_vec+32*\\i(%rip),%ymm\\i\"\nret\n"
	"1: ALLVEC \"movdqu rl_vec+32*\\i(%rip),%xmm\\i\"\nret\n"
	"FN sf_vec_store\n"
	"cmpl $0,rl_avx(%rip)\nje 1f\n"
	"ALLVEC \"vmovdqu %ymm\\i,rl_vec_out+32*\\i(%rip)\"\nvzeroupper\nret\n"
	"1: ALLVEC \"movdqu %xmm\\i,rl_vec_out+32*\\i(%rip)\"\nret\n");

/*
 * sf_fpu_hold(pat, out, n, avx): ymm0-15 (xmm) and mxcsr from pat (512
 * bytes of registers, mxcsr at 512), n gettid calls at one b8 site, the
 * registers and mxcsr back to out.
 */
void sf_fpu_hold(const void *pat, void *out, long n, long avx);
__asm__("FN sf_fpu_hold\n"
	"mov %rdx,%r8\nmov %rcx,%r10\nldmxcsr 512(%rdi)\ntest %r10,%r10\njz 1f\n"
	"ALLVEC \"vmovdqu 32*\\i(%rdi),%ymm\\i\"\njmp 2f\n"
	"1: ALLVEC \"movdqu 32*\\i(%rdi),%xmm\\i\"\n"
	"2: MOV_EAX 186\nsyscall\ndec %r8\njnz 2b\n"
	"stmxcsr 512(%rsi)\ntest %r10,%r10\njz 3f\n"
	"ALLVEC \"vmovdqu %ymm\\i,32*\\i(%rsi)\"\nvzeroupper\nret\n"
	"3: ALLVEC \"movdqu %xmm\\i,32*\\i(%rsi)\"\nret\n");

/* -------------------------------------------------- the register loop */

/*
 * sf_rl_<shape>: callee-saved registers pushed, a stack slot at 8(%rsp)
 * holding rl_in[6], vector, x87 and mxcsr state loaded, then rbx, rbp,
 * rdi, rsi, rdx, r8, r9, r10, r12-r15 from rl_in. Each round sets CF,
 * DF and AC from the round number (bits of rl_mode allow each), saves
 * rflags, makes the call (the shape's instructions, then syscall),
 * stores rax, rcx, r11 and rflags, clears DF and AC, and counts in
 * rl_bad: [0] rax != rl_expect, [1] rcx not the address after the
 * syscall, [2] r11 != rflags before, [3] rflags changed, [4] rcx or r11
 * changed by anything but the call (they hold known values while the
 * round spins rl_spin times). It ends after rl_iters rounds, when
 * rl_stop is set, or once sig_ticks >= rl_until (if not 0); then it
 * stores all registers in rl_out (rsp at [12], the stack slot at [13])
 * and the vector state in rl_vec_out.
 */
long rl_in[12], rl_out[14], rl_bad[5], rl_tmp[4];
long rl_iters, rl_expect, rl_nr, rl_mode, rl_spin, rl_until, rl_flags, rl_savesp;
volatile long rl_stop;
volatile int rl_in_loop;
unsigned rl_mxcsr, rl_mxcsr_out;
unsigned short rl_fcw, rl_fcw_out;
double rl_x87, rl_x87_out;
#define RL_K1 0x1c1c1c1c1c1c1c1cUL /* rcx between calls */
#define RL_K2 0x1111111111111111UL /* r11 between calls */

__asm__(".macro REGLOOP name, insn1, insn2\n"
	"FN \\name\n"
	"push %rbx\npush %rbp\npush %r12\npush %r13\npush %r14\npush %r15\nsub $24,%rsp\n"
	"mov rl_in+48(%rip),%rax\nmov %rax,8(%rsp)\nmov %rsp,rl_savesp(%rip)\n"
	"call sf_vec_load\nldmxcsr rl_mxcsr(%rip)\nfldcw rl_fcw(%rip)\nfldl rl_x87(%rip)\n"
	"mov rl_in+0(%rip),%rbx\nmov rl_in+8(%rip),%rbp\nmov rl_in+16(%rip),%rdi\n"
	"mov rl_in+24(%rip),%rsi\nmov rl_in+32(%rip),%rdx\nmov rl_in+40(%rip),%r8\n"
	"mov rl_in+48(%rip),%r9\nmov rl_in+56(%rip),%r10\nmov rl_in+64(%rip),%r12\n"
	"mov rl_in+72(%rip),%r13\nmov rl_in+80(%rip),%r14\nmov rl_in+88(%rip),%r15\n"
	"movabs $0x1c1c1c1c1c1c1c1c,%rcx\nmovabs $0x1111111111111111,%r11\n"
	"movl $1,rl_in_loop(%rip)\n"
	".globl \\name\\()_loop\n\\name\\()_loop:\n"
	"mov rl_iters(%rip),%rax\nand rl_mode(%rip),%rax\n"
	"test $2,%al\njz 2f\nstd\n"
	"2: test $4,%al\njz 3f\npushfq\norl $0x40000,(%rsp)\npopfq\n"
	"3: shr $1,%rax\npushfq\npopq rl_flags(%rip)\n"
	"\\insn1\n\\insn2\nsyscall\n"
	".globl \\name\\()_after\n\\name\\()_after:\n"
	"mov %rax,rl_tmp(%rip)\nmov %rcx,rl_tmp+8(%rip)\nmov %r11,rl_tmp+16(%rip)\n"
	"pushfq\npopq rl_tmp+24(%rip)\ncld\npushfq\nandl $0xfffbffff,(%rsp)\npopfq\n"
	"lea \\name\\()_after(%rip),%rax\ncmp %rax,rl_tmp+8(%rip)\nje 4f\nincq rl_bad+8(%rip)\n"
	"4: mov rl_flags(%rip),%rax\ncmp %rax,rl_tmp+16(%rip)\nje 5f\nincq rl_bad+16(%rip)\n"
	"5: cmp %rax,rl_tmp+24(%rip)\nje 6f\nincq rl_bad+24(%rip)\n"
	"6: mov rl_expect(%rip),%rax\ncmp %rax,rl_tmp(%rip)\nje 7f\nincq rl_bad(%rip)\n"
	"7: movabs $0x1c1c1c1c1c1c1c1c,%rcx\nmovabs $0x1111111111111111,%r11\n"
	"mov rl_spin(%rip),%rax\n8: dec %rax\njnz 8b\n"
	"movabs $0x1c1c1c1c1c1c1c1c,%rax\ncmp %rax,%rcx\njne 9f\n"
	"movabs $0x1111111111111111,%rax\ncmp %rax,%r11\nje 10f\n"
	"9: incq rl_bad+32(%rip)\n"
	"10: cmpq $0,rl_stop(%rip)\njne 13f\n"
	"mov rl_until(%rip),%rax\ntest %rax,%rax\njz 14f\ncmp %rax,sig_ticks(%rip)\njge 13f\n"
	"14: decq rl_iters(%rip)\njnz \\name\\()_loop\n"
	"13: movl $0,rl_in_loop(%rip)\n"
	".globl \\name\\()_end\n\\name\\()_end:\n"
	"mov %rbx,rl_out+0(%rip)\nmov %rbp,rl_out+8(%rip)\nmov %rdi,rl_out+16(%rip)\n"
	"mov %rsi,rl_out+24(%rip)\nmov %rdx,rl_out+32(%rip)\nmov %r8,rl_out+40(%rip)\n"
	"mov %r9,rl_out+48(%rip)\nmov %r10,rl_out+56(%rip)\nmov %r12,rl_out+64(%rip)\n"
	"mov %r13,rl_out+72(%rip)\nmov %r14,rl_out+80(%rip)\nmov %r15,rl_out+88(%rip)\n"
	"mov %rsp,rl_out+96(%rip)\nmov 8(%rsp),%rax\nmov %rax,rl_out+104(%rip)\n"
	"fstpl rl_x87_out(%rip)\nfnstcw rl_fcw_out(%rip)\nstmxcsr rl_mxcsr_out(%rip)\n"
	"call sf_vec_store\n"
	"add $24,%rsp\npop %r15\npop %r14\npop %r13\npop %r12\npop %rbp\npop %rbx\nret\n"
	".endm\n"
	"REGLOOP sf_rl_b8, nop, \"MOV_EAX 39\"\n"
	"REGLOOP sf_rl_rax, nop, \"MOV_RAX 39\"\n"
	"REGLOOP sf_rl_r9, \"mov rl_nr(%rip),%rax\", \"MOV_R9 0x08\"\n");

void sf_rl_b8(void), sf_rl_rax(void), sf_rl_r9(void);
extern char sf_rl_b8_loop[], sf_rl_b8_after[], sf_rl_b8_end[];
extern char sf_rl_rax_loop[], sf_rl_rax_after[], sf_rl_rax_end[];
extern char sf_rl_r9_loop[], sf_rl_r9_after[], sf_rl_r9_end[];

static const struct shape {
	const char *name;
	void (*fn)(void);
	char *loop, *after, *end;
} shapes[] = {
	{"b8", sf_rl_b8, sf_rl_b8_loop, sf_rl_b8_after, sf_rl_b8_end},
	{"rax", sf_rl_rax, sf_rl_rax_loop, sf_rl_rax_after, sf_rl_rax_end},
	{"r9", sf_rl_r9, sf_rl_r9_loop, sf_rl_r9_after, sf_rl_r9_end},
};

/*
 * The red zone: sf_rz_<shape>(rdi, rsi, seed, n) fills the 16 qwords
 * below rsp with seed+1..seed+16, makes the call (kill(rdi, rsi) for
 * the b8/rax shapes, with rax = 62 from rl_nr for r9), checks them, n
 * times; returns the number of qwords found changed.
 */
long sf_rz_b8(long pid, long sig, long seed, long n);
long sf_rz_rax(long pid, long sig, long seed, long n);
long sf_rz_r9(long pid, long sig, long seed, long n);
__asm__(".macro REDZONE name, insn1, insn2\n"
	"FN \\name\n"
	"mov %rdx,%r10\nmov %rcx,%rdx\nxor %r8d,%r8d\n"
	"1: mov $1,%ecx\n"
	"2: lea (%r10,%rcx),%rax\nneg %rcx\nmov %rax,(%rsp,%rcx,8)\nneg %rcx\ninc %ecx\n"
	"cmp $16,%ecx\njbe 2b\n"
	"\\insn1\n\\insn2\nsyscall\n"
	"mov $1,%ecx\n"
	"3: lea (%r10,%rcx),%rax\nneg %rcx\ncmp %rax,(%rsp,%rcx,8)\nje 4f\ninc %r8\n"
	"4: neg %rcx\ninc %ecx\ncmp $16,%ecx\njbe 3b\n"
	"dec %rdx\njnz 1b\nmov %r8,%rax\nret\n"
	".endm\n"
	"REDZONE sf_rz_b8, nop, \"MOV_EAX 62\"\n"
	"REDZONE sf_rz_rax, nop, \"MOV_RAX 62\"\n"
	"REDZONE sf_rz_r9, \"mov rl_nr(%rip),%rax\", \"MOV_R9 0x08\"\n");

/* ------------------------------------------------------------ helpers */

static const char *self;
static long my_pid, my_ppid;

/* An address as a number the compiler knows nothing about (no assumed alignment). */
static uintptr_t addr_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	__asm__("" : "+r"(a));
	return a;
}

static void sigact(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die("sigaction");
}

static void set_timer(int which, long usec)
{
	struct itimerval it = {{0, usec}, {0, usec}};
	if (setitimer(which, &it, NULL) < 0)
		die("setitimer");
}

static void stop_timer(int which)
{
	struct itimerval it = {{0, 0}, {0, 0}};
	setitimer(which, &it, NULL);
}

static int have_avx(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_AVX) || !(c & bit_OSXSAVE))
		return 0;
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void fpu_defaults(void)
{
	unsigned m = 0x1f80;
	unsigned short cw = 0x37f;
	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" ::"m"(m), "m"(cw));
}

/* Calls fn n times: how many results were not want. */
static long count_bad(long (*fn)(void), long want, int n)
{
	long bad = 0;
	for (int i = 0; i < n; i++)
		if (fn() != want)
			bad++;
	return bad;
}

static void hot(const char *what, long (*fn)(void), long want)
{
	long bad = count_bad(fn, want, HOT);
	check(bad == 0, "%s: %d calls right", what, HOT);
}

/* The bytes of a site as this program's source wrote them. */
static const unsigned char code_b8_getpid[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
static const unsigned char code_rax_getpid[] = {0x48, 0xc7, 0xc0, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
static const unsigned char code_fresh[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
static const unsigned char code_r9[] = {0x4c, 0x8b, 0x4c, 0x24, 0x08, 0x0f, 0x05, 0xc3};
#define R9_CALL_SITE 18 /* offset of the mov 8(%rsp),%r9 in sf_r9_call */

/* --------------------------------------------------- scenario: wrappers */

static void s_wrappers(void)
{
	long bad = 0;
	for (int i = 0; i < HOT; i++)
		bad += getpid() != my_pid;
	check(!bad, "getpid() %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++)
		bad += getppid() != my_ppid;
	check(!bad, "getppid() %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++)
		bad += syscall(SYS_getppid) != my_ppid;
	check(!bad, "syscall(SYS_getppid) %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		errno = 0;
		bad += !(close(-1) == -1 && errno == EBADF);
	}
	check(!bad, "close(-1) is EBADF %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		errno = 0;
		bad += !(syscall(SYS_close, -1 - i) == -1 && errno == EBADF);
	}
	check(!bad, "syscall(SYS_close, -1 - i) is EBADF %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		errno = 0;
		bad += !(syscall(999) == -1 && errno == ENOSYS);
	}
	check(!bad, "syscall(999) is ENOSYS %d times", HOT);

	int null = open("/dev/null", O_WRONLY);
	if (null < 0)
		die("open /dev/null");
	bad = 0;
	char buf[64];
	memset(buf, 'n', sizeof buf);
	for (int i = 0; i < HOT; i++)
		bad += write(null, buf, 1 + i % 64) != 1 + i % 64;
	check(!bad, "write to /dev/null %d times", HOT);
	close(null);

	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		char w[8], r[8] = {0};
		int n = 1 + i % 8;
		for (int k = 0; k < n; k++)
			w[k] = (char)(i + k);
		if (write(p[1], w, n) != n || read(p[0], r, sizeof r) != n || memcmp(w, r, n))
			bad++;
	}
	check(!bad, "write then read through a pipe %d times (lengths and bytes)", HOT);
	/* An empty non-blocking pipe: EAGAIN every time. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		errno = 0;
		bad += !(read(p[0], buf, 1) == -1 && errno == EAGAIN);
	}
	check(!bad, "read of an empty non-blocking pipe is EAGAIN %d times", HOT);
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------- scenario: sites */

static void s_sites(void)
{
	hot("b8 getpid", sf_b8_getpid, my_pid);
	hot("b8 getppid", sf_b8_getppid, my_ppid);
	hot("rax getpid", sf_rax_getpid, my_pid);
	hot("rax getppid", sf_rax_getppid, my_ppid);
	hot("b8 ENOSYS (1000)", sf_b8_enosys, -ENOSYS);
	hot("rax ENOSYS (-1)", sf_rax_enosys, -ENOSYS);
	long bad = 0;
	for (int i = 0; i < HOT; i++)
		bad += sf_b8_close(-1 - i) != -EBADF;
	check(!bad, "b8 close(-1 - i) is -EBADF %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++)
		bad += sf_rax_close(-1 - i) != -EBADF;
	check(!bad, "rax close(-1 - i) is -EBADF %d times", HOT);

	/* The r9 shape with the arguments it passes checked by the call. */
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		char c = (char)i, r = 0;
		if (sf_r9_call(SYS_write, p[1], (long)&c, 1, 0, 0, 0x99) != 1 ||
		    sf_r9_call(SYS_read, p[0], (long)&r, 1, 0, 0, 0x77) != 1 || r != c)
			bad++;
	}
	check(!bad, "r9 write then read a byte %d times", HOT);
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		char c = (char)(i * 3), r = 0;
		if (sf_r9_d16(SYS_write, p[1], (long)&c, 1, 0, 0, 0x99) != 1 ||
		    sf_r9_d16(SYS_read, p[0], (long)&r, 1, 0, 0, 0x77) != 1 || r != c)
			bad++;
	}
	check(!bad, "r9 with disp8 0x10: write then read a byte %d times", HOT);
	/* Six-argument calls: the sixth (r9) matters. */
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		long r = sf_r9_call(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
				    0);
		long e = sf_r9_call(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, p[0], 0);
		long u = r > 0 ? sf_r9_call(SYS_munmap, r, 4096, 0, 0, 0, 0) : -1;
		/* A misaligned offset in r9: EINVAL. */
		long o = sf_r9_call(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
				    1);
		if (r <= 0 || (unsigned long)r % 4096 || e != -ENODEV || u != 0 || o != -EINVAL)
			bad++;
	}
	check(!bad, "r9 mmap/munmap with the sixth argument (offset) checked %d times", HOT);

	/* The b8 and rax read sites on a pipe. */
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		char w[4] = {(char)i, 2, 3, 4}, r[4] = {0};
		if (sf_b8_write(p[1], w, 4) != 4 || sf_b8_read(p[0], r, 4) != 4 || memcmp(w, r, 4))
			bad++;
		w[1] = 9;
		if (sf_b8_write(p[1], w, 4) != 4 || sf_rax_read(p[0], r, 4) != 4 || memcmp(w, r, 4))
			bad++;
	}
	check(!bad, "b8 write, b8 and rax read through a pipe %d times", HOT);
	close(p[0]);
	close(p[1]);

	/* One site, reached through its mov and by a jump to its syscall. */
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		long w = i % 3 == 2;
		bad += sf_direct(w) != (w ? my_ppid : my_pid);
	}
	check(!bad, "site entered through its mov and by a jump to its syscall: %d calls right",
	      HOT);

	hot("b8 mov straddling a page boundary", sf_pgx_mov, my_pid);
	hot("syscall straddling a page boundary", sf_pgx_sys, my_ppid);
	hot("rax mov straddling a page boundary", sf_pgx_rax, my_pid);
	check(addr_of(sf_pgx_mov) % 4096 == 4093 && addr_of(sf_pgx_sys) % 4096 == 4090 &&
		      addr_of(sf_pgx_rax) % 4096 == 4092,
	      "(those sites are where they should be)");
}

/* -------------------------------------------------------- scenario: regs */

static void rl_setup(long expect, long nr, long mode, long iters, long until, long spin)
{
	for (int k = 0; k < 12; k++)
		rl_in[k] = (long)(0x5a00000000000000UL |
				  (unsigned long)(k + 1) * 0x0001000100010001UL);
	memset(rl_out, 0, sizeof rl_out);
	memset(rl_bad, 0, sizeof rl_bad);
	rl_expect = expect;
	rl_nr = nr;
	rl_mode = mode;
	rl_iters = iters;
	rl_until = until;
	rl_spin = spin;
	rl_stop = 0;
	for (int i = 0; i < (int)sizeof rl_vec; i++)
		rl_vec[i] = (unsigned char)(i * 7 + 3);
	memset(rl_vec_out, 0, sizeof rl_vec_out);
	rl_mxcsr = 0xff80; /* round toward zero, flush to zero */
	rl_fcw = 0x0f7f;   /* x87 round toward zero */
	rl_x87 = 1.2345;
	rl_x87_out = 0;
}

static void rl_verify(const char *what)
{
	static const char *const rn[] = {"rbx", "rbp", "rdi", "rsi", "rdx", "r8",
					 "r9",	"r10", "r12", "r13", "r14", "r15"};
	static const char *const bn[] = {"rax is the result",
					 "rcx is the address after the syscall",
					 "r11 is rflags before the syscall", "rflags kept",
					 "rcx and r11 kept between calls"};
	fpu_defaults();
	for (int i = 0; i < 5; i++)
		check(rl_bad[i] == 0, "%s: %s every time", what, bn[i]);
	char bad[128] = "";
	for (int k = 0; k < 12; k++)
		if (rl_out[k] != rl_in[k])
			snprintf(bad + strlen(bad), sizeof bad - strlen(bad), " %s", rn[k]);
	check(!bad[0], "%s: rbx rbp rdi rsi rdx r8 r9 r10 r12-r15 kept%s%s", what,
	      bad[0] ? ", not:" : "", bad);
	check(rl_out[12] == rl_savesp, "%s: rsp kept", what);
	check(rl_out[13] == rl_in[6], "%s: the stack slot at 8(%%rsp) kept", what);
	int vbad = 0;
	for (int r = 0; r < 16; r++)
		vbad += memcmp(rl_vec + 32 * r, rl_vec_out + 32 * r, rl_avx ? 32 : 16) != 0;
	check(!vbad, "%s: xmm0-15 (and the upper halves of ymm0-15) kept", what);
	check(rl_mxcsr_out == rl_mxcsr, "%s: mxcsr kept", what);
	check(rl_fcw_out == rl_fcw && rl_x87_out == rl_x87, "%s: x87 control word and st0 kept",
	      what);
}

static void s_regs(void)
{
	for (int s = 0; s < 3; s++) {
		char what[64];
		snprintf(what, sizeof what, "%s loop", shapes[s].name);
		/* Rounds cycle through CF, DF and AC set and clear. */
		rl_setup(s == 2 ? my_ppid : my_pid, SYS_getppid, 7, HOT, 0, 1);
		shapes[s].fn();
		rl_verify(what);
	}
}

/* ----------------------------------------------------- scenario: redzone */

static volatile long usr1_count;
static void on_usr1_deep(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	/* Scribbles over its own stack: below the frame, never the red zone. */
	volatile char junk[512];
	for (int i = 0; i < (int)sizeof junk; i++)
		junk[i] = (char)0xee;
	usr1_count++;
}

static void s_redzone(void)
{
	static long (*const fn[])(long, long, long, long) = {sf_rz_b8, sf_rz_rax, sf_rz_r9};
	sigact(SIGUSR1, on_usr1_deep, 0);
	rl_nr = SYS_kill;
	for (int s = 0; s < 3; s++) {
		check(fn[s](my_pid, 0, 0x100 * s, HOT) == 0,
		      "%s: red zone kept across kill(self, 0) %d times", shapes[s].name, HOT);
		usr1_count = 0;
		check(fn[s](my_pid, SIGUSR1, 0x100 * s + 50, HOT) == 0,
		      "%s: red zone kept across kill(self, SIGUSR1) %d times", shapes[s].name, HOT);
		check(usr1_count == HOT, "%s: the handler ran once per kill", shapes[s].name);
	}
	signal(SIGUSR1, SIG_DFL);
}

/* ------------------------------------------------------ scenario: badrsp */

static volatile long alt_bad_rsp, alt_bad_stack;
static long alt_want_rsp;
static char *alt_lo, *alt_hi;

static void on_alrm_alt(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	char here;
	sig_ticks++;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if (rip >= (uintptr_t)sf_badrsp_loop_lo && rip < (uintptr_t)sf_badrsp_loop_hi &&
	    uc->uc_mcontext.gregs[REG_RSP] != alt_want_rsp)
		alt_bad_rsp++;
	if (&here < alt_lo || &here >= alt_hi)
		alt_bad_stack++;
}

static volatile long segv_count, segv_rip_delta, segv_rsp_ok, segv_addr_ok, segv_code;
static long segv_good_rsp, segv_bad_rsp;
static void on_segv_r9(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	segv_count++;
	segv_rip_delta = (long)g[REG_RIP] - (long)(uintptr_t)sf_r9fault_site;
	segv_rsp_ok = g[REG_RSP] == segv_bad_rsp;
	segv_addr_ok = (long)(uintptr_t)si->si_addr == segv_bad_rsp + 8;
	segv_code = si->si_code;
	/* Retry the mov with a stack that works. */
	g[REG_RSP] = segv_good_rsp;
}

static void s_badrsp(void)
{
	static const long rsps[] = {0,
				    0x10,
				    0x1003,
				    0x7ffffffff000L,
				    (long)0xdead00000000L,
				    (long)0x8000000000000000UL,
				    -1L,
				    0x0000800000000000L};
	static const char *const rname[] = {"0",
					    "0x10",
					    "0x1003 (misaligned)",
					    "0x7ffffffff000",
					    "0xdead00000000",
					    "0x8000000000000000",
					    "-1",
					    "0x800000000000 (non-canonical)"};
	for (int i = 0; i < (int)(sizeof rsps / sizeof rsps[0]); i++) {
		long b1 = 0, b2 = 0;
		for (int k = 0; k < HOT / 4; k++) {
			b1 += sf_badrsp_b8(rsps[i]) != my_pid;
			b2 += sf_badrsp_rax(rsps[i]) != my_pid;
		}
		check(!b1 && !b2, "getpid with rsp=%s: b8 and rax %d calls right", rname[i],
		      HOT / 4);
	}

	/* A timer meanwhile: its handler runs on the alternate stack. */
	stack_t ss;
	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, NULL) < 0)
		die("sigaltstack");
	alt_lo = ss.ss_sp;
	alt_hi = alt_lo + ss.ss_size;
	sigact(SIGALRM, on_alrm_alt, SA_ONSTACK | SA_RESTART);
	badrsp_expect = my_pid;
	alt_want_rsp = 0x10;
	sig_ticks = 0;
	set_timer(ITIMER_REAL, 1000);
	long bad = sf_badrsp_loop(0x10, 20, 1L << 40);
	stop_timer(ITIMER_REAL);
	alarm(20);
	check(bad == 0, "getpid in a loop with rsp=0x10 under a 1 ms timer: every result right");
	check(sig_ticks >= 20, "the timer's handler ran (20 times)");
	check(alt_bad_rsp == 0, "the handler saw rsp=0x10 in the interrupted context");
	check(alt_bad_stack == 0, "the handler ran on the alternate stack");

	/* A fault of the mov 8(%rsp),%r9 itself, at a busy site. */
	long *good = malloc(64 * sizeof(long));
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!good || none == MAP_FAILED)
		die("malloc/mmap");
	good[1] = 0x9999;
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		pair r = sf_r9fault(SYS_getppid, (long)good);
		bad += r.a != my_ppid || r.d != 0x9999;
	}
	check(!bad, "r9 shape with rsp moved to a buffer: %d calls right", HOT);
	sigact(SIGSEGV, on_segv_r9, SA_ONSTACK);
	segv_good_rsp = (long)good;
	segv_bad_rsp = (long)none;
	pair r = sf_r9fault(SYS_getppid, (long)none);
	check(segv_count == 1, "the mov from an unreadable 8(%%rsp) faults once");
	out("fault: rip at site+%ld, rsp as set: %s, si_addr = rsp+8: %s, si_code %ld\n",
	    segv_rip_delta, yesno(segv_rsp_ok), yesno(segv_addr_ok), segv_code);
	check(r.a == my_ppid && r.d == 0x9999, "retried with a good rsp, the call is right");
	signal(SIGSEGV, SIG_DFL);
	munmap(none, 4096);
	free(good);
}

/* ------------------------------------------------------- scenario: timer */

static const struct shape *chk;
static volatile long h_checked, h_bad_rip, h_bad_regs, h_bad_rsp, h_bad_rcx, h_bad_fp, h_bad_df,
	h_bad_nested;

static void clobber_fpu(void)
{
	/* All ones in every vector register, another mxcsr, a fresh x87. */
	unsigned m = 0x7f80 | 0x3f;
	if (rl_avx)
		__asm__ volatile(".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "vpcmpeqb %%ymm\\i,%%ymm\\i,%%ymm\\i\n.endr" ::
					 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
					   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
					   "xmm13", "xmm14", "xmm15");
	else
		__asm__ volatile(".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "pcmpeqb %%xmm\\i,%%xmm\\i\n.endr" ::
					 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
					   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
					   "xmm13", "xmm14", "xmm15");
	__asm__ volatile("ldmxcsr %0\n\tfninit" ::"m"(m));
}

static void on_tick_check(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	static const int regs[12] = {REG_RBX, REG_RBP, REG_RDI, REG_RSI, REG_RDX, REG_R8,
				     REG_R9,  REG_R10, REG_R12, REG_R13, REG_R14, REG_R15};
	unsigned long fl;
	__asm__ volatile("pushfq\n\tpopq %0" : "=r"(fl));
	if (fl & 0x400)
		h_bad_df++;
	sig_ticks++;
	/* The handler's own calls at busy sites. */
	if (sf_b8_getpid() != my_pid || sf_rax_getppid() != my_ppid ||
	    sf_r9_call(SYS_getpid, 0, 0, 0, 0, 0, 0) != my_pid)
		h_bad_nested++;
	if (rl_in_loop && chk) {
		h_checked++;
		uintptr_t rip = (uintptr_t)g[REG_RIP];
		if (rip < (uintptr_t)chk->loop || rip > (uintptr_t)chk->end)
			h_bad_rip++;
		for (int k = 0; k < 12; k++)
			if (g[regs[k]] != rl_in[k])
				h_bad_regs++;
		if (g[REG_RSP] != rl_savesp && g[REG_RSP] != rl_savesp - 8)
			h_bad_rsp++;
		if ((unsigned long)g[REG_RCX] != RL_K1 && g[REG_RCX] != (greg_t)chk->after)
			h_bad_rcx++;
		struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
		if (!fp || fp->mxcsr != rl_mxcsr)
			h_bad_fp++;
		else
			for (int r = 0; r < 16; r++)
				if (memcmp(&fp->_xmm[r], rl_vec + 32 * r, 16))
					h_bad_fp++;
	}
	clobber_fpu();
}

static void s_timer(void)
{
	sigact(SIGALRM, on_tick_check, SA_RESTART);
	for (int s = 0; s < 3; s++) {
		char what[64];
		snprintf(what, sizeof what, "%s loop under a 200 us timer", shapes[s].name);
		h_checked = h_bad_rip = h_bad_regs = h_bad_rsp = h_bad_rcx = h_bad_fp = h_bad_df =
			0;
		h_bad_nested = 0;
		sig_ticks = 0;
		/*
		 * CF and DF vary; AC stays clear (a handler may run with it).
		 * Little besides the call in each round, so that the timer
		 * often finds the thread on its way into or out of it.
		 */
		rl_setup(s == 2 ? my_ppid : my_pid, SYS_getppid, 3, 1L << 40, 50, 1);
		chk = &shapes[s];
		set_timer(ITIMER_REAL, 200);
		shapes[s].fn();
		stop_timer(ITIMER_REAL);
		chk = NULL;
		rl_verify(what);
		check(sig_ticks >= 50 && h_checked > 0, "%s: the handler ran (50 times)", what);
		check(h_bad_rip == 0, "%s: the handler saw rip in the loop", what);
		check(h_bad_regs == 0, "%s: the handler saw the loop's registers", what);
		check(h_bad_rsp == 0, "%s: the handler saw the loop's rsp", what);
		check(h_bad_rcx == 0, "%s: the handler saw rcx as the loop left it", what);
		check(h_bad_fp == 0, "%s: the handler saw the loop's xmm registers and mxcsr",
		      what);
		check(h_bad_df == 0, "%s: the handler ran with DF clear", what);
		check(h_bad_nested == 0, "%s: the handler's own calls at busy sites right", what);
	}
	alarm(20);
	signal(SIGALRM, SIG_DFL);
}

/* ----------------------------------------------------- scenario: restart */

static int rs_fd;
static volatile long rs_rip, rs_rax, rs_rcx, rs_count;
static char *rs_site;

static void on_alrm_restart(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	rs_count++;
	rs_rip = (long)uc->uc_mcontext.gregs[REG_RIP] - (long)(uintptr_t)rs_site;
	rs_rcx = (long)uc->uc_mcontext.gregs[REG_RCX] - (long)(uintptr_t)rs_site;
	rs_rax = (long)uc->uc_mcontext.gregs[REG_RAX];
	char c = 'x';
	if (write(rs_fd, &c, 1) != 1)
		rs_count += 100;
}

static void s_restart(void)
{
	static const char *const names[] = {"b8", "rax", "r9"};
	for (int s = 0; s < 3; s++) {
		for (int restart = 1; restart >= 0; restart--) {
			int p[2];
			if (pipe(p) < 0)
				die("pipe");
			long bad = 0;
			for (int i = 0; i < HOT / 2; i++) {
				char c = (char)i, r = 0;
				long n;
				if (write(p[1], &c, 1) != 1)
					bad++;
				n = s == 0   ? sf_b8_read(p[0], &r, 1)
				    : s == 1 ? sf_rax_read(p[0], &r, 1)
					     : sf_r9_call(SYS_read, p[0], (long)&r, 1, 0, 0, 0);
				bad += n != 1 || r != c;
			}
			rs_fd = p[1];
			/* The site's mov starts at the function (r9: 18 bytes in). */
			rs_site = s == 0   ? (char *)sf_b8_read
				  : s == 1 ? (char *)sf_rax_read
					   : (char *)sf_r9_call + R9_CALL_SITE;
			rs_count = 0;
			sigact(SIGALRM, on_alrm_restart, restart ? SA_RESTART : 0);
			struct itimerval it = {{0, 0}, {0, 50000}};
			setitimer(ITIMER_REAL, &it, NULL);
			char r = 0;
			long n = s == 0	  ? sf_b8_read(p[0], &r, 1)
				 : s == 1 ? sf_rax_read(p[0], &r, 1)
					  : sf_r9_call(SYS_read, p[0], (long)&r, 1, 0, 0, 0);
			out("%s read %s SA_RESTART: result %ld%s, handler %ld time(s), saw rip at "
			    "site+%ld, rcx at site+%ld, rax %ld\n",
			    names[s], restart ? "with" : "without", n, r == 'x' ? " ('x')" : "",
			    rs_count, rs_rip, rs_rcx, rs_rax);
			if (!restart) {
				n = s == 0   ? sf_b8_read(p[0], &r, 1)
				    : s == 1 ? sf_rax_read(p[0], &r, 1)
					     : sf_r9_call(SYS_read, p[0], (long)&r, 1, 0, 0, 0);
				check(n == 1 && r == 'x', "%s: the next read gets the byte",
				      names[s]);
			}
			check(!bad, "%s: %d reads before it right", names[s], HOT / 2);
			close(p[0]);
			close(p[1]);
		}
	}
	alarm(20);
	signal(SIGALRM, SIG_DFL);
}

/* A sleep at a busy site, stopped and continued: it restarts (restart_syscall). */
static void s_restart_block(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		struct timespec tiny = {0, 1000}, rest = {0, 150000000};
		long bad = 0;
		for (int i = 0; i < 200; i++)
			bad += sf_b8_nanosleep(CLOCK_MONOTONIC, 0, &tiny, NULL) != 0;
		if (write(p[1], "r", 1) != 1)
			bad++;
		long r = sf_b8_nanosleep(CLOCK_MONOTONIC, 0, &rest, NULL);
		_exit(bad ? 2 : r == 0 ? 0 : 1);
	}
	char r0;
	if (read(p[0], &r0, 1) != 1)
		die("read");
	msleep(30);
	kill(c, SIGSTOP);
	msleep(30);
	kill(c, SIGCONT);
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a 150 ms sleep at a busy site, stopped and continued meanwhile, returns 0 (%s)",
	      wstr(st));
	close(p[0]);
	close(p[1]);
}

/* ----------------------------------------------------- scenario: sigmask */

static volatile long km_count, km_bad;
static long km_pid, km_d;
static char *km_site_after;
static int km_change;

static void on_usr1_kill(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	km_count++;
	if (!km_site_after)
		return;
	if (g[REG_RIP] != (greg_t)km_site_after || g[REG_RCX] != (greg_t)km_site_after ||
	    g[REG_RAX] != 0 || g[REG_RDI] != km_pid || g[REG_RSI] != SIGUSR1 ||
	    g[REG_RDX] != km_d || si->si_code != SI_USER || si->si_pid != km_pid)
		km_bad++;
	if (km_change)
		g[REG_RDX] = km_d ^ 0x5a5a;
}

static void s_sigmask(void)
{
	sigset_t usr1, none;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	sigact(SIGUSR1, on_usr1_kill, 0);
	km_site_after = NULL;
	/*
	 * The sites busy first without signals: the returns from handlers
	 * are system calls (rt_sigreturn) of their own, at another site.
	 */
	for (int i = 0; i < 100; i++) {
		sf_b8_sigmask(SIG_BLOCK, &usr1, NULL, 8);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr1, NULL, 8);
		kill(my_pid, 0);
		sf_b8_kill(my_pid, 0, 0);
		sf_rax_kill(my_pid, 0, 0);
	}
	sigprocmask(SIG_SETMASK, &none, NULL);
	long bad = 0;
	km_count = 0;
	for (int i = 0; i < HOT; i++) {
		sf_b8_sigmask(SIG_BLOCK, &usr1, NULL, 8);
		kill(my_pid, SIGUSR1);
		bad += km_count != i;
		sf_b8_sigmask(SIG_UNBLOCK, &usr1, NULL, 8);
		bad += km_count != i + 1;
	}
	check(!bad, "b8 rt_sigprocmask: a pending signal arrives as it is unblocked, %d times",
	      HOT);
	bad = 0;
	km_count = 0;
	for (int i = 0; i < HOT; i++) {
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		syscall(SYS_kill, my_pid, SIGUSR1);
		bad += km_count != i;
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
		bad += km_count != i + 1;
	}
	check(!bad, "glibc sigprocmask and syscall(): the same, %d times", HOT);

	/* kill of self at a busy site: the handler runs before it returns. */
	static pair (*const kf[])(long, long, long) = {sf_b8_kill, sf_rax_kill};
	static const char *const kn[] = {"b8", "rax"};
	for (int s = 0; s < 2; s++) {
		km_pid = my_pid;
		km_site_after = (char *)kf[s] + (s ? 9 : 7);
		km_count = 0;
		km_bad = 0;
		bad = 0;
		for (int i = 0; i < HOT; i++) {
			km_d = 0x1000 + i;
			km_change = i % 2;
			pair r = kf[s](my_pid, SIGUSR1, km_d);
			bad += r.a != 0 || km_count != i + 1 ||
			       r.d != (km_change ? km_d ^ 0x5a5a : km_d);
		}
		check(!bad,
		      "%s kill(self, SIGUSR1): handled before it returns, rdx as the handler "
		      "left it, %d times",
		      kn[s], HOT);
		check(km_bad == 0,
		      "%s kill: the handler saw rip and rcx after the syscall, rax 0, "
		      "the arguments, SI_USER from us",
		      kn[s]);
	}
	km_site_after = NULL;
	signal(SIGUSR1, SIG_DFL);
}

/* -------------------------------------------------------- scenario: fsgs */

static void s_fsgs(void)
{
	long oldfs = 0, oldgs = 0;
	if (syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &oldfs) < 0 ||
	    syscall(SYS_arch_prctl, 0x1004 /* ARCH_GET_GS */, &oldgs) < 0)
		die("arch_prctl get");
	static long blocks[4][8];
	long bad = 0;
	for (int i = 0; i < HOT; i++) {
		long *b = blocks[i % 4];
		b[0] = 0x7700 + i;
		bad += sf_setfs((long)b, oldfs) != 0x7700 + i;
	}
	long now = 0;
	syscall(SYS_arch_prctl, 0x1003, &now);
	check(!bad, "ARCH_SET_FS at a busy site: %%fs:0 reads the new block, %d times", HOT);
	check(now == oldfs, "the fs base is back");
	bad = 0;
	for (int i = 0; i < HOT; i++) {
		long *b = blocks[i % 4];
		b[0] = 0x6600 + i;
		bad += sf_setgs((long)b, oldgs) != 0x6600 + i;
	}
	now = 1;
	syscall(SYS_arch_prctl, 0x1004, &now);
	check(!bad, "ARCH_SET_GS at a busy site: %%gs:0 reads the new block, %d times", HOT);
	check(now == oldgs, "the gs base is back");
}

/* ------------------------------------------------------ scenario: decoys */

static void s_decoys(void)
{
	static pair (*const fn[])(void) = {sf_decoy_lea, sf_decoy_b8, sf_decoy_rax, sf_decoy_r9,
					   sf_decoy_r8d};
	static const long want[] = {78, 0x00000027b8112233L, 0x00000027c0c74811L,
				    0x08244c8b4c112233L, 39};
	static const char *const what[] = {
		"lea 0x27(%rax),%edi ending in b8 27 00 00 00",
		"movabs to rdx ending in b8 27 00 00 00",
		"movabs to rdx ending in 48 c7 c0 27 00 00 00",
		"movabs to rdx ending in 4c 8b 4c 24 08 (r9 = 8(%rsp))",
		"mov $39,%r8d (41 b8 27 00 00 00)",
	};
	for (int s = 0; s < 5; s++) {
		pid_t c = xfork();
		if (c == 0) {
			long bad = 0;
			for (int i = 0; i < HOT; i++) {
				pair r = fn[s]();
				bad += r.a != getpid() || r.d != want[s];
			}
			_exit(bad ? 1 : 0);
		}
		int st = wait_for(c);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "decoy %s: %d calls right (%s)",
		      what[s], HOT, wstr(st));
	}
}

/* -------------------------------------------------------- scenario: fork */

static long all_sites_bad(long pid, long ppid, int n)
{
	long bad = count_bad(sf_b8_getpid, pid, n) + count_bad(sf_rax_getpid, pid, n) +
		   count_bad(sf_b8_getppid, ppid, n) + count_bad(sf_rax_getppid, ppid, n);
	for (int i = 0; i < n; i++)
		bad += sf_r9_call(SYS_getppid, 0, 0, 0, 0, 0, 0) != ppid;
	rl_setup(pid, SYS_getpid, 3, n, 0, 1);
	sf_rl_b8();
	fpu_defaults();
	for (int i = 0; i < 5; i++)
		bad += rl_bad[i];
	for (int k = 0; k < 12; k++)
		bad += rl_out[k] != rl_in[k];
	return bad;
}

static volatile long vf_pid, vf_bad;

/* A process sharing our memory (CLONE_VM, not a thread). */
static volatile long vm_bad, vm_pid, vm_done;
static int vm_child(void *arg)
{
	(void)arg;
	long me = sf_tid_ref(), bad = 0;
	for (int i = 0; i < HOT; i++) {
		bad += sf_b8_getpid() != me || sf_rax_getpid() != me;
		bad += sf_b8_getppid() != my_pid ||
		       sf_r9_call(SYS_getppid, 0, 0, 0, 0, 0, 0) != my_pid;
	}
	vm_bad = bad;
	vm_pid = me;
	vm_done = 1;
	return 0;
}

static void s_fork(void)
{
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "parent: every site right, %d calls each",
	      HOT);
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		long me = sf_tid_ref(); /* once: a site never busy */
		long bad = all_sites_bad(me, my_pid, HOT);
		if (write(p[1], &me, sizeof me) != sizeof me)
			bad++;
		_exit(bad ? 1 : 0);
	}
	long cpid = 0;
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "parent after fork: every site right");
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child: every site right with its own pid and ppid (%s)", wstr(st));
	check(read(p[0], &cpid, sizeof cpid) == sizeof cpid && cpid == c,
	      "child's getpid was the pid fork returned");
	close(p[0]);
	close(p[1]);

	/* fork and vfork in loops (their own call sites get busy too). */
	long bad = 0;
	for (int i = 0; i < 64; i++) {
		pid_t k = fork();
		if (k == 0)
			_exit(sf_b8_getppid() == my_pid && sf_b8_getpid() != my_pid ? 3 : 4);
		if (k < 0) {
			bad++;
			continue;
		}
		st = wait_for(k);
		bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	}
	check(!bad, "64 forks: each child sees its parent and itself");
	bad = 0;
	for (int i = 0; i < 64; i++) {
		vf_pid = 0;
		vf_bad = 0;
		pid_t k = vfork();
		if (k == 0) {
			long me = sf_b8_getpid();
			for (int j = 0; j < 50; j++)
				vf_bad += sf_b8_getpid() != me || sf_rax_getppid() != my_pid;
			vf_pid = me;
			_exit(0);
		}
		if (k < 0) {
			bad++;
			continue;
		}
		st = wait_for(k);
		bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 0) || vf_pid != k || vf_bad != 0;
		bad += sf_b8_getpid() != my_pid || sf_rax_getppid() != my_ppid;
	}
	check(!bad, "64 vforks: the child gets its own pid at the parent's busy sites, the "
		    "parent its own after");

	/* A CLONE_VM process at the same sites as we are, at the same time. */
	size_t stk = 256 * 1024;
	char *stack = malloc(stk);
	if (!stack)
		die("malloc");
	vm_done = 0;
	c = clone(vm_child, stack + stk, CLONE_VM | SIGCHLD, NULL);
	if (c < 0)
		die("clone");
	bad = 0;
	for (long n = 0; !vm_done && n < 1000L * HOT; n++)
		bad += sf_b8_getpid() != my_pid || sf_rax_getpid() != my_pid ||
		       sf_b8_getppid() != my_ppid;
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && vm_pid == c && vm_bad == 0,
	      "a CLONE_VM child: its own pid and ppid at our busy sites (%s)", wstr(st));
	check(!bad, "we got ours meanwhile");
	free(stack);

	/* posix_spawn (vfork and exec) in a loop. */
	bad = 0;
	for (int i = 0; i < 16; i++) {
		char *argv[] = {(char *)self, (char *)"nop", NULL};
		pid_t k;
		if (posix_spawn(&k, self, NULL, NULL, argv, environ)) {
			bad++;
			continue;
		}
		st = wait_for(k);
		bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	check(!bad, "16 posix_spawns of this program");

	/* A site only a child made busy stays as it was in the parent. */
	c = xfork();
	if (c == 0)
		_exit(count_bad(sf_fresh, getpid(), HOT) ? 1 : 0);
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: a new site %d calls right", HOT);
	check(!memcmp((void *)sf_fresh, code_fresh, sizeof code_fresh),
	      "parent: that site's code is as the program has it");
	check(count_bad(sf_fresh, my_pid, 10) == 0, "parent: that site 10 calls right");
}

/* ----------------------------------------------------- scenario: threads */

#define NTH 4
static volatile int th_go;
struct th {
	int idx;
	long bad, fpbad, tid;
	pthread_t t;
};

static void *hammer(void *arg)
{
	struct th *t = arg;
	unsigned char pat[516] __attribute__((aligned(32))), res[516] __attribute__((aligned(32)));
	t->tid = sf_tid_ref();
	for (int i = 0; i < 512; i++)
		pat[i] = (unsigned char)(t->idx * 61 + i * 13);
	/* Each thread its own rounding mode. */
	unsigned mx = 0x1f80 | (unsigned)(t->idx % 4) << 13;
	memcpy(pat + 512, &mx, 4);
	while (!th_go)
		;
	for (int round = 0; round < HOT / 4 || (round < 100 * HOT && sig_ticks < 20); round++) {
		t->bad += sf_b8_gettid() != t->tid;
		t->bad += sf_rax_gettid() != t->tid;
		t->bad += sf_r9_call(SYS_gettid, 0, 0, 0, 0, 0, 0) != t->tid;
		t->bad += syscall(SYS_gettid) != t->tid;
		t->bad += xsite(round % 2, (round / 2 + t->idx) % 32) != t->tid;
		if (round % 64 == 0) {
			memset(res, 0, sizeof res);
			sf_fpu_hold(pat, res, 8, rl_avx);
			fpu_defaults();
			for (int r = 0; r < 16; r++)
				t->fpbad +=
					memcmp(pat + 32 * r, res + 32 * r, rl_avx ? 32 : 16) != 0;
			t->fpbad += memcmp(pat + 512, res + 512, 4) != 0;
		}
	}
	return NULL;
}

static void *just_exit(void *arg)
{
	return (void *)((uintptr_t)arg * 3);
}

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	sig_ticks++;
	clobber_fpu();
}

static void s_threads(void)
{
	struct th th[NTH];
	sig_ticks = 0;
	sigact(SIGPROF, on_prof, SA_RESTART);
	set_timer(ITIMER_PROF, 1000);
	for (int i = 0; i < NTH; i++) {
		th[i].idx = i + 1;
		th[i].bad = th[i].fpbad = 0;
		if (pthread_create(&th[i].t, NULL, hammer, &th[i]))
			die("pthread_create");
	}
	struct th me = {0, 0, 0, 0, 0};
	th_go = 1;
	hammer(&me);
	long bad = me.bad, fpbad = me.fpbad;
	for (int i = 0; i < NTH; i++) {
		pthread_join(th[i].t, NULL);
		bad += th[i].bad;
		fpbad += th[i].fpbad;
	}
	stop_timer(ITIMER_PROF);
	signal(SIGPROF, SIG_DFL);
	int distinct = 1;
	for (int i = 0; i < NTH; i++)
		distinct &= th[i].tid != me.tid && th[i].tid > 0;
	check(distinct, "%d threads and the main one have tids of their own", NTH);
	check(!bad,
	      "%d threads at the same sites (b8, rax, r9, glibc, 64 straddling a cache "
	      "line): each got its own tid every time",
	      NTH + 1);
	check(!fpbad, "each thread's vector registers and mxcsr kept across its calls");
	check(sig_ticks >= 20, "ITIMER_PROF ticked meanwhile (20 times)");

	/* Threads created and ended one after the other: clone and exit sites get busy. */
	bad = 0;
	for (int i = 0; i < 64; i++) {
		pthread_t t;
		void *r = NULL;
		if (pthread_create(&t, NULL, just_exit, (void *)(uintptr_t)i) ||
		    pthread_join(t, &r) || r != (void *)((uintptr_t)i * 3))
			bad++;
	}
	check(!bad, "64 threads created, ended and joined one after the other");
}

/* -------------------------------------------------------- scenario: exec */

static int exec_child(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* A fresh image: the sites are as the program has them. */
	out("  new image: b8 site pristine: %s, rax site pristine: %s, r9 site pristine: %s\n",
	    yesno(!memcmp((void *)sf_b8_getpid, code_b8_getpid, sizeof code_b8_getpid)),
	    yesno(!memcmp((void *)sf_rax_getpid, code_rax_getpid, sizeof code_rax_getpid)),
	    yesno(!memcmp((char *)sf_r9_call + R9_CALL_SITE, code_r9, sizeof code_r9)));
	long bad = all_sites_bad(getpid(), getppid(), HOT);
	out("  new image: every site %d calls right: %s\n", HOT, yesno(!bad));
	return bad ? 1 : 0;
}

static void s_exec(void)
{
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "before exec: every site right");
	pid_t c = xfork();
	if (c == 0) {
		all_sites_bad(getpid(), my_pid, HOT);
		char *argv[] = {(char *)self, (char *)"exec-child", NULL};
		execv(self, argv);
		_exit(99);
	}
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec after busy loops (%s)", wstr(st));

	/* An execve site made busy by failing calls, then one that works. */
	c = xfork();
	if (c == 0) {
		char *argv[] = {(char *)self, (char *)"exec-child", NULL};
		long bad = 0;
		for (int i = 0; i < 200; i++)
			bad += sf_b8_execve("/nonexistent/t_sysfast", argv, environ) != -ENOENT;
		if (bad)
			_exit(95);
		sf_b8_execve(self, argv, environ);
		_exit(98);
	}
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "exec through a site busy with 200 failing execve calls (%s)", wstr(st));
	/* A multithreaded process that made its sites busy execs. */
	c = xfork();
	if (c == 0) {
		all_sites_bad(getpid(), my_pid, HOT);
		pthread_t t;
		static struct th one = {9, 0, 0, 0, 0};
		th_go = 1;
		sig_ticks = 100;
		if (pthread_create(&t, NULL, hammer, &one))
			_exit(97);
		char *argv[] = {(char *)self, (char *)"exec-child", NULL};
		execv(self, argv);
		_exit(96);
	}
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "exec while another thread is in its busy loop (%s)", wstr(st));
}

/* ------------------------------------------------------ scenario: ptrace */

static pid_t traced(int (*fn)(void))
{
	pid_t c = child();
	if (c == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(100);
		_exit(fn());
	}
	return c;
}

static int tr_child(void)
{
	long ppid = getppid(), pid = getpid();
	int bad = 0;
	for (int i = 0; i < HOT / 4; i++) {
		pair r = sf_tr_site(&tr_mx);
		bad += r.a != ppid || r.d != 0 || tr_mx != 0x1f80;
	}
	raise(SIGSTOP);
	for (int i = 0; i < 64; i++) {
		tr_mx = 0;
		pair r = sf_tr_site(&tr_mx);
		long wa = ppid, wd = 0;
		unsigned wmx = 0x1f80;
		switch (i % 8) {
		case 1:
			wa = pid;
			break;
		case 2:
			wa = 1000 + i;
			break;
		case 3:
			wd = 0x4242;
			break;
		case 4:
			wa = 77;
			break;
		case 5:
			wmx = 0x1f80 | 0x6000;
			break;
		case 6:
			wd = 0x2222;
			break;
		}
		bad += r.a != wa || r.d != wd || tr_mx != wmx;
		fpu_defaults();
	}
	return bad > 50 ? 50 : bad;
}

static void s_ptrace_syscall(void)
{
	pid_t c = traced(tr_child);
	int st = wait_for(c);
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "child stops with SIGSTOP after %d calls",
	      HOT / 4);
	ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD);
	int in = 0, k = -1, entries = 0, exits = 0, bad_entry = 0, bad_exit = 0, other = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, c, 0, 0) < 0)
			break;
		st = wait_for(c);
		if (!WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			other++;
			continue;
		}
		struct user_regs_struct r;
		ptrace(PTRACE_GETREGS, c, 0, &r);
		in = !in;
		if (r.rip != (unsigned long)sf_tr_after)
			continue;
		if (in) {
			k++;
			entries++;
			if (r.orig_rax != SYS_getppid || (long)r.rax != -ENOSYS ||
			    r.rdi != (unsigned long)&tr_mx || r.rsi != 0x1111 || r.rdx != 0x2222 ||
			    r.r10 != 0x3333 || r.r8 != 0x4444 || r.r9 != 0x5555 || r.r12 != 0 ||
			    r.rcx != (unsigned long)sf_tr_after)
				bad_entry++;
			if (k % 8 == 1) {
				r.orig_rax = SYS_getpid;
				ptrace(PTRACE_SETREGS, c, 0, &r);
			} else if (k % 8 == 4) {
				r.orig_rax = -1;
				r.rax = 77;
				ptrace(PTRACE_SETREGS, c, 0, &r);
			}
			continue;
		}
		exits++;
		long want = k % 8 == 1 ? c : k % 8 == 4 ? 77 : getpid();
		if ((long)r.rax != want || r.rsi != 0x1111 || r.r12 != 0)
			bad_exit++;
		if (k % 8 == 2) {
			r.rax = 1000 + k;
			ptrace(PTRACE_SETREGS, c, 0, &r);
		} else if (k % 8 == 3) {
			r.r12 = 0x4242;
			ptrace(PTRACE_SETREGS, c, 0, &r);
		} else if (k % 8 == 5) {
			struct user_fpregs_struct fp;
			ptrace(PTRACE_GETFPREGS, c, 0, &fp);
			fp.mxcsr |= 0x6000;
			ptrace(PTRACE_SETFPREGS, c, 0, &fp);
		} else if (k % 8 == 6) {
			r.rip = (unsigned long)sf_tr_after2;
			ptrace(PTRACE_SETREGS, c, 0, &r);
		}
	}
	out("PTRACE_SYSCALL: %d entries and %d exits at the busy site, %d other stops\n", entries,
	    exits, other);
	check(bad_entry == 0,
	      "at entry: orig_rax, rax -ENOSYS, the six arguments, r12, rip and rcx after the "
	      "syscall");
	check(bad_exit == 0, "at exit: the result (ours, or the changed number's, or the skipped "
			     "call's), registers kept");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child saw each change: number, result, r12, mxcsr, rip, skipped call (%s)",
	      wstr(st));
}

static int step_child(void)
{
	long bad = count_bad(sf_step_b8, getpid(), HOT / 4) +
		   count_bad(sf_step_rax, getpid(), HOT / 4);
	for (int i = 0; i < HOT / 4; i++)
		bad += sf_step_r9(SYS_getpid) != getpid();
	raise(SIGSTOP);
	bad += sf_step_b8() != getpid();
	bad += sf_step_rax() != getpid();
	bad += sf_step_r9(SYS_getpid) != getpid();
	return bad ? 1 : 0;
}

static void s_ptrace_step(void)
{
	pid_t c = traced(step_child);
	int st = wait_for(c);
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "child stops with SIGSTOP");
	static const char *const name[] = {"b8", "rax", "r9"};
	char *const fn[] = {(char *)sf_step_b8, (char *)sf_step_rax, (char *)sf_step_r9};
	static const unsigned long len[] = {8, 10, 11}; /* their sizes */
	char seq[3][128] = {"", "", ""};
	int regs_bad = 0, steps = 0, last = -1, done = 0;
	while (steps++ < 200000) {
		if (ptrace(PTRACE_SINGLESTEP, c, 0, 0) < 0)
			break;
		st = wait_for(c);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
			out("step: %s\n", wstr(st));
			break;
		}
		struct user_regs_struct r;
		ptrace(PTRACE_GETREGS, c, 0, &r);
		int in = -1;
		for (int s = 0; s < 3; s++)
			if (r.rip >= (unsigned long)fn[s] && r.rip < (unsigned long)fn[s] + len[s])
				in = s;
		if (in < 0) {
			if (last == 2) {
				done = 1;
				break;
			}
			continue;
		}
		last = in;
		long d = (long)(r.rip - (unsigned long)fn[in]);
		snprintf(seq[in] + strlen(seq[in]), sizeof seq[in] - strlen(seq[in]), " %ld", d);
		/* rax 39 once the number is loaded, the pid after the syscall. */
		int syscall_at = in == 0 ? 5 : in == 1 ? 7 : 8;
		if (d == syscall_at && r.rax != SYS_getpid)
			regs_bad++;
		if (d == syscall_at + 2 && (long)r.rax != c)
			regs_bad++;
	}
	for (int s = 0; s < 3; s++)
		out("single steps through the busy %s site, rip at site+:%s\n", name[s], seq[s]);
	check(done, "stepped out of all three");
	check(regs_bad == 0, "rax is the number before the syscall, the pid after it");
	ptrace(PTRACE_CONT, c, 0, 0);
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's results right (%s)", wstr(st));
}

static int bp_child(void)
{
	long bad = count_bad(sf_bp, getpid(), HOT / 4);
	raise(SIGSTOP);
	bad += count_bad(sf_bp, getpid(), HOT / 4);
	return bad ? 1 : 0;
}

static void s_ptrace_bp(void)
{
	pid_t c = traced(bp_child);
	int st = wait_for(c);
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "child stops with SIGSTOP");
	errno = 0;
	long word = ptrace(PTRACE_PEEKTEXT, c, (void *)sf_bp, 0);
	check(errno == 0, "PEEKTEXT of the busy site");
	check(ptrace(PTRACE_POKETEXT, c, (void *)sf_bp, (void *)((word & ~0xffL) | 0xcc)) == 0,
	      "POKETEXT an int3 there");
	ptrace(PTRACE_CONT, c, 0, 0);
	st = wait_for(c);
	out("after CONT: %s\n", wstr(st));
	struct user_regs_struct r;
	ptrace(PTRACE_GETREGS, c, 0, &r);
	check(r.rip == (unsigned long)sf_bp + 1, "stopped just past the int3");
	ptrace(PTRACE_POKETEXT, c, (void *)sf_bp, (void *)word);
	r.rip = (unsigned long)sf_bp;
	ptrace(PTRACE_SETREGS, c, 0, &r);
	ptrace(PTRACE_CONT, c, 0, 0);
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "with the word put back, the child's calls are right (%s)", wstr(st));
}

static int spin_child(int ready)
{
	rl_setup(getpid(), SYS_getppid, 3, 1L << 40, 0, 100);
	if (write(ready, "r", 1) != 1)
		return 2;
	sf_rl_b8();
	long bad = 0;
	for (int i = 0; i < 5; i++)
		bad += rl_bad[i];
	for (int k = 0; k < 12; k++)
		bad += rl_out[k] != rl_in[k];
	for (int r = 0; r < 16; r++)
		bad += memcmp(rl_vec + 32 * r, rl_vec_out + 32 * r, rl_avx ? 32 : 16) != 0;
	return bad ? 1 : 0;
}

static void s_ptrace_attach(void)
{
	int p[2];
	char r0;
	if (pipe(p) < 0)
		die("pipe");
	pid_t c = child();
	if (c == 0)
		_exit(spin_child(p[1]));
	if (read(p[0], &r0, 1) != 1)
		die("read");
	close(p[0]);
	close(p[1]);
	msleep(20);
	int bad_rip = 0, bad_regs = 0, bad_fp = 0, stops = 0, spurious = 0;
	rl_setup(c, SYS_getppid, 3, 1, 0, 100); /* our copy of the values it holds */
	for (int i = 0; i < 30; i++) {
		if (i == 0) {
			if (ptrace(PTRACE_ATTACH, c, 0, 0) < 0)
				die("PTRACE_ATTACH");
		} else {
			kill(c, SIGSTOP);
		}
		int st = wait_for(c);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
			spurious++;
			ptrace(PTRACE_CONT, c, 0, 0);
			continue;
		}
		stops++;
		struct user_regs_struct r;
		struct user_fpregs_struct fp;
		ptrace(PTRACE_GETREGS, c, 0, &r);
		ptrace(PTRACE_GETFPREGS, c, 0, &fp);
		errno = 0;
		long savesp = ptrace(PTRACE_PEEKDATA, c, (void *)&rl_savesp, 0);
		if (r.rip < (unsigned long)sf_rl_b8_loop || r.rip > (unsigned long)sf_rl_b8_end)
			bad_rip++;
		unsigned long want[12] = {r.rbx, r.rbp, r.rdi, r.rsi, r.rdx, r.r8,
					  r.r9,	 r.r10, r.r12, r.r13, r.r14, r.r15};
		for (int k = 0; k < 12; k++)
			bad_regs += want[k] != (unsigned long)rl_in[k];
		bad_regs += r.rsp != (unsigned long)savesp && r.rsp != (unsigned long)savesp - 8;
		bad_regs += r.rcx != RL_K1 && r.rcx != (unsigned long)sf_rl_b8_after;
		for (int k = 0; k < 16; k++)
			bad_fp += memcmp((char *)fp.xmm_space + 16 * k, rl_vec + 32 * k, 16) != 0;
		bad_fp += fp.mxcsr != rl_mxcsr;
		ptrace(PTRACE_CONT, c, 0, 0);
		msleep(2);
	}
	kill(c, SIGSTOP);
	wait_for(c);
	ptrace(PTRACE_POKEDATA, c, (void *)&rl_stop, (void *)1L);
	ptrace(PTRACE_DETACH, c, 0, 0);
	int st = wait_for(c);
	fpu_defaults();
	check(stops == 30 && spurious == 0, "30 SIGSTOP stops of a process in a busy loop");
	check(bad_rip == 0, "every stop's rip is in the loop");
	check(bad_regs == 0, "every stop shows the loop's registers, rsp and rcx");
	check(bad_fp == 0, "every stop shows the loop's xmm registers and mxcsr");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "detached, the loop ends with every result and register right (%s)", wstr(st));
}

static void s_ptrace(void)
{
	s_ptrace_syscall();
	s_ptrace_step();
	s_ptrace_bp();
	s_ptrace_attach();
}

/* ---------------------------------------------------- scenario: selfstep */

static volatile int tf_n, tf_outside;
static volatile long tf_delta[32];

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if (rip >= (uintptr_t)sf_tf && rip <= (uintptr_t)sf_tf_end) {
		if (tf_n < 32)
			tf_delta[tf_n++] = (long)(rip - (uintptr_t)sf_tf_site);
	} else {
		tf_outside++;
	}
}

static volatile long rd_delta[32];
static volatile int rd_n, rd_outside;
static void on_rd_trap(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if (rip >= (uintptr_t)sf_rd2 && rip < (uintptr_t)sf_rd2_end) {
		if (rd_n < 32)
			rd_delta[rd_n++] = (long)(rip - (uintptr_t)sf_rd2);
	} else {
		rd_outside++;
	}
}

static long rd_wrong(long (*fn)(long, void *, long), int fd)
{
	long bad = 0;
	char b[4];
	for (int i = 0; i < HOT; i++)
		bad += fn(fd, b, 1) != 1;
	return bad;
}

static void s_readshape(void)
{
	const unsigned char *c = (const unsigned char *)sf_rd;
	long (*at_xor)(long, void *, long) = (long (*)(long, void *, long))(void *)sf_rd_xor;
	long (*rd2)(long, void *, long) = (long (*)(long, void *, long))(void *)sf_rd2;
	int fd = open("/dev/zero", O_RDONLY);
	char b[4];
	out("sf_rd is glibc's read: %d\n",
	    c[0] == 0x80 && c[1] == 0x3d && c[6] == 0 && c[7] == 0x74 && c[9] == 0x31 &&
		    c[10] == 0xc0 && c[11] == 0x0f && c[12] == 0x05);
	out("busy read: %ld wrong\n", rd_wrong(sf_rd, fd));
	sf_rd_single = 0;
	out("flag 0: %ld\n", sf_rd(fd, b, 1));
	sf_rd_single = 1;
	out("flag 1 again: %ld wrong\n", rd_wrong(sf_rd, fd));
	out("entered at the xor: %ld\n", at_xor(fd, b, 1));
	out("entered at the je: %ld\n", sf_rd_je_entry(fd, b, 1));
	out("then: %ld wrong, first byte %#x\n", rd_wrong(sf_rd, fd), *(volatile unsigned char *)sf_rd);
	for (int i = 0; i < HOT; i++)
		sf_rdtf(fd, b, 1, 0);
	sigact(SIGTRAP, on_rd_trap, 0);
	rd_n = rd_outside = 0;
	long r = sf_rdtf(fd, b, 1, 0x100);
	signal(SIGTRAP, SIG_DFL);
	char seq[256] = "";
	for (int i = 0; i < rd_n; i++)
		snprintf(seq + strlen(seq), sizeof seq - strlen(seq), " %ld", rd_delta[i]);
	out("TF over the busy copy: result %ld, SIGTRAPs at +:%s; elsewhere: %d\n", r, seq,
	    rd_outside > 0);
	out("after the steps: %ld wrong\n", rd_wrong(rd2, fd));
	close(fd);
}

static void s_selfstep(void)
{
	for (int i = 0; i < HOT; i++)
		sf_tf(0);
	sigact(SIGTRAP, on_trap, 0);
	tf_n = tf_outside = 0;
	sf_tf(0x100);
	char seq[256] = "";
	for (int i = 0; i < tf_n; i++)
		snprintf(seq + strlen(seq), sizeof seq - strlen(seq), " %ld", tf_delta[i]);
	out("TF over the busy site: SIGTRAPs at site+:%s; elsewhere: %d\n", seq, tf_outside);
	signal(SIGTRAP, SIG_DFL);
}

/* --------------------------------------------------------- scenario: jit */

/* mov $nr,%eax; syscall; ret at p. */
static void emit(unsigned char *p, unsigned nr)
{
	p[0] = 0xb8;
	memcpy(p + 1, &nr, 4);
	p[5] = 0x0f;
	p[6] = 0x05;
	p[7] = 0xc3;
}

static long jcall(void *p)
{
	return ((long (*)(void))p)();
}

static long jit_bad(void *p, long want, int n)
{
	long bad = 0;
	for (int i = 0; i < n; i++)
		bad += jcall(p) != want;
	return bad;
}

/* Runs fn in a child, so that a crash is a line of output. */
static void in_child(const char *what, void (*fn)(void))
{
	pid_t c = xfork();
	if (c == 0) {
		tg_failures = 0;
		my_pid = getpid();
		my_ppid = getppid();
		fn();
		_exit(tg_failures ? 1 : 0);
	}
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s (%s)", what, wstr(st));
}

static void jit_rwx(void)
{
	unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap rwx");
	emit(p + 100, SYS_getpid);
	check(!jit_bad(p + 100, my_pid, HOT), "RWX page: getpid %d calls right", HOT);
	emit(p + 100, SYS_getppid);
	check(!jit_bad(p + 100, my_ppid, HOT), "RWX page rewritten whole: getppid %d calls right",
	      HOT);
	unsigned nr = SYS_getpid;
	memcpy(p + 101, &nr, 4);
	check(!jit_bad(p + 100, my_pid, HOT),
	      "RWX page, only the immediate rewritten: getpid %d calls right", HOT);
}

/*
 * A private page written, then made executable (not writable), with
 * getpid at off, which is then run HOT times: the page.
 */
static unsigned char *wx_page(int off)
{
	unsigned char *p =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	emit(p + off, SYS_getpid);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	check(!jit_bad(p + off, my_pid, HOT), "W then X: getpid %d calls right", HOT);
	return p;
}

/* n bytes at off of such a page rewritten: writable, the bytes, executable again. */
static void wx_rewrite(unsigned char *p, int off, const void *bytes, size_t n)
{
	mprotect(p, 4096, PROT_READ | PROT_WRITE);
	memcpy(p + off, bytes, n);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static void jit_wx_imm(void)
{
	unsigned char *p = wx_page(200);
	unsigned nr = SYS_getppid;
	wx_rewrite(p, 201, &nr, 4);
	check(!jit_bad(p + 200, my_ppid, HOT),
	      "made writable, only the immediate rewritten to getppid, executable again: %d calls "
	      "right",
	      HOT);
}

static void jit_wx_whole(void)
{
	unsigned char *p = wx_page(300), code[8];
	emit(code, SYS_getppid);
	wx_rewrite(p, 300, code, 8);
	check(!jit_bad(p + 300, my_ppid, HOT),
	      "rewritten whole to getppid, executable again: %d calls right", HOT);
	/* The code moved: the old place now holds other code. */
	memset(code, 0x90, 8);
	code[7] = 0xc3; /* nops and ret: rax stays what we put there */
	wx_rewrite(p, 300, code, 8);
	long bad = 0;
	for (int i = 0; i < HOT; i++) {
		long r;
		__asm__ volatile("call *%1"
				 : "=a"(r)
				 : "r"(p + 300), "0"((long)i)
				 : "rcx", "r11", "memory");
		bad += r != i;
	}
	check(!bad, "the site replaced by nops: no system call made (%d calls)", HOT);
}

static void jit_remap(void)
{
	unsigned char *p = wx_page(400);
	munmap(p, 4096);
	unsigned char *q =
		mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(q == p, "a new page at the same address");
	emit(q + 400, SYS_getppid);
	mprotect(q, 4096, PROT_READ | PROT_EXEC);
	check(!jit_bad(q + 400, my_ppid, HOT), "new code at the same place: getppid %d calls right",
	      HOT);
	/* Replaced in place by MAP_FIXED, no munmap between. */
	unsigned char *r = mmap(q, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	emit(r + 400, SYS_gettid);
	mprotect(r, 4096, PROT_READ | PROT_EXEC);
	check(r == q && !jit_bad(r + 400, sf_tid_ref(), HOT),
	      "replaced by MAP_FIXED with gettid: %d calls right", HOT);
}

static void jit_shared(void)
{
	unsigned char *p =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap shared");
	emit(p + 500, SYS_getpid);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	pid_t c = xfork();
	if (c == 0)
		_exit(jit_bad(p + 500, getpid(), HOT) ? 1 : 0);
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "shared code: the child %d calls right", HOT);
	check(!jit_bad(p + 500, my_pid, 10), "shared code: then the parent 10 calls right");
	check(!jit_bad(p + 500, my_pid, HOT), "shared code: the parent %d calls right", HOT);
	c = xfork();
	if (c == 0)
		_exit(jit_bad(p + 500, getpid(), 10) ? 1 : 0);
	st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "shared code: then a new child 10 calls right");
}

static void jit_memfd(void)
{
	int fd = memfd_create("sysfast", 0);
	if (fd < 0 || ftruncate(fd, 4096) < 0)
		die("memfd");
	unsigned char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED || x == MAP_FAILED)
		die("mmap memfd");
	emit(w + 600, SYS_getpid);
	check(!jit_bad(x + 600, my_pid, HOT),
	      "memfd, written through one view, run through the "
	      "other: %d calls right",
	      HOT);
	unsigned nr = SYS_getppid;
	memcpy(w + 601, &nr, 4);
	check(!jit_bad(x + 600, my_ppid, HOT),
	      "immediate rewritten through the writable view: "
	      "%d calls right",
	      HOT);
	check(!memcmp(w + 600, "\xb8\x6e\x00\x00\x00\x0f\x05\xc3", 8),
	      "the writable view holds what we wrote");
	close(fd);
}

static void jit_file(void)
{
	const char *dir = mk_tmpdir("t_sysfast");
	char path[512];
	snprintf(path, sizeof path, "%s/code", dir);
	unsigned char code[4096];
	memset(code, 0xcc, sizeof code);
	emit(code + 700, SYS_getpid);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, code, sizeof code) != sizeof code)
		die("write code file");
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (x == MAP_FAILED)
		die("mmap code file");
	check(!jit_bad(x + 700, my_pid, HOT), "private file mapping: getpid %d calls right", HOT);
	unsigned char now[16];
	check(pread(fd, now, 8, 700) == 8 && !memcmp(now, code + 700, 8),
	      "the file still holds the code as written");
	unsigned char *y = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	check(y != MAP_FAILED && !memcmp(y + 700, code + 700, 8),
	      "a second mapping of the file shows it as written");
	pid_t c = xfork();
	if (c == 0) {
		int f2 = open(path, O_RDONLY);
		unsigned char *z = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, f2, 0);
		_exit(z != MAP_FAILED && !memcmp(z + 700, code + 700, 8) &&
				      !jit_bad(z + 700, getpid(), 10)
			      ? 0
			      : 1);
	}
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a child's own mapping of the file: as written, 10 calls right");
	/* The file rewritten: a new private mapping runs the new code. */
	emit(code + 700, SYS_getppid);
	check(pwrite(fd, code + 700, 8, 700) == 8, "the file rewritten with getppid");
	unsigned char *v = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	check(v != MAP_FAILED && !jit_bad(v + 700, my_ppid, HOT),
	      "a new mapping of it: getppid %d calls right", HOT);
	/* Never written by this process, the first mapping shows the file too. */
	check(!jit_bad(x + 700, my_ppid, HOT),
	      "the first mapping (never written to) runs the rewritten code: %d calls right", HOT);
	close(fd);
	tg_cleanup();
}

static void s_jit(void)
{
	in_child("RWX page", jit_rwx);
	in_child("W then X, immediate rewritten", jit_wx_imm);
	in_child("W then X, rewritten whole", jit_wx_whole);
	in_child("unmapped and mapped again", jit_remap);
	in_child("shared with a child", jit_shared);
	in_child("memfd with two views", jit_memfd);
	in_child("private file mapping", jit_file);
}

/* ------------------------------------------------------- scenario: space */

/* The file offset of a text address of this program, or -1. */
static long file_offset(const void *addr)
{
	extern const ElfW(Ehdr) __ehdr_start;
	const ElfW(Phdr) *ph =
		(const ElfW(Phdr) *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
	uintptr_t a = (uintptr_t)addr;
	for (int i = 0; i < __ehdr_start.e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && a >= ph[i].p_vaddr &&
		    a < ph[i].p_vaddr + ph[i].p_filesz)
			return (long)(ph[i].p_offset + (a - ph[i].p_vaddr));
	return -1;
}

static void s_space(void)
{
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "every site right, %d calls each", HOT);
	int fd = open(self, O_RDONLY);
	unsigned char b[16];
	check(fd >= 0 &&
		      pread(fd, b, sizeof code_b8_getpid, file_offset((void *)sf_b8_getpid)) ==
			      sizeof code_b8_getpid &&
		      !memcmp(b, code_b8_getpid, sizeof code_b8_getpid) &&
		      pread(fd, b, sizeof code_rax_getpid, file_offset((void *)sf_rax_getpid)) ==
			      sizeof code_rax_getpid &&
		      !memcmp(b, code_rax_getpid, sizeof code_rax_getpid) &&
		      pread(fd, b, sizeof code_r9,
			    file_offset((char *)sf_r9_call + R9_CALL_SITE)) == sizeof code_r9 &&
		      !memcmp(b, code_r9, sizeof code_r9),
	      "the executable file still holds the busy sites as built");
	if (fd >= 0)
		close(fd);
	pid_t c = xfork();
	if (c == 0) {
		char *argv[] = {(char *)self, (char *)"exec-child", NULL};
		execv(self, argv);
		_exit(99);
	}
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a new process running the same file (%s)",
	      wstr(st));

	/* The address space below the program is free, as the host leaves it. */
	extern const ElfW(Ehdr) __ehdr_start;
	uintptr_t text = (uintptr_t)&__ehdr_start;
	check(text == 0x400000, "(the program is at 0x400000)");
	void *lo = mmap((void *)0x10000, text - 0x10000, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	out("MAP_FIXED_NOREPLACE of 0x10000 up to the program: %s\n",
	    lo == MAP_FAILED ? ename(errno) : "ok");
	if (lo != MAP_FAILED)
		munmap(lo, text - 0x10000);
	/* Something else mapped there; the sites still work. */
	unsigned char *m = mmap((void *)0x10000, text - 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(m == (void *)0x10000, "MAP_FIXED of 0x10000 up to the program");
	memset(m + (text - 0x10000) - 65536, 0xcc, 65536);
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0,
	      "every site right after that, %d calls each", HOT);
	munmap(m, text - 0x10000);
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "and after unmapping it again");

	/* MADV_DONTNEED below the program (nothing there) and over its text. */
	errno = 0;
	int r = madvise((void *)0x10000, text - 0x10000, MADV_DONTNEED);
	out("MADV_DONTNEED of 0x10000 up to the program: %s\n", r < 0 ? ename(errno) : "ok");
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "every site right after that");
	extern char etext[];
	uintptr_t etx = (addr_of(etext) + 4095) & ~4095UL;
	r = madvise((void *)text, etx - text, MADV_DONTNEED);
	out("MADV_DONTNEED of the program's text: %s\n", r < 0 ? ename(errno) : "ok");
	check(all_sites_bad(my_pid, my_ppid, HOT) == 0, "every site right after that");

	/* brk grows as before. */
	char *b0 = sbrk(0);
	check(sbrk(8 << 20) == b0 && brk(b0 + (16 << 20)) == 0, "brk grows by 16 MB");
	b0[0] = 1;
	b0[(16 << 20) - 1] = 2;
	check(all_sites_bad(my_pid, my_ppid, HOT / 4) == 0, "every site right after that");
	check(brk(b0) == 0, "brk shrinks back");
}

/* ----------------------------------------------------------------- main */

static void run(const char *name, void (*fn)(void))
{
	out("== %s\n", name);
	pid_t c = xfork();
	if (c == 0) {
		alarm(20);
		my_pid = getpid();
		my_ppid = getppid();
		tg_failures = 0;
		fn();
		_exit(tg_failures ? 1 : 0);
	}
	int st = wait_for(c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", name, wstr(st));
}

int main(int argc, char **argv)
{
	tg_init();
	rl_avx = have_avx();
	self = "/proc/self/exe";
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		self = strdup(buf);
	}
	if (argc > 1 && !strcmp(argv[1], "nop"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child(argc, argv);
	static const struct {
		const char *name;
		void (*fn)(void);
	} all[] = {
		{"wrappers", s_wrappers}, {"sites", s_sites},
		{"regs", s_regs},	  {"redzone", s_redzone},
		{"badrsp", s_badrsp},	  {"timer", s_timer},
		{"restart", s_restart},	  {"restart_syscall", s_restart_block},
		{"sigmask", s_sigmask},	  {"fsgs", s_fsgs},
		{"decoys", s_decoys},	  {"fork", s_fork},
		{"threads", s_threads},	  {"exec", s_exec},
		{"ptrace", s_ptrace},	  {"selfstep", s_selfstep},
		{"readshape", s_readshape},
		{"jit", s_jit},		  {"space", s_space},
	};
	/* Arguments, if any, name the scenarios to run (for debugging). */
	for (int i = 0; i < (int)(sizeof all / sizeof all[0]); i++) {
		int want = argc < 2;
		for (int k = 1; k < argc; k++)
			want |= !strcmp(argv[k], all[i].name);
		if (want)
			run(all[i].name, all[i].fn);
	}
	tg_exit();
}
