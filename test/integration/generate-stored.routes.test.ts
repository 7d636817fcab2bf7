// GET /generate/smokeping?source=stored: the SmokePing config of the checks' stored tree.
import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

const TARGETS = `*** Database ***
step = 300
pings = 10

*** Targets ***
probe = TCPPing
menu = Top
title = Edge checks

+ local
menu = Local
title = Loopback

++ ssh
title = SSH
host = 127.0.0.1
port = 22
`

describe('smokeping from the stored targets', () => {
  it('404s before any PUT /targets', async () => {
    const res = await call('/generate/smokeping?source=stored')
    expect(res.status).toBe(404)
    expect((await problemOf(res)).detail).toContain('PUT /targets first')
  })

  it('renders the stored tree with its step and pings', async () => {
    const put = await call('/targets', {
      method: 'PUT',
      token: true,
      headers: { 'content-type': 'text/plain' },
      body: TARGETS,
    })
    expect(put.status).toBe(200)
    const res = await call('/generate/smokeping?source=stored')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('step  = 300\npings = 10')
    expect(text).toContain('+ local\nmenu = Local\ntitle = Loopback')
    // ssh sets no menu: SmokePing shows its host there, and the generated config says so.
    expect(text).toContain(
      '++ ssh\nprobe = TCPPing\nmenu = 127.0.0.1\ntitle = SSH\nhost = 127.0.0.1\nport = 22',
    )
    const targetsOnly = await call('/generate/smokeping?source=stored&mode=targets')
    expect((await targetsOnly.text()).split('\n').filter((l) => l.startsWith('***'))).toEqual([
      '*** Targets ***',
    ])
  })

  it('refuses source on other generators and other sources', async () => {
    expect((await call('/generate/resolv-conf?source=stored')).status).toBe(422)
    expect((await call('/generate/smokeping?source=kv')).status).toBe(422)
  })
})
