/* The bulk path's compiled kernel: TLB lookups, page walks and the MMU caches of both designs,
 * for accesses that end quietly (see visualizer/engine/kernel.py, which owns the arrays and
 * keeps them in step with the engine's Python structures).
 *
 * Every function here is a transcription of the reference code named beside it:
 *   walk            paging.walk (x86-64 and EPT formats, start level, cached rights, root_ma,
 *                   entry_cache / slot_out for AMD's page-walk cache, pwc_out for Intel's)
 *   nested_intel    Mmu._walk2d_intel.nested (guest-physical mappings, EPT PSCs)
 *   walk2d_intel    Mmu._walk2d_intel (combined mappings and their "saved" counts)
 *   nested_amd      Mmu._walk2d_amd.nested (nested TLB, page-walk cache)
 *   walk2d_amd      Mmu._walk2d_amd
 *   walk1d          Mmu.walk1d (native and shadow walks through the caches)
 *   tlb_*           Tlb.insert / insert_2m / lookup_2m (sets in LRU order, oldest first)
 *   cache_get/put   tlb._get / tlb._put (fully associative LRU)
 *   run             Bulk.run's short path: a hit, or a miss whose walk ends with nothing for the
 *                   OS or the VMM to do; anything else stops the run at that operation, with the
 *                   TLB and caches as they were before it (only A bits a walk set stay set, which
 *                   the reference walk of the same operation sets too).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define FRAME 0x000FFFFFFFFFF000ULL
#define GVPN_MASK ((1ULL << 36) - 1)
#define LARGE_MASK 0x1FFULL
#define NX (1ULL << 63)

enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };
enum { FMT_X86 = 0, FMT_EPT = 1 };
enum { TM_NONE = 0, TM_NATIVE = 1, TM_NESTED = 2 };
enum { MODE_NATIVE = 0, MODE_SHADOW = 1, MODE_NESTED = 2 };
enum { ST_OTHER = 0, ST_PRIVATE = 1, ST_SHARED = 2 };

/* A fully associative LRU cache: rows of `width` words, the first `keyw` the key. Between runs
 * the rows are in LRU order, oldest first (as the engine's dicts); during a run each row carries
 * a stamp of its last use instead (no rows move), and the rows are put back in order at the end.
 * Changes during one miss go to an undo log, so that a walk that does not end quietly leaves
 * every cache as it found it. */
#define MAXCAP 256
#define MAXUNDO 512

struct UndoLog;

typedef struct {
    uint64_t *rows;
    int width, keyw, cap;
    int32_t *cnt;
    int64_t stamp[MAXCAP];
    int dirty;
    struct UndoLog *log;
} Cache;

typedef struct {
    Cache *c;
    int idx;
    int32_t cnt;
    int64_t stamp;
    uint64_t row[8];
} Undo;

typedef struct UndoLog {
    Undo u[MAXUNDO];
    int n, on, overflow;
    int64_t clock;
} UndoLog;

typedef struct {
    uint64_t addr;
    int w, x, dirty, level;
    int64_t slot;
} Tr;

typedef struct {
    int level;
    uint64_t table, a, o;
} Fill;

typedef struct {
    uint64_t slot, e;
} SlotE;

typedef struct {
    uint64_t *q;
    int64_t qlen;
    /* TLB: 4 KiB sets, then 2 MiB sets */
    uint64_t *t4key;
    int64_t *t4mpn, *t4gppn, *t4src;
    uint8_t *t4fl;
    int32_t *t4cnt;
    int64_t nsets, ways;
    uint64_t *t2key;
    int64_t *t2mpn, *t2gppn, *t2src, *t2mpns;
    uint8_t *t2fl, *t2kind;
    int32_t *t2cnt;
    int64_t nsets2, ways2;
    int large_used;
    /* MMU caches */
    Cache lin[5], gpa, ept[5], pwc, ntlb;
    int pwc_on, ntlb_on, amd;
    /* the current VM and process */
    int mode;
    uint64_t tag, cr3, sroot, eroot, vtag;
    int64_t *pmap_mpn;
    uint8_t *pmap_state;
    int64_t pages;
    int32_t *leaf;
    int64_t leaf_base, leaf_len;
    int64_t *large_blocks;
    int64_t nlarge;
    /* per walk */
    int64_t refs;
    int bad;
    uint64_t maof_gpa[8], maof_ma[8];
    int nmaof;
} Ctx;

static const int SHIFT[5] = {0, 12, 21, 30, 39};

/* -- LRU caches (tlb._get, tlb._put) ------------------------------------------------------------ */
static inline void cache_log(Cache *c, int idx) {
    UndoLog *l = c->log;
    if (!l->on)
        return;
    if (l->n >= MAXUNDO) {
        l->overflow = 1;
        return;
    }
    Undo *u = &l->u[l->n++];
    u->c = c;
    u->idx = idx;
    u->cnt = *c->cnt;
    u->stamp = c->stamp[idx];
    memcpy(u->row, c->rows + (int64_t)idx * c->width, (size_t)c->width * 8);
}

static inline int cache_find(const Cache *c, const uint64_t *key) {
    const int n = *c->cnt, w = c->width;
    const uint64_t *r = c->rows, k0 = key[0];
    if (c->keyw == 1) {
        for (int i = 0; i < n; i++, r += w)
            if (r[0] == k0)
                return i;
    } else {
        const uint64_t k1 = key[1];
        for (int i = 0; i < n; i++, r += w)
            if (r[1] == k1 && r[0] == k0) /* (tag, slot): the slot differs first */
                return i;
    }
    return -1;
}

/* _get: the row, now the newest, or NULL */
static uint64_t *cache_get(Cache *c, const uint64_t *key) {
    int i = cache_find(c, key);
    if (i < 0)
        return NULL;
    cache_log(c, i);
    c->stamp[i] = ++c->log->clock;
    c->dirty = 1;
    return c->rows + (int64_t)i * c->width;
}

/* _put: insert or refresh (the newest), the least recently used out; row = key words, values */
static void cache_put(Cache *c, const uint64_t *row) {
    int i = cache_find(c, row);
    if (i < 0) {
        if (*c->cnt < c->cap) {
            i = *c->cnt;
            cache_log(c, i);
            *c->cnt += 1;
        } else {
            i = 0;
            for (int j = 1; j < *c->cnt; j++)
                if (c->stamp[j] < c->stamp[i])
                    i = j;
            cache_log(c, i);
        }
    } else {
        cache_log(c, i);
    }
    memcpy(c->rows + (int64_t)i * c->width, row, (size_t)c->width * 8);
    c->stamp[i] = ++c->log->clock;
    c->dirty = 1;
}

static void undo_all(UndoLog *l) {
    for (int k = l->n - 1; k >= 0; k--) {
        Undo *u = &l->u[k];
        memcpy(u->c->rows + (int64_t)u->idx * u->c->width, u->row, (size_t)u->c->width * 8);
        u->c->stamp[u->idx] = u->stamp;
        *u->c->cnt = u->cnt;
    }
    l->n = 0;
}

/* the rows back in LRU order, oldest first (stable: stamps are distinct) */
static void cache_order(Cache *c) {
    int n = *c->cnt;
    uint64_t tmp[8];
    for (int i = 1; i < n; i++) {
        int64_t st = c->stamp[i];
        memcpy(tmp, c->rows + (int64_t)i * c->width, (size_t)c->width * 8);
        int j = i - 1;
        while (j >= 0 && c->stamp[j] > st) {
            memcpy(c->rows + (int64_t)(j + 1) * c->width, c->rows + (int64_t)j * c->width, (size_t)c->width * 8);
            c->stamp[j + 1] = c->stamp[j];
            j--;
        }
        memcpy(c->rows + (int64_t)(j + 1) * c->width, tmp, (size_t)c->width * 8);
        c->stamp[j + 1] = st;
    }
}

/* -- the walker (paging.walk) -------------------------------------------------------------------- */
static int table_ma(Ctx *c, uint64_t gpa, int level, uint64_t *ma);

