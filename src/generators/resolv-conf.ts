import { z } from 'zod'
import { duplicateIssues, hostname, ipAddress } from './fields'
import { defineGenerator } from './generator'

// resolv.conf(5): glibc reads at most 3 nameservers (MAXNS) and 6 search domains.
const schema = z
  .object({
    nameservers: z
      .array(ipAddress)
      .min(1)
      .max(3)
      .describe('Up to 3 resolver addresses (glibc MAXNS), IPv6 and IPv4, tried in order'),
    search: z.array(hostname).max(6).optional().describe('Search domains (at most 6)'),
    ndots: z.number().int().min(0).max(15).optional(),
    timeout: z.number().int().min(1).max(30).optional().describe('Seconds per try'),
    attempts: z.number().int().min(1).max(5).optional(),
    rotate: z.boolean().optional().describe('Spread queries over the nameservers'),
    edns0: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    // A repeated nameserver takes one of glibc's three slots and is tried twice.
    for (const issue of duplicateIssues(r.nameservers, ['nameservers'])) ctx.addIssue(issue)
    const bare = (d: string) => d.replace(/\.$/, '')
    for (const issue of duplicateIssues(r.search ?? [], ['search'], bare)) ctx.addIssue(issue)
  })

/** /etc/resolv.conf with IPv6 and IPv4 nameservers. */
export const resolvConf = defineGenerator({
  kind: 'resolv-conf',
  title: 'resolv.conf',
  purpose:
    'Save as /etc/resolv.conf (if systemd-resolved or resolvconf manages it, configure those instead)',
  comment: '#',
  filename: 'resolv.conf',
  schema,
  render(r) {
    const lines = r.nameservers.map((ns) => `nameserver ${ns}`)
    if (r.search && r.search.length > 0) lines.push(`search ${r.search.join(' ')}`)
    const options: string[] = []
    if (r.ndots !== undefined) options.push(`ndots:${r.ndots}`)
    if (r.timeout !== undefined) options.push(`timeout:${r.timeout}`)
    if (r.attempts !== undefined) options.push(`attempts:${r.attempts}`)
    if (r.rotate) options.push('rotate')
    if (r.edns0) options.push('edns0')
    if (options.length > 0) lines.push(`options ${options.join(' ')}`)
    return lines.join('\n')
  },
})
