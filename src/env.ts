/**
 * The Hono environment of the app: bindings come from `wrangler types` (worker-configuration.d.ts),
 * variables are what middleware puts on the context.
 */
export type AppEnv = {
  Bindings: Env
  Variables: { requestId: string; authenticated: boolean }
}
