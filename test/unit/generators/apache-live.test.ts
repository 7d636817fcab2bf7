import { describe, expect, inject, it } from 'vitest'

/** Requests against Apache + ModSecurity serving generated rules (test/servers/generated-apache.ts). */
const URL_BASE = inject('generatedApacheUrl')

async function statusWithReferer(referer: string | null, path = '/'): Promise<number> {
  const res = await fetch(`${URL_BASE}${path}`, { headers: referer ? { Referer: referer } : {} })
  await res.arrayBuffer()
  return res.status
}

describe('generated ModSecurity rules in a real Apache', () => {
  it('serves a clean request', async () => {
    expect(await statusWithReferer(null)).toBe(200)
    expect(await statusWithReferer('http://clean.example/')).toBe(200)
  })

  it('lowercase mode blocks every letter case and percent-encoded letters', async () => {
    for (const referer of [
      'http://porn.example/',
      'http://Porn.example/',
      'http://PORN.example/',
      'http://example.test/?q=p%6Frn',
      'http://example.test/?q=P%4FRN',
      'http://www.SPAM.Example/',
    ]) {
      expect(await statusWithReferer(referer), referer).toBe(403)
    }
  })

  it('escapes the dot: spamXexample is not blocked', async () => {
    expect(await statusWithReferer('http://spamXexample.test/')).toBe(200)
  })

  it('regex-i mode blocks every letter case with its own status', async () => {
    for (const referer of [
      'http://fishingscum.example/',
      'http://FishingScum.example/',
      'http://FISHINGSCUM.example/',
    ]) {
      expect(await statusWithReferer(referer), referer).toBe(500)
    }
  })
})

describe('generated SmokePing alias block in a real Apache', () => {
  it('refuses a client outside Require ip', async () => {
    expect(await statusWithReferer(null, '/smokeping/smokeping.css')).toBe(403)
  })
  it('serves a client inside Require ip', async () => {
    expect(await statusWithReferer(null, '/smokeping-open/smokeping.css')).toBe(200)
  })
})
