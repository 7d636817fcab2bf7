import { describe, expect, it } from 'vitest'
import type { ProbePorts } from '../../../src/checks/kinds/ports'
import type { ResolvedTarget } from '../../../src/checks/kinds/resolved-target'
import { runRounds } from '../../../src/checks/run-round'

function target(id: string, over: Partial<ResolvedTarget> = {}): ResolvedTarget {
  return {
    id,
    title: id,
    menu: id,
    host: '192.0.2.1',
    kind: 'tcp',
    probe: 'tcp',
    pings: 5,
    step: 300,
    timeoutMs: 1000,
    port: 80,
    alerts: [],
    ...over,
  }
}

const allow = () => null

describe('runRounds', () => {
  it('never has more than 5 probes in flight, over all targets', async () => {
    let inFlight = 0
    let peak = 0
    const ports: ProbePorts = {
      refuseHost: allow,
      connect: async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((r) => setTimeout(r, 2))
        inFlight--
        return { ok: true, ms: 1 }
      },
    }
    const rounds = await runRounds([target('a'), target('b'), target('c')], ports, {
      deadline: new AbortController().signal,
      now: Date.now,
    })
    expect(peak).toBe(5)
    expect(rounds.map((r) => [r.id, r.status, r.loss])).toEqual([
      ['a', 'ok', 0],
      ['b', 'ok', 0],
      ['c', 'ok', 0],
    ])
  })

  it('keeps down targets from holding every slot: the live ones finish before the deadline', async () => {
    // A dead host: every probe takes its whole timeout. Live hosts answer in 2 ms.
    const dead = new Set(['a', 'd', 'e'])
    let liveDone = 0
    const ports: ProbePorts = {
      refuseHost: allow,
      connect: (host, _p, signal) =>
        dead.has(host)
          ? new Promise((resolve) =>
              signal.addEventListener('abort', () => resolve({ ok: false, reason: 'timeout' })),
            )
          : new Promise((resolve) =>
              setTimeout(() => {
                liveDone++
                resolve({ ok: true, ms: 2 })
              }, 2),
            ),
    }
    const run = async (ids: string[], deadlineMs: number) => {
      const deadline = new AbortController()
      const timer = setTimeout(() => deadline.abort(), deadlineMs)
      const rounds = await runRounds(
        ids.map((id) => target(id, { host: id, timeoutMs: 300 })),
        ports,
        { deadline: deadline.signal, now: Date.now },
      )
      clearTimeout(timer)
      return Object.fromEntries(rounds.map((r) => [r.id, [r.status, r.loss]]))
    }
    // One dead target among live ones: capped at 2 in flight, it cannot starve them even before
    // its first timeout (with every slot its own, b and c would wait 300 ms and be cut at 150).
    expect(await run(['a', 'b', 'c'], 150)).toEqual({
      a: ['unknown', undefined],
      b: ['ok', 0],
      c: ['ok', 0],
    })
    // Three dead targets fill all five slots at first; once their probes time out they go after
    // the live one, which then finishes before the deadline.
    liveDone = 0
    expect(await run(['a', 'd', 'e', 'b'], 550)).toEqual({
      a: ['unknown', undefined],
      d: ['unknown', undefined],
      e: ['unknown', undefined],
      b: ['ok', 0],
    })
    expect(liveDone).toBe(5)
    // Once timed out, a dead target goes after a live one even when the live one is at its cap:
    // b (20 probes of 100 ms) gets every slot from a's first timeout on and is done by about
    // 600 ms; sharing them with a, as before, it took about 1 s.
    const slowLive: ProbePorts = {
      refuseHost: allow,
      connect: (host, _p, signal) =>
        new Promise((resolve) => {
          if (host === 'b') setTimeout(() => resolve({ ok: true, ms: 100 }), 100)
          else signal.addEventListener('abort', () => resolve({ ok: false, reason: 'timeout' }))
        }),
    }
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), 800)
    const rounds = await runRounds(
      ['a', 'b'].map((id) => target(id, { host: id, pings: 20, timeoutMs: 300 })),
      slowLive,
      { deadline: deadline.signal, now: Date.now },
    )
    clearTimeout(timer)
    expect(rounds.map((r) => [r.id, r.status, r.loss])).toEqual([
      ['a', 'unknown', undefined],
      ['b', 'ok', 0],
    ])
    // With time for everything, the dead rounds are measured: 100 % loss, not unknown.
    expect(await run(['a', 'b'], 3000)).toEqual({ a: ['ok', 5], b: ['ok', 0] })
  })

  it('turns failures and per-probe timeouts into loss with reasons', async () => {
    let n = 0
    const ports: ProbePorts = {
      refuseHost: allow,
      connect: (_h, _p, signal) =>
        n++ % 2 === 0
          ? Promise.resolve({ ok: false, reason: 'refused' })
          : new Promise((resolve) =>
              signal.addEventListener('abort', () => resolve({ ok: false, reason: 'timeout' })),
            ),
    }
    const [round] = await runRounds([target('a', { pings: 4, timeoutMs: 20 })], ports, {
      deadline: new AbortController().signal,
      now: Date.now,
    })
    expect(round).toMatchObject({ status: 'ok', loss: 4, reasons: { refused: 2, timeout: 2 } })
  })

  it('records a round the deadline cut short as unknown, not as loss', async () => {
    const deadline = new AbortController()
    const ports: ProbePorts = {
      refuseHost: allow,
      connect: (_h, _p, signal) => {
        deadline.abort()
        return Promise.resolve(
          signal.aborted ? { ok: false, reason: 'aborted' } : { ok: true, ms: 1 },
        )
      },
    }
    const [round] = await runRounds([target('a')], ports, {
      deadline: deadline.signal,
      now: Date.now,
    })
    expect(round).toMatchObject({ status: 'unknown', reason: expect.stringContaining('deadline') })
  })

  it('refuses hosts the no-open-proxy rule forbids, as loss', async () => {
    const ports: ProbePorts = {
      refuseHost: (h) => `${h} is private`,
      connect: async () => ({ ok: true, ms: 1 }),
    }
    const [round] = await runRounds([target('a', { pings: 3 })], ports, {
      deadline: new AbortController().signal,
      now: Date.now,
    })
    expect(round).toMatchObject({ loss: 3, reasons: { '192.0.2.1 is private': 3 } })
  })

  it("sends a kind's baseline request before and after each round, within the 5 in flight", async () => {
    let inFlight = 0
    let peak = 0
    let clean = 0
    const ports: ProbePorts = {
      refuseHost: allow,
      http: async (_url, { headers }) => {
        if (headers?.referer === undefined) clean++
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((r) => setTimeout(r, 2))
        inFlight--
        return { ok: true, status: headers?.referer === undefined ? 200 : 403, ms: 1 }
      },
    }
    const waf = (id: string) =>
      target(id, { kind: 'referer', probe: 'referer', url: 'https://192.0.2.1/', referer: 'spam' })
    const rounds = await runRounds([waf('a'), waf('b'), waf('c')], ports, {
      deadline: new AbortController().signal,
      now: Date.now,
    })
    // one before and one after each round's variants
    expect(clean).toBe(6)
    expect(peak).toBeLessThanOrEqual(5)
    expect(rounds.map((r) => [r.id, r.status, r.loss])).toEqual([
      ['a', 'ok', 0],
      ['b', 'ok', 0],
      ['c', 'ok', 0],
    ])
  })

  it('records a round whose baseline the deadline cut as unknown for the deadline', async () => {
    const deadline = new AbortController()
    const ports: ProbePorts = {
      refuseHost: allow,
      http: async () => {
        deadline.abort()
        return { ok: false, reason: 'timeout' }
      },
    }
    const [round] = await runRounds(
      [target('a', { kind: 'referer', probe: 'referer', url: 'https://192.0.2.1/', referer: 'x' })],
      ports,
      { deadline: deadline.signal, now: Date.now },
    )
    expect(round).toMatchObject({ status: 'unknown', reason: expect.stringContaining('deadline') })
  })
})
