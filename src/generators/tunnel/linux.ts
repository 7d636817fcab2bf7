import { commentLines, defineGenerator } from '../generator'
import { clientCidr, tunnelNotes, tunnelSchema } from './tunnel-input'

// Linux interface names: IFNAMSIZ is 16 including the NUL.
const LINUX_IF = {
  pattern: /^[A-Za-z][A-Za-z0-9_-]{0,14}$/,
  hint: 'must be a letter then up to 14 letters, digits, _ or - (Linux IFNAMSIZ)',
  fallback: 'he-ipv6',
}

/** Linux iproute2 (HE "Linux-route2"): a sit tunnel, as root. */
export const linuxIproute2Tunnel = defineGenerator({
  kind: 'linux-iproute2',
  title: 'Linux iproute2 6in4 tunnel',
  purpose:
    'Run as root (sh FILE); not persistent: use debian-interfaces, netplan or systemd-networkd for that',
  comment: '#',
  filename: 'he-ipv6-iproute2.sh',
  schema: tunnelSchema(LINUX_IF),
  render(t) {
    const dev = t.interface
    return [
      'modprobe sit',
      `ip tunnel add ${dev} mode sit remote ${t.brokerIpv4} local ${t.localIpv4} ttl 255`,
      `ip link set ${dev} up mtu ${t.mtu}`,
      `ip addr add ${clientCidr(t)} dev ${dev}`,
      `ip -6 route add ::/0 dev ${dev}`,
      `ip -6 addr show dev ${dev}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})

/** Linux net-tools (HE "Linux-net-tools"): `sit0` spawns `sit1` for the remote end. */
export const linuxNetToolsTunnel = defineGenerator({
  kind: 'linux-net-tools',
  title: 'Linux net-tools 6in4 tunnel',
  purpose:
    'Run as root (sh FILE) on systems with ifconfig/route from net-tools; the kernel names the tunnel sit1',
  comment: '#',
  filename: 'he-ipv6-net-tools.sh',
  schema: tunnelSchema({
    pattern: /^sit[1-9]\d{0,2}$/,
    hint: 'must be sitN (N ≥ 1)',
    fallback: 'sit1',
  }),
  render(t) {
    const dev = t.interface
    return [
      ...commentLines('#', [
        'net-tools cannot set the local address: the kernel picks it',
        // The kernel, not the command, names the tunnel: `interface` must be the name it picks.
        `the kernel names the new tunnel the first free sitN (sit1 with no other sit tunnel); check that it is ${dev} with: ifconfig -a`,
      ]),
      'ifconfig sit0 up',
      `ifconfig sit0 inet6 tunnel ::${t.brokerIpv4}`,
      `ifconfig ${dev} up`,
      `ifconfig ${dev} mtu ${t.mtu}`,
      `ifconfig ${dev} inet6 add ${clientCidr(t)}`,
      `route -A inet6 add ::/0 dev ${dev}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})

/** Debian/Ubuntu ifupdown `v4tunnel` stanza (interfaces(5)). */
export const debianInterfacesTunnel = defineGenerator({
  kind: 'debian-interfaces',
  title: 'Debian /etc/network/interfaces 6in4 tunnel',
  purpose: 'Append to /etc/network/interfaces (ifupdown); then: ifup he-ipv6',
  comment: '#',
  filename: 'interfaces',
  schema: tunnelSchema(LINUX_IF),
  render(t) {
    return [
      `auto ${t.interface}`,
      `iface ${t.interface} inet6 v4tunnel`,
      `        address ${t.clientIpv6}`,
      `        netmask ${t.prefixLength}`,
      `        endpoint ${t.brokerIpv4}`,
      `        local ${t.localIpv4}`,
      '        ttl 255',
      `        gateway ${t.serverIpv6}`,
      `        mtu ${t.mtu}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})

/** netplan YAML (netplan generate turns it into systemd-networkd files). */
export const netplanTunnel = defineGenerator({
  kind: 'netplan',
  title: 'netplan 6in4 tunnel',
  purpose: 'Save as /etc/netplan/60-he-ipv6.yaml (chmod 600); then: netplan apply',
  comment: '#',
  filename: '60-he-ipv6.yaml',
  schema: tunnelSchema(LINUX_IF),
  render(t) {
    return [
      'network:',
      '  version: 2',
      '  tunnels:',
      `    ${t.interface}:`,
      '      mode: sit',
      `      remote: ${t.brokerIpv4}`,
      `      local: ${t.localIpv4}`,
      '      ttl: 255',
      `      mtu: ${t.mtu}`,
      '      addresses:',
      `        - "${clientCidr(t)}"`,
      '      routes:',
      '        - to: default',
      `          via: "${t.serverIpv6}"`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})

/** systemd-networkd: a .netdev and a .network file (systemd.netdev(5), systemd.network(5)). */
export const networkdTunnel = defineGenerator({
  kind: 'systemd-networkd',
  title: 'systemd-networkd 6in4 tunnel',
  purpose:
    'Two files for /etc/systemd/network/ (split at the "file:" comments); then: networkctl reload',
  comment: '#',
  filename: '10-he-ipv6.netdev',
  schema: tunnelSchema(LINUX_IF),
  render(t) {
    const dev = t.interface
    return [
      `# file: /etc/systemd/network/10-${dev}.netdev`,
      '[NetDev]',
      `Name=${dev}`,
      `MTUBytes=${t.mtu}`,
      'Kind=sit',
      '',
      '[Tunnel]',
      'Independent=true',
      `Local=${t.localIpv4}`,
      `Remote=${t.brokerIpv4}`,
      'TTL=255',
      '',
      `# file: /etc/systemd/network/10-${dev}.network`,
      '[Match]',
      `Name=${dev}`,
      '',
      '[Link]',
      `MTUBytes=${t.mtu}`,
      '',
      '[Network]',
      'LinkLocalAddressing=ipv6',
      `Address=${clientCidr(t)}`,
      'ConfigureWithoutCarrier=yes',
      '',
      '[Route]',
      'Destination=::/0',
      `Gateway=${t.serverIpv6}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})
