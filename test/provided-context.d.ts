// What the vitest global setups hand to the tests (vitest provide/inject).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the misbehaving DoH server (an ephemeral port, so parallel runs do not clash). */
    fakeDohUrl: string
    /** The Worker under `wrangler dev`, for the browser tests. */
    baseUrl: string
    apiToken: string
    /** Flow fixture files by path under test/fixtures/flows, base64 (test/servers/flow-fixtures.ts). */
    flowFixtures: Record<string, string>
  }
}
