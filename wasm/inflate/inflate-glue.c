/*
 * A streaming zlib inflate (RFC 1950) for the flow reader, over buffers it owns: libdeflate's
 * decoder, one deflate block at a time, with zlib 1.3.1 taking the stream over from a block
 * boundary when libdeflate cannot finish a block.
 *
 * Why two decoders: libdeflate decodes about 1.5x faster than zlib here (1 M flows, warm:
 * 150-180 ms against 240-250), but it decodes whole buffers only. So this keeps the compressed
 * input from the start of the current block, and a block is decoded only once enough input is
 * there (LOOKAHEAD) or the input has ended; a block that runs past the input is decoded again
 * once the input has doubled. Its output goes after the last 32 KiB of output (the deflate
 * window) in one buffer. What libdeflate cannot do, zlib does, from the start of that block on:
 *   - a damaged or truncated block: zlib hands out every byte before the damage, with its own
 *     message, as the reader has always had (a partial result keeps those records); libdeflate
 *     was made to refuse every code zlib refuses, so damage ends the output where zlib ends it;
 *   - a block larger than the buffers may grow to (IN_MAX, OUT_MAX): no real encoder writes
 *     one, but a valid stream is never refused for its block sizes.
 * zlib takes over in raw mode: the window is given as its dictionary and the bits left of the
 * current byte are primed; the Adler-32 of the whole output is checked here in both cases.
 *
 * One stream = one state; the caller (src/flows/wasm-inflater.ts) writes compressed bytes at
 * in_ptr (at most in_room), calls step until it needs input, and takes the output from
 * out_ptr (out_used bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "zlib.h"

uint32_t adler32_simd(uint32_t adler, const unsigned char *buf, size_t len);
struct libdeflate_decompressor;
struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
void libdeflate_free_decompressor(struct libdeflate_decompressor *d);
/* From libdeflate/lib/deflate_decompress.c (edgeping's block decoder). */
struct block_result {
  size_t in_bits;
  size_t out_nbytes;
  bool is_final;
  bool touched_end;
};
int deflate_block(struct libdeflate_decompressor *d, const unsigned char *in, size_t in_nbytes,
                  unsigned skip_bits, unsigned char *window, size_t out_pos, size_t out_avail,
                  struct block_result *res);

#define WINDOW (32 * 1024)
/* A block is decoded once this much input is there (or the input has ended): zlib's blocks of
 * flow records are about 30 KB compressed, so a retry is rare. */
#define LOOKAHEAD (128 * 1024)
#define IN_START (512 * 1024)
/* zlib's blocks are at most about 70 KB compressed (140 KB with memLevel 9): a larger one is
 * another encoder's, and past IN_MAX zlib takes it (WebAssembly memory never shrinks, and an
 * isolate has 128 MB for every request it serves). */
#define IN_MAX (4 * 1024 * 1024)
/* zlib's largest block inflates to 16,383 matches of 258 bytes (4.2 MB); with memLevel 9 twice
 * that, plus the window and output not taken yet. The output buffer starts small and grows only
 * for such blocks (1, 2, 4, 8, 10 MiB). */
#define OUT_START (1024 * 1024)
#define OUT_MAX (10 * 1024 * 1024)
/* Room kept for the next block before it is tried: less and the window is slid first. */
#define OUT_RESERVE (512 * 1024)

/* step's answers (src/flows/wasm-inflater.ts has the same). */
#define ST_OK 0         /* progress: call step again */
#define ST_END 1        /* the stream and its check ended; avail_in says what is left */
#define ST_NEED_INPUT 2 /* give more input (or end_input) */
#define ST_TRUNCATED 3  /* the input ended inside the stream */
#define ST_ERROR (-1)   /* bad data: message says what */

enum phase { HEADER, BLOCKS, TRAILER, DONE };

typedef struct {
  enum phase phase;
  bool zlib_mode;
  bool zlib_took_over; /* for the tests: zlib decoded some of this stream */
  bool zlib_only;      /* for the tests: zlib from the first block on (the oracle) */
  unsigned tries;      /* for the tests: blocks libdeflate was given, retries included */
  bool input_ended;
  struct libdeflate_decompressor *d;
  z_stream z;
  unsigned char *in;
  size_t in_cap, in_start, in_end;
  unsigned in_bit; /* bits of in[in_start] already consumed */
  size_t retry_at; /* input the current block waits for after running past it (0: none) */
  unsigned char *out;
  size_t out_cap, out_pos, out_taken;
  uint32_t adler;
  const char *msg;
} stream;

__attribute__((export_name("stream_new"))) stream *stream_new(void) {
  stream *s = calloc(1, sizeof(stream));
  if (!s) return 0;
  s->d = libdeflate_alloc_decompressor();
  s->in = malloc(IN_START);
  s->out = malloc(OUT_START);
  if (!s->d || !s->in || !s->out) {
    if (s->d) libdeflate_free_decompressor(s->d);
    free(s->in);
    free(s->out);
    free(s);
    return 0;
  }
  s->in_cap = IN_START;
  s->out_cap = OUT_START;
  s->adler = 1;
  s->msg = "";
  return s;
}

