import { apacheSmokepingAlias } from './apache-smokeping-alias'
import { flowFilter } from './flow-filter'
import { flowFilterExpression } from './flow-filter-expression'
import type { Generator } from './generator'
import { apacheRefererRewrite, modsecurity, nginxRefererMap } from './modsecurity'
import { resolvConf } from './resolv-conf'
import { smokeping } from './smokeping'
import { syslogConf } from './syslog-conf'
import { freebsdTunnel, macosTunnel, netbsdTunnel, openbsdTunnel } from './tunnel/bsd'
import {
  debianInterfacesTunnel,
  linuxIproute2Tunnel,
  linuxNetToolsTunnel,
  netplanTunnel,
  networkdTunnel,
} from './tunnel/linux'
import {
  ciscoIosTunnel,
  edgeosTunnel,
  junosTunnel,
  mikrotikTunnel,
  vyosTunnel,
  windowsNetshTunnel,
} from './tunnel/routers'
import { zoneRecords } from './zone-records'

/** Every generator, in the order `GET /generate` lists them. */
export const GENERATORS: readonly Generator[] = [
  freebsdTunnel,
  openbsdTunnel,
  netbsdTunnel,
  macosTunnel,
  linuxIproute2Tunnel,
  linuxNetToolsTunnel,
  debianInterfacesTunnel,
  netplanTunnel,
  networkdTunnel,
  windowsNetshTunnel,
  mikrotikTunnel,
  ciscoIosTunnel,
  junosTunnel,
  vyosTunnel,
  edgeosTunnel,
  resolvConf,
  zoneRecords,
  smokeping,
  modsecurity,
  nginxRefererMap,
  apacheRefererRewrite,
  flowFilter,
  flowFilterExpression,
  syslogConf,
  apacheSmokepingAlias,
]

/** The generator of a kind, or undefined. */
export function findGenerator(kind: string): Generator | undefined {
  return GENERATORS.find((g) => g.kind === kind)
}
