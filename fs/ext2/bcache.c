/*
 * The ext2 block cache: metadata and data blocks by number, write-back.
 * Reads are served from memory after the first; writes only mark the
 * cached copy dirty. Dirty blocks reach the disk in batches on sync,
 * fsync, unmount, when the cache is full, and when the oldest dirty data
 * is a few seconds old (checked as the filesystem is used).
 */
#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"

#define BC_MAX 1024       /* cached blocks per filesystem */
#define BC_HASH 256
#define BC_BATCH 64       /* blocks per host I/O batch */
#define FLUSH_AFTER_NS (5ULL * NSEC_PER_SEC)

struct bbuf {
	struct list_head lru;   /* most recently used first */
	struct list_head hash;
	u64 nr;
	bool dirty;
	bool busy;              /* being written */
	char *data;
};

struct bcache {
	struct list_head lru;
	struct list_head hash[BC_HASH];
	int count, ndirty;
	u64 first_dirty_ns;     /* when the oldest dirty block became dirty */
};

static struct bcache *bc(struct ext2_sb *es)
{
	struct bcache *c = es->bcache;
	int k;

	if (c)
		return c;
	c = kzalloc(sizeof(*c));
	if (!c)
		return NULL;
	list_init(&c->lru);
	for (k = 0; k < BC_HASH; k++)
		list_init(&c->hash[k]);
	es->bcache = c;
	return c;
}

static struct bbuf *find(struct bcache *c, u64 nr)
{
	struct bbuf *b;

	list_for_each_entry(b, &c->hash[nr % BC_HASH], hash) {
		if (b->nr == nr) {
			list_del(&b->lru);
			list_add(&b->lru, &c->lru);
			return b;
		}
	}
	return NULL;
}

/*
 * Writes a batch of blocks: sorted by number, consecutive blocks go out
 * as one request through a bounce buffer (one I/O instead of many).
 */
static int write_runs(struct ext2_sb *es, struct bbuf **bufs, int n, u32 spb)
{
	char *run = kmalloc((size_t)BC_BATCH * es->block_size);
	int i, j, k, rc = 0;

	for (i = 1; i < n; i++) {
		struct bbuf *b = bufs[i];

		for (j = i; j > 0 && bufs[j - 1]->nr > b->nr; j--)
			bufs[j] = bufs[j - 1];
		bufs[j] = b;
	}
	for (i = 0; i < n && rc == 0; i = j) {
		for (j = i + 1; j < n && bufs[j]->nr == bufs[j - 1]->nr + 1; j++)
			;
		if (!run || j - i == 1) {
			for (k = i; k < j && rc == 0; k++)
				rc = blk_io(es->bd, BLK_WRITE, bufs[k]->nr * spb, spb, bufs[k]->data);
			continue;
		}
		for (k = i; k < j; k++)
			memcpy(run + (size_t)(k - i) * es->block_size, bufs[k]->data, es->block_size);
		rc = blk_io(es->bd, BLK_WRITE, bufs[i]->nr * spb, (u32)(j - i) * spb, run);
	}
	kfree(run);
	return rc;
}

/* Writes every dirty block (and flushes the device when flush is set). */
int ext2_bflush(struct ext2_sb *es, bool flush)
{
	struct bcache *c = es->bcache;
	struct bbuf **bufs, *b;
	u32 spb = es->block_size / SECTOR_SIZE;
	int rc = 0, n, k;

	if (!c || !c->ndirty)
		return flush ? blk_io(es->bd, BLK_FLUSH, 0, 0, NULL) : 0;
	bufs = kmalloc(sizeof(*bufs) * BC_BATCH);
	if (!bufs)
		return -ENOMEM;
	while (c->ndirty && rc == 0) {
		n = 0;
		list_for_each_entry(b, &c->lru, lru) {
			if (!b->dirty || b->busy)
				continue;
			b->dirty = false;
			b->busy = true;
			c->ndirty--;
			bufs[n] = b;
			n++;
			if (n == BC_BATCH)
				break;
		}
		if (!n)
			break;
		rc = write_runs(es, bufs, n, spb);
		for (k = 0; k < n; k++)
			bufs[k]->busy = false;
	}
	c->first_dirty_ns = 0;
	kfree(bufs);
	if (rc == 0 && flush)
		rc = blk_io(es->bd, BLK_FLUSH, 0, 0, NULL);
	return rc;
}