static inline int pwc_lookup(Ctx *c, uint64_t slot, uint64_t *e) {
    uint64_t key[2] = {c->tag, slot};
    uint64_t *r = cache_get(&c->pwc, key);
    if (!r)
        return 0;
    *e = r[2];
    return 1;
}

/* 1: a translation in *out; 0: a fault (or something the kernel leaves to the reference path) */
static int walk(Ctx *c, uint64_t root, uint64_t addr, int access, int fmt, int start, uint64_t all, uint64_t any,
                int has_root_ma, uint64_t root_ma, int tm, int ecache, Fill *fills, int *nfills, SlotE *slots,
                int *nslots, Tr *out) {
    uint64_t table = root & FRAME;
    const uint64_t present = fmt == FMT_X86 ? 1 : 7;
    const uint64_t abit = fmt == FMT_X86 ? 0x20 : 0;
    uint64_t e = 0, slot = 0;
    int level;
    for (level = start; level >= 1; level--) {
        uint64_t idx = (addr >> SHIFT[level]) & 0x1FF;
        uint64_t tma;
        if (has_root_ma) {
            tma = root_ma & FRAME;
            has_root_ma = 0;
        } else if (tm == TM_NONE) {
            tma = table;
        } else if (!table_ma(c, table, level, &tma)) {
            return 0;
        }
        slot = (tma >> 3) + idx;
        int cached = 0;
        if (ecache && level > 1 && pwc_lookup(c, slot, &e)) {
            cached = 1;
        } else {
            if (slot >= (uint64_t)c->qlen) {
                c->bad = 1;
                return 0;
            }
            e = c->q[slot];
            c->refs++;
        }
        if (!(e & present))
            return 0;
        all &= e;
        any |= e;
        if (level == 1 || ((e & 0x80) && level < 4))
            break;
        if (abit && !(e & abit)) {
            e |= abit;
            if (slot >= (uint64_t)c->qlen) {
                c->bad = 1;
                return 0;
            }
            c->q[slot] = e;
        }
        table = e & FRAME;
        if (fills) {
            Fill f = {level, table, all, any};
            fills[(*nfills)++] = f;
        }
        if (slots && !cached) {
            SlotE s = {slot, e};
            slots[(*nslots)++] = s;
        }
    }
    if (fmt == FMT_X86 && !(all & 4))
        return 0; /* a user access to a supervisor page */
    int write_ok = (all & 2) != 0;
    int exec_ok = fmt == FMT_X86 ? !(any & NX) : (all & 4) != 0;
    if (access == ACC_WRITE) {
        if (!write_ok)
            return 0;
    } else if (access == ACC_EXEC) {
        if (!exec_ok)
            return 0;
    } else if (!(all & 1)) {
        return 0;
    }
    int dirty = 1;
    if (abit) {
        uint64_t want = access == ACC_WRITE ? 0x60 : 0x20;
        if ((e & want) != want) {
            if (slot >= (uint64_t)c->qlen) {
                c->bad = 1;
                return 0;
            }
            c->q[slot] = e | want;
            e |= want;
        }
        dirty = (e & 0x40) != 0;
    }
    uint64_t offmask = (1ULL << (3 + 9 * level)) - 1;
    out->addr = (e & FRAME & ~offmask) | (addr & offmask);
    out->w = write_ok;
    out->x = exec_ok;
    out->dirty = dirty;
    out->level = level;
    out->slot = (int64_t)slot;
    return 1;
}

/* -- nested walks -------------------------------------------------------------------------------- */
static int nested_intel(Ctx *c, uint64_t gpa, int acc, Tr *out) {
    uint64_t gppn = gpa >> 12;
    if (c->ntlb_on) {
        uint64_t key = c->vtag << 48 | gppn;
        uint64_t *r = cache_get(&c->gpa, &key);
        if (r && (acc != ACC_WRITE || r[2]) && (acc != ACC_EXEC || r[3])) {
            out->addr = r[1] | (gpa & 0xFFF);
            out->w = (int)r[2];
            out->x = (int)r[3];
            out->dirty = 1;
            out->level = (int)r[4];
            out->slot = -1;
            return 1;
        }
        int start = 4;
        uint64_t root = c->eroot, a = ~0ULL, o = 0;
        for (int lv = 2; lv <= 4; lv++) {
            uint64_t k = c->vtag << 48 | (gpa >> SHIFT[lv]);
            uint64_t *p = cache_get(&c->ept[lv], &k);
            if (p) {
                start = lv - 1;
                root = p[1];
                a = p[2];
                o = p[3];
                break;
            }
        }
        Fill ef[4];
        int nef = 0;
        if (!walk(c, root, gpa, acc, FMT_EPT, start, a, o, 0, 0, TM_NONE, 0, ef, &nef, NULL, NULL, out))
            return 0;
        uint64_t row[5] = {key, out->addr & ~0xFFFULL, (uint64_t)out->w, (uint64_t)out->x, (uint64_t)out->level};
        cache_put(&c->gpa, row);
        for (int i = 0; i < nef; i++) {
            uint64_t er[4] = {c->vtag << 48 | (gpa >> SHIFT[ef[i].level]), ef[i].table, ef[i].a, ef[i].o};
            cache_put(&c->ept[ef[i].level], er);
        }
        return 1;
    }
    return walk(c, c->eroot, gpa, acc, FMT_EPT, 4, ~0ULL, 0, 0, 0, TM_NONE, 0, NULL, NULL, NULL, NULL, out);
}

static int nested_amd(Ctx *c, uint64_t gpa, int acc, Tr *out) {
    uint64_t gppn = gpa >> 12;
    uint64_t key = c->vtag << 48 | gppn;
    if (c->ntlb_on) {
        uint64_t *r = cache_get(&c->ntlb, &key);
        if (r && (acc != ACC_WRITE || r[2]) && (acc != ACC_EXEC || r[3])) {
            out->addr = r[1] | (gpa & 0xFFF);
            out->w = (int)r[2];
            out->x = (int)r[3];
            out->dirty = 1;
            out->level = (int)r[4];
            out->slot = -1;
            return 1;
        }
    }
    SlotE sl[4];
    int ns = 0;
    if (!walk(c, c->eroot, gpa, acc, FMT_EPT, 4, ~0ULL, 0, 0, 0, TM_NONE, c->pwc_on, NULL, NULL,
              c->pwc_on ? sl : NULL, &ns, out))
        return 0;
    if (c->ntlb_on) {
        uint64_t row[5] = {key, out->addr & ~0xFFFULL, (uint64_t)out->w, (uint64_t)out->x, (uint64_t)out->level};
        cache_put(&c->ntlb, row);
    }
    for (int i = 0; i < ns; i++) {
        uint64_t pr[3] = {c->tag, sl[i].slot, sl[i].e};
        cache_put(&c->pwc, pr);
    }
    return 1;
}

static int table_ma(Ctx *c, uint64_t gpa, int level, uint64_t *ma) {
    (void)level;
    if (c->mode == MODE_NATIVE) {
        uint64_t gppn = gpa >> 12;
        if (gppn >= (uint64_t)c->pages) {
            c->bad = 1;
            return 0;
        }
        int64_t mpn = c->pmap_mpn[gppn];
        if (mpn < 0)
            return 0; /* the reference path backs it */
        *ma = ((uint64_t)mpn << 12) | (gpa & 0xFFF);
        return 1;
    }
    Tr r;
    if (c->amd) {
        if (!nested_amd(c, gpa, ACC_READ, &r))
            return 0;
    } else {
        if (!nested_intel(c, gpa, ACC_READ, &r))
            return 0;
        if (c->nmaof < 8) {
            c->maof_gpa[c->nmaof] = gpa & ~0xFFFULL;
            c->maof_ma[c->nmaof] = r.addr & ~0xFFFULL;
            c->nmaof++;
        }
    }
    *ma = r.addr;
    return 1;
}

