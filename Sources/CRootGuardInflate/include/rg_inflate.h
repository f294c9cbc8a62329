// Gzip inflation for the CloudTrail scanner.
//
// Whole-buffer inflation uses libdeflate (about 2.5x zlib's speed) when the shared library
// `libdeflate.so.0` can be loaded at run time, and zlib otherwise. Loading it at run time keeps
// libdeflate out of the build: the package builds and works on any machine with zlib, and is fast
// where Debian's `libdeflate0` is installed. Streaming inflation (stdin, very large files) uses zlib.
#ifndef RG_INFLATE_H
#define RG_INFLATE_H

#include <stddef.h>
#include <stdint.h>

enum {
    RG_OK = 0,
    RG_BAD_DATA = 1,
    RG_SHORT_OUTPUT = 2,  // the output did not fit (or the input holds several gzip members)
    RG_TRUNCATED = 3,     // the input ended inside the gzip stream
    RG_NO_MEMORY = 4,
};

// 1 when libdeflate was loaded (unless ROOTGUARD_INFLATE=zlib is set), else 0.
int rg_have_libdeflate(void);

typedef struct rg_whole rg_whole;
rg_whole *rg_whole_new(void);
void rg_whole_free(rg_whole *w);
// Inflates one gzip member from `in` into `out` (capacity `out_cap`).
int rg_whole_gunzip(rg_whole *w, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len);

typedef struct rg_stream rg_stream;
rg_stream *rg_stream_new(void);
void rg_stream_free(rg_stream *s);
// Feeds input and produces output; concatenated gzip members are read as one stream.
// `*in_used` and `*out_len` say how much was consumed and produced. `*finished` becomes 1 when
// the last member ended exactly at the end of the input given so far.
int rg_stream_inflate(rg_stream *s, const void *in, size_t in_len, size_t *in_used, void *out, size_t out_cap,
                      size_t *out_len, int *finished);

// zlib's crc32() (gzip's CRC-32), folded with AVX-512 VPCLMULQDQ where the CPU has it.
uint32_t rg_crc32(uint32_t crc, const void *data, size_t n);
// The same with the method capped: 0 zlib only, 2 the best there is (for tests).
uint32_t rg_crc32_level(int level, uint32_t crc, const void *data, size_t n);

// memmem (a GNU extension that Swift's Glibc module does not export).
const void *rg_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);

// One pass over inflated JSON: returns 1 as soon as a byte pattern that may belong to root activity
// occurs (`Root"`, `PasswordRecovery`, `PrimaryEmailUpdate`, or a `\u00XX` escape of a letter or
// digit); otherwise 0, with `*records` set to the number of `"eventID"` keys.
int rg_scan(const void *data, size_t n, size_t *records);

// The same pass without stopping: stores the offsets of up to `cap` hits in `hits` and returns how
// many there were (more than `cap` means the list is incomplete and the scan stopped early).
size_t rg_scan_hits(const void *data, size_t n, size_t *records, size_t *hits, size_t cap);

// rg_scan_hits with the instruction set capped: 0 scalar, 1 AVX2, 2 the best there is (for tests).
size_t rg_scan_hits_level(int level, const void *data, size_t n, size_t *records, size_t *hits, size_t cap);

// The offset of the first '"' or '\\' in the bytes, or n when there is none.
size_t rg_find_quote_or_backslash(const void *data, size_t n);

#endif
