import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { generate, run, tempFile } from './helpers'

/*
 * Applies the linux-iproute2 output for real: two network namespaces joined by a veth pair carry
 * IPv4 (TEST-NET-1 addresses, never routed anywhere), each end runs the generated script with
 * the other as its broker, and ping6 crosses the sit tunnel. Needs root and working network
 * namespaces; without them the test is skipped with the reason.
 */
const tag = `${process.pid}`
const A = `edgeping-a-${tag}`
const B = `edgeping-b-${tag}`

function netnsUsable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root'
  const probe = `edgeping-probe-${tag}`
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' })
  if (r.error) return `ip is not installed (${r.error.message})`
  if (r.status !== 0) return `ip netns add failed: ${r.stderr.trim()}`
  // A container may have namespaces but no sit module (and no modprobe to load it).
  const sit = spawnSync(
    'ip',
    [
      '-n',
      probe,
      'tunnel',
      'add',
      'probe0',
      'mode',
      'sit',
      'remote',
      '192.0.2.2',
      'local',
      '192.0.2.1',
    ],
    { encoding: 'utf8' },
  )
  spawnSync('ip', ['netns', 'del', probe])
  if (sit.status !== 0) return `the kernel has no sit (6in4) tunnels: ${sit.stderr.trim()}`
  return null
}

const reason = netnsUsable()
if (reason) console.warn(`skipping the namespace tunnel test: ${reason}`)

function ip(...args: string[]) {
  const r = run('ip', args)
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.out}`)
}

describe.skipIf(reason !== null)('linux-iproute2 applied between two namespaces', () => {
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', A])
    spawnSync('ip', ['netns', 'del', B])
  })

  it('brings the sit tunnel up and ping6 crosses it', async () => {
    ip('netns', 'add', A)
    ip('netns', 'add', B)
    ip(
      'link',
      'add',
      `va${tag}`.slice(0, 15),
      'type',
      'veth',
      'peer',
      'name',
      `vb${tag}`.slice(0, 15),
    )
    ip('link', 'set', `va${tag}`.slice(0, 15), 'netns', A)
    ip('link', 'set', `vb${tag}`.slice(0, 15), 'netns', B)
    ip('-n', A, 'addr', 'add', '192.0.2.1/24', 'dev', `va${tag}`.slice(0, 15))
    ip('-n', B, 'addr', 'add', '192.0.2.2/24', 'dev', `vb${tag}`.slice(0, 15))
    for (const [ns, dev] of [
      [A, `va${tag}`.slice(0, 15)],
      [B, `vb${tag}`.slice(0, 15)],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
    }
    const sideA = await generate('linux-iproute2', {
      localIpv4: '192.0.2.1',
      brokerIpv4: '192.0.2.2',
      clientIpv6: '2001:db8:1234::2',
      serverIpv6: '2001:db8:1234::1',
    })
    const sideB = await generate('linux-iproute2', {
      localIpv4: '192.0.2.2',
      brokerIpv4: '192.0.2.1',
      clientIpv6: '2001:db8:1234::1',
      serverIpv6: '2001:db8:1234::2',
    })
    const ra = run('ip', ['netns', 'exec', A, 'sh', tempFile('a.sh', sideA)])
    const rb = run('ip', ['netns', 'exec', B, 'sh', tempFile('b.sh', sideB)])
    expect(ra.out).toContain('2001:db8:1234::2/64')
    expect(rb.out).toContain('2001:db8:1234::1/64')
    // -w 10 waits out duplicate address detection on the new addresses.
    const ping = run('ip', [
      'netns',
      'exec',
      A,
      'ping',
      '-6',
      '-c',
      '2',
      '-w',
      '10',
      '2001:db8:1234::1',
    ])
    expect(ping.out).toMatch(/[12] received/)
    expect(ping.status).toBe(0)
  })
})