static int is_large_block(Ctx *c, uint64_t block) {
    int64_t lo = 0, hi = c->nlarge - 1;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        uint64_t v = (uint64_t)c->large_blocks[mid];
        if (v == block)
            return 1;
        if (v < block)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* Mmu._walk2d_intel: returns 1 with *out (level 2 only when 2 MiB in both dimensions), *gppn */
static int walk2d_intel(Ctx *c, uint64_t gva, int access, Tr *out, uint64_t *gppn) {
    int start = 4, has_root_ma = 0;
    uint64_t root = c->cr3, root_ma = 0, a = ~0ULL, o = 0;
    Fill fills[4];
    int nf = 0;
    c->nmaof = 0;
    if (c->pwc_on) {
        for (int lv = 2; lv <= 4; lv++) {
            uint64_t k = c->tag | (gva >> SHIFT[lv]);
            uint64_t *r = cache_get(&c->lin[lv], &k);
            if (r) {
                root_ma = r[1];
                a = r[2];
                o = r[3];
                root = r[4];
                start = lv - 1;
                has_root_ma = 1;
                break;
            }
        }
    }
    Tr g, n;
    if (!walk(c, root, gva, access, FMT_X86, start, a, o, has_root_ma, root_ma, TM_NESTED, 0,
              c->pwc_on ? fills : NULL, &nf, NULL, NULL, &g))
        return 0;
    if (!nested_intel(c, g.addr, access, &n))
        return 0;
    if (nf) {
        /* tgpa: start -> root, (lv - 1) -> next table of each fill */
        uint64_t tgpa[6];
        int has[6] = {0, 0, 0, 0, 0, 0};
        tgpa[start] = root;
        has[start] = 1;
        for (int i = 0; i < nf; i++) {
            tgpa[fills[i].level - 1] = fills[i].table;
            has[fills[i].level - 1] = 1;
        }
        int depth[6];
        for (int lv = 0; lv < 6; lv++)
            depth[lv] = !has[lv] ? 4 : (c->nlarge && is_large_block(c, tgpa[lv] >> 21)) ? 3 : 4;
        for (int i = 0; i < nf; i++) {
            int lv = fills[i].level;
            uint64_t tb = fills[i].table, ma = tb;
            for (int j = 0; j < c->nmaof; j++)
                if (c->maof_gpa[j] == (tb & ~0xFFFULL)) {
                    ma = c->maof_ma[j];
                    break;
                }
            uint64_t saved = 0;
            for (int k = lv; k < 5; k++)
                saved += 1 + depth[k];
            saved += depth[lv - 1];
            uint64_t row[6] = {c->tag | (gva >> SHIFT[lv]), ma, fills[i].a, fills[i].o, tb, saved};
            cache_put(&c->lin[lv], row);
        }
    }
    out->addr = n.addr;
    out->w = g.w && n.w;
    out->x = g.x && n.x;
    out->dirty = g.dirty;
    out->level = (g.level == 2 && n.level == 2) ? 2 : 1;
    out->slot = n.slot;
    *gppn = g.addr >> 12;
    return 1;
}

static int walk2d_amd(Ctx *c, uint64_t gva, int access, Tr *out, uint64_t *gppn) {
    SlotE gs[4];
    int ngs = 0;
    Tr g, n;
    if (!walk(c, c->cr3, gva, access, FMT_X86, 4, ~0ULL, 0, 0, 0, TM_NESTED, c->pwc_on, NULL, NULL,
              c->pwc_on ? gs : NULL, &ngs, &g))
        return 0;
    if (!nested_amd(c, g.addr, access, &n))
        return 0;
    for (int i = 0; i < ngs; i++) {
        uint64_t pr[3] = {c->tag, gs[i].slot, gs[i].e};
        cache_put(&c->pwc, pr);
    }
    out->addr = n.addr;
    out->w = g.w && n.w;
    out->x = g.x && n.x;
    out->dirty = g.dirty;
    out->level = (g.level == 2 && n.level == 2) ? 2 : 1;
    out->slot = n.slot;
    *gppn = g.addr >> 12;
    return 1;
}

/* Mmu.walk1d: a native or shadow walk through the caches */
static int walk1d(Ctx *c, uint64_t root, uint64_t gva, int access, int tm, Tr *out) {
    if (!c->pwc_on)
        return walk(c, root, gva, access, FMT_X86, 4, ~0ULL, 0, 0, 0, tm, 0, NULL, NULL, NULL, NULL, out);
    if (c->amd) {
        SlotE sl[4];
        int ns = 0;
        if (!walk(c, root, gva, access, FMT_X86, 4, ~0ULL, 0, 0, 0, tm, 1, NULL, NULL, sl, &ns, out))
            return 0;
        for (int i = 0; i < ns; i++) {
            uint64_t pr[3] = {c->tag, sl[i].slot, sl[i].e};
            cache_put(&c->pwc, pr);
        }
        return 1;
    }
    int start = 4;
    uint64_t a = ~0ULL, o = 0;
    for (int lv = 2; lv <= 4; lv++) {
        uint64_t k = c->tag | (gva >> SHIFT[lv]);
        uint64_t *r = cache_get(&c->lin[lv], &k);
        if (r) {
            root = r[1];
            a = r[2];
            o = r[3];
            start = lv - 1;
            break;
        }
    }
    Fill fills[4];
    int nf = 0;
    if (!walk(c, root, gva, access, FMT_X86, start, a, o, 0, 0, tm, 0, fills, &nf, NULL, NULL, out))
        return 0;
    for (int i = 0; i < nf; i++) {
        uint64_t row[6] = {c->tag | (gva >> SHIFT[fills[i].level]), fills[i].table, fills[i].a, fills[i].o,
                           fills[i].table, 0};
        cache_put(&c->lin[fills[i].level], row);
    }
    return 1;
}

/* -- TLB (Tlb.insert, insert_2m, lookup_2m) ------------------------------------------------------ */
static void t4_remove(Ctx *c, int64_t set, int64_t i) {
    int64_t base = set * c->ways;
    int32_t n = c->t4cnt[set];
    for (int64_t j = i; j < n - 1; j++) {
        c->t4key[base + j] = c->t4key[base + j + 1];
        c->t4mpn[base + j] = c->t4mpn[base + j + 1];
        c->t4gppn[base + j] = c->t4gppn[base + j + 1];
        c->t4fl[base + j] = c->t4fl[base + j + 1];
        c->t4src[base + j] = c->t4src[base + j + 1];
    }
    c->t4cnt[set] = n - 1;
}

static inline int64_t t4_find(Ctx *c, int64_t set, uint64_t key) {
    int64_t base = set * c->ways;
    int32_t n = c->t4cnt[set];
    for (int64_t j = 0; j < n; j++)
        if (c->t4key[base + j] == key)
            return j;
    return -1;
}

static void t4_insert(Ctx *c, uint64_t key, int64_t mpn, int64_t gppn, uint8_t fl) {
    int64_t set = (int64_t)((key & GVPN_MASK) % (uint64_t)c->nsets);
    int64_t i = t4_find(c, set, key);
    if (i >= 0)
        t4_remove(c, set, i);
    else if (c->t4cnt[set] >= c->ways)
        t4_remove(c, set, 0);
    int64_t at = set * c->ways + c->t4cnt[set];
    c->t4key[at] = key;
    c->t4mpn[at] = mpn;
    c->t4gppn[at] = gppn;
    c->t4fl[at] = fl;
    c->t4src[at] = -1;
    c->t4cnt[set] += 1;
}

static void t2_remove(Ctx *c, int64_t set, int64_t i) {
    int64_t base = set * c->ways2;
    int32_t n = c->t2cnt[set];
    for (int64_t j = i; j < n - 1; j++) {
        c->t2key[base + j] = c->t2key[base + j + 1];
        c->t2mpn[base + j] = c->t2mpn[base + j + 1];
        c->t2gppn[base + j] = c->t2gppn[base + j + 1];
        c->t2fl[base + j] = c->t2fl[base + j + 1];
        c->t2src[base + j] = c->t2src[base + j + 1];
        c->t2kind[base + j] = c->t2kind[base + j + 1];
        memcpy(c->t2mpns + (base + j) * 512, c->t2mpns + (base + j + 1) * 512, 512 * 8);
    }
    c->t2cnt[set] = n - 1;
}

/* the newest place of the set: move entry i there */
static int64_t t2_touch(Ctx *c, int64_t set, int64_t i) {
    int64_t base = set * c->ways2;
    int32_t n = c->t2cnt[set];
    if (i == n - 1)
        return base + i;
    uint64_t key = c->t2key[base + i];
    int64_t mpn = c->t2mpn[base + i], gppn = c->t2gppn[base + i], src = c->t2src[base + i];
    uint8_t fl = c->t2fl[base + i], kind = c->t2kind[base + i];
    int64_t tmp[512];
    memcpy(tmp, c->t2mpns + (base + i) * 512, 512 * 8);
    t2_remove(c, set, i);
    int64_t at = base + n - 1;
    c->t2key[at] = key;
    c->t2mpn[at] = mpn;
    c->t2gppn[at] = gppn;
    c->t2fl[at] = fl;
    c->t2src[at] = src;
    c->t2kind[at] = kind;
    memcpy(c->t2mpns + at * 512, tmp, 512 * 8);
    c->t2cnt[set] = n;
    return at;
}

static void t2_insert(Ctx *c, uint64_t key, int64_t mpn0, int64_t base_gppn, uint8_t fl, int kind,
                      const int64_t *mpns) {
    uint64_t k2 = key & ~LARGE_MASK;
    int64_t set4 = (int64_t)((key & GVPN_MASK) % (uint64_t)c->nsets);
    int64_t i4 = t4_find(c, set4, key);
    if (i4 >= 0)
        t4_remove(c, set4, i4);
    int64_t set = (int64_t)(((key & GVPN_MASK) >> 9) % (uint64_t)c->nsets2);
    int64_t base = set * c->ways2, i = -1;
    for (int64_t j = 0; j < c->t2cnt[set]; j++)
        if (c->t2key[base + j] == k2) {
            i = j;
            break;
        }
    if (i >= 0)
        t2_remove(c, set, i);
    else if (c->t2cnt[set] >= c->ways2)
        t2_remove(c, set, 0);
    int64_t at = base + c->t2cnt[set];
    c->t2key[at] = k2;
    c->t2mpn[at] = mpn0;
    c->t2gppn[at] = base_gppn;
    c->t2fl[at] = fl;
    c->t2src[at] = -1;
    c->t2kind[at] = (uint8_t)kind;
    if (kind == 1)
        memcpy(c->t2mpns + at * 512, mpns, 512 * 8);
    else
        for (int j = 0; j < 512; j++)
            c->t2mpns[at * 512 + j] = mpn0 + j;
    c->t2cnt[set] += 1;
    c->large_used = 1;
}

/* -- one miss: the reference path's translate() when it ends quietly --------------------------- */
/* 1: filled the TLB, *mpn is the data's machine page; 0: leave the access to the reference path */
static int quiet_miss(Ctx *c, uint64_t gva, int access, uint64_t key, int64_t *mpn_out) {
    Tr t;
    uint64_t gppn;
    int64_t off = (int64_t)((gva >> 12) & 0x1FF);
    if (c->mode == MODE_NESTED) {
        if (!(c->amd ? walk2d_amd(c, gva, access, &t, &gppn) : walk2d_intel(c, gva, access, &t, &gppn)))
            return 0;
        int64_t mpn = (int64_t)(t.addr >> 12);
        uint8_t fl = (uint8_t)(t.w | t.dirty << 1 | t.x << 2);
        if (t.level == 2)
            t2_insert(c, key, mpn - off, (int64_t)gppn - off, fl, 0, NULL);
        else
            t4_insert(c, key, mpn, (int64_t)gppn, fl);
        *mpn_out = mpn;
        return 1;
    }
    if (c->mode == MODE_SHADOW) {
        if (!walk1d(c, c->sroot, gva, access, TM_NONE, &t) || t.level != 1)
            return 0;
        int64_t rel = t.slot - c->leaf_base;
        if (rel < 0 || rel >= c->leaf_len || c->leaf[rel] == 0)
            return 0;
        int64_t mpn = (int64_t)(t.addr >> 12);
        t4_insert(c, key, mpn, (int64_t)c->leaf[rel] - 1, (uint8_t)(t.w | t.dirty << 1 | t.x << 2));
        *mpn_out = mpn;
        return 1;
    }
    /* native: the guest's walk, tables through the pmap; the data page must need no VMM work */
    if (!walk1d(c, c->cr3, gva, access, TM_NATIVE, &t))
        return 0;
    gppn = t.addr >> 12;
    if (gppn >= (uint64_t)c->pages)
        return 0;
    uint8_t st = c->pmap_state[gppn];
    if (!(st == ST_PRIVATE || (st == ST_SHARED && access != ACC_WRITE)))
        return 0;
    int64_t mpn = c->pmap_mpn[gppn];
    if (mpn < 0)
        return 0;
    uint8_t fl = (uint8_t)(t.w | t.dirty << 1 | t.x << 2);
    if (t.level == 2) {
        int64_t base = (int64_t)gppn - off;
        if (base < 0 || base + 512 > c->pages)
            return 0;
        int whole = 1;
        for (int j = 0; j < 512; j++)
            if (c->pmap_mpn[base + j] < 0) {
                whole = 0;
                break;
            }
        if (whole)
            t2_insert(c, key, c->pmap_mpn[base], base, fl, 1, c->pmap_mpn + base);
        else
            t4_insert(c, key, mpn, (int64_t)gppn, fl);
    } else {
        t4_insert(c, key, mpn, (int64_t)gppn, fl);
    }
    *mpn_out = mpn;
    return 1;
}

/* -- Python glue ------------------------------------------------------------------------------------ */
enum {
    B_Q, B_OPS, B_VM, B_PROC, B_GVA, B_VAL,
    B_T4KEY, B_T4MPN, B_T4GPPN, B_T4FL, B_T4SRC, B_T4CNT,
    B_T2KEY, B_T2MPN, B_T2GPPN, B_T2FL, B_T2SRC, B_T2CNT, B_T2MPNS, B_T2KIND,
    B_LIN4, B_LIN3, B_LIN2, B_GPA, B_EPT4, B_EPT3, B_EPT2, B_PWC, B_NTLB, B_CCNT,
    B_PMAP_MPN, B_PMAP_STATE, B_LEAF, B_LARGE,
    B_COUNT
};

enum {
    P_START, P_STOP, P_VM, P_PROC, P_PERIOD, P_MODE, P_TAG, P_CR3, P_SROOT, P_EROOT, P_VTAG, P_PWC, P_NTLB, P_AMD,
    P_NSETS, P_WAYS, P_NSETS2, P_WAYS2, P_LARGE_USED, P_LEAF_BASE, P_PERIOD_BASE,
    P_END = 24, P_HITS, P_MISSES, P_REFS, P_CHANGED, P_WHY,
    P_COUNT = 32
};

static int setup_cache(Cache *c, Py_buffer *b, int width, int keyw, int32_t *cnt, UndoLog *log) {
    c->rows = (uint64_t *)b->buf;
    c->width = width;
    c->keyw = keyw;
    c->cap = (int)(b->len / 8 / width);
    c->cnt = cnt;
    c->log = log;
    c->dirty = 0;
    if (c->cap > MAXCAP || *cnt < 0 || *cnt > c->cap) {
        PyErr_SetString(PyExc_ValueError, "kernel: an MMU cache larger than the kernel allows (MAXCAP)");
        return -1;
    }
    for (int i = 0; i < *cnt; i++)
        c->stamp[i] = i - MAXCAP; /* oldest first, all before this run's uses */
    return 0;
}

static PyObject *k_run(PyObject *self, PyObject *args) {
    PyObject *bufs, *pobj;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O", &PyTuple_Type, &bufs, &pobj))
        return NULL;
    if (PyTuple_GET_SIZE(bufs) != B_COUNT) {
        PyErr_SetString(PyExc_ValueError, "kernel: wrong number of arrays");
        return NULL;
    }
    Py_buffer b[B_COUNT], pb;
    int got = 0;
    UndoLog *undo = NULL;
    memset(b, 0, sizeof(b));
    if (PyObject_GetBuffer(pobj, &pb, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    if (pb.len < P_COUNT * 8) {
        PyBuffer_Release(&pb);
        PyErr_SetString(PyExc_ValueError, "kernel: parameter array too short");
        return NULL;
    }
    for (; got < B_COUNT; got++) {
        int flags = PyBUF_C_CONTIGUOUS;
        if (!(got >= B_OPS && got <= B_VAL) && got != B_PMAP_MPN && got != B_PMAP_STATE && got != B_LEAF &&
            got != B_LARGE)
            flags |= PyBUF_WRITABLE;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(bufs, got), &b[got], flags) < 0)
            goto fail;
    }
    int64_t *p = (int64_t *)pb.buf;
    Ctx c;
    memset(&c, 0, sizeof(c));
    c.q = (uint64_t *)b[B_Q].buf;
    c.qlen = b[B_Q].len / 8;
    c.t4key = b[B_T4KEY].buf;
    c.t4mpn = b[B_T4MPN].buf;
    c.t4gppn = b[B_T4GPPN].buf;
    c.t4fl = b[B_T4FL].buf;
    c.t4src = b[B_T4SRC].buf;
    c.t4cnt = b[B_T4CNT].buf;
    c.nsets = p[P_NSETS];
    c.ways = p[P_WAYS];
    c.t2key = b[B_T2KEY].buf;
    c.t2mpn = b[B_T2MPN].buf;
    c.t2gppn = b[B_T2GPPN].buf;
    c.t2fl = b[B_T2FL].buf;
    c.t2src = b[B_T2SRC].buf;
    c.t2cnt = b[B_T2CNT].buf;
    c.t2mpns = b[B_T2MPNS].buf;
    c.t2kind = b[B_T2KIND].buf;
    c.nsets2 = p[P_NSETS2];
    c.ways2 = p[P_WAYS2];
    c.large_used = (int)p[P_LARGE_USED];
    int32_t *ccnt = b[B_CCNT].buf;
    undo = PyMem_RawMalloc(sizeof(UndoLog)); /* per run: runs on other threads have their own */
    if (!undo) {
        PyErr_NoMemory();
        goto fail;
    }
    undo->n = undo->on = undo->overflow = 0;
    undo->clock = 0;
    Cache *all[9] = {&c.lin[4], &c.lin[3], &c.lin[2], &c.gpa, &c.ept[4], &c.ept[3], &c.ept[2], &c.pwc, &c.ntlb};
    static const int widths[9] = {6, 6, 6, 5, 4, 4, 4, 3, 5}, keyws[9] = {1, 1, 1, 1, 1, 1, 1, 2, 1};
    static const int bufs_of[9] = {B_LIN4, B_LIN3, B_LIN2, B_GPA, B_EPT4, B_EPT3, B_EPT2, B_PWC, B_NTLB};
    for (int k = 0; k < 9; k++)
        if (setup_cache(all[k], &b[bufs_of[k]], widths[k], keyws[k], ccnt + k, undo) < 0)
            goto fail;
    c.pwc_on = (int)p[P_PWC];
    c.ntlb_on = (int)p[P_NTLB];
    c.amd = (int)p[P_AMD];
    c.mode = (int)p[P_MODE];
    c.tag = (uint64_t)p[P_TAG];
    c.cr3 = (uint64_t)p[P_CR3];
    c.sroot = (uint64_t)p[P_SROOT];
    c.eroot = (uint64_t)p[P_EROOT];
    c.vtag = (uint64_t)p[P_VTAG];
    c.pmap_mpn = b[B_PMAP_MPN].buf;
    c.pmap_state = b[B_PMAP_STATE].buf;
    c.pages = b[B_PMAP_MPN].len / 8;
    if (b[B_PMAP_STATE].len < c.pages)
        c.pages = b[B_PMAP_STATE].len;
    c.leaf = b[B_LEAF].buf;
    c.leaf_base = p[P_LEAF_BASE];
    c.leaf_len = b[B_LEAF].len / 4;
    c.large_blocks = b[B_LARGE].buf;
    c.nlarge = b[B_LARGE].len / 8;

    int caches_on = c.pwc_on || c.ntlb_on;

    const int8_t *ops = b[B_OPS].buf;
    const uint16_t *vmi = b[B_VM].buf;
    const int32_t *proci = b[B_PROC].buf;
    const uint64_t *gvas = b[B_GVA].buf;
    const uint64_t *vals = b[B_VAL].buf;
    int64_t n = b[B_OPS].len;
    int64_t start = p[P_START], stop = p[P_STOP];
    if (stop > n || b[B_VM].len / 2 < stop || b[B_PROC].len / 4 < stop || b[B_GVA].len / 8 < stop ||
        b[B_VAL].len / 8 < stop) {
        PyErr_SetString(PyExc_ValueError, "kernel: trace columns shorter than the range");
        goto fail;
    }
    int64_t cur_vm = p[P_VM], cur_proc = p[P_PROC], period = p[P_PERIOD], pbase = p[P_PERIOD_BASE];
    int64_t hits = 0, misses = 0, refs = 0, changed = 0, why = 0;
    int64_t i;
    Py_BEGIN_ALLOW_THREADS
    for (i = start; i < stop; i++) {
        int op = ops[i];
        if (op < 0 || op > ACC_EXEC) {
            why = 1;
            break;
        }
        if (vmi[i] != cur_vm || proci[i] != cur_proc) {
            why = 2;
            break;
        }
        if (period > 0 && (pbase + i + 1) % period == 0) {
            why = 3;
            break;
        }
        uint64_t gva = gvas[i];
        uint64_t gvpn = gva >> 12;
        uint64_t key = gvpn | c.tag;
        int64_t set = (int64_t)(gvpn % (uint64_t)c.nsets);
        int64_t j = t4_find(&c, set, key);
        int64_t mpn = -1;
        if (j >= 0) {
            int64_t at = set * c.ways + j;
            uint8_t fl = c.t4fl[at];
            if (op == ACC_READ || (op == ACC_WRITE && (fl & 3) == 3) || (op == ACC_EXEC && (fl & 4))) {
                int32_t cnt = c.t4cnt[set];
                if (j != cnt - 1) {
                    int64_t base = set * c.ways;
                    uint64_t k = c.t4key[at];
                    int64_t m = c.t4mpn[at], g = c.t4gppn[at], s = c.t4src[at];
                    for (int64_t x = j; x < cnt - 1; x++) {
                        c.t4key[base + x] = c.t4key[base + x + 1];
                        c.t4mpn[base + x] = c.t4mpn[base + x + 1];
                        c.t4gppn[base + x] = c.t4gppn[base + x + 1];
                        c.t4fl[base + x] = c.t4fl[base + x + 1];
                        c.t4src[base + x] = c.t4src[base + x + 1];
                    }
                    at = base + cnt - 1;
                    c.t4key[at] = k;
                    c.t4mpn[at] = m;
                    c.t4gppn[at] = g;
                    c.t4fl[at] = fl;
                    c.t4src[at] = s;
                    changed |= 1;
                }
                mpn = c.t4mpn[at];
            }
        } else if (c.large_used) {
            uint64_t k2 = key & ~LARGE_MASK;
            int64_t s2 = (int64_t)(((key & GVPN_MASK) >> 9) % (uint64_t)c.nsets2);
            int64_t base = s2 * c.ways2;
            for (int64_t x = 0; x < c.t2cnt[s2]; x++)
                if (c.t2key[base + x] == k2) {
                    if (x != c.t2cnt[s2] - 1)
                        changed |= 1;
                    int64_t at = t2_touch(&c, s2, x);
                    uint8_t fl = c.t2fl[at];
                    if (op == ACC_READ || (op == ACC_WRITE && (fl & 3) == 3) || (op == ACC_EXEC && (fl & 4)))
                        mpn = c.t2mpns[at * 512 + (int64_t)(key & LARGE_MASK)];
                    break;
                }
        }
        if (mpn >= 0) {
            hits++;
        } else {
            c.refs = 0;
            c.bad = 0;
            undo->n = 0;
            undo->on = caches_on;
            if (!quiet_miss(&c, gva, op, key, &mpn)) {
                undo_all(undo);
                undo->on = 0;
                why = c.bad ? 5 : 4;
                changed |= 4; /* a walk may have set A bits */
                break;
            }
            undo->on = 0;
            changed |= 1 | (caches_on ? 2 : 0);
            misses++;
            refs += c.refs;
        }
        uint64_t slot = ((uint64_t)mpn << 9) + ((gva & 0xFFF) >> 3);
        if (slot >= (uint64_t)c.qlen) {
            why = 5;
            break; /* never expected: the reference path raises what the step path raises */
        }
        if (op == ACC_WRITE)
            c.q[slot] = vals[i];
        changed |= 4;
    }
    Py_END_ALLOW_THREADS
    for (int k = 0; k < 9; k++)
        if (all[k]->dirty)
            cache_order(all[k]);
    if (undo->overflow) {
        PyErr_SetString(PyExc_RuntimeError, "kernel: undo log overflow (a walk changed more cache rows than MAXUNDO)");
        goto fail;
    }
    p[P_END] = i;
    p[P_HITS] = hits;
    p[P_MISSES] = misses;
    p[P_REFS] = refs;
    p[P_CHANGED] = changed;
    p[P_WHY] = why;
    p[P_LARGE_USED] = c.large_used;
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    PyBuffer_Release(&pb);
    PyMem_RawFree(undo);
    Py_RETURN_NONE;
fail:
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    PyBuffer_Release(&pb);
    PyMem_RawFree(undo);
    return NULL;
}

/* walk(q, root, address, access, fmt) -> (address, writable, executable, dirty, level, slot) or None:
 * the kernel's walker on its own (no caches, no translation of table addresses), for tests that
 * hold it against paging.walk on random tables. */
static PyObject *k_walk(PyObject *self, PyObject *args) {
    PyObject *qobj;
    unsigned long long root, addr;
    int access, fmt;
    (void)self;
    if (!PyArg_ParseTuple(args, "OKKii", &qobj, &root, &addr, &access, &fmt))
        return NULL;
    Py_buffer qb;
    if (PyObject_GetBuffer(qobj, &qb, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    Ctx c;
    memset(&c, 0, sizeof(c));
    c.q = qb.buf;
    c.qlen = qb.len / 8;
    Tr t;
    int ok = walk(&c, root, addr, access, fmt, 4, ~0ULL, 0, 0, 0, TM_NONE, 0, NULL, NULL, NULL, NULL, &t);
    PyBuffer_Release(&qb);
    if (!ok)
        Py_RETURN_NONE;
    return Py_BuildValue("(KOOOiLL)", (unsigned long long)t.addr, t.w ? Py_True : Py_False,
                         t.x ? Py_True : Py_False, t.dirty ? Py_True : Py_False, t.level, (long long)t.slot,
                         (long long)c.refs);
}

/* -- copying the engine's TLB and caches to the arrays and back (kernel.py: load, store) ----------- */
static int get_buf(PyObject *o, Py_buffer *b, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(o, b, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (itemsize && b->len % itemsize) {
        PyBuffer_Release(b);
        PyErr_Format(PyExc_ValueError, "kernel: %s has the wrong item size", what);
        return -1;
    }
    return 0;
}

static int as_u64(PyObject *o, uint64_t *out) {
    unsigned long long v = PyLong_AsUnsignedLongLong(o);
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

/* load_tlb4(sets, ways, key, mpn, gppn, fl, src, cnt) -> list of the entries (src indexes it) */
static PyObject *k_load_tlb4(PyObject *self, PyObject *args) {
    PyObject *sets, *arr[6];
    Py_ssize_t ways;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!nOOOOOO", &PyList_Type, &sets, &ways, &arr[0], &arr[1], &arr[2], &arr[3],
                          &arr[4], &arr[5]))
        return NULL;
    Py_buffer b[6];
    int got = 0;
    PyObject *objs = PyList_New(0);
    if (!objs)
        return NULL;
    for (; got < 6; got++)
        if (get_buf(arr[got], &b[got], 0, "a TLB array") < 0)
            goto fail;
    uint64_t *key = b[0].buf;
    int64_t *mpn = b[1].buf, *gppn = b[2].buf, *src = b[4].buf;
    uint8_t *fl = b[3].buf;
    int32_t *cnt = b[5].buf;
    Py_ssize_t nsets = PyList_GET_SIZE(sets);
    if (b[5].len / 4 < nsets || b[0].len / 8 < nsets * ways || b[1].len / 8 < nsets * ways ||
        b[2].len / 8 < nsets * ways || b[3].len < nsets * ways || b[4].len / 8 < nsets * ways) {
        PyErr_SetString(PyExc_ValueError, "kernel: TLB arrays too small");
        goto fail;
    }
    for (Py_ssize_t si = 0; si < nsets; si++) {
        PyObject *d = PyList_GET_ITEM(sets, si);
        if (!PyDict_Check(d) || PyDict_GET_SIZE(d) > ways) {
            PyErr_SetString(PyExc_ValueError, "kernel: a TLB set is not a dict of at most `ways` entries");
            goto fail;
        }
        Py_ssize_t pos = 0, j = 0;
        PyObject *k, *v;
        while (PyDict_Next(d, &pos, &k, &v)) {
            Py_ssize_t at = si * ways + j;
            if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) < 6) {
                PyErr_SetString(PyExc_ValueError, "kernel: a TLB entry is not a TlbEntry");
                goto fail;
            }
            uint64_t kv, m;
            if (as_u64(k, &kv) < 0 || as_u64(PyTuple_GET_ITEM(v, 0), &m) < 0)
                goto fail;
            key[at] = kv;
            mpn[at] = (int64_t)m;
            PyObject *g = PyTuple_GET_ITEM(v, 4);
            if (g == Py_None) {
                gppn[at] = -1;
            } else {
                uint64_t gv;
                if (as_u64(g, &gv) < 0)
                    goto fail;
                gppn[at] = (int64_t)gv;
            }
            int f = 0;
            for (int bit = 0; bit < 4; bit++) {
                int t = PyObject_IsTrue(PyTuple_GET_ITEM(v, bit == 3 ? 5 : bit + 1));
                if (t < 0)
                    goto fail;
                f |= t << bit;
            }
            fl[at] = (uint8_t)f;
            src[at] = PyList_GET_SIZE(objs);
            if (PyList_Append(objs, v) < 0)
                goto fail;
            j++;
        }
        cnt[si] = (int32_t)j;
    }
    for (int i = 0; i < got; i++)
        PyBuffer_Release(&b[i]);
    return objs;
fail:
    for (int i = 0; i < got; i++)
        PyBuffer_Release(&b[i]);
    Py_DECREF(objs);
    return NULL;
}

/* a TlbEntry (a tuple subclass) from its fields, as tuple.__new__(cls, fields) makes it */
static PyObject *make_entry(PyTypeObject *cls, int64_t mpn, uint8_t f, int64_t gppn, int large) {
    PyObject *t = cls->tp_alloc(cls, 6);
    if (!t)
        return NULL;
    PyObject *m = PyLong_FromLongLong(mpn);
    PyObject *g = gppn < 0 ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(gppn);
    if (!m || !g) {
        Py_XDECREF(m);
        Py_XDECREF(g);
        Py_DECREF(t);
        return NULL;
    }
    PyObject *w = (f & 1) ? Py_True : Py_False, *d = (f & 2) ? Py_True : Py_False, *x = (f & 4) ? Py_True : Py_False;
    PyObject *l = large ? Py_True : Py_False;
    Py_INCREF(w);
    Py_INCREF(d);
    Py_INCREF(x);
    Py_INCREF(l);
    PyTuple_SET_ITEM(t, 0, m);
    PyTuple_SET_ITEM(t, 1, w);
    PyTuple_SET_ITEM(t, 2, d);
    PyTuple_SET_ITEM(t, 3, x);
    PyTuple_SET_ITEM(t, 4, g);
    PyTuple_SET_ITEM(t, 5, l);
    return t;
}

/* store_tlb4(sets, ways, key, mpn, gppn, fl, src, cnt, objs, TlbEntry) */
static PyObject *k_store_tlb4(PyObject *self, PyObject *args) {
    PyObject *sets, *arr[6], *objs, *cls;
    Py_ssize_t ways;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!nOOOOOOO!O!", &PyList_Type, &sets, &ways, &arr[0], &arr[1], &arr[2], &arr[3],
                          &arr[4], &arr[5], &PyList_Type, &objs, &PyType_Type, &cls))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)cls, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "kernel: TlbEntry must be a tuple type");
        return NULL;
    }
    Py_buffer b[6];
    int got = 0;
    for (; got < 6; got++)
        if (get_buf(arr[got], &b[got], 0, "a TLB array") < 0)
            goto fail;
    uint64_t *key = b[0].buf;
    int64_t *mpn = b[1].buf, *gppn = b[2].buf, *src = b[4].buf;
    uint8_t *fl = b[3].buf;
    int32_t *cnt = b[5].buf;
    Py_ssize_t nsets = PyList_GET_SIZE(sets);
    for (Py_ssize_t si = 0; si < nsets; si++) {
        PyObject *d = PyList_GET_ITEM(sets, si);
        if (!PyDict_Check(d)) {
            PyErr_SetString(PyExc_ValueError, "kernel: a TLB set is not a dict");
            goto fail;
        }
        PyDict_Clear(d);
        for (Py_ssize_t j = 0; j < cnt[si]; j++) {
            Py_ssize_t at = si * ways + j;
            PyObject *v;
            if (src[at] >= 0) {
                if (src[at] >= PyList_GET_SIZE(objs)) {
                    PyErr_SetString(PyExc_ValueError, "kernel: a TLB entry's source is out of range");
                    goto fail;
                }
                v = PyList_GET_ITEM(objs, src[at]);
                Py_INCREF(v);
            } else {
                v = make_entry((PyTypeObject *)cls, mpn[at], fl[at], gppn[at], (fl[at] & 8) != 0);
                if (!v)
                    goto fail;
            }
            PyObject *k = PyLong_FromUnsignedLongLong(key[at]);
            if (!k) {
                Py_DECREF(v);
                goto fail;
            }
            int r = PyDict_SetItem(d, k, v);
            Py_DECREF(k);
            Py_DECREF(v);
            if (r < 0)
                goto fail;
        }
    }
    for (int i = 0; i < got; i++)
        PyBuffer_Release(&b[i]);
    Py_RETURN_NONE;
