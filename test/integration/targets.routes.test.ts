import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

// SmokePing's own example Targets section (etc/config.dist), as in test/fixtures/smokeping.
const EXAMPLE = `*** Alerts ***
to = alertee@address.somewhere
from = smokealert@company.xy

+someloss
type = loss
pattern = >0%,*12*,>0%,*12*,>0%
comment = loss 3 times  in a row

*** Targets ***

probe = FPing

menu = Top
title = Network Latency Grapher
remark = Welcome to the SmokePing website of xxx Company. \\
         Here you will learn all about the latency of our network.

+ Test
menu= Targets

++ James

menu = James
title =James
alerts = someloss
slaves = boomer slave2
host = james.address

++ MultiHost

menu = Multihost
title = James and James as seen from Boomer
host = /Test/James /Test/James~boomer
`

const put = (body: string, type = 'text/plain', token = true) =>
  call('/targets', { method: 'PUT', body, headers: { 'content-type': type }, token })

describe('PUT /targets', () => {
  it('needs the token', async () => {
    const res = await put(EXAMPLE, 'text/plain', false)
    expect(res.status).toBe(401)
  })

  it("answers SmokePing's FPing example with 422 naming the line and why ICMP is impossible", async () => {
    const res = await put(EXAMPLE)
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p).toMatchObject({
      type: '/problems/invalid-targets',
      code: 'icmp_impossible',
      line: 12,
      path: 'Test.James',
    })
    expect(p.detail).toMatch(/ICMP.*cannot send/)
  })

  it('stores the example with TCPPing and gives it back as text and JSON', async () => {
    const res = await put(EXAMPLE.replace('probe = FPing', 'probe = TCPPing'))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ targets: 1, multihost: 1, plan: { unscheduled: [] } })
    const text = await (await call('/targets?format=smokeping')).text()
    expect(text).toContain('*** Targets ***')
    expect(text).toContain('++ James')
    expect(text).toContain('pattern = >0%,*12*,>0%,*12*,>0%')
    // Round trip through the API: the exported text is accepted and exports identically.
    expect((await put(text)).status).toBe(200)
    expect(await (await call('/targets', { headers: { accept: 'text/plain' } })).text()).toBe(text)
    const json = (await (await call('/targets')).json()) as { targets: { probe: string } }
    expect(json.targets.probe).toBe('TCPPing')
    expect((await put(JSON.stringify(json), 'application/json')).status).toBe(200)
  })

  it('names the line of a syntax error', async () => {
    const p = await problemOf(await put('probe = tcp\n+ a\nhost = 192.0.2.1\n+++ b\n'))
    expect(p).toMatchObject({ status: 422, line: 4, code: 'nesting' })
  })

  it('refuses what smokeping --check refuses: a variable set twice, a section repeated, @include', async () => {
    const twice = await problemOf(
      await put('probe = tcp\n+ a\nhost = 192.0.2.1\nhost = 192.0.2.2\n'),
    )
    expect(twice).toMatchObject({ status: 422, line: 4, code: 'syntax' })
    expect(twice.detail).toContain("variable 'host' already defined")
    const again = await problemOf(
      await put('*** Targets ***\nprobe = tcp\n+ a\nhost = 192.0.2.1\n*** Targets ***\n'),
    )
    expect(again).toMatchObject({ status: 422, line: 5, code: 'bad_name' })
    const inc = await problemOf(await put('probe = tcp\n@include /etc/passwd\n'))
    expect(inc).toMatchObject({ status: 422, line: 2, code: 'syntax' })
    expect(inc.detail).toContain('@include is not supported')
  })

  it('reads @define as SmokePing does and stores the substituted tree', async () => {
    const res = await put('@define ADDR example.com\nprobe = tcp\n+ a\nhost = ADDR\n')
    expect(res.status).toBe(200)
    const text = await (await call('/targets', { headers: { accept: 'text/plain' } })).text()
    expect(text).toContain('host = example.com')
    expect(text).not.toMatch(/@define|menu = /)
  })

  it('names the path and field of a bad JSON config, without a 500', async () => {
    const bad = { targets: { name: '', children: [{ name: 'x y', host: 'a\nb' }] } }
    const res = await put(JSON.stringify(bad), 'application/json')
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(JSON.stringify(p.errors)).toContain('body.targets.children.0.name')
    expect(JSON.stringify(p.errors)).toContain('body.targets.children.0.host')
  })

  it('refuses a tree nested deeper than 16 levels before parsing it (900 levels were a 500)', async () => {
    let node: Record<string, unknown> = { name: 'leaf', host: '192.0.2.1', probe: 'tcp' }
    for (let i = 0; i < 900; i++) node = { name: `l${i}`, children: [node] }
    const res = await put(
      JSON.stringify({ targets: { name: '', children: [node] } }),
      'application/json',
    )
    expect(res.status).toBe(422)
    expect((await problemOf(res)).errors).toEqual([
      { path: 'body.targets', message: 'at most 16 levels of sections below Targets' },
    ])
  })

  it('refuses what SmokePing could not read back: a # in a value, a section named like a variable', async () => {
    const tree = (child: Record<string, unknown>) =>
      JSON.stringify({ targets: { name: '', probe: 'tcp', children: [child] } })
    const hash = await put(
      tree({ name: 'web', title: 'Web #1', host: '127.0.0.1' }),
      'application/json',
    )
    expect(hash.status).toBe(422)
    expect((await problemOf(hash)).errors).toEqual([
      {
        path: 'body.targets.children.0.title',
        message: 'must not contain # (SmokePing reads the rest as a comment)',
      },
    ])
    const named = await put(tree({ name: 'title', host: '127.0.0.1' }), 'application/json')
    expect(named.status).toBe(422)
    expect((await problemOf(named)).detail).toContain(
      "section 'title': 'title' is a variable of SmokePing's Targets section",
    )
    const ok = await put(tree({ name: 'Title', host: '127.0.0.1' }), 'application/json')
    expect(ok.status).toBe(200)
  })

  it('refuses more distinct webhook URLs than a tick keeps subrequests for (2 by default)', async () => {
    const alert = (name: string, to: string) =>
      `+ ${name}\ntype = loss\npattern = >0%\ncomment = x\nto = ${to}\n`
    const text = (n: number) =>
      `*** Alerts ***\nto = ops@example.test\n${Array.from({ length: n }, (_, i) => alert(`a${i}`, `https://hooks.example/${i}`)).join('')}\n*** Targets ***\nprobe = tcp\n+ x\nhost = 127.0.0.1\n`
    expect((await put(text(2))).status).toBe(200)
    const res = await put(text(3))
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.detail).toContain(
      '3 distinct alert webhook URLs; a tick keeps 2 subrequests for webhooks',
    )
    // The `to` that goes past the reserve: a2's, its fifth line.
    expect(p.line).toBe(17)
    // A bad top-level recipient is named by its line too.
    const bad = await put(
      '*** Alerts ***\nto = |/usr/bin/mail\n*** Targets ***\nprobe = tcp\n+ x\nhost = 127.0.0.1\n',
    )
    const badP = await problemOf(bad)
    expect([bad.status, badP.line]).toEqual([422, 2])
    expect(badP.detail).toContain("alert recipient '|/usr/bin/mail' must be a webhook URL")
  })

  it('refuses what would not export and read back the same (fuzz findings), text and JSON', async () => {
    const leaf = 'probe = tcp\n+ x\nhost = 127.0.0.1\n'
    const text = async (body: string) => {
      const res = await put(body)
      return { status: res.status, p: res.status === 200 ? undefined : await problemOf(res) }
    }
    // `foo\\` before an empty line reads as `foo\`: exported, it would swallow the next line.
    const slash = await text(`${leaf}title = foo\\\\\n\n`)
    expect([slash.status, slash.p?.line]).toEqual([422, 4])
    expect(slash.p?.detail).toContain('title: a value cannot end with a backslash')
    // 1e+23 in the export could not be read back.
    const huge = await text(`${leaf}step = 100000000000000000000000\n`)
    expect(huge.p?.detail).toContain('step must be an integer from 1 to 2147483647')
    // An @define blowing a small body up past what a PUT takes was a 500 (KV value too large).
    const many = Array.from({ length: 300 }, (_, i) => `+ g${i}\nmenu = X\n`).join('')
    const blown = await text(`@define X ${'x'.repeat(950)}\nprobe = tcp\n${many}`)
    expect(blown.status).toBe(422)
    expect(blown.p?.detail).toContain('with @define values put in, the text is larger than 262144')
    const groups = Array.from({ length: 2001 }, (_, i) => `+ g${i}\n`).join('')
    expect((await text(`probe = tcp\n${groups}`)).p?.detail).toContain('more than 2000 sections')
    // priority 0 is SmokePing's "no priority", not an error.
    const alerts = '*** Alerts ***\n+ a\ntype = loss\npattern = >0%\ncomment = c\npriority = 0\n'
    expect((await text(`${alerts}*** Targets ***\n${leaf}alerts = a\n`)).status).toBe(200)
    // Upper-case schemes are webhook URLs too, and count against the reserve.
    const hook = (n: number) =>
      `+ h${n}\ntype = loss\npattern = >0%\ncomment = c\nto = HTTPS://hooks.example/${n}\n`
    const hooks = await text(
      `*** Alerts ***\n${hook(1)}${hook(2)}${hook(3)}*** Targets ***\n${leaf}`,
    )
    expect(hooks.p?.detail).toContain('3 distinct alert webhook URLs')
    const json = async (children: unknown[]) => {
      const res = await put(
        JSON.stringify({ targets: { name: '', probe: 'tcp', children } }),
        'application/json',
      )
      return res.status === 200 ? '' : String((await problemOf(res)).detail)
    }
    const x = { name: 'x', host: '127.0.0.1' }
    expect(await json([x, x])).toContain("section 'x' appears twice")
    expect(await json([{ ...x, name: '' }])).toContain('a section below Targets needs a name')
    expect(await json([{ ...x, name: 'step' }])).toContain("'step' is a variable")
    expect(await json([{ ...x, title: 'a\u2028b' }])).toContain('line separators')
    // A JSON alert's bad pattern or recipient names its path.
    const bad = await put(
      JSON.stringify({
        alerts: { list: [{ name: 'a', type: 'loss', pattern: '>1', comment: 'c', to: 'ftp://x' }] },
        targets: { name: '', probe: 'tcp', children: [x] },
      }),
      'application/json',
    )
    expect((await problemOf(bad)).path).toBe('alerts.a.pattern')
    // The root is *** Targets ***: a name there would be lost by the text export.
    const named = await put(
      JSON.stringify({ targets: { name: 'Root', probe: 'tcp', children: [x] } }),
      'application/json',
    )
    expect((await problemOf(named)).errors).toEqual([
      {
        path: 'body.targets.name',
        message: 'the root is *** Targets *** and has no name: use ""',
      },
    ])
  })

  it('refuses a target the no-open-proxy rule forbids, naming it', async () => {
    const res = await put(
      'probe = tcp\n+ mcast\nhost = 224.0.0.1\n+ web\nprobe = http\nurlformat = http://[ff02::1]/\nhost = x\n',
    )
    expect(res.status).toBe(422)
    expect((await problemOf(res)).detail).toMatch(
      /target mcast: 224\.0\.0\.1 is a multicast address/,
    )
  })

  it('accepts only the SmokePing variables it keeps in extra', async () => {
    const bad = {
      targets: {
        name: '',
        children: [{ name: 'x', host: 'x.example', probe: 'tcp', extra: { host: 'y' } }],
      },
    }
    const res = await put(JSON.stringify(bad), 'application/json')
    expect(res.status).toBe(422)
    const ok = {
      targets: {
        name: '',
        children: [{ name: 'x', host: 'x.example', probe: 'tcp', extra: { slaves: 'a b' } }],
      },
    }
    expect((await put(JSON.stringify(ok), 'application/json')).status).toBe(200)
    expect(await (await call('/targets?format=smokeping')).text()).toContain('slaves = a b')
  })

  it('refuses other media types with 415', async () => {
    expect((await put('x', 'application/xml')).status).toBe(415)
  })
})