/* Makes room for one more block: drops a clean one, flushing if needed. */
static int make_room(struct ext2_sb *es, struct bcache *c)
{
	struct bbuf *b;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		/* From the tail: the least recently used first. */
		for (b = list_entry(c->lru.prev, struct bbuf, lru); &b->lru != &c->lru;
		     b = list_entry(b->lru.prev, struct bbuf, lru)) {
			if (b->dirty || b->busy)
				continue;
			list_del(&b->lru);
			list_del(&b->hash);
			kfree(b->data);
			kfree(b);
			c->count--;
			return 0;
		}
		if (ext2_bflush(es, false) < 0)
			return -EIO;
	}
	return -ENOMEM;
}

static struct bbuf *get(struct ext2_sb *es, u64 nr, bool read)
{
	struct bcache *c = bc(es);
	struct bbuf *b;

	if (!c)
		return NULL;
	b = find(c, nr);
	if (b)
		return b;
	if (c->count >= BC_MAX && make_room(es, c) < 0)
		return NULL;
	b = kzalloc(sizeof(*b));
	if (!b)
		return NULL;
	b->data = kmalloc(es->block_size);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	b->nr = nr;
	if (read) {
		u32 spb = es->block_size / SECTOR_SIZE;

		if (blk_io(es->bd, BLK_READ, nr * spb, spb, b->data) < 0) {
			kfree(b->data);
			kfree(b);
			return NULL;
		}
		/* Someone may have cached it while we slept. */
		{
			struct bbuf *o = find(c, nr);

			if (o) {
				kfree(b->data);
				kfree(b);
				return o;
			}
		}
	}
	list_add(&b->lru, &c->lru);
	list_add(&b->hash, &c->hash[nr % BC_HASH]);
	c->count++;
	return b;
}

/*
 * Readahead: reads blocks [first, first + count) with one I/O and caches
 * those not cached yet (as clean blocks). Best effort: errors are ignored,
 * the normal read path will report them.
 */
void ext2_readahead(struct ext2_sb *es, u64 first, u32 count)
{
	struct bcache *c = bc(es);
	u32 spb = es->block_size / SECTOR_SIZE, k;
	char *buf;

	if (!c || count < 2 || count > 64 || first + count > es->s.blocks_count)
		return;
	if (find(c, first))
		return; /* already read (or read ahead) */
	buf = kmalloc((size_t)count * es->block_size);
	if (!buf)
		return;
	if (blk_io(es->bd, BLK_READ, first * spb, count * spb, buf) == 0) {
		for (k = 0; k < count; k++) {
			struct bbuf *b;

			if (find(c, first + k))
				continue;
			if (c->count >= BC_MAX && make_room(es, c) < 0)
				break;
			b = kzalloc(sizeof(*b));
			if (!b)
				break;
			b->data = kmalloc(es->block_size);
			if (!b->data) {
				kfree(b);
				break;
			}
			memcpy(b->data, buf + (size_t)k * es->block_size, es->block_size);
			b->nr = first + k;
			/* At the LRU's cold end: read-ahead data goes first. */
			list_add_tail(&b->lru, &c->lru);
			list_add(&b->hash, &c->hash[b->nr % BC_HASH]);
			c->count++;
		}
	}
	kfree(buf);
}

int ext2_bread(struct ext2_sb *es, u64 nr, void *buf)
{
	struct bbuf *b = get(es, nr, true);

	if (!b)
		return -EIO;
	memcpy(buf, b->data, es->block_size);
	return 0;
}

int ext2_bwrite(struct ext2_sb *es, u64 nr, const void *buf)
{
	struct bcache *c;
	struct bbuf *b = get(es, nr, false);

	if (!b)
		return -EIO;
	c = es->bcache;
	memcpy(b->data, buf, es->block_size);
	if (!b->dirty) {
		b->dirty = true;
		c->ndirty++;
		if (!c->first_dirty_ns)
			c->first_dirty_ns = ktime_ns();
	}
	return 0;
}

/* Writes back dirty blocks once they have waited long enough. */
void ext2_bflush_old(struct ext2_sb *es)
{
	struct bcache *c = es->bcache;

	if (c && c->ndirty && c->first_dirty_ns &&
	    ktime_ns() - c->first_dirty_ns > FLUSH_AFTER_NS)
		ext2_bflush(es, false);
}

/* Forgets every cached block (after a final flush at unmount). */
void ext2_bcache_free(struct ext2_sb *es)
{
	struct bcache *c = es->bcache;
	struct bbuf *b, *n;

	if (!c)
		return;
	list_for_each_entry_safe(b, n, &c->lru, lru) {
		kfree(b->data);
		kfree(b);
	}
	kfree(c);
	es->bcache = NULL;
}
