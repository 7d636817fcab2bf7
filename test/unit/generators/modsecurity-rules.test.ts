import { describe, expect, it } from 'vitest'
import { renderRefererRules } from '../../../src/generators/modsecurity-rules'

const LOWER = { baseId: 10100, phase: 1, status: 403, caseMode: 'lowercase' } as const

describe('renderRefererRules', () => {
  it('writes one t:lowercase rule per term with a lower-case pattern and consecutive ids', () => {
    const text = renderRefererRules(['Porn', 'casinospam'], LOWER)
    expect(text.split('\n')).toEqual([
      `SecRule REQUEST_HEADERS:Referer "@rx porn" "id:10100,phase:1,deny,status:403,log,msg:'Referer contains Porn',t:none,t:lowercase"`,
      `SecRule REQUEST_HEADERS:Referer "@rx casinospam" "id:10101,phase:1,deny,status:403,log,msg:'Referer contains casinospam',t:none,t:lowercase"`,
    ])
  })

  it('wraps the pattern in (?i:...) in regex-i mode and keeps its case', () => {
    const text = renderRefererRules(['FishingScum'], {
      ...LOWER,
      caseMode: 'regex-i',
      phase: 2,
      status: 500,
    })
    expect(text).toBe(
      `SecRule REQUEST_HEADERS:Referer "@rx (?i:FishingScum)" "id:10100,phase:2,deny,status:500,log,msg:'Referer contains FishingScum',t:none"`,
    )
  })

  it('escapes regex metacharacters so a URL matches literally', () => {
    const text = renderRefererRules(['http://porn.example/?q=a+b(c)'], LOWER)
    expect(text).toContain('"@rx http://porn\\.example/\\?q=a\\+b\\(c\\)"')
  })

  it.each([
    ['a double quote', 'x" "id:1,phase:1,allow', '\\x22'],
    ['a newline', 'x\nSecRuleEngine Off', '\\x0a'],
    ['a backslash', 'x\\', '\\x5c'],
    ['a macro', '%{REMOTE_ADDR}', '\\x25\\{remote_addr\\}'],
    ['a single quote', "o'brien", '\\x27'],
    ['a non-ASCII letter', 'pörn', 'p\\xc3\\xb6rn'],
  ])('cannot be broken out of by %s', (_what, term, escaped) => {
    const text = renderRefererRules([term], LOWER)
    expect(text.split('\n')).toHaveLength(1)
    expect(text).toContain(escaped)
    // Exactly four double quotes: the two quoted arguments; no quote in msg.
    expect(text.match(/"/g)).toHaveLength(4)
    expect(text.match(/'/g)).toHaveLength(2)
  })

  it('refuses empty terms, bad ids, phases and statuses', () => {
    expect(() => renderRefererRules([''], LOWER)).toThrow(/empty/)
    expect(() => renderRefererRules(['x'], { ...LOWER, baseId: 0 })).toThrow(/baseId/)
    expect(() => renderRefererRules(['x'], { ...LOWER, status: 99 })).toThrow(/status/)
    expect(() => renderRefererRules(['x'.repeat(513)], LOWER)).toThrow(/longer/)
  })

  it('renders nothing for no terms', () => {
    expect(renderRefererRules([], LOWER)).toBe('')
  })
})
