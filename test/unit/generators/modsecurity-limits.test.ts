import { describe, expect, it } from 'vitest'
import { REWRITE_STATUSES } from '../../../src/generators/modsecurity'
import { MAX_RULE_ID, renderRefererRules } from '../../../src/generators/modsecurity-rules'
import { apacheTest } from './apache-check'
import { generate } from './helpers'

describe('modsecurity rule ids', () => {
  it('apache2 -t rejects id 2147483648 (the validator works)', () => {
    const rule = `SecRule REMOTE_ADDR "@rx x" "id:${MAX_RULE_ID + 1},phase:1,deny"\n`
    const r = apacheTest(rule)
    expect(r.status).not.toBe(0)
    expect(r.out).toContain('Invalid value for action ID')
  })

  it('accepts a last id of 2147483647, with and without @rbl, and apache2 -t agrees', async () => {
    const plain = await generate('modsecurity', { terms: ['a', 'b'], baseId: MAX_RULE_ID - 1 })
    expect(plain).toContain(`id:${MAX_RULE_ID},`)
    const rbl = await generate('modsecurity', {
      terms: ['a'],
      baseId: MAX_RULE_ID - 1,
      rbl: 'zen.spamhaus.org',
    })
    expect(rbl).toContain(`"id:${MAX_RULE_ID},phase:1`)
    for (const text of [plain, rbl]) {
      const r = apacheTest(text)
      expect(r.out).toContain('Syntax OK')
      expect(r.status).toBe(0)
    }
  })

  it.each([
    ['baseId above 2147483647', { terms: ['a'], baseId: 2_147_483_648 }],
    ['the last term id above it', { terms: ['a', 'b'], baseId: MAX_RULE_ID }],
    ['the @rbl id above it', { terms: ['a'], baseId: MAX_RULE_ID, rbl: 'zen.spamhaus.org' }],
  ])('refuses %s, naming baseId', async (_, input) => {
    await expect(generate('modsecurity', input)).rejects.toMatchObject({
      issues: [{ path: 'baseId' }],
    })
  })

  it('the shared builder refuses a last id above 2147483647, naming baseId', () => {
    const options = { phase: 1, status: 403, caseMode: 'lowercase' } as const
    expect(renderRefererRules(['a'], { ...options, baseId: MAX_RULE_ID })).toContain(
      `id:${MAX_RULE_ID},`,
    )
    expect(() => renderRefererRules(['a', 'b'], { ...options, baseId: MAX_RULE_ID })).toThrow(
      /baseId/,
    )
  })
})

describe('apache-referer-rewrite status', () => {
  it('accepts exactly the codes mod_rewrite takes, and apache2 -t passes every one', async () => {
    const accepted: number[] = []
    const texts: string[] = []
    for (let status = 400; status <= 599; status++) {
      try {
        texts.push(await generate('apache-referer-rewrite', { terms: ['porn'], status }))
        accepted.push(status)
      } catch (err) {
        expect(err).toMatchObject({ issues: [{ path: 'status' }] })
      }
    }
    expect(accepted).toEqual([...REWRITE_STATUSES])
    const r = apacheTest(texts.join('\n'), ['rewrite'])
    expect(r.out).toContain('Syntax OK')
    expect(r.status).toBe(0)
  })

  it.each([418, 499, 599])(
    'apache2 -t rejects R=%i, and the generator refuses it',
    async (code) => {
      const r = apacheTest(`RewriteEngine On\nRewriteRule ^ - [R=${code},L]\n`, ['rewrite'])
      expect(r.status).not.toBe(0)
      expect(r.out).toContain("for flag 'R'")
      await expect(
        generate('apache-referer-rewrite', { terms: ['porn'], status: code }),
      ).rejects.toMatchObject({ issues: [{ path: 'status' }] })
    },
  )
})
