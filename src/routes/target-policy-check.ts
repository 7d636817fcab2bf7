import { probeKind } from '../checks/kinds/registry'
import type { ResolvedTarget } from '../checks/kinds/resolved-target'
import { invalidRequest } from '../http/problem'
import { checkHost } from '../net/target-policy'

/**
 * The no-open-proxy rule at the door: a target whose probe would contact a loopback, private
 * or metadata address is a 422 naming it, rather than a stream of refused probes later.
 */
export function assertTargetsAllowed(
  targets: readonly ResolvedTarget[],
  allowPrivate: boolean,
): void {
  for (const t of targets) {
    const host = probeKind(t.kind)?.contactHost(t) ?? t.host
    const verdict = checkHost(host, allowPrivate)
    if (!verdict.allowed) {
      throw invalidRequest(`target ${t.id || t.host}: ${verdict.reason}`, {
        errors: [{ path: t.id || 'host', message: verdict.reason }],
      })
    }
  }
}
