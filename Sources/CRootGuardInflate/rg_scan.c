// One pass over inflated CloudTrail JSON: does it hold anything that may be root activity, and how
// many records does it hold? See Prefilter in RootGuardTrail for why these byte patterns suffice.
//
// The search follows W. Mula's "SIMD-friendly algorithms for substring searching": compare two
// well-chosen bytes of each pattern at their offsets 32 positions at a time, and confirm the rare
// positions where both match with memcmp. AVX2 when the CPU has it, a scalar loop otherwise.
#include "rg_inflate.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
    const char *text;
    size_t len;
    size_t a, b;  // offsets of the two bytes compared first
} pattern;

// Order matters only for speed: the record-count key is the most frequent.
static const pattern patterns[] = {
    {"\"eventID\"", 9, 2, 7},
    {"Root\"", 5, 0, 3},
    {"PasswordRecovery", 16, 0, 8},
    {"PrimaryEmailUpdate", 18, 0, 7},
    {"\\u00", 4, 0, 1},
};
enum { EVENT_ID = 0, ESCAPE = 4, NPATTERNS = 5 };

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// 1 when the pattern at p (already known to fit) is a real hit.
static int confirm(int which, const unsigned char *p, const unsigned char *end) {
    const pattern *pat = &patterns[which];
    if ((size_t)(end - p) < pat->len || memcmp(p, pat->text, pat->len) != 0) return 0;
    if (which == ESCAPE) {
        if (end - p < 6) return 0;
        int hi = hexval(p[4]), lo = hexval(p[5]);
        if (hi < 0 || lo < 0) return 0;
        int c = hi * 16 + lo;
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
    return 1;
}

typedef struct {
    size_t *hits;  // offsets of possible root activity (may be NULL: stop at the first)
    size_t cap;
    size_t count;  // may exceed cap: then not every offset was kept
} hit_list;

// Records a hit; returns 1 when the scan should stop (no list, or the list is full).
static int add_hit(hit_list *list, size_t offset) {
    if (!list || !list->hits) return 1;
    if (list->count < list->cap) list->hits[list->count] = offset;
    list->count++;
    return list->count > list->cap;
}

// Looks for pattern k at every start in [from[k], to[k]) (the SIMD loops leave different ranges per pattern).
static int scan_scalar_ranges(const unsigned char *p, size_t n, const size_t from[NPATTERNS], const size_t to[NPATTERNS],
                              size_t *records, hit_list *list) {
    const unsigned char *end = p + n;
    size_t lo = n, hi = 0;
    for (int k = 0; k < NPATTERNS; k++) {
        if (from[k] < lo) lo = from[k];
        if (to[k] > hi) hi = to[k];
    }
    if (hi > n) hi = n;
    for (size_t i = lo; i < hi; i++) {
        unsigned char c = p[i];
        if (c != '"' && c != 'R' && c != 'P' && c != '\\') continue;
        for (int k = 0; k < NPATTERNS; k++) {
            const pattern *pat = &patterns[k];
            if (i < from[k] || i >= to[k]) continue;
            if (p[i] == (unsigned char)pat->text[0] && confirm(k, p + i, end)) {
                if (k == EVENT_ID) {
                    (*records)++;
                    break;
                }
                if (add_hit(list, i)) return 1;
                break;
            }
        }
    }
    return list && list->count > 0;
}

static int scan_scalar(const unsigned char *p, size_t n, size_t from, size_t *records, hit_list *list) {
    size_t starts[NPATTERNS], ends[NPATTERNS];
    for (int k = 0; k < NPATTERNS; k++) {
        starts[k] = from;
        ends[k] = n;
    }
    return scan_scalar_ranges(p, n, starts, ends, records, list);
}

#if defined(__x86_64__)
#define EQ(off, ch) _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i + (off))), _mm256_set1_epi8(ch))

__attribute__((target("avx2"))) static int scan_avx2(const unsigned char *p, size_t n, size_t *records, hit_list *list) {
    const unsigned char *end = p + n;
    size_t i = 0;
    // Loads reach offset 8 + 31 past i; the tail goes to the scalar loop.
    for (; i + 64 <= n; i += 32) {
        // "eventID": 'v' at 2 and 'D' at 7 ("requestID" and "sharedEventID" do not match both).
        __m256i event_id = _mm256_and_si256(EQ(2, 'v'), EQ(7, 'D'));
        __m256i first_r = EQ(0, 'R');
        __m256i first_p = EQ(0, 'P');
        // Root": 'R' then 't'; PasswordRecovery: 'P' then 'R' at 8; PrimaryEmailUpdate: 'P' then 'E' at 7;
        // \u00: backslash then 'u'.
        __m256i rare = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(first_r, EQ(3, 't')), _mm256_and_si256(first_p, EQ(8, 'R'))),
            _mm256_or_si256(_mm256_and_si256(first_p, EQ(7, 'E')), _mm256_and_si256(EQ(0, '\\'), EQ(1, 'u'))));
        unsigned rare_mask = (unsigned)_mm256_movemask_epi8(rare);
        while (rare_mask) {
            unsigned bit = (unsigned)__builtin_ctz(rare_mask);
            rare_mask &= rare_mask - 1;
            for (int k = 1; k < NPATTERNS; k++)
                if (confirm(k, p + i + bit, end)) {
                    if (add_hit(list, i + bit)) goto overflow;
                    break;
                }
        }
        unsigned id_mask = (unsigned)_mm256_movemask_epi8(event_id);
        while (id_mask) {
            unsigned bit = (unsigned)__builtin_ctz(id_mask);
            id_mask &= id_mask - 1;
            // The pattern starts at the quote two bytes before 'v'.
            if (confirm(EVENT_ID, p + i + bit, end)) (*records)++;
        }
    }
    return scan_scalar(p, n, i, records, list);
