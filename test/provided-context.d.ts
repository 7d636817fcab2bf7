// What the vitest global setups hand to the tests (vitest provide/inject).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the misbehaving DoH server (an ephemeral port, so parallel runs do not clash). */
    fakeDohUrl: string
    /** checks: a TCP listener on 127.0.0.1 that accepts and closes. */
    checksTcpPort: number
    /** checks: a 127.0.0.1 port nobody listens on (connections are refused). */
    checksRefusedPort: number
    /** checks: an HTTP server with /ok, /slow (3 s), /fail (503), /redirect (302). */
    checksHttpUrl: string
  }
}
