// What the vitest global setups hand to the tests (vitest provide/inject).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the misbehaving DoH server (an ephemeral port, so parallel runs do not clash). */
    fakeDohUrl: string
    /** The Worker under `wrangler dev`, for the browser tests. */
    baseUrl: string
    apiToken: string
    /** Small flow files by fixture path, base64 (workerd tests cannot read the disk). */
    flowFixtures: Record<string, string>
  }
}
