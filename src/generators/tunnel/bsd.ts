import { z } from 'zod'
import { commentLines, defineGenerator } from '../generator'
import { routedGateway, type Tunnel, tunnelNotes, tunnelSchema } from './tunnel-input'

// KAME-style gif(4) interfaces: the same ifconfig syntax on FreeBSD, OpenBSD, NetBSD and macOS.
// The unit has no leading zero: if_clone(9) refuses `gif01` (EINVAL), so `ifconfig gif01 create`
// fails. The hint text is quoted by the README and the route tests: keep it.
const GIF = {
  pattern: /^gif(?:0|[1-9]\d{0,2})$/,
  hint: 'must be gifN (gif(4) interface)',
  fallback: 'gif0',
}

function ifconfigCommands(t: Tunnel, create: boolean): string[] {
  const lines = create ? [`ifconfig ${t.interface} create`] : []
  lines.push(
    `ifconfig ${t.interface} tunnel ${t.localIpv4} ${t.brokerIpv4}`,
    `ifconfig ${t.interface} inet6 ${t.clientIpv6} ${t.serverIpv6} prefixlen 128`,
    `ifconfig ${t.interface} mtu ${t.mtu}`,
    `route -n add -inet6 default ${t.serverIpv6}`,
    `ifconfig ${t.interface} up`,
  )
  return lines
}

const freebsdSchema = z.intersection(
  tunnelSchema(GIF),
  z.object({
    style: z
      .enum(['rc.conf', 'rc.conf-legacy', 'commands'])
      .default('rc.conf')
      .describe(
        'rc.conf: modern cloned_interfaces form; rc.conf-legacy: gif_interfaces/gifconfig_ (still honoured by network.subr); commands: one-shot ifconfig',
      ),
  }),
)

/** FreeBSD: rc.conf (modern or legacy) or one-shot commands; network.subr rules cited inline. */
export const freebsdTunnel = defineGenerator({
  kind: 'freebsd',
  title: 'FreeBSD 6in4 tunnel',
  purpose: 'Append to /etc/rc.conf (or run the commands as root); then: service netif restart',
  comment: '#',
  filename: 'rc.conf',
  schema: freebsdSchema,
  render(t) {
    const gif = t.interface
    const v6 = `inet6 ${t.clientIpv6} ${t.serverIpv6} prefixlen 128`
    let lines: string[]
    if (t.style === 'commands') {
      lines = ifconfigCommands(t, true)
    } else if (t.style === 'rc.conf-legacy') {
      // network.subr clone_up() still runs `ifconfig gifN tunnel $gifconfig_gifN`.
      lines = [
        `gif_interfaces="${gif}"`,
        `gifconfig_${gif}="${t.localIpv4} ${t.brokerIpv4}"`,
        `ifconfig_${gif}="mtu ${t.mtu}"`,
        `ifconfig_${gif}_ipv6="${v6}"`,
        `ipv6_defaultrouter="${t.serverIpv6}"`,
        ...commentLines('#', [
          `OBSOLETE (network.subr warns "$ipv6_ifconfig_${gif} is obsolete"), do not use:`,
          `ipv6_ifconfig_${gif}="${t.clientIpv6} ${t.serverIpv6} prefixlen 128"`,
        ]),
      ]
    } else {
      lines = [
        `cloned_interfaces="${gif}"`,
        `ifconfig_${gif}="tunnel ${t.localIpv4} ${t.brokerIpv4} mtu ${t.mtu}"`,
        // ifconfig_<if>_ipv6 must start with inet6 (network.subr prepends it with a warning).
        `ifconfig_${gif}_ipv6="${v6}"`,
        `ipv6_defaultrouter="${t.serverIpv6}"`,
      ]
    }
    if (t.routedPrefix) {
      lines.push(
        ...commentLines('#', [
          'optional: route the routed prefix to the LAN (replace em0 with your LAN interface)',
          'ipv6_gateway_enable="YES"',
          `ifconfig_em0_ipv6="inet6 ${routedGateway(t.routedPrefix).replace('/', ' prefixlen ')}"`,
          'rtadvd_enable="YES"',
          'rtadvd_interfaces="em0"',
        ]),
      )
    }
    return [...lines, ...commentLines('#', tunnelNotes(t))].join('\n')
  },
})

/** OpenBSD /etc/hostname.gifN (hostname.if(5): lines starting with ! run as commands). */
export const openbsdTunnel = defineGenerator({
  kind: 'openbsd',
  title: 'OpenBSD 6in4 tunnel',
  purpose: 'Save as /etc/hostname.gifN (the interface name); then: sh /etc/netstart gifN',
  comment: '#',
  filename: 'hostname.gif0',
  named: (t) => ({
    filename: `hostname.${t.interface}`,
    purpose: `Save as /etc/hostname.${t.interface} (the interface name); then: sh /etc/netstart ${t.interface}`,
  }),
  schema: tunnelSchema(GIF),
  render(t) {
    return [
      'description "IPv6 tunnel"',
      `tunnel ${t.localIpv4} ${t.brokerIpv4}`,
      `mtu ${t.mtu}`,
      `inet6 alias ${t.clientIpv6} ${t.serverIpv6} prefixlen 128`,
      'up',
      `!route -n add -inet6 default ${t.serverIpv6}`,
      ...commentLines('#', [
        `pf.conf must pass protocol 41: pass in proto 41 from ${t.brokerIpv4} keep state`,
        ...tunnelNotes(t),
      ]),
    ].join('\n')
  },
})

/** NetBSD /etc/ifconfig.gifN (ifconfig.if(5)) plus the rc.conf default route. */
export const netbsdTunnel = defineGenerator({
  kind: 'netbsd',
  title: 'NetBSD 6in4 tunnel',
  purpose:
    'Save as /etc/ifconfig.gifN (the interface name) and add the rc.conf lines shown in the comments',
  comment: '#',
  filename: 'ifconfig.gif0',
  named: (t) => ({
    filename: `ifconfig.${t.interface}`,
    purpose: `Save as /etc/ifconfig.${t.interface} (the interface name) and add the rc.conf lines shown in the comments`,
  }),
  schema: tunnelSchema(GIF),
  render(t) {
    return [
      'create',
      `tunnel ${t.localIpv4} ${t.brokerIpv4}`,
      `mtu ${t.mtu}`,
      `inet6 ${t.clientIpv6} ${t.serverIpv6} prefixlen 128`,
      'up',
      ...commentLines('#', [
        'and in /etc/rc.conf (rc.conf(5)):',
        `defaultroute6="${t.serverIpv6}"`,
        ...tunnelNotes(t),
      ]),
    ].join('\n')
  },
})

/** macOS: KAME ifconfig as root (old releases have gif0 already: skip `create` if it fails). */
export const macosTunnel = defineGenerator({
  kind: 'macos',
  title: 'macOS 6in4 tunnel',
  purpose: 'Run as root (sudo sh FILE); not persistent across reboots',
  comment: '#',
  filename: 'he-ipv6-macos.sh',
  schema: tunnelSchema(GIF),
  render(t) {
    return [
      ...commentLines('#', [
        'old macOS releases already have gif0: ignore "File exists" from create',
      ]),
      ...ifconfigCommands(t, true),
      ...commentLines('#', tunnelNotes(t)),
    ].join('\n')
  },
})