/* For the tests: a stream that zlib inflates from its first block on, the oracle of the other. */
__attribute__((export_name("stream_new_zlib_only"))) stream *stream_new_zlib_only(void) {
  stream *s = stream_new();
  if (s) s->zlib_only = true;
  return s;
}

__attribute__((export_name("stream_free"))) void stream_free(stream *s) {
  if (s->zlib_mode) inflateEnd(&s->z);
  libdeflate_free_decompressor(s->d);
  free(s->in);
  free(s->out);
  free(s);
}

/* Room for input at in_ptr; the unread input is moved to the front once less than a quarter
 * of the buffer is left (not at every call: that moved 128 KiB or more per 256 KiB read). */
__attribute__((export_name("in_room"))) size_t in_room(stream *s) {
  if (s->in_start > 0 && s->in_cap - s->in_end < s->in_cap / 4) {
    memmove(s->in, s->in + s->in_start, s->in_end - s->in_start);
    s->in_end -= s->in_start;
    s->in_start = 0;
  }
  return s->in_cap - s->in_end;
}
__attribute__((export_name("in_ptr"))) unsigned char *in_ptr(stream *s) {
  return s->in + s->in_end;
}
/* n bytes were written at in_ptr. */
__attribute__((export_name("add_input"))) void add_input(stream *s, size_t n) { s->in_end += n; }
__attribute__((export_name("end_input"))) void end_input(stream *s) { s->input_ended = true; }
/* Input not used yet (after ST_END: bytes after the stream). */
__attribute__((export_name("avail_in"))) size_t avail_in(stream *s) {
  return s->in_end - s->in_start;
}

__attribute__((export_name("out_ptr"))) unsigned char *out_ptr(stream *s) {
  return s->out + s->out_taken;
}
__attribute__((export_name("out_used"))) size_t out_used(stream *s) {
  return s->out_pos - s->out_taken;
}
/* The caller copied n bytes from out_ptr. */
__attribute__((export_name("out_taken"))) void out_taken(stream *s, size_t n) {
  s->out_taken += n;
}
__attribute__((export_name("zlib_took_over"))) int zlib_took_over(stream *s) {
  return s->zlib_took_over;
}
__attribute__((export_name("block_tries"))) unsigned block_tries(stream *s) { return s->tries; }
__attribute__((export_name("message"))) const char *message(stream *s) { return s->msg; }

static int fail(stream *s, const char *msg) {
  s->msg = msg;
  return ST_ERROR;
}

/* Moves the window (and any output not taken yet) to the front of the output buffer. */
static void slide(stream *s) {
  size_t keep_from = s->out_pos > WINDOW ? s->out_pos - WINDOW : 0;
  if (s->out_taken < keep_from) keep_from = s->out_taken;
  if (keep_from == 0) return;
  memmove(s->out, s->out + keep_from, s->out_pos - keep_from);
  s->out_pos -= keep_from;
  s->out_taken -= keep_from;
}

static bool grow(unsigned char **buf, size_t *cap, size_t max) {
  if (*cap >= max) return false;
  size_t cap2 = *cap * 2 > max ? max : *cap * 2;
  unsigned char *b = realloc(*buf, cap2);
  if (!b) return false;
  *buf = b;
  *cap = cap2;
  return true;
}

static void wrote(stream *s, size_t n) {
  s->adler = adler32_simd(s->adler, s->out + s->out_pos, n);
  s->out_pos += n;
}

/* zlib goes on from the current bit, with the window as its dictionary. */
static int to_zlib(stream *s) {
  memset(&s->z, 0, sizeof(s->z));
  if (inflateInit2(&s->z, -15) != Z_OK) return fail(s, "out of memory");
  s->zlib_mode = true;
  s->zlib_took_over = true;
  size_t history = s->out_pos > WINDOW ? WINDOW : s->out_pos;
  if (history > 0) inflateSetDictionary(&s->z, s->out + s->out_pos - history, history);
  if (s->in_bit > 0) {
    inflatePrime(&s->z, 8 - s->in_bit, s->in[s->in_start] >> s->in_bit);
    s->in_start++;
    s->in_bit = 0;
  }
  return ST_OK;
}

static int header(stream *s) {
  if (s->in_end - s->in_start < 2) return s->input_ended ? ST_TRUNCATED : ST_NEED_INPUT;
  unsigned cmf = s->in[s->in_start], flg = s->in[s->in_start + 1];
  /* zlib's own messages, as before. */
  if ((cmf * 256 + flg) % 31 != 0) return fail(s, "incorrect header check");
  if ((cmf & 15) != 8) return fail(s, "unknown compression method");
  if ((cmf >> 4) > 7) return fail(s, "invalid window size");
  if (flg & 32) return fail(s, "a preset dictionary is not supported");
  s->in_start += 2;
  s->phase = BLOCKS;
  return s->zlib_only ? to_zlib(s) : ST_OK;
}

