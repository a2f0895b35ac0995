/*
 * System call site patching: the seccomp engine's fast path.
 *
 * A guest system call normally reaches the kernel as a host SIGSYS: the
 * host builds a signal frame, the stub hands it over, and a sigreturn
 * ends it, some microseconds each way. A site that keeps trapping is
 * rewritten instead, in that process's own copy of its code: the
 * instruction that loads the call's number (or last argument) before the
 * syscall becomes a jmp to a 32-byte trampoline slot near it, which
 * repeats that instruction, puts the return address in rcx and jumps to
 * the stub's fast entry (arch-um/stub.S: no signal, no frame). The
 * syscall instruction itself stays where it was: code that jumps to it,
 * or returns to it after a signal, still traps as before, and the seccomp
 * filter still stands behind all of it. The guest gets nothing it could
 * not do already: the trampoline is ordinary guest code.
 *
 *   site:  b8 NN NN NN NN  0f 05     mov $N,%eax; syscall
 *    ->    e9 <slot>       0f 05     jmp slot;    syscall
 *   slot:  b8 NN NN NN NN            mov $N,%eax
 *          48 8d 0d <site+7>         lea site+7(%rip),%rcx
 *          49 bb <fast entry>        movabs $entry,%r11
 *          41 ff e3                  jmp *%r11
 *
 * Shapes patched: mov $imm32,%eax (b8), mov $imm32,%rax (48 c7 c0) and
 * mov disp8(%rsp),%r9 (4c 8b 4c 24, glibc's syscall()), each checked
 * against the registers of the trap, so that bytes that only look like
 * it are left alone; and glibc's read(), whose xor %eax,%eax is too short
 * for a jmp, as the three instructions it ends:
 *
 *   site:  80 3d <d32> 00  74 <r8>  31 c0  0f 05
 *          cmpb $0,__libc_single_threaded(%rip); je multi; xor %eax,%eax
 *    ->    e9 <slot>  cc cc cc cc cc cc    0f 05
 *   slot (two of them): the cmpb and a je rel32 aimed as before, the xor,
 *          then on as above.
 *
 * The int3s stand where the je and the xor began: code that jumps there
 * traps, and the site gets its code back (sysfast_fixup), so a guess
 * wrong about where instructions start costs speed, never correctness.
 * Patching is done only in private code that may not be written (no
 * JIT buffers); never for calls that do not come back the way they went
 * (execve, exit, rt_sigreturn, fork and clone, which need the full path).
 *
 * Trampoline pages are guest mappings ("[sysfast]" in /proc/pid/maps),
 * placed in a gap within 2 GB of their sites, copied by fork, dropped by
 * exec. If the guest unmaps one, its sites get their code back.
 */
#include <asm/signal.h>
#include <asm/siginfo.h>
#include <linux/mman.h>
#include <linux/unistd.h>

#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"
#include "sysfast.h"
#include "task.h"

#define HOT_TRAPS   16		/* traps at one site before it is patched */
#define HOT_SLOTS   128		/* sites counted at once per address space */
#define SITE_DONE   0xffffffffU /* patched, or never patchable */
#define TRAMP_PAGES 4		/* trampoline pages per address space */
#define SLOT_SIZE   32
#define SLOTS	    (PAGE_SIZE / SLOT_SIZE)
#define MAX_INSN    11 /* the most bytes a slot repeats */
/* glibc's read(): cmpb $0,d32(%rip); je r8; xor %eax,%eax (11 bytes). */
#define READ_LEN 11
/* How far a rel32 reaches, with room for a page either side. */
#define NEAR ((1ULL << 31) - 2 * PAGE_SIZE)

/* A patched site, as it was. */
struct site {
	u64 addr;	   /* the rewritten instructions; 0: given back */
	u8 len;		   /* their length */
	u8 insn[MAX_INSN]; /* their bytes */
	/* Bit k: the patch made the (k+1)th page of the site a private copy
	 * of a page-cache page: the process never wrote that page itself. */
	u8 copied;
};

struct tramp_page {
	u64 addr;	    /* guest address; 0: none */
	unsigned used;	    /* slots handed out */
	struct site *sites; /* SLOTS of them, kmalloc'd */
};

struct sysfast {
	struct {
		u64 rip;
		u32 traps;
	} hot[HOT_SLOTS];
	struct tramp_page page[TRAMP_PAGES];
};

