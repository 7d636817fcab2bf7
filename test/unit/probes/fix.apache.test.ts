// The fix rules the probe reports, checked by the real `apache2 -t` with mod_security2 loaded.
import { describe, expect, it } from 'vitest'
import { buildFix } from '../../../src/probes/fix'
import { validateModsecRules } from '../../servers/apache-modsec/apache-modsec'

describe('buildFix under apache2 -t', () => {
  it('writes valid rules for both case modes, with t:urlDecode and for User-Agent', () => {
    const rules: string[] = []
    let id = 10100
    for (const caseMode of ['lowercase', 'regex-i'] as const) {
      for (const urlDecode of [false, true]) {
        for (const header of ['Referer', 'User-Agent']) {
          const fix = buildFix('http://Porn.example/?q=a+b', 'case-sensitive-gap', header, id++, {
            phase: 1,
            status: 403,
            caseMode,
            urlDecode,
          })
          expect(fix?.rule).toBeTruthy()
          if (urlDecode) expect(fix?.rule).toContain('t:none,t:urlDecode')
          rules.push(fix?.rule ?? '')
        }
      }
    }
    const r = validateModsecRules(rules.join('\n'))
    expect(r.output).toBe('Syntax OK')
    expect(r.ok).toBe(true)
  })

  it('never writes a rule a hostile value could break: refused, or valid', () => {
    const hostile = [
      'x" "id:1,phase:1,allow',
      "o'brien",
      '%{REMOTE_ADDR}',
      'a\\b',
      'p(o)rn[',
      'a b',
    ]
    const rules: string[] = []
    hostile.forEach((term, i) => {
      const fix = buildFix(term, 'case-sensitive-gap', 'Referer', 20000 + i, {
        phase: 1,
        status: 403,
        caseMode: 'lowercase',
        urlDecode: true,
      })
      if (fix?.rule) rules.push(fix.rule)
      else expect(fix?.note).toMatch(/^no rule could be built/)
    })
    for (const rule of rules) expect(rule.split('\n')).toHaveLength(1)
    if (rules.length > 0) expect(validateModsecRules(rules.join('\n')).output).toBe('Syntax OK')
  })
})