/* Asks for more input, making room for it: in_room moves the unread input to the front; a
 * buffer full of the current block grows, and past IN_MAX zlib takes the block. */
static int need_input(stream *s) {
  if (s->in_start == 0 && s->in_end == s->in_cap && !grow(&s->in, &s->in_cap, IN_MAX))
    return to_zlib(s);
  return ST_NEED_INPUT;
}

static int libdeflate_block(stream *s) {
  size_t avail = s->in_end - s->in_start;
  size_t want = s->retry_at > LOOKAHEAD ? s->retry_at : LOOKAHEAD;
  if (!s->input_ended && avail < want) return need_input(s);
  if (s->out_cap - s->out_pos < OUT_RESERVE) slide(s);
  struct block_result r;
  s->tries++;
  int status = deflate_block(s->d, s->in + s->in_start, avail, s->in_bit, s->out, s->out_pos,
                             s->out_cap - s->out_pos, &r);
  if (status == 0) {
    wrote(s, r.out_nbytes);
    s->retry_at = 0;
    size_t bits = r.in_bits; /* from bit 0 of in[in_start] */
    s->in_start += bits >> 3;
    s->in_bit = bits & 7;
    if (r.is_final) {
      /* The trailer starts at the next byte. */
      if (s->in_bit > 0) s->in_start++;
      s->in_bit = 0;
      s->phase = TRAILER;
    }
    return ST_OK;
  }
  if (status == 3 /* LIBDEFLATE_INSUFFICIENT_SPACE */) {
    /* Slide the window to the front and try again; when that frees nothing, grow. */
    size_t before = s->out_pos;
    slide(s);
    if (s->out_pos < before || grow(&s->out, &s->out_cap, OUT_MAX)) return ST_OK;
    return to_zlib(s);
  }
  if (r.touched_end && !s->input_ended) {
    /* The block may go on past the input: try it again once the input has doubled, so a long
     * block that comes in small pieces is decoded about twice, not once per piece. A block that
     * does not fit the largest buffer goes to zlib. */
    if (avail >= IN_MAX) return to_zlib(s);
    s->retry_at = avail * 2 < IN_MAX ? avail * 2 : IN_MAX;
    return need_input(s);
  }
  /* Damaged, or cut short: zlib hands out what comes before the damage and says what it is. */
  return to_zlib(s);
}

static int zlib_step(stream *s) {
  if (s->out_cap - s->out_pos < OUT_RESERVE) slide(s);
  /* Output not taken yet may fill the buffer (a caller taking large pieces): grow it. */
  if (s->out_cap - s->out_pos < OUT_RESERVE) grow(&s->out, &s->out_cap, OUT_MAX);
  if (s->out_cap == s->out_pos) return fail(s, "inflate: the output was not taken");
  s->z.next_in = s->in + s->in_start;
  s->z.avail_in = s->in_end - s->in_start;
  s->z.next_out = s->out + s->out_pos;
  s->z.avail_out = s->out_cap - s->out_pos;
  int status = inflate(&s->z, Z_NO_FLUSH);
  wrote(s, s->out_cap - s->out_pos - s->z.avail_out);
  s->in_start = s->z.next_in - s->in;
  if (status == Z_STREAM_END) {
    inflateEnd(&s->z);
    s->zlib_mode = false;
    s->phase = TRAILER;
    return ST_OK;
  }
  if (status == Z_OK) return ST_OK;
  if (status == Z_BUF_ERROR) return s->input_ended ? ST_TRUNCATED : ST_NEED_INPUT;
  return fail(s, s->z.msg ? s->z.msg : "invalid deflate data");
}

static int trailer(stream *s) {
  if (s->in_end - s->in_start < 4) return s->input_ended ? ST_TRUNCATED : ST_NEED_INPUT;
  const unsigned char *p = s->in + s->in_start;
  uint32_t check = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  if (check != s->adler) return fail(s, "incorrect data check");
  s->in_start += 4;
  s->phase = DONE;
  return ST_END;
}

/*
 * One step: the header, one block (or one call of zlib's inflate) or the trailer. The caller
 * takes output (out_used) in pieces of its size between steps; what it leaves stays in the
 * buffer, which grows for it up to OUT_MAX.
 */
__attribute__((export_name("step"))) int step(stream *s) {
  switch (s->phase) {
    case HEADER:
      return header(s);
    case BLOCKS:
      return s->zlib_mode ? zlib_step(s) : libdeflate_block(s);
    case TRAILER:
      return trailer(s);
    default:
      return ST_END;
  }
}
