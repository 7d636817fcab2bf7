// The referer probe's public surface: what routes and the checks scheduler import.
export { RefererProbeError } from './errors'
export { formatRefererReport } from './format-report'
export { REFERER_PROBE_LIMITS } from './limits'
export type { RefererProbeRequest } from './request'
export {
  type RefererProbeReport,
  type RefererResult,
  runRefererProbe,
} from './run-referer-probe'
export type { ProbeOutcome, ProbeRequest, RefererProbePorts, SendProbe } from './types'
export type { Verdict } from './verdict'
