import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { checkHost } from '../net/target-policy'
import { sendHttpProbe } from '../ports/http-probe'
import type { RefererProbePorts } from '../probes'

/** The ports of a referer probe, built from the request's env (API route and dashboard page). */
export function refererProbePorts(c: Context<AppEnv>): RefererProbePorts {
  const allowPrivate = c.env.ALLOW_PRIVATE_TARGETS === 'true'
  return {
    send: sendHttpProbe,
    now: () => Date.now(),
    newSeed: () => crypto.getRandomValues(new Uint32Array(1))[0] ?? 0,
    refuseHost: (host) => {
      const verdict = checkHost(host, allowPrivate)
      return verdict.allowed ? null : verdict.reason
    },
  }
}
