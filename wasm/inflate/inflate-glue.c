/*
 * zlib's inflate over buffers the caller owns, for the flow reader in a Worker: no allocation per
 * chunk (DecompressionStream hands out a new 4 KiB buffer for every piece of output).
 * One stream = one zlib state plus an input and an output buffer in WebAssembly memory.
 */
#include <stdlib.h>
#include <string.h>
#include "zlib.h"

#define IN_SIZE (64 * 1024)
#define OUT_SIZE (256 * 1024)

typedef struct {
  z_stream z;
  unsigned int out_used;
  unsigned char in[IN_SIZE];
  unsigned char out[OUT_SIZE];
} stream;

__attribute__((export_name("stream_new"))) stream *stream_new(void) {
  stream *s = calloc(1, sizeof(stream));
  if (!s) return 0;
  if (inflateInit(&s->z) != Z_OK) {
    free(s);
    return 0;
  }
  return s;
}

__attribute__((export_name("stream_free"))) void stream_free(stream *s) {
  inflateEnd(&s->z);
  free(s);
}

__attribute__((export_name("in_ptr"))) unsigned char *in_ptr(stream *s) { return s->in; }
__attribute__((export_name("in_size"))) int in_size(void) { return IN_SIZE; }
__attribute__((export_name("out_ptr"))) unsigned char *out_ptr(stream *s) { return s->out; }
__attribute__((export_name("out_size"))) int out_size(void) { return OUT_SIZE; }

/* The next n bytes of input are in s->in. */
__attribute__((export_name("set_input"))) void set_input(stream *s, unsigned int n) {
  s->z.next_in = s->in;
  s->z.avail_in = n;
}

/*
 * Inflates into the output buffer after what it already holds; returns zlib's status
 * (Z_OK, Z_STREAM_END, Z_BUF_ERROR when it needs more input or room, or an error).
 */
__attribute__((export_name("step"))) int step(stream *s) {
  s->z.next_out = s->out + s->out_used;
  s->z.avail_out = OUT_SIZE - s->out_used;
  int status = inflate(&s->z, Z_NO_FLUSH);
  s->out_used = OUT_SIZE - s->z.avail_out;
  return status;
}

__attribute__((export_name("out_used"))) unsigned int out_used(stream *s) { return s->out_used; }
/* The caller took the output: the next step writes from the start again. */
__attribute__((export_name("out_taken"))) void out_taken(stream *s) { s->out_used = 0; }
__attribute__((export_name("avail_in"))) unsigned int avail_in(stream *s) { return s->z.avail_in; }
__attribute__((export_name("message"))) const char *message(stream *s) {
  return s->z.msg ? s->z.msg : "";
}