fail:
    for (int i = 0; i < got; i++)
        PyBuffer_Release(&b[i]);
    return NULL;
}

/* load_cache(d, rows, kind) -> n: kind 0 {int: (ints...)}, 1 {int: (frame, w, x, levels)},
 * 2 {(tag, slot): entry}; rows is a (cap, width) uint64 array, filled oldest first */
static PyObject *k_load_cache(PyObject *self, PyObject *args) {
    PyObject *d, *rows;
    int kind;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!Oi", &PyDict_Type, &d, &rows, &kind))
        return NULL;
    Py_buffer b;
    if (get_buf(rows, &b, 8, "a cache array") < 0)
        return NULL;
    if (b.ndim != 2 || b.shape == NULL) {
        PyBuffer_Release(&b);
        PyErr_SetString(PyExc_ValueError, "kernel: cache rows must be 2-D");
        return NULL;
    }
    Py_ssize_t cap = b.shape[0], width = b.shape[1];
    uint64_t *r = b.buf;
    if (PyDict_GET_SIZE(d) > cap) {
        PyBuffer_Release(&b);
        PyErr_SetString(PyExc_ValueError, "kernel: a cache holds more entries than its size");
        return NULL;
    }
    Py_ssize_t pos = 0, n = 0;
    PyObject *k, *v;
    while (PyDict_Next(d, &pos, &k, &v)) {
        uint64_t *row = r + n * width;
        if (kind == 2) {
            if (!PyTuple_Check(k) || PyTuple_GET_SIZE(k) != 2 || width != 3)
                goto bad;
            if (as_u64(PyTuple_GET_ITEM(k, 0), &row[0]) < 0 || as_u64(PyTuple_GET_ITEM(k, 1), &row[1]) < 0 ||
                as_u64(v, &row[2]) < 0)
                goto fail;
        } else {
            if (as_u64(k, &row[0]) < 0)
                goto fail;
            if (!PyTuple_Check(v))
                goto bad;
            if (kind == 0) {
                if (PyTuple_GET_SIZE(v) != width - 1)
                    goto bad;
                for (Py_ssize_t i = 0; i < width - 1; i++)
                    if (as_u64(PyTuple_GET_ITEM(v, i), &row[i + 1]) < 0)
                        goto fail;
            } else {
                if (PyTuple_GET_SIZE(v) != 4 || width != 5 || !PyTuple_Check(PyTuple_GET_ITEM(v, 3)))
                    goto bad;
                if (as_u64(PyTuple_GET_ITEM(v, 0), &row[1]) < 0)
                    goto fail;
                for (int i = 1; i < 3; i++) {
                    int t = PyObject_IsTrue(PyTuple_GET_ITEM(v, i));
                    if (t < 0)
                        goto fail;
                    row[i + 1] = (uint64_t)t;
                }
                row[4] = (uint64_t)(5 - PyTuple_GET_SIZE(PyTuple_GET_ITEM(v, 3)));
            }
        }
        n++;
    }
    PyBuffer_Release(&b);
    return PyLong_FromSsize_t(n);
bad:
    PyErr_SetString(PyExc_ValueError, "kernel: a cache entry of an unexpected shape");
fail:
    PyBuffer_Release(&b);
    return NULL;
}

