#!/usr/bin/env bash
# Builds inflate.wasm: libdeflate 1.14's decompressor (libdeflate/: the files used, from Debian's
# libdeflate_1.14.orig.tar.gz, changed where marked "edgeping": one block per call, a 64-bit bit
# buffer, zlib's strictness on invalid codes) with zlib 1.3.1's inflate (the zlib files here, unchanged, from zlib.net via the
# zlib-sync npm package's deps/zlib) taking over at a block libdeflate cannot finish,
# inflate-glue.c and adler32-simd.c (the only file built with WebAssembly SIMD). Needs Debian's
# clang, lld and wasi-libc (apt-get install clang lld wasi-libc). The result is committed: CI and
# wrangler use it as is.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(--target=wasm32-wasi -O2 -flto -DNO_GZIP -I/usr/include/wasm32-wasi -I. -Ilibdeflate)
clang "${flags[@]}" -msimd128 -c adler32-simd.c -o "$out/adler32-simd.o"
clang "${flags[@]}" -nostdlib -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all \
  -o inflate.wasm "$out/adler32-simd.o" inflate-glue.c adler32.c inffast.c inflate.c inftrees.c \
  zutil.c libdeflate/lib/deflate_decompress.c libdeflate/lib/utils.c /usr/lib/wasm32-wasi/libc.a
ls -l inflate.wasm
