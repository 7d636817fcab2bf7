import { commentLines, defineGenerator } from '../generator'
import { clientCidr, tunnelNotes, tunnelSchema } from './tunnel-input'

const WORD_IF = (fallback: string) => ({
  pattern: /^[A-Za-z][A-Za-z0-9_-]{0,30}$/,
  hint: 'must be a letter then up to 30 letters, digits, _ or -',
  fallback,
})

/** Windows 10+ netsh (as Administrator). Teredo is disabled so it does not compete for ::/0. */
export const windowsNetshTunnel = defineGenerator({
  kind: 'windows-netsh',
  title: 'Windows netsh 6in4 tunnel',
  purpose: 'Run in an elevated Command Prompt (or save as a .cmd file and run it as Administrator)',
  comment: 'REM',
  filename: 'he-ipv6.cmd',
  schema: tunnelSchema(WORD_IF('IP6Tunnel')),
  render(t) {
    const i = t.interface
    return [
      'netsh interface teredo set state disabled',
      `netsh interface ipv6 add v6v4tunnel interface=${i} localaddress=${t.localIpv4} remoteaddress=${t.brokerIpv4}`,
      `netsh interface ipv6 add address interface=${i} address=${t.clientIpv6}`,
      `netsh interface ipv6 set subinterface ${i} mtu=${t.mtu} store=persistent`,
      `netsh interface ipv6 add route prefix=::/0 interface=${i} nexthop=${t.serverIpv6}`,
      ...commentLines(
        'REM',
        tunnelNotes(t).map((l) => l.replace('ping6 -c 3', 'ping -6 -n 3')),
      ),
    ].join('\r\n')
  },
})

/** MikroTik RouterOS: HE's own template uses MTU 1280 and 2000::/3 (global unicast) as the route. */
export const mikrotikTunnel = defineGenerator({
  kind: 'mikrotik',
  title: 'MikroTik RouterOS 6in4 tunnel',
  purpose: 'Paste into a RouterOS terminal or /import the .rsc file',
  comment: '#',
  filename: 'he-ipv6.rsc',
  schema: tunnelSchema(WORD_IF('sit1')),
  render(t) {
    return [
      `/interface 6to4 add comment="IPv6 tunnel" disabled=no local-address=${t.localIpv4} mtu=${t.mtu} name=${t.interface} remote-address=${t.brokerIpv4}`,
      `/ipv6 route add disabled=no distance=1 dst-address=2000::/3 gateway=${t.serverIpv6}`,
      `/ipv6 address add address=${clientCidr(t)} advertise=no disabled=no eui-64=no interface=${t.interface}`,
      ...commentLines('#', [`Check: /ping ${t.serverIpv6}`, ...tunnelNotes(t).slice(1)]),
    ].join('\n')
  },
})

/** Cisco IOS: `tunnel mode ipv6ip` is manual 6in4. */
export const ciscoIosTunnel = defineGenerator({
  kind: 'cisco-ios',
  title: 'Cisco IOS 6in4 tunnel',
  purpose: 'Paste in configuration mode (configure terminal)',
  comment: '!',
  filename: 'he-ipv6-ios.txt',
  schema: tunnelSchema({
    pattern: /^Tunnel\d{1,5}$/,
    hint: 'must be TunnelN',
    fallback: 'Tunnel0',
  }),
  render(t) {
    return [
      'ipv6 unicast-routing',
      `interface ${t.interface}`,
      ' description IPv6 tunnel',
      ' no ip address',
      ' ipv6 enable',
      ` ipv6 address ${clientCidr(t)}`,
      ` ipv6 mtu ${t.mtu}`,
      ` tunnel source ${t.localIpv4}`,
      ` tunnel destination ${t.brokerIpv4}`,
      ' tunnel mode ipv6ip',
      'exit',
      `ipv6 route ::/0 ${t.interface}`,
      'end',
      ...commentLines('!', [`Check: ping ipv6 ${t.serverIpv6}`, ...tunnelNotes(t).slice(1)]),
    ].join('\n')
  },
})

/** Juniper Junos (SRX / MX with tunnel services): an `ip-` interface, `set` form. */
export const junosTunnel = defineGenerator({
  kind: 'junos',
  title: 'Juniper Junos 6in4 tunnel',
  purpose: 'Load with: configure; load set terminal; (paste); commit check; commit',
  comment: '#',
  filename: 'he-ipv6-junos.set',
  schema: tunnelSchema({
    pattern: /^ip-\d{1,2}\/\d{1,2}\/\d{1,2}$/,
    hint: 'must be an ip-F/P/P tunnel interface',
    fallback: 'ip-0/0/0',
  }),
  render(t) {
    const unit = `set interfaces ${t.interface} unit 0`
    return [
      `${unit} description "IPv6 tunnel"`,
      `${unit} tunnel source ${t.localIpv4}`,
      `${unit} tunnel destination ${t.brokerIpv4}`,
      `${unit} family inet6 mtu ${t.mtu}`,
      `${unit} family inet6 address ${clientCidr(t)}`,
      `set routing-options rib inet6.0 static route ::/0 next-hop ${t.serverIpv6}`,
      ...commentLines('#', [
        'SRX: the tunnel interface needs a security zone and protocol 41 allowed host-inbound',
        `Check: ping inet6 ${t.serverIpv6}`,
        ...tunnelNotes(t).slice(1),
      ]),
    ].join('\n')
  },
})

const TUN_IF = { pattern: /^tun\d{1,4}$/, hint: 'must be tunN', fallback: 'tun0' }

/** VyOS 1.3+ (`encapsulation sit`, `source-address`, `remote`). */
export const vyosTunnel = defineGenerator({
  kind: 'vyos',
  title: 'VyOS 6in4 tunnel',
  purpose: 'Paste in configuration mode (configure); then commit; save',
  comment: '#',
  filename: 'he-ipv6-vyos.txt',
  schema: tunnelSchema(TUN_IF),
  render(t) {
    const i = `set interfaces tunnel ${t.interface}`
    return [
      `${i} address '${clientCidr(t)}'`,
      `${i} description 'IPv6 tunnel'`,
      `${i} encapsulation 'sit'`,
      `${i} mtu '${t.mtu}'`,
      `${i} remote '${t.brokerIpv4}'`,
      `${i} source-address '${t.localIpv4}'`,
      `set protocols static route6 ::/0 interface ${t.interface}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})

/** EdgeOS / old Vyatta: `local-ip` / `remote-ip` and `interface-route6`. */
export const edgeosTunnel = defineGenerator({
  kind: 'edgeos',
  title: 'EdgeOS (Vyatta) 6in4 tunnel',
  purpose: 'Paste in configuration mode (configure); then commit; save',
  comment: '#',
  filename: 'he-ipv6-edgeos.txt',
  schema: tunnelSchema(TUN_IF),
  render(t) {
    const i = `set interfaces tunnel ${t.interface}`
    return [
      `${i} address ${clientCidr(t)}`,
      `${i} description 'IPv6 tunnel'`,
      `${i} encapsulation sit`,
      `${i} mtu ${t.mtu}`,
      `${i} local-ip ${t.localIpv4}`,
      `${i} remote-ip ${t.brokerIpv4}`,
      `set protocols static interface-route6 ::/0 next-hop-interface ${t.interface}`,
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})