/* store_cache(d, rows, n, kind, levels): d as load_cache reads it; levels[l] is the tuple of
 * EPT levels a walk ending at level l reads */
static PyObject *k_store_cache(PyObject *self, PyObject *args) {
    PyObject *d, *rows, *levels;
    Py_ssize_t n;
    int kind;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!OniO!", &PyDict_Type, &d, &rows, &n, &kind, &PyTuple_Type, &levels))
        return NULL;
    Py_buffer b;
    if (get_buf(rows, &b, 8, "a cache array") < 0)
        return NULL;
    if (b.ndim != 2 || b.shape == NULL || n > b.shape[0]) {
        PyBuffer_Release(&b);
        PyErr_SetString(PyExc_ValueError, "kernel: cache rows must be 2-D and hold n rows");
        return NULL;
    }
    Py_ssize_t width = b.shape[1];
    uint64_t *r = b.buf;
    PyDict_Clear(d);
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t *row = r + i * width;
        PyObject *k = NULL, *v = NULL;
        if (kind == 2) {
            k = Py_BuildValue("(KK)", (unsigned long long)row[0], (unsigned long long)row[1]);
            v = PyLong_FromUnsignedLongLong(row[2]);
        } else {
            k = PyLong_FromUnsignedLongLong(row[0]);
            if (kind == 0) {
                v = PyTuple_New(width - 1);
                if (v)
                    for (Py_ssize_t j = 1; j < width; j++) {
                        PyObject *x = PyLong_FromUnsignedLongLong(row[j]);
                        if (!x) {
                            Py_CLEAR(v);
                            break;
                        }
                        PyTuple_SET_ITEM(v, j - 1, x);
                    }
            } else {
                if ((Py_ssize_t)row[4] >= PyTuple_GET_SIZE(levels)) {
                    Py_XDECREF(k);
                    PyBuffer_Release(&b);
                    PyErr_SetString(PyExc_ValueError, "kernel: a cached walk level out of range");
                    return NULL;
                }
                v = Py_BuildValue("(KOOO)", (unsigned long long)row[1], row[2] ? Py_True : Py_False,
                                  row[3] ? Py_True : Py_False, PyTuple_GET_ITEM(levels, (Py_ssize_t)row[4]));
            }
        }
        if (!k || !v || PyDict_SetItem(d, k, v) < 0) {
            Py_XDECREF(k);
            Py_XDECREF(v);
            PyBuffer_Release(&b);
            return NULL;
        }
        Py_DECREF(k);
        Py_DECREF(v);
    }
    PyBuffer_Release(&b);
    Py_RETURN_NONE;
}


