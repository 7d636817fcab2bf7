// The generator and probe pages in a real browser against wrangler dev (and, for the probe, the
// real Apache + ModSecurity on loopback).
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { accessibilityViolations, launch, screenshot } from './browser'

const BASE = inject('baseUrl')
const TOKEN = inject('apiToken')

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

async function logIn(page: Page, next: string): Promise<void> {
  await page.goto(`${BASE}/login?next=${encodeURIComponent(next)}`)
  await page.getByLabel('API token').fill(TOKEN)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${BASE}${next}`)
}

describe('generator pages', () => {
  it('lists every generator in the browser while curl still gets the JSON API', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/generate`)
    const links = await page.locator('main a[href^="/generate/"]').count()
    expect(links).toBeGreaterThanOrEqual(20)
    const api = await fetch(`${BASE}/generate`)
    expect(api.headers.get('content-type')).toContain('application/json')
    await ctx.close()
  })

  it("fills the FreeBSD form with the seed's addresses and copies the rc.conf lines", async () => {
    const ctx = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] })
    const page = await ctx.newPage()
    await page.goto(`${BASE}/generate/freebsd`)
    await page.locator('#f-localIpv4').fill('198.22.63.8')
    await page.locator('#f-brokerIpv4').fill('209.51.181.2')
    await page.locator('#f-clientIpv6').fill('2001:470:1f10:b9c::2')
    await page.locator('#f-style').selectOption('rc.conf-legacy')
    await page.getByRole('button', { name: 'Generate' }).click()
    const output = page.locator('#output')
    await expect
      .poll(() => output.textContent())
      .toContain('gifconfig_gif0="198.22.63.8 209.51.181.2"')
    await page.getByRole('button', { name: 'Copy' }).click()
    await expect.poll(() => page.locator('#copied').textContent()).toBe('Copied')
    const clip = await page.evaluate(() => navigator.clipboard.readText())
    expect(clip).toContain('ipv6_defaultrouter="2001:470:1f10:b9c::1"')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'generate-freebsd')
    await ctx.close()
  })

  it('shows which field is wrong, and never echoes an injection into the output', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(
      `${BASE}/generate/freebsd?localIpv4=${encodeURIComponent('1.2.3.4"\nrm -rf /')}&brokerIpv4=209.51.181.2&clientIpv6=2001:db8::2`,
    )
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('localIpv4')
    expect(await page.locator('#output').count()).toBe(0)
    // The error links to its field, which says it is invalid and carries its hint.
    await page.getByRole('alert').getByRole('link', { name: 'localIpv4' }).first().click()
    const field = page.locator('#f-localIpv4')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(
      await page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent(),
    ).toMatch(/IPv4/)
    await ctx.close()
  })
})

describe('probe page', () => {
  it('asks to log in first', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/probes`)
    await expect.poll(() => page.locator('main').textContent()).toContain('needs the API token')
    await ctx.close()
  })

  it('finds the case-sensitivity gap of the real ModSecurity rule and shows the fix', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await logIn(page, '/probes')
    await page.getByLabel('Site URL').fill(inject('apacheTrapUrl'))
    await page
      .getByLabel('Values to test, one per line')
      .fill('http://porn.example/\nhttp://benign.example/')
    await page.getByRole('button', { name: 'Probe' }).click()
    const report = page.getByRole('region', { name: 'Probe report' })
    await expect
      .poll(() => report.locator('tr[data-referer="http://porn.example/"]').textContent())
      .toContain('case-sensitive-gap')
    await expect
      .poll(() => report.locator('tr[data-referer="http://benign.example/"]').textContent())
      .toContain('not-blocked')
    await expect
      .poll(() => report.locator('pre').textContent())
      .toContain('SecRule REQUEST_HEADERS:Referer')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'probe-referer')
    await ctx.close()
  })

  it('refuses a form post without the session CSRF token', async () => {
    const res = await fetch(`${BASE}/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
      body: 'url=http%3A%2F%2F127.0.0.1%2F&referers=x',
    })
    expect(res.status).toBe(403)
  })
})

/** Clicks Analyze and waits until the page shows results or an error. */
async function analyze(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Analyze' }).click()
  await page.locator('#flows-results:visible, #flows-error:visible').first().waitFor()
}

