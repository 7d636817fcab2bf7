import type { ProbeKind } from './kind'

/** SmokePing's TCPPing: the time to open a TCP connection (here a full handshake). */
export const tcpKind: ProbeKind = {
  name: 'tcp',
  smokepingModules: ['TCPPing'],
  defaultTimeout: 5,
  vars: ['port'],
  hostForm: 'address',
  prepare(target) {
    // TCPPing's default port.
    target.port ??= 80
    if (target.port < 1 || target.port > 65535) return `port ${target.port} is out of range 1-65535`
    if (target.port === 25) return 'Workers may not connect to port 25'
    return null
  },
  contactHost: (t) => t.host,
  describe: (t) => `${t.pings} TCP connects to port ${t.port ?? 80}`,
  async probe(target, ports, signal) {
    if (!ports.connect) return { ok: false, reason: 'no TCP connect port' }
    const refused = ports.refuseHost(target.host)
    if (refused) return { ok: false, reason: refused }
    return ports
      .connect(target.host, target.port ?? 80, signal)
      .then((r) => (r.ok ? { ok: true, ms: r.ms } : { ok: false, reason: r.reason }))
  },
}
