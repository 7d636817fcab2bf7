/** A leaf of the targets tree with every inherited setting applied: what a round runs. */
export type ResolvedTarget = {
  /** Dotted path of section names, `Test.James`. */
  id: string
  title: string
  menu: string
  host: string
  /** The registry key of the probe kind. */
  kind: string
  /** The probe name as configured (`TCPPing`, `tcp`, a Probes entry), for the legend. */
  probe: string
  pings: number
  step: number
  timeoutMs: number
  port?: number
  url?: string
  expect?: string
  status?: string
  lookup?: string
  referer?: string
  alerts: string[]
}
