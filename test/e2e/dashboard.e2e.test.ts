// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the real
// Worker under `wrangler dev`, resolving through the loopback DoH server.
import type { Browser, BrowserContext, Page } from 'playwright-core'
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

async function open(
  path: string,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext(options)
  const page = await ctx.newPage()
  const res = await page.goto(`${BASE}${path}`)
  expect(res?.status(), path).toBeLessThan(500)
  return { ctx, page }
}

describe('dashboard pages', () => {
  it('the home page links every tool and passes axe', async () => {
    const { ctx, page } = await open('/')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard')
    const links = await page
      .locator('nav[aria-label="Main"] a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    expect(links).toEqual(expect.arrayContaining(['/', '/dns', '/flows', '/probes']))
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'home')
    await ctx.close()
  })

  it('looks up a name from the keyboard and shows the CNAME chain and the AAAA record', async () => {
    const { ctx, page } = await open('/dns')
    await page.getByLabel('Name or IP address').focus()
    await page.keyboard.type('www.example.test')
    await page.getByLabel('Types').fill('AAAA')
    await page.keyboard.press('Enter')
    await page.waitForURL(/name=www\.example\.test/)
    const results = page.getByRole('region', { name: 'Lookup results' })
    await expect
      .poll(() => results.textContent())
      .toContain('CNAME chain: www.example.test. → www.l.example.test.')
    const cells = await results.locator('td.data').allTextContents()
    expect(cells).toContain('2001:db8::63')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'dns-lookup')
    await ctx.close()
  })

  it('shows a bad name as an error in the page, not a crash', async () => {
    const { ctx, page } = await open('/dns?name=bad..name')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('empty label')
    await ctx.close()
  })

  it('fits a long lookup and a readiness report on a phone in dark mode', async () => {
    const phone = { viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const }
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.test`
    for (const path of [`/dns?name=${long}`, '/dns?domain=legacy.test']) {
      const { ctx, page } = await open(path, phone)
      await expect.poll(() => page.locator('main').textContent()).toMatch(/NXDOMAIN|\/100/)
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      )
      expect(overflow, path).toBeLessThanOrEqual(0)
      expect(await accessibilityViolations(page)).toEqual([])
      await ctx.close()
    }
  })

  it('reports an IPv4-only domain as failing without logging in', async () => {
    const { ctx, page } = await open('/dns?domain=legacy.test')
    const report = page.getByRole('region', { name: 'IPv6 readiness report' })
    await expect.poll(() => report.locator('.score').textContent()).toBe('0/100')
    await expect
      .poll(() => report.locator('tr[data-check="web_reach"]').textContent())
      .toContain('no web AAAA')
    await screenshot(page, 'dns-readiness-legacy')
    await ctx.close()
  })

  it('logs in with the token, then runs the TCP check for the dual-stack domain', async () => {
    const { ctx, page } = await open('/login?next=%2Fdns')
    await page.getByLabel('API token').fill('wrong')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong token')
    expect(await ctx.cookies()).toEqual([])

    await page.getByLabel('API token').fill(TOKEN)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${BASE}/dns`)
    const [cookie] = await ctx.cookies()
    expect(cookie).toMatchObject({ name: 'edgeping_session', httpOnly: true, sameSite: 'Strict' })

    await page.getByLabel('Domain').fill('dual.test')
    await page.getByLabel('Web ports').fill('8054')
    await page.getByRole('button', { name: 'Check' }).click()
    const report = page.getByRole('region', { name: 'IPv6 readiness report' })
    await expect.poll(() => report.locator('.score').textContent()).toBe('100/100')
    await expect
      .poll(() => report.locator('tr[data-check="web_reach"]').textContent())
      .toMatch(/\[::1\]:8054 connected/)
    await screenshot(page, 'dns-readiness-dual')

    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(`${BASE}/`)
    expect(await ctx.cookies()).toEqual([])
    await ctx.close()
  })

  it('refuses a cross-site login post (CSRF)', async () => {
    const res = await fetch(`${BASE}/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: `token=${TOKEN}`,
      redirect: 'manual',
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('never redirects off-site after login', async () => {
    const res = await fetch(`${BASE}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
      body: `token=${TOKEN}&next=${encodeURIComponent('//evil.example/')}`,
      redirect: 'manual',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
  })

  it('is dark in dark mode and fits a phone screen', async () => {
    const { ctx, page } = await open('/dns?name=example.test&type=MX,TXT,SOA', {
      colorScheme: 'dark',
      viewport: { width: 390, height: 844 },
    })
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(bg).toBe('rgb(13, 17, 23)')
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'dns-phone-dark')
    await ctx.close()
  })
})
