import type { UiSession } from './ui/session'

/**
 * The Hono environment of the app: bindings come from `wrangler types` (worker-configuration.d.ts),
 * variables are what middleware puts on the context.
 */
export type AppEnv = {
  Bindings: Env
  Variables: {
    requestId: string
    /** A valid API token came (bearer header, or on dashboard pages the session cookie). */
    authenticated: boolean
    /** The dashboard session, on UI pages only. */
    session?: UiSession | null
  }
}
