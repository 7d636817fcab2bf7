import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderRefererRules } from '../../../src/generators/modsecurity-rules'
import { apacheTest } from './apache-check'
import { generate, tempDir } from './helpers'

describe('renderRefererRules (the shared SecRule builder)', () => {
  it('builds lowercase rules with urlDecode first, escaped patterns and consecutive ids', () => {
    expect(
      renderRefererRules(['porn', 'Spam.Example'], {
        baseId: 1001,
        phase: 1,
        status: 403,
        caseMode: 'lowercase',
      }),
    ).toBe(
      [
        `SecRule REQUEST_HEADERS:Referer "@rx porn" "id:1001,phase:1,deny,status:403,log,t:none,t:urlDecode,t:lowercase,msg:'Referer contains porn'"`,
        `SecRule REQUEST_HEADERS:Referer "@rx spam\\.example" "id:1002,phase:1,deny,status:403,log,t:none,t:urlDecode,t:lowercase,msg:'Referer contains Spam.Example'"`,
        '',
      ].join('\n'),
    )
  })

  it('uses (?i:...) in regex-i mode and keeps the case of the term', () => {
    const text = renderRefererRules(['FishingScum'], {
      baseId: 7,
      phase: 2,
      status: 500,
      caseMode: 'regex-i',
    })
    expect(text).toContain(
      '"@rx (?i:FishingScum)" "id:7,phase:2,deny,status:500,log,t:none,t:urlDecode,',
    )
  })

  it('refuses a term with a quote, naming it', () => {
    expect(() =>
      renderRefererRules(['ok', 'bad"term'], {
        baseId: 1,
        phase: 1,
        status: 403,
        caseMode: 'lowercase',
      }),
    ).toThrow(/terms\.1/)
  })

  it('output passes apache2 -t with mod_security2 loaded, in both case modes', () => {
    const terms = ['porn', 'casino.example', 'a+b', 'what?', 'x*y']
    for (const caseMode of ['lowercase', 'regex-i'] as const) {
      const r = apacheTest(
        renderRefererRules(terms, { baseId: 9000, phase: 1, status: 403, caseMode }),
      )
      expect(r.out).toContain('Syntax OK')
      expect(r.status).toBe(0)
    }
  })
})

describe('modsecurity generator', () => {
  it('with an @rbl rule and debug-log lines passes apache2 -t', async () => {
    const debugLog = join(tempDir(), 'modsec_debug.log')
    const text = await generate('modsecurity', {
      terms: ['porn', 'pillspam'],
      rbl: 'zen.spamhaus.org',
      debugLog,
      debugLogLevel: 3,
    })
    expect(text).toContain(`SecDebugLog ${debugLog}\nSecDebugLogLevel 3\n`)
    expect(text).toContain('SecRule REMOTE_ADDR "@rbl zen.spamhaus.org" "id:1000102,phase:1,deny')
    const r = apacheTest(text)
    expect(r.out).toContain('Syntax OK')
    expect(r.status).toBe(0)
  })

  it('apache2 -t rejects duplicate ids (the validator works)', () => {
    const rule = renderRefererRules(['a'], {
      baseId: 5,
      phase: 1,
      status: 403,
      caseMode: 'lowercase',
    })
    const r = apacheTest(rule + rule)
    expect(r.status).not.toBe(0)
    expect(r.out).toContain('Found another rule with the same id')
  })

  it('refuses a duplicate term (ignoring case), naming the field', async () => {
    await expect(generate('modsecurity', { terms: ['porn', 'PORN'] })).rejects.toMatchObject({
      issues: [{ path: 'terms.1' }],
    })
  })
})

describe('apache-referer-rewrite', () => {
  it('passes apache2 -t with mod_rewrite', async () => {
    const text = await generate('apache-referer-rewrite', {
      terms: ['porn', 'spam.example'],
      status: 410,
    })
    expect(text).toContain('RewriteCond %{HTTP_REFERER} (porn) [NC,OR]\n')
    expect(text).toContain('RewriteCond %{HTTP_REFERER} (spam\\.example) [NC]\n')
    const r = apacheTest(text, ['rewrite'])
    expect(r.out).toContain('Syntax OK')
    expect(r.status).toBe(0)
  })
})

describe('nginx-referer-map', () => {
  it('writes a case-insensitive map and the if that uses it', async () => {
    const text = await generate('nginx-referer-map', { terms: ['porn', 'spam.example'] })
    expect(text).toContain('map $http_referer $edgeping_bad_referer {\n    default 0;\n')
    expect(text).toContain('    "~*spam\\.example" 1;\n')
    expect(text).toContain('if ($edgeping_bad_referer) { return 403; }')
  })
})

describe('apache-smokeping-alias', () => {
  it('restricts access with Require ip and passes apache2 -t', async () => {
    const text = await generate('apache-smokeping-alias', {
      allow: ['192.0.2.0/24', '2001:DB8::/48'],
    })
    expect(text).toContain('Require ip 192.0.2.0/24 2001:db8::/48')
    expect(text).not.toMatch(/allow from all/i)
    const r = apacheTest(text, ['authz_core', 'authz_host', 'alias', 'dir'])
    expect(r.out).toContain('Syntax OK')
    expect(r.status).toBe(0)
  })

  it('refuses an empty allow list, naming the field', async () => {
    await expect(generate('apache-smokeping-alias', { allow: [] })).rejects.toMatchObject({
      issues: [{ path: 'allow' }],
    })
  })
})
