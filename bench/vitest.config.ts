import { defineConfig } from 'vitest/config'

/** `npm run bench:checks`: CPU measurements in Node, kept out of `npm test` (no timed tests). */
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], environment: 'node', silent: false },
})