static bool near(u64 a, u64 b)
{
	return (a > b ? a - b : b - a) < NEAR;
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Calls whose return must take the full path, or never happens. */
static bool slow_only(u64 nr)
{
	switch (nr) {
	case __NR_rt_sigreturn:
	case __NR_execve:
	case __NR_execveat:
	case __NR_exit:
	case __NR_exit_group:
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		return true;
	}
	return false;
}

/* One-byte opcodes with a ModRM byte and no immediate. */
static bool modrm_no_imm(u8 op)
{
	return (op < 0x40 && (op & 7) < 4) || op == 0x63 || (op >= 0x84 && op <= 0x8e) ||
	       (op >= 0xd0 && op <= 0xd3) || (op >= 0xd8 && op <= 0xdf) || op >= 0xfe;
}

/*
 * Could b8 imm32 (code + 2) be the ModRM byte and disp32 of an instruction
 * starting at code + 1 instead? Its operand would be at rax + imm32, and
 * rax is imm32, a system call number: an address in the first pages,
 * which are never mapped. So only an instruction that does not touch its
 * operand (lea, the hint nops) or one with a segment prefix (fs:, gs:)
 * could have run there.
 */
static bool b8_decoy(const u8 *cb, const u8 *code)
{
	u8 pre = code[0];

	if (code[1] == 0x8d ||
	    (pre == 0x0f && (code[1] == 0x1f || code[1] == 0x18 || code[1] == 0x0d)))
		return true;
	if ((pre & 0xf0) == 0x40)
		pre = cb[2];
	return (pre == 0x64 || pre == 0x65) && modrm_no_imm(code[1]);
}

/*
 * What a slot's instruction insn (one of the shapes site_shape accepts)
 * does in t: the register it sets (rax or r9) and, in *v, the value; NULL
 * if its operand cannot be read.
 */
static u64 *insn_effect(struct task *t, const u8 *insn, u64 *v)
{
	struct uregs *r = &t->regs;

	if (insn[0] == 0xb8) {
		*v = get32(insn + 1);
		return &r->rax;
	}
	if (insn[0] == 0x48) {
		*v = (u64)(s64)(s32)get32(insn + 3);
		return &r->rax;
	}
	/* mov disp8(%rsp),%r9 */
	if (access_mm_read(t->mm, r->rsp + (u64)(s64)(s8)insn[4], v, 8) < 0)
		return NULL;
	return &r->r9;
}

/* The flags cmp sets for a - b, in bytes. */
static u64 sub8_flags(u8 a, u8 b)
{
	u8 r = (u8)(a - b), par = r;
	u64 f = 0;

	par ^= par >> 4;
	par ^= par >> 2;
	par ^= par >> 1;
	if (a < b)
		f |= EFLAGS_CF;
	if (!(par & 1))
		f |= EFLAGS_PF;
	if ((a ^ b ^ r) & 0x10)
		f |= EFLAGS_AF;
	if (!r)
		f |= EFLAGS_ZF;
	if (r & 0x80)
		f |= EFLAGS_SF;
	if ((a ^ b) & (a ^ r) & 0x80)
		f |= EFLAGS_OF;
	return f;
}

/* Is insn (len bytes) glibc's read() ahead of its syscall? */
static bool read_shape(const u8 *insn, unsigned len)
{
	return len == READ_LEN && insn[0] == 0x80 && insn[1] == 0x3d && insn[6] == 0 &&
	       insn[7] == 0x74 && insn[9] == 0x31 && insn[10] == 0xc0;
}

/* The address of the byte the read shape's cmpb (at site) tests. */
static u64 read_tested(u64 site, const u8 *insn)
{
	return site + 7 + (u64)(s64)(s32)get32(insn + 2);
}

/*
 * The read shape at site, as t's trap at its syscall shows it: the call
 * is read, xor's flags are set, and the byte the cmpb tests let the je
 * fall through.
 */
static bool read_shape_ok(struct task *t, u64 site, const u8 *insn)
{
	const u64 xor_flags = EFLAGS_ZF | EFLAGS_PF;
	u8 byte;

	return t->regs.orig_rax == __NR_read &&
	       (t->regs.eflags & (EFLAGS_ARITH & ~EFLAGS_AF)) == xor_flags &&
	       access_mm_read(t->mm, read_tested(site, insn), &byte, 1) == 0 && byte != insn[6];
}

/*
 * The instruction before the syscall ending at rip, if a slot can repeat
 * it: its length (0: none) and bytes. w holds the 16 bytes before rip.
 *
 * The bytes are read backwards, so they may be the tail of a longer
 * instruction instead ("decoys"): the registers must agree with the
 * instruction, and the likeliest longer ones rule a site out: a movabs
 * (REX.W B8+r imm64) ending at the syscall, and for b8 an instruction
 * whose ModRM byte it would be (b8_decoy).
 */
static unsigned site_shape(struct task *t, const u8 *w, u8 *insn)
{
	const u8 *cb = w + 4, *code = cb + 3;
	unsigned len;
	u64 *reg, v;

	if (code[7] != 0x0f || code[8] != 0x05)
		return 0;
	if (read_shape(w + 3, READ_LEN)) {
		memcpy(insn, w + 3, READ_LEN);
		return read_shape_ok(t, t->regs.rip - 2 - READ_LEN, insn) ? READ_LEN : 0;
	}
	if ((cb[0] & 0xf8) == 0x48 && (cb[1] & 0xf8) == 0xb8)
		return 0;
	if (code[0] == 0x48 && code[1] == 0xc7 && code[2] == 0xc0)
		len = 7;
	/* A REX prefix before b8 makes it mov to r8d..r15d. */
	else if (code[2] == 0xb8 && (code[1] & 0xf0) != 0x40 && !b8_decoy(cb, code))
		len = 5;
	else if (code[2] == 0x4c && code[3] == 0x8b && code[4] == 0x4c && code[5] == 0x24)
		len = 5;
	else
		return 0;
	memcpy(insn, code + 7 - len, len);
	/* The number the syscall got is orig_rax (rax may be the kernel's by now). */
	reg = insn_effect(t, insn, &v);
	if (reg == &t->regs.rax)
		reg = &t->regs.orig_rax;
	return reg && *reg == v && !slow_only(t->regs.orig_rax) ? len : 0;
}

/* Is the page at addr free, below the stack's region? */
static bool page_free(struct mm *mm, u64 addr)
{
	return addr + PAGE_SIZE <= mm->mmap_base && mm_range_free(mm, addr, PAGE_SIZE);
}

/* Can code at site jump to anywhere in the page at page, and back? */
static bool page_near(u64 page, u64 site)
{
	return near(page, site) && near(page + PAGE_SIZE, site);
}

/*
 * Room for a trampoline page within reach of site. First well away from
 * the code, where a program is least likely to look for room of its own
 * (1 GB below it, else 1.75 GB above, past where brk usually grows),
 * then the top of the gap between mappings nearest to the site, never
 * just below a stack (it grows down into its gap) nor just above the
 * heap (brk grows up).
 */
static u64 find_room(struct mm *mm, u64 site)
{
	u64 lo = 16 * PAGE_SIZE, best = 0, bestd = ~0ULL;
	struct vma *v, *prev = NULL;

	if (site > (1ULL << 30) && page_free(mm, ALIGN_DOWN(site - (1ULL << 30), PAGE_SIZE)))
		return ALIGN_DOWN(site - (1ULL << 30), PAGE_SIZE);
	if (page_free(mm, ALIGN_DOWN(site + (7ULL << 28), PAGE_SIZE)))
		return ALIGN_DOWN(site + (7ULL << 28), PAGE_SIZE);

	list_for_each_entry(v, &mm->vmas, list)
	{
		u64 cand = v->start - PAGE_SIZE, d;

		if (v->start >= lo + PAGE_SIZE && !(v->flags & VM_GROWSDOWN) &&
		    !(prev && (prev->flags & VM_HEAP) && cand == lo)) {
			d = cand > site ? cand - site : site - cand;
			if (d < bestd) {
				best = cand;
				bestd = d;
			}
		}
		lo = v->end;
		prev = v;
	}
	return best && page_near(best, site) ? best : 0;
}

/* n free slots in a row within reach of site (their page in *pp), or 0. */
static u64 slot_for(struct mm *mm, u64 site, unsigned n, struct tramp_page **pp)
{
	struct sysfast *sf = mm->sysfast;
	struct tramp_page *p, *fresh = NULL;
	u64 addr;
	int i;

	for (i = 0; i < TRAMP_PAGES; i++) {
		p = &sf->page[i];
		if (!p->addr) {
			if (!fresh)
				fresh = p;
			continue;
		}
		if (p->used + n <= SLOTS && page_near(p->addr, site)) {
			*pp = p;
			return p->addr + p->used * SLOT_SIZE;
		}
	}
	if (!fresh || !(addr = find_room(mm, site)))
		return 0;
	fresh->sites = kzalloc(SLOTS * sizeof(struct site));
	if (!fresh->sites)
		return 0;
	if (mm_map(mm, addr, PAGE_SIZE, PROT_READ | PROT_EXEC, VM_SYSFAST, NULL, 0) < 0) {
		kfree(fresh->sites);
		fresh->sites = NULL;
		return 0;
	}
	fresh->addr = addr;
	fresh->used = 0;
	*pp = fresh;
	return addr;
}

/* Gives site s (jumping to slot) its code back, if the jmp is still there. */
static void unpatch(struct mm *mm, const struct site *s, u64 slot)
{
	u8 now[5];

	if (access_mm_read(mm, s->addr, now, 5) == 0 && now[0] == 0xe9 &&
	    get32(now + 1) == (u32)(slot - (s->addr + 5)))
		access_mm_write(mm, s->addr, s->insn, s->len, true);
}

/* Is the page at addr a page-cache page, shared with the file? */
static bool from_cache(struct mm *mm, u64 addr)
{
	u64 *pte = pte_lookup(mm, addr, false);

	return pte && (*pte & PTE_PRESENT) && (frame_page(pte_frame(*pte))->flags & PG_CACHE);
}

/*
 * Writes into tramp the code of a slot at slot for the site at site
 * (insn, len: its bytes): what they did, rcx = the address after the
 * syscall, on to the entry. Returns its length, 0 if out of reach.
 */
static unsigned slot_code(u8 *tramp, const u8 *insn, unsigned len, u64 site, u64 slot, u64 entry)
{
	u64 rip = site + len + 2;
	unsigned n = 0;

	if (read_shape(insn, len)) {
		u64 at = read_tested(site, insn);
		u64 multi = site + 9 + (u64)(s64)(s8)insn[8];

		if (!near(at, slot + 7) || !near(multi, slot + 13))
			return 0;
		tramp[n++] = 0x80; /* cmpb $imm8,rel32(%rip) */
		tramp[n++] = 0x3d;
		put32(tramp + n, (u32)(at - (slot + 7)));
		n += 4;
		tramp[n++] = insn[6];
		tramp[n++] = 0x0f; /* je rel32 */
		tramp[n++] = 0x84;
		put32(tramp + n, (u32)(multi - (slot + 13)));
		n += 4;
		tramp[n++] = 0x31; /* xor %eax,%eax */
		tramp[n++] = 0xc0;
	} else {
		memcpy(tramp, insn, len);
		n = len;
	}
	tramp[n++] = 0x48; /* lea rel32(%rip),%rcx */
	tramp[n++] = 0x8d;
	tramp[n++] = 0x0d;
	put32(tramp + n, (u32)(rip - (slot + n + 4)));
	n += 4;
	tramp[n++] = 0x49; /* movabs $entry,%r11 */
	tramp[n++] = 0xbb;
	memcpy(tramp + n, &entry, 8);
	n += 8;
	tramp[n++] = 0x41; /* jmp *%r11 */
	tramp[n++] = 0xff;
	tramp[n++] = 0xe3;
	return n;
}

/* Rewrites the site whose syscall instruction ends at t->regs.rip. */
static void patch(struct task *t, u64 entry)
{
	struct mm *mm = t->mm;
	u64 rip = t->regs.rip, site, slot;
	u8 code[16] = {0}, insn[MAX_INSN], tramp[2 * SLOT_SIZE], jmp[MAX_INSN];
	struct tramp_page *p = NULL;
	struct vma *v;
	unsigned len, nslots;

	/* 16 bytes for the longest shape, 12 for the others. */
	if (rip < 16 || access_mm_read(mm, rip - 16, code, 16) < 0) {
		memset(code, 0, sizeof(code));
		if (rip < 12 || access_mm_read(mm, rip - 12, code + 4, 12) < 0)
			return;
	}
	len = site_shape(t, code, insn);
	if (!len)
		return;
	site = rip - 2 - len;
	v = vma_find(mm, site);
	if (!v || v->start > site || v->end < rip || !(v->prot & PROT_EXEC) ||
	    (v->prot & PROT_WRITE) || (v->flags & (VM_SHARED | VM_SYSFAST)))
		return;
	nslots = read_shape(insn, len) ? 2 : 1;
	slot = slot_for(mm, site, nslots, &p);
	if (!slot)
		return;
	memset(tramp, 0xcc, sizeof(tramp));
	if (!slot_code(tramp, insn, len, site, slot, entry))
		return;
	/* The site: a jmp to the slot, then int3s to the syscall (sysfast_fixup). */
	memset(jmp, 0xcc, sizeof(jmp));
	jmp[0] = 0xe9;
	put32(jmp + 1, (u32)(slot - (site + 5)));
	if (access_mm_write(mm, slot, tramp, nslots * SLOT_SIZE, true) < 0)
		return;
	p->sites[p->used].copied = (u8)(from_cache(mm, site) | from_cache(mm, site + len - 1) << 1);
	p->sites[p->used].addr = site;
	p->sites[p->used].len = (u8)len;
	memcpy(p->sites[p->used].insn, insn, len);
	if (nslots == 2)
		p->sites[p->used + 1].addr = 0;
	p->used += nslots;
	access_mm_write(mm, site, jmp, len, true);
}

void sysfast_note(struct task *t)
{
	struct mm *mm = t->mm;
	u64 rip = t->regs.rip, entry = engine_fast_entry();
	unsigned h;

	if (!entry || !mm)
		return;
	if (!mm->sysfast && !(mm->sysfast = kzalloc(sizeof(*mm->sysfast))))
		return;
	h = (unsigned)((rip ^ (rip >> 7) ^ (rip >> 17)) % HOT_SLOTS);
	if (mm->sysfast->hot[h].rip != rip) {
		mm->sysfast->hot[h].rip = rip;
		mm->sysfast->hot[h].traps = 0;
	}
	if (mm->sysfast->hot[h].traps == SITE_DONE || ++mm->sysfast->hot[h].traps < HOT_TRAPS)
		return;
	mm->sysfast->hot[h].traps = SITE_DONE;
	patch(t, entry);
}

/* The site behind the slot starting at addr, or NULL. */
static const struct site *slot_site(struct mm *mm, u64 addr)
{
	struct sysfast *sf = mm ? mm->sysfast : NULL;
	int i;

	for (i = 0; sf && i < TRAMP_PAGES; i++) {
		struct tramp_page *p = &sf->page[i];
		u64 k = (addr - p->addr) / SLOT_SIZE;

		if (p->addr && addr >= p->addr && addr < p->addr + PAGE_SIZE &&
		    addr % SLOT_SIZE == 0 && k < p->used && p->sites[k].addr)
			return &p->sites[k];
	}
	return NULL;
}

static void give_back(struct mm *mm, u64 start, u64 end);

/*
 * An int3 that patch() put inside a site has run: code jumped to where
 * an instruction of the site began. The site gets its code back, and t
 * goes on there as if it had never been patched.
 */
static bool guard_hit(struct task *t)
{
	struct sysfast *sf = t->mm->sysfast;
	u64 at = t->regs.rip - 1;
	unsigned i, k;

	for (i = 0; i < TRAMP_PAGES; i++) {
		struct tramp_page *p = &sf->page[i];

		for (k = 0; p->addr && k < p->used; k++) {
			const struct site *s = &p->sites[k];

			if (s->addr && at >= s->addr + 5 && at < s->addr + s->len) {
				give_back(t->mm, s->addr, s->addr + 1);
				t->regs.rip = at;
				return true;
			}
		}
	}
	return false;
}

bool sysfast_fixup(struct task *t, int sig, int code)
{
	const struct site *s = slot_site(t->mm, t->regs.rip);
	u64 *reg, v;
	u8 byte;

	if (!s)
		return sig == SIGTRAP && code == SI_KERNEL && guard_hit(t);
	/* A fault of the repeated instruction: it was at the site. */
	t->regs.rip = s->addr;
	if (sig != SIGTRAP)
		return false;
	/* A step over the jmp: the original (first) instruction has run. */
	if (read_shape(s->insn, s->len)) {
		if (access_mm_read(t->mm, read_tested(s->addr, s->insn), &byte, 1) < 0)
			return false;
		t->regs.eflags &= ~(u64)EFLAGS_ARITH;
		t->regs.eflags |= sub8_flags(byte, s->insn[6]);
		t->regs.rip = s->addr + 7;
		return false;
	}
	reg = insn_effect(t, s->insn, &v);
	if (!reg)
		return false;
	*reg = v;
	t->regs.rip = s->addr + s->len;
	return false;
}

struct sysfast *sysfast_fork(const struct sysfast *old)
{
	struct sysfast *sf;
	int i;

	if (!old || !(sf = kmalloc(sizeof(*sf))))
		return NULL;
	*sf = *old;
	for (i = 0; i < TRAMP_PAGES; i++) {
		struct tramp_page *p = &sf->page[i];

		p->sites = NULL;
		if (!p->addr)
			continue;
		p->sites = kmalloc(SLOTS * sizeof(struct site));
		if (!p->sites) {
			/* Its slots stay in use, unknown: no fixup for them. */
			p->addr = 0;
			continue;
		}
		memcpy(p->sites, old->page[i].sites, SLOTS * sizeof(struct site));
	}
	return sf;
}

void sysfast_free(struct sysfast *sf)
{
	int i;

	if (!sf)
		return;
	for (i = 0; i < TRAMP_PAGES; i++)
		kfree(sf->page[i].sites);
	kfree(sf);
}

/*
 * Gives back the sites of mm in [start, end): a page that is a private
 * copy only because of a patch is dropped (it comes back from the file,
 * as it is now), on others the original bytes are written back.
 */
static void give_back(struct mm *mm, u64 start, u64 end)
{
	struct sysfast *sf = mm->sysfast;
	unsigned i, k, b;

	for (i = 0; i < TRAMP_PAGES; i++) {
		struct tramp_page *p = &sf->page[i];

		for (k = 0; p->addr && k < p->used; k++) {
			struct site *s = &p->sites[k];
			u64 pg[2] = {ALIGN_DOWN(s->addr, PAGE_SIZE),
				     ALIGN_DOWN(s->addr + s->len - 1, PAGE_SIZE)};

			if (!s->addr || s->addr >= end || s->addr + s->len <= start)
				continue;
			unpatch(mm, s, p->addr + k * SLOT_SIZE);
			for (b = 0; b < 2; b++)
				if ((s->copied >> b) & 1)
					mm_zap(mm, pg[b], pg[b] + PAGE_SIZE);
			s->addr = 0;
		}
	}
}

void sysfast_writable(struct mm *mm, u64 start, u64 end)
{
	if (mm->sysfast)
		give_back(mm, start, end);
}

void sysfast_file_written(struct inode *inode, u64 pos, u64 len)
{
	u64 first = pos >> PAGE_SHIFT, last = (pos + len - 1) >> PAGE_SHIFT;
	struct vma *v;

	list_for_each_entry(v, &inode->mappings, file_node)
	{
		u64 pages = (v->end - v->start) >> PAGE_SHIFT, lo, hi;

		if ((v->flags & VM_SHARED) || !v->mm->sysfast || last < v->pgoff ||
		    first >= v->pgoff + pages)
			continue;
		lo = first > v->pgoff ? first - v->pgoff : 0;
		hi = MIN(last - v->pgoff + 1, pages);
		give_back(v->mm, v->start + (lo << PAGE_SHIFT), v->start + (hi << PAGE_SHIFT));
	}
}

void sysfast_unmapped(struct mm *mm, u64 start, u64 end)
{
	struct sysfast *sf = mm->sysfast;
	unsigned i, k;

	for (i = 0; sf && i < TRAMP_PAGES; i++) {
		struct tramp_page *p = &sf->page[i];

		if (!p->addr || p->addr >= end || p->addr + PAGE_SIZE <= start)
			continue;
		for (k = 0; k < p->used; k++)
			if (p->sites[k].addr)
				unpatch(mm, &p->sites[k], p->addr + k * SLOT_SIZE);
		kfree(p->sites);
		p->sites = NULL;
		p->addr = 0;
		p->used = 0;
	}
}
