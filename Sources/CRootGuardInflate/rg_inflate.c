#define _GNU_SOURCE
#include "rg_inflate.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

// libdeflate's public API (libdeflate.h, stable since 1.0), declared here because only the shared
// library, not its header, has to be present.
struct libdeflate_decompressor;
typedef struct libdeflate_decompressor *(*alloc_fn)(void);
typedef void (*free_fn)(struct libdeflate_decompressor *);
typedef int (*inflate_fn)(struct libdeflate_decompressor *, const void *, size_t, void *, size_t, size_t *,
                          size_t *);

static alloc_fn ld_alloc;
static free_fn ld_free;
static inflate_fn ld_inflate_ex;  // libdeflate_deflate_decompress_ex: the raw DEFLATE stream
static pthread_once_t ld_once = PTHREAD_ONCE_INIT;

static void ld_load(void) {
    const char *choice = getenv("ROOTGUARD_INFLATE");
    if (choice && strcmp(choice, "zlib") == 0) return;
    void *lib = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libdeflate.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    alloc_fn a = (alloc_fn)dlsym(lib, "libdeflate_alloc_decompressor");
    free_fn f = (free_fn)dlsym(lib, "libdeflate_free_decompressor");
    inflate_fn g = (inflate_fn)dlsym(lib, "libdeflate_deflate_decompress_ex");
    if (a && f && g) {
        ld_alloc = a;
        ld_free = f;
        ld_inflate_ex = g;
    }
}

int rg_have_libdeflate(void) {
    pthread_once(&ld_once, ld_load);
    return ld_inflate_ex != NULL;
}

// One gzip member (RFC 1952) around libdeflate's raw DEFLATE decoder, checked exactly as libdeflate's own
// libdeflate_gzip_decompress_ex checks it (header, CRC-32, ISIZE), but with rg_crc32, several times faster than the
// CRC-32 of the libdeflate Debian ships. Returns libdeflate's codes; `*used` counts the member's bytes.
enum { LD_SUCCESS = 0, LD_BAD_DATA = 1, LD_INSUFFICIENT_SPACE = 3 };
static int gunzip_member(struct libdeflate_decompressor *d, const unsigned char *in, size_t in_len, void *out,
                         size_t out_cap, size_t *used, size_t *produced) {
    const unsigned char *p = in, *end = in + in_len;
    if (in_len < 10 + 8 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8) return LD_BAD_DATA;
    unsigned flags = p[3];
    if (flags & 0xe0) return LD_BAD_DATA;  // reserved bits
    p += 10;
    if (flags & 0x04) {  // FEXTRA
        if (end - p < 2) return LD_BAD_DATA;
        size_t extra = (size_t)p[0] | (size_t)p[1] << 8;
        p += 2;
        if ((size_t)(end - p) < extra + 8) return LD_BAD_DATA;
        p += extra;
    }
    for (unsigned bit = 0x08; bit <= 0x10; bit <<= 1) {  // FNAME, FCOMMENT: zero-terminated
        if (!(flags & bit)) continue;
        while (p < end && *p) p++;
        if (end - p < 1 + 8) return LD_BAD_DATA;
        p++;
    }
    if (flags & 0x02) {  // FHCRC
        if (end - p < 2 + 8) return LD_BAD_DATA;
        p += 2;
    }
    if (end - p < 8) return LD_BAD_DATA;
    size_t consumed = 0;
    int r = ld_inflate_ex(d, p, (size_t)(end - p) - 8, out, out_cap, &consumed, produced);
    if (r != LD_SUCCESS) return r;
    p += consumed;
    uint32_t crc = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    uint32_t size = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    if (rg_crc32(0, out, *produced) != crc || (uint32_t)*produced != size) return LD_BAD_DATA;
    *used = (size_t)(p + 8 - in);
    return LD_SUCCESS;
}

struct rg_whole {
    struct libdeflate_decompressor *ld;
    z_stream z;
    int z_ready;
};

rg_whole *rg_whole_new(void) {
    rg_whole *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    if (rg_have_libdeflate()) w->ld = ld_alloc();
    return w;
}

void rg_whole_free(rg_whole *w) {
    if (!w) return;
    if (w->ld) ld_free(w->ld);
    if (w->z_ready) inflateEnd(&w->z);
    free(w);
}

int rg_whole_gunzip(rg_whole *w, const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len) {
    *out_len = 0;
    if (w->ld) {
        size_t used = 0, produced = 0;
        int r = gunzip_member(w->ld, in, in_len, out, out_cap, &used, &produced);
        // LIBDEFLATE_SUCCESS 0, BAD_DATA 1, SHORT_OUTPUT 2, INSUFFICIENT_SPACE 3
        if (r == 0) {
            *out_len = produced;
            return used == in_len ? RG_OK : RG_SHORT_OUTPUT;  // more members follow: stream instead
        }
        if (r == 3) return RG_SHORT_OUTPUT;
        return RG_BAD_DATA;
    }
    if (!w->z_ready) {
        memset(&w->z, 0, sizeof w->z);
        if (inflateInit2(&w->z, 16 + MAX_WBITS) != Z_OK) return RG_NO_MEMORY;
        w->z_ready = 1;
    } else {
        inflateReset(&w->z);
    }
    w->z.next_in = (Bytef *)in;
    w->z.avail_in = (uInt)in_len;
    w->z.next_out = out;
    w->z.avail_out = (uInt)out_cap;
    int r = inflate(&w->z, Z_FINISH);
    *out_len = out_cap - w->z.avail_out;
    if (r == Z_STREAM_END) return w->z.avail_in == 0 ? RG_OK : RG_SHORT_OUTPUT;
    if (r == Z_BUF_ERROR) return w->z.avail_out == 0 ? RG_SHORT_OUTPUT : RG_TRUNCATED;
    return RG_BAD_DATA;
}

struct rg_stream {
    z_stream z;
    int member_done;
};

rg_stream *rg_stream_new(void) {
    rg_stream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
        free(s);
        return NULL;
    }
    return s;
}

void rg_stream_free(rg_stream *s) {
    if (!s) return;
    inflateEnd(&s->z);
    free(s);
}

int rg_stream_inflate(rg_stream *s, const void *in, size_t in_len, size_t *in_used, void *out, size_t out_cap,
                      size_t *out_len, int *finished) {
    s->z.next_in = (Bytef *)in;
    s->z.avail_in = (uInt)in_len;
    s->z.next_out = out;
    s->z.avail_out = (uInt)out_cap;
    int status = RG_OK;
    while (s->z.avail_out > 0) {
        if (s->z.avail_in == 0) break;
        if (s->member_done) {
            inflateReset(&s->z);
            s->member_done = 0;
        }
        int r = inflate(&s->z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            /* Return at every member's end, so the caller knows where the next member starts. */
            s->member_done = 1;
            break;
        }
        if (r == Z_BUF_ERROR) break;
        if (r != Z_OK) {
            status = RG_BAD_DATA;
            break;
        }
    }
    *in_used = in_len - s->z.avail_in;
    *out_len = out_cap - s->z.avail_out;
    *finished = s->member_done;
    return status;
}

const void *rg_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}
