import type { ProbePorts } from '../checks/kinds/ports'
import { checkHost } from '../net/target-policy'
import { dnsProbe } from './dns-probe'
import { httpProbe } from './http-check'
import { tcpConnect } from './tcp-connect'

/** The real network for probe kinds, with the no-open-proxy rule from `env`. */
export function buildProbePorts(env: Pick<Env, 'ALLOW_PRIVATE_TARGETS'>): ProbePorts {
  const allowPrivate = env.ALLOW_PRIVATE_TARGETS === 'true'
  return {
    connect: tcpConnect,
    http: httpProbe,
    dns: dnsProbe,
    refuseHost: (host) => {
      const v = checkHost(host, allowPrivate)
      return v.allowed ? null : v.reason
    },
  }
}