overflow:
    // As in the AVX-512 loop: the scalar search answers a full list, so that every level stops at the same byte and
    // has counted the same records.
    if (!list) return 1;
    list->count = 0;
    *records = 0;
    return scan_scalar(p, n, 0, records, list);
}
#define EQ512(off, ch) _mm512_cmpeq_epi8_mask(_mm512_loadu_si512((const void *)(p + i + (off))), _mm512_set1_epi8(ch))
#define EQ512_IF(mask, off, ch) \
    _mm512_mask_cmpeq_epi8_mask((mask), _mm512_loadu_si512((const void *)(p + i + (off))), _mm512_set1_epi8(ch))

// The same search 64 positions at a time, where AVX-512BW exists. Comparisons are the bound (one port runs them), so
// the patterns are laid out to share them: for a position q, `Root"` is tested at q + 8 (R at 8, t at 11), the
// `"eventID"` key at q + 6 (t at 11, D at 13), PasswordRecovery (P, R at 8), PrimaryEmailUpdate (P, E at 7) and
// `\u00` (a backslash, confirmed by the scalar check) at q. Six comparisons instead of nine; the starts each loop iteration covers differ per
// pattern, so the scalar code takes the few starts before and after, and hits are sorted at the end.
__attribute__((target("avx512f,avx512bw"))) static int scan_avx512(const unsigned char *p, size_t n, size_t *records, hit_list *list) {
    const unsigned char *end = p + n;
    enum { ROOT = 1 };
    size_t starts[NPATTERNS] = {0}, ends[NPATTERNS] = {0};
    if (n < 128) return scan_scalar(p, n, 0, records, list);
    // Starts before the first iteration's: `"eventID"` at 0..5, `Root"` at 0..7.
    ends[EVENT_ID] = 6;
    ends[ROOT] = 8;
    if (scan_scalar_ranges(p, n, starts, ends, records, list) && !list) return 1;
    if (list && list->count > list->cap) goto overflow;
    size_t i = 0;
    for (; i + 128 <= n; i += 64) {
        __mmask64 t11 = EQ512(11, 't');
        __mmask64 event_id = EQ512_IF(t11, 13, 'D');
        __mmask64 p0 = EQ512(0, 'P');
        // A backslash alone: JSON escapes are rare in CloudTrail (under one per kilobyte in the public sets), so
        // confirming each costs less than a seventh comparison.
        __mmask64 rare = EQ512_IF(t11 | p0, 8, 'R') | EQ512_IF(p0, 7, 'E') | EQ512(0, '\\');
        while (rare) {
            unsigned bit = (unsigned)__builtin_ctzll(rare);
            rare &= rare - 1;
            const unsigned char *q = p + i + bit;
            if (confirm(ROOT, q + 8, end) && add_hit(list, i + bit + 8)) goto overflow;
            for (int k = ROOT + 1; k < NPATTERNS; k++)
                if (confirm(k, q, end)) {
                    if (add_hit(list, i + bit)) goto overflow;
                    break;
                }
        }
        while (event_id) {
            unsigned bit = (unsigned)__builtin_ctzll(event_id);
            event_id &= event_id - 1;
            if (confirm(EVENT_ID, p + i + bit + 6, end)) (*records)++;
        }
    }
    for (int k = 0; k < NPATTERNS; k++) {
        starts[k] = i + (k == EVENT_ID ? 6 : k == ROOT ? 8 : 0);
        ends[k] = n;
    }
    if (scan_scalar_ranges(p, n, starts, ends, records, list) && !list) return 1;
    if (!list || list->count <= list->cap) return list && list->count > 0;
overflow:
    // A first hit (no list) ends the search; a full list must hold the first hits in order, which this loop (finding
    // some eight bytes late) cannot promise near the cut: the scalar search answers instead (rare: thousands of hits).
    if (!list) return 1;
    list->count = 0;
    *records = 0;
    return scan_scalar(p, n, 0, records, list);
}
#endif

