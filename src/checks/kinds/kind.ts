import type { Sample } from '../round-stats'
import { PROBE_VARS, type ProbeVar } from '../targets-model'
import type { ProbePorts } from './ports'
import type { ResolvedTarget } from './resolved-target'

/** The probe variables that belong to a kind; `pings`, `step` and `timeout` apply to every kind. */
export type KindVar = Exclude<ProbeVar, 'pings' | 'step' | 'timeout'>

const COMMON_VARS: readonly ProbeVar[] = ['pings', 'step', 'timeout']

/** Every kind-specific variable, whichever kind takes it. */
export const KIND_VARS: readonly KindVar[] = PROBE_VARS.filter(
  (v): v is KindVar => !COMMON_VARS.includes(v),
)

/**
 * A probe kind: how one "ping" of a target is sent. Kinds are pure; the network comes in
 * through `ports`. A failure is a lost sample with a reason, never an exception.
 */
export type ProbeKind = {
  name: string
  /** SmokePing probe modules this kind stands in for. */
  smokepingModules: readonly string[]
  /** Seconds, when the target sets no `timeout`. */
  defaultTimeout: number
  /** The kind's own variables: an ad-hoc run refuses the others (a tree inherits them freely). */
  vars: readonly KindVar[]
  /**
   * What `host` names: a host name or IP address to contact (`address`), or a DNS resolver
   * given as a URL, a preset or a host (`resolver`).
   */
  hostForm: 'address' | 'resolver'
  /** Fills kind-specific defaults and returns why the target cannot run, or null. */
  prepare: (target: ResolvedTarget) => string | null
  /** The host the probe will contact (for the no-open-proxy rule), after `prepare`. */
  contactHost: (target: ResolvedTarget) => string
  /** What the legend says, e.g. `20 TCP connects to port 443`. */
  describe: (target: ResolvedTarget) => string
  /**
   * A clean request sent once per round before the pings (the referer kind's request without
   * the header): returns why the pings cannot be judged, e.g. the clean request already gets the
   * answer a ping counts as received. The round is then recorded `unknown` with that reason and
   * no ping is sent. Null: go ahead. The plan counts it as one more subrequest per round.
   */
  baseline?: (
    target: ResolvedTarget,
    ports: ProbePorts,
    signal: AbortSignal,
  ) => Promise<string | null>
  /** `index` is the ping's number in the round (0-based): kinds that vary per ping use it. */
  probe: (
    target: ResolvedTarget,
    ports: ProbePorts,
    signal: AbortSignal,
    index: number,
  ) => Promise<Sample>
}
