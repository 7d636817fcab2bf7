#!/usr/bin/env bash
# Builds inflate.wasm: zlib 1.3.1's inflate (the files here, unchanged, from zlib.net via the
# zlib-sync npm package's deps/zlib) plus inflate-glue.c. Needs Debian's clang, lld and wasi-libc
# (apt-get install clang lld wasi-libc). The result is committed: CI and wrangler use it as is.
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi -O2 -flto -DNO_GZIP -I/usr/include/wasm32-wasi -I. -nostdlib \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all -o inflate.wasm \
  inflate-glue.c adler32.c inffast.c inflate.c inftrees.c zutil.c /usr/lib/wasm32-wasi/libc.a
ls -l inflate.wasm