// level: 2 = best available, 1 = at most AVX2, 0 = scalar (the lower ones exist for tests).
static int scan_level(int level, const void *data, size_t n, size_t *records, hit_list *list) {
    *records = 0;
#if defined(__x86_64__)
    if (level >= 2 && __builtin_cpu_supports("avx512bw")) return scan_avx512(data, n, records, list);
    if (level >= 1 && __builtin_cpu_supports("avx2")) return scan_avx2(data, n, records, list);
#endif
    return scan_scalar(data, n, 0, records, list);
}

static int scan_any(const void *data, size_t n, size_t *records, hit_list *list) {
    return scan_level(2, data, n, records, list);
}

// Hits in ascending order (the AVX-512 loop finds `Root"` up to eight bytes after the others).
static void sort_hits(hit_list *list) {
    size_t count = list->count < list->cap ? list->count : list->cap;
    for (size_t a = 1; a < count; a++) {
        size_t value = list->hits[a], b = a;
        while (b > 0 && list->hits[b - 1] > value) {
            list->hits[b] = list->hits[b - 1];
            b--;
        }
        list->hits[b] = value;
    }
}

size_t rg_scan_hits_level(int level, const void *data, size_t n, size_t *records, size_t *hits, size_t cap) {
    hit_list list = {hits, cap, 0};
    scan_level(level, data, n, records, &list);
    sort_hits(&list);
    return list.count;
}

int rg_scan(const void *data, size_t n, size_t *records) { return scan_any(data, n, records, NULL); }

size_t rg_scan_hits(const void *data, size_t n, size_t *records, size_t *hits, size_t cap) {
    hit_list list = {hits, cap, 0};
    scan_any(data, n, records, &list);
    sort_hits(&list);
    return list.count;
}

// The offset of the first '"' or '\\' in p[0..<n], or n: how the record splitter skips string
// contents, which are most of a CloudTrail record's bytes.
#if defined(__x86_64__)
__attribute__((target("avx2"))) static size_t quote_avx2(const unsigned char *p, size_t n) {
    const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        unsigned mask = (unsigned)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    for (; i < n; i++)
        if (p[i] == '"' || p[i] == '\\') return i;
    return n;
}
#endif

size_t rg_find_quote_or_backslash(const void *data, size_t n) {
    const unsigned char *p = data;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return quote_avx2(p, n);
#endif
    for (size_t i = 0; i < n; i++)
        if (p[i] == '"' || p[i] == '\\') return i;
    return n;
}
