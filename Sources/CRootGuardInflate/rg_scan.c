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

static int scan_scalar(const unsigned char *p, size_t n, size_t from, size_t *records) {
    const unsigned char *end = p + n;
    for (size_t i = from; i < n; i++) {
        for (int k = 0; k < NPATTERNS; k++) {
            const pattern *pat = &patterns[k];
            if (p[i] == (unsigned char)pat->text[0] && confirm(k, p + i, end)) {
                if (k == EVENT_ID) {
                    (*records)++;
                    break;
                }
                return 1;
            }
        }
    }
    return 0;
}

#if defined(__x86_64__)
#define EQ(off, ch) _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i + (off))), _mm256_set1_epi8(ch))

__attribute__((target("avx2"))) static int scan_avx2(const unsigned char *p, size_t n, size_t *records) {
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
                if (confirm(k, p + i + bit, end)) return 1;
        }
        unsigned id_mask = (unsigned)_mm256_movemask_epi8(event_id);
        while (id_mask) {
            unsigned bit = (unsigned)__builtin_ctz(id_mask);
            id_mask &= id_mask - 1;
            // The pattern starts at the quote two bytes before 'v'.
            if (confirm(EVENT_ID, p + i + bit, end)) (*records)++;
        }
    }
    return scan_scalar(p, n, i, records);
}
#endif

int rg_scan(const void *data, size_t n, size_t *records) {
    *records = 0;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return scan_avx2(data, n, records);
#endif
    return scan_scalar(data, n, 0, records);
}
