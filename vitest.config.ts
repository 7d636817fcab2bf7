import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The Worker's outbound fetches in tests: loopback is forwarded, anything else is a 599. */
async function forwardLoopbackOnly(req: Request): Promise<Response> {
  const url = new URL(req.url)
  if (!LOOPBACK.has(url.hostname)) {
    return new Response(`unexpected outbound request to ${req.url}`, { status: 599 })
  }
  // Rebuild the request: Miniflare hands us its own Request class, which Node's fetch rejects.
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: hasBody ? await req.arrayBuffer() : null,
    redirect: 'manual',
  })
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/servers/generated-apache.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/wrangler-dev.ts', 'test/servers/apache-modsec/apache-modsec.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // Pages answer after a navigation or an async script: assertions on them poll, and a
          // loaded 2-core CI machine can take seconds, not vitest's default 1 s.
          expect: { poll: { timeout: 20_000, interval: 100 } },
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                API_TOKEN: 'test-token',
                DOH_URL: 'http://127.0.0.1:8054/dns-query',
                DOH_TIMEOUT_MS: '1500',
                ALLOW_PRIVATE_TARGETS: 'true',
                // small, so the 413 path is testable with small files
                ARCHIVE_MAX_FILE_BYTES: '50000',
              },
              // No test may reach the Internet: only loopback passes, anything else is a 599.
              outboundService: forwardLoopbackOnly,
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [
            'test/servers/loopback-servers.ts',
            'test/servers/flow-fixtures.ts',
            'test/servers/apache-modsec/apache-modsec.ts',
            'test/servers/odd-http-site.ts',
            'test/servers/checks-servers.ts',
          ],
          testTimeout: 20_000,
        },
      },
    ],
  },
})
