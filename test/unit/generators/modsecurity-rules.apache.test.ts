// The rules the generator writes, checked by the real `apache2 -t` with mod_security2 loaded.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderRefererRules } from '../../../src/generators/modsecurity-rules'
import { validateModsecRules } from '../../servers/apache-modsec/apache-modsec'

const CASES = new URL('../../fixtures/modsec/cases/', import.meta.url).pathname

describe('renderRefererRules under apache2 -t', () => {
  it('rejects a broken rule file, so a pass below means something', () => {
    const r = validateModsecRules(readFileSync(`${CASES}bad-regex.conf`, 'utf8'))
    expect(r.ok).toBe(false)
    expect(r.output).toContain('Error compiling pattern')
  })

  it('accepts both case modes, hostile terms included', () => {
    const terms = [
      'porn',
      'http://Porn.example/?q=a+b(c)[d]{e}|f^$*.',
      'x" "id:1,phase:1,allow',
      'x\nSecRuleEngine Off',
      "back\\slash o'brien %{REMOTE_ADDR} pörn",
    ]
    for (const caseMode of ['lowercase', 'regex-i'] as const) {
      const rules = renderRefererRules(terms, { baseId: 10100, phase: 1, status: 403, caseMode })
      const r = validateModsecRules(rules)
      expect(r.output).toBe('Syntax OK')
      expect(r.ok).toBe(true)
    }
  })
})