describe('flows page', () => {
  const seedDir = new URL('../fixtures/flows/seed/', import.meta.url).pathname
  const day = (d: string) =>
    ['000000', '060000', '120000', '180000'].map(
      (t) => `${seedDir}2010-11-0${d}/ft-v05.2010-11-0${d}.${t}+0000`,
    )

  it('answers the intrusion question over both seed days: when did 6667/7000 first appear?', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/flows`)
    await page.locator('#files').setInputFiles([...day('8'), ...day('9')])
    await page.getByLabel('nfdump expression').fill('port 6667 or port 7000')
    await analyze(page)
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await expect
      .poll(() => timeline.locator('#flows-seen').textContent())
      .toContain('first seen 2010-11-09 01:25:41 UTC 189.22.36.165:60702 → 208.83.20.130:6667')
    expect(await timeline.locator('svg rect').count()).toBeGreaterThan(0)
    // The chart's time axis: the first bucket's start under the bars.
    expect(await timeline.locator('svg text').allTextContents()).toContain(
      '2010-11-09 01:00:00 UTC',
    )
    const totals = await page.locator('#flows-totals').textContent()
    expect(totals).toMatch(/^8 file\(s\), 1,328 flows, \d+ matched/)
    expect(await page.locator('#flows-files tbody tr').count()).toBe(8)
    // Top tables as the server-drawn pages title them, protocols by name.
    const top = page.getByRole('region', { name: 'Top talkers' })
    expect(await top.locator('caption').allTextContents()).toContain('Protocols')
    expect(await top.locator('table', { hasText: 'Protocols' }).textContent()).toContain('tcp')
    expect(await page.locator('#flows-prev').isDisabled()).toBe(true)
    await expect.poll(() => page.locator('#flows-print').textContent()).toContain('208.83.20.130')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'flows-intrusion')
    await ctx.close()
  })

  it('prints in the chosen flow-print format with names and wide columns, like the real tool', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/flows`)
    const fixtures = new URL('../fixtures/flows/', import.meta.url).pathname
    await page.locator('#files').setInputFiles(`${fixtures}seed-all.ft`)
    await page.getByLabel('Print format (flow-print -f)').selectOption('f3')
    await page.getByLabel('names (-n)').check()
    await page.getByLabel('wide (-w)').check()
    await analyze(page)
    const expected = readFileSync(
      `${fixtures}expected/seed-all/print-formats/print-f3-names-wide.txt`,
      'latin1',
    )
      .split('\n')
      .slice(0, 100)
      .join('\n')
    await expect.poll(() => page.locator('#flows-print').textContent()).toBe(expected)
    await ctx.close()
  })

  it('saves the report and timeline when logged in, and shows the saved timeline again', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await logIn(page, '/flows')
    await page.locator('#files').setInputFiles(day('9'))
    await page.getByLabel('nfdump expression').fill('port 6667 or port 7000')
    await page.getByLabel('Save the report and timeline').check()
    await analyze(page)
    const saved = page.locator('#flows-saved')
    await expect.poll(() => saved.textContent()).toContain('Saved for 90 days')
    await saved.getByRole('link', { name: 'the timeline' }).click()
    await page.waitForURL(/\/flows\/analyses\/[0-9a-f-]{36}$/)
    await expect
      .poll(() => page.locator('#first-seen').textContent())
      .toMatch(/2010-11-09 01:25:41 UTC 189\.22\.36\.165:60702 → 208\.83\.20\.130:6667/)
    expect(await page.locator('#analysis-files tbody tr').count()).toBe(4)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'flows-saved-timeline')
    // The same path still answers curl, with the token only.
    const api = await fetch(page.url())
    expect(api.status).toBe(401)
    await ctx.close()
  })

  it('reproduces the seed pipeline with an uploaded filter.cfg and two definition stages', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/flows`)
    await page.locator('#files').setInputFiles([...day('8'), ...day('9')])
    await page
      .locator('#filtercfg')
      .setInputFiles(new URL('../fixtures/flows/filter-extended.cfg', import.meta.url).pathname)
    await page
      .getByLabel(/flow-nfilter definitions/)
      .fill('ip-addr:ADDR=189.22.36.165\nnot-ip-port:PORT=80')
    await analyze(page)
    await expect
      .poll(() => page.locator('#flows-totals').textContent())
      .toMatch(/1,328 flows, [1-9]\d* matched/)
    // The first page of 100 lines is flow-print's own output for this pipeline.
    const expected = readFileSync(
      new URL(
        '../fixtures/flows/expected/pipelines/seed-all/ip-addr_not-ip-port-80.txt',
        import.meta.url,
      ),
      'utf8',
    )
    const printed = await page.locator('#flows-print').textContent()
    expect(printed).toBe(expected.replace(/\n$/, '').split('\n').slice(0, 100).join('\n'))
    await ctx.close()
  })

  it('shows a filter syntax error from the API in the page', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/flows`)
    await page.locator('#files').setInputFiles(day('9').slice(0, 1))
    await page.getByLabel('nfdump expression').fill('port and and')
    await analyze(page)
    await expect
      .poll(() => page.locator('#flows-error').textContent())
      .toContain('Invalid flow filter')
    await ctx.close()
  })
})

describe('saved filter sets page', () => {
  it('saves a set after login, shows a syntax error with its line, lists and deletes it', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await logIn(page, '/flows/filters')
    await page.getByLabel('Name').fill('incident')
    await page
      .getByLabel('filter.cfg')
      .fill(
        'filter-primitive victim\n  type ip-address\n  permit 189.22.36.165\n\nfilter-definition not-victim\n  invert\n  match ip-source-address victim\n',
      )
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Saved incident.')
    await expect
      .poll(() => page.getByRole('navigation', { name: 'Saved filter sets' }).textContent())
      .toContain('incident')
    // the API on the same path still answers curl
    const api = await fetch(`${BASE}/flows/filters/incident`)
    expect(((await api.json()) as { name: string }).name).toBe('incident')

    await page.getByLabel('filter.cfg').fill('filter-primitive p\n  type ip-port\n  permit 22 23\n')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/line 3/)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'filter-sets')

    await page.goto(`${BASE}/flows/filters/incident`)
    // Delete shares the form with Save: without its tick it deletes nothing.
    await page.getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not deleted')
    expect((await fetch(`${BASE}/flows/filters/incident`)).status).toBe(200)
    await page.getByLabel('delete it for good').check()
    await page.getByRole('button', { name: 'Delete' }).click()
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('Deleted incident.')
    expect((await fetch(`${BASE}/flows/filters/incident`)).status).toBe(404)
    await ctx.close()
  })
})