/* -- the CSV trace reader's fast path ------------------------------------------------------------
 * csv_scan(block, last, opkeys, opcodes, codes, user_limit, row, code, gva, value, vmw, procw, childw)
 * -> (rows of operations found, lines in the block), rows -1 where anything in the block is unusual (the caller then parses
 * it with numpy, and that falls back to the line-by-line parse, which names the error). One pass over
 * the block; the checks are those of traceio._csv_fast, made stricter where that is simpler (names of
 * at most 8 bytes, ASCII only, no white space at all in a line of operations). ``codes`` holds the
 * op codes of write, switch, exit and fork. Names come back as little-endian words (NUL-padded). */
static int name_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
           c == '-';
}

static int name_word(const unsigned char *s, const unsigned char *e, uint64_t *out) {
    Py_ssize_t n = e - s;
    if (n < 1 || n > 8)
        return -1;
    uint64_t w = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!name_char(s[k]))
            return -1;
        w |= (uint64_t)s[k] << (8 * k);
    }
    *out = w;
    return 0;
}

static int hex_digit(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int number(const unsigned char *s, const unsigned char *e, uint64_t *out) {
    Py_ssize_t n = e - s;
    uint64_t v = 0;
    if (n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n > 18)
            return -1;
        for (const unsigned char *p = s + 2; p < e; p++) {
            int d = hex_digit(*p);
            if (d < 0)
                return -1;
            v = (v << 4) | (uint64_t)d;
        }
    } else {
        if (n < 1 || n > 19)
            return -1;
        for (const unsigned char *p = s; p < e; p++) {
            if (*p < '0' || *p > '9')
                return -1;
            v = v * 10 + (uint64_t)(*p - '0');
        }
    }
    *out = v;
    return 0;
}

