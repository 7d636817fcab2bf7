// What the vitest global setups hand to the tests (vitest provide/inject).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the misbehaving DoH server (an ephemeral port, so parallel runs do not clash). */
    fakeDohUrl: string
    /** Apache + ModSecurity on an ephemeral port serving generated rules (test/servers/generated-apache.ts). */
    generatedApacheUrl: string
  }
}
