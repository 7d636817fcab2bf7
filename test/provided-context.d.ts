// What the vitest global setups hand to the tests (vitest provide/inject).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the misbehaving DoH server (an ephemeral port, so parallel runs do not clash). */
    fakeDohUrl: string
    /** The real dig's output for each of DIG_QUESTIONS (test/servers/loopback-servers.ts). */
    digOutputs: Record<string, string>
    /** The Worker under `wrangler dev`, for the browser tests. */
    baseUrl: string
    apiToken: string
    /** Flow fixture files by path under test/fixtures/flows, base64 (test/servers/flow-fixtures.ts). */
    flowFixtures: Record<string, string>
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Apache + ModSecurity with the fixture's rules (test/servers/apache-modsec), an ephemeral port. */
    apacheTrapUrl: string
    /** The same Apache on another port, with the case-sensitive rule 1001 replaced by the fix. */
    apacheFixedUrl: string
    /** The fix rule the fixed site loaded, as the generator renders it. */
    apacheFixedRule: string
    /** Apache + ModSecurity on an ephemeral port serving generated rules (test/servers/generated-apache.ts). */
    generatedApacheUrl: string
    /** A Node site with changing, endless, hanging and redirecting pages (test/servers/odd-http-site.ts). */
    oddSiteUrl: string
    /** checks: a TCP listener on 127.0.0.1 that accepts and closes. */
    checksTcpPort: number
    /** checks: a 127.0.0.1 port nobody listens on (connections are refused). */
    checksRefusedPort: number
    /** checks: an HTTP server with /ok, /slow (3 s), /fail (503), /redirect (302). */
    checksHttpUrl: string
  }
}