static PyObject *k_csv_scan(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *blk, *o[10];
    int last;
    unsigned long long user_limit;
    if (!PyArg_ParseTuple(args, "OpOOOKOOOOOOO", &blk, &last, &o[0], &o[1], &o[2], &user_limit, &o[3], &o[4], &o[5],
                          &o[6], &o[7], &o[8], &o[9]))
        return NULL;
    Py_buffer bb, b[10];
    if (PyObject_GetBuffer(blk, &bb, PyBUF_SIMPLE) < 0)
        return NULL;
    static const Py_ssize_t size[10] = {8, 1, 1, 8, 1, 8, 8, 8, 8, 8};
    int got = 0;
    for (; got < 10; got++)
        if (get_buf(o[got], &b[got], size[got], "a csv_scan array") < 0)
            break;
    Py_ssize_t result = -1;
    if (got < 10)
        goto done;
    const uint64_t *keys = b[0].buf;
    Py_ssize_t nkeys = b[0].len / 8;
    const int8_t *opcode = b[1].buf;
    const int8_t *codes = b[2].buf;
    if (b[1].len != nkeys || b[2].len < 4) {
        PyErr_SetString(PyExc_ValueError, "csv_scan: op tables do not match");
        goto done;
    }
    int8_t c_write = codes[0], c_switch = codes[1], c_exit = codes[2], c_fork = codes[3];
    int64_t *row = b[3].buf;
    int8_t *code = b[4].buf;
    uint64_t *gva = b[5].buf, *value = b[6].buf, *vmw = b[7].buf, *procw = b[8].buf, *childw = b[9].buf;
    Py_ssize_t cap = b[3].len / 8;
    if (b[4].len < cap || b[5].len / 8 < cap || b[6].len / 8 < cap || b[7].len / 8 < cap || b[8].len / 8 < cap ||
        b[9].len / 8 < cap) {
        PyErr_SetString(PyExc_ValueError, "csv_scan: output arrays differ in length");
        goto done;
    }
    const unsigned char *p = bb.buf, *end = p + bb.len;
    if (bb.len && !last && end[-1] != '\n')
        goto done; /* blocks end at a line end */
    Py_ssize_t n = 0, line = 0;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    while (p < end) {
        const unsigned char *s = p, *q = p, *f[6];
        int nf = 1, ws = 0;
        f[0] = s;
        /* one pass over the line: plain characters only, its commas noted */
        for (; q < end; q++) {
            unsigned char c = *q;
            if (c >= 0x20 && c < 0x7f) {
                if (c == ',') {
                    if (nf < 6)
                        f[nf] = q + 1;
                    nf++;
                } else if (c == ' ') {
                    ws = 1;
                }
            } else if (c == '\n') {
                break;
            } else if (c == '\t') {
                ws = 1;
            } else if (c == '\r' && q + 1 < end && q[1] == '\n') {
                break;
            } else {
                bad = 1;
                break;
            }
        }
        if (bad)
            break;
        const unsigned char *e = q; /* before any \r\n */
        if (q < end && *q == '\r')
            q++;
        p = q < end ? q + 1 : end;
        Py_ssize_t here = line++;
        if (e == s || *s == '#')
            continue; /* blank or a comment */
        if (ws || nf < 4 || nf > 5) {
            bad = 1;
            break;
        }
        if (n >= cap) {
            bad = 1;
            break;
        }
        f[nf] = e + 1; /* field k is f[k] .. f[k + 1] - 1 */
        uint64_t w;
        /* op */
        const unsigned char *os = f[2], *oe = f[3] - 1;
        Py_ssize_t ol = oe - os;
        if (ol < 1 || ol > 8) {
            bad = 1;
            break;
        }
        w = 0;
        for (Py_ssize_t k = 0; k < ol; k++)
            w |= (uint64_t)(os[k] | 0x20) << (8 * k);
        Py_ssize_t lo = 0, hi = nkeys;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (keys[mid] < w)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= nkeys || keys[lo] != w) {
            bad = 1;
            break;
        }
        int8_t c = opcode[lo];
        if (name_word(f[0], f[1] - 1, &vmw[n]) < 0 || name_word(f[1], f[2] - 1, &procw[n]) < 0) {
            bad = 1;
            break;
        }
        const unsigned char *as = f[3], *ae = f[4] - 1;
        gva[n] = 0;
        childw[n] = 0;
        if (c == c_switch || c == c_exit) {
            if (ae > as)
                bad = 1;
        } else if (c == c_fork) {
            if (name_word(as, ae, &childw[n]) < 0)
                bad = 1;
        } else if (number(as, ae, &gva[n]) < 0 || gva[n] >= user_limit) {
            bad = 1;
        }
        value[n] = 0;
        if (!bad && nf == 5 && f[5] - 1 > f[4]) {
            if (c != c_write || number(f[4], f[5] - 1, &value[n]) < 0)
                bad = 1;
        }
        if (bad)
            break;
        code[n] = c;
        row[n] = here;
        n++;
    }
    Py_END_ALLOW_THREADS
    result = bad ? -1 : n;
done:
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    PyBuffer_Release(&bb);
    if (PyErr_Occurred())
        return NULL;
    return Py_BuildValue("nn", result, line);
}

static PyMethodDef methods[] = {
    {"run", k_run, METH_VARARGS, "Run the short path over a range of a trace (see kernel.py)."},
    {"walk", k_walk, METH_VARARGS, "The kernel's walker alone, for tests."},
    {"load_tlb4", k_load_tlb4, METH_VARARGS, "The 4 KiB TLB sets into arrays."},
    {"store_tlb4", k_store_tlb4, METH_VARARGS, "Arrays into the 4 KiB TLB sets."},
    {"load_cache", k_load_cache, METH_VARARGS, "An MMU cache (a dict in LRU order) into rows."},
    {"store_cache", k_store_cache, METH_VARARGS, "Rows into an MMU cache."},
    {"csv_scan", k_csv_scan, METH_VARARGS, "A block of a CSV trace, its plain lines at once (see traceio.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", "The bulk path's compiled kernel.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__kernel(void) {
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "ABI", 2) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
