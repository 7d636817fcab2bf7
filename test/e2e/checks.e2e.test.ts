// The checks dashboard: a target tree imported as SmokePing text, cron ticks through wrangler
// dev's scheduled handler, then the tree, the status and the smoke graphs in the browser.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { accessibilityViolations, launch, screenshot } from './browser'

const BASE = inject('baseUrl')
const TOKEN = inject('apiToken')

// dnsdist's DoH port on loopback is a real TCP listener the tests already have.
const TARGETS = `probe = TCPPing
menu = Top
title = Loopback checks
pings = 5

+ local
menu = Local
title = Local services

++ doh
menu = DoH front end
title = dnsdist on 127.0.0.1:8054
host = 127.0.0.1
port = 8054
step = 60
`

let browser: Browser
beforeAll(async () => {
  browser = await launch()
  const put = await fetch(`${BASE}/targets`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
    body: TARGETS,
  })
  expect(put.status, await put.clone().text()).toBe(200)
  // A config takes effect with the first whole minute after its PUT (the minute under way may
  // have run the old plan's round), and the dashboard shows rounds up to the real now: wait for
  // that minute, then tick it and the next six (the 60 s step has its slot in the first).
  const first = (Math.floor(Date.now() / 60_000) + 1) * 60_000
  await new Promise((r) => setTimeout(r, first - Date.now() + 200))
  for (let m = 0; m <= 6; m++) {
    const tick = await fetch(
      `${BASE}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=${first + m * 60_000}`,
    )
    expect(tick.status).toBe(200)
  }
})
afterAll(async () => {
  await browser?.close()
})

describe('checks dashboard', () => {
  it('shows the target tree with the last round and opens the smoke graphs', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/`)
    const tree = page.getByRole('navigation', { name: 'Targets' })
    await expect.poll(() => tree.textContent()).toContain('Local')
    const entry = tree.locator('li', { hasText: 'DoH front end' }).last()
    await expect
      .poll(() => entry.textContent())
      .toMatch(/up.*TCPPing 127\.0\.0\.1.*median [\d.]+ ms, loss 0\/5/s)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'checks-tree')

    await tree.getByRole('link', { name: 'DoH front end' }).click()
    await page.waitForURL(`${BASE}/target/local.doh`)
    const graphs = page.locator('figure img')
    expect(await graphs.count()).toBe(4)
    // every graph is a real SVG the browser could draw
    const sizes = await graphs.evaluateAll((imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map((img) =>
          img.complete && img.naturalWidth > 0
            ? img.naturalWidth
            : new Promise<number>((r) => {
                img.onload = () => r(img.naturalWidth)
                img.onerror = () => r(0)
              }),
        ),
      ),
    )
    expect(sizes.every((w) => w > 100)).toBe(true)
    await page.getByRole('link', { name: '30h' }).first().click()
    await page.waitForURL(/range=30h/)
    expect(await page.locator('figure img').count()).toBe(1)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'checks-target-30h')
    await ctx.close()
  })
})

describe('targets editor', () => {
  it('shows the stored tree read-only, then saves an edit after login and names a bad line', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/targets`)
    const box = page.getByLabel('Targets')
    await expect(box.inputValue()).resolves.toContain('++ doh')
    expect(await box.getAttribute('readonly')).not.toBeNull()
    // curl on the same path still gets the API
    expect((await fetch(`${BASE}/targets`)).headers.get('content-type')).toContain(
      'application/json',
    )

    await page.getByRole('link', { name: 'Log in' }).last().click()
    await page.getByLabel('API token').fill(TOKEN)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${BASE}/targets`)
    const text = await page.getByLabel('Targets').inputValue()
    await page
      .getByLabel('Targets')
      .fill(
        `${text.trimEnd()}\n\n++ doh6\nmenu = DoH over IPv6\ntitle = dnsdist on [::1]:8054\nhost = ::1\nport = 8054\nstep = 60\n`,
      )
    await page.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Saved 2 target(s)')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'targets-editor')

    await page
      .getByLabel('Targets')
      .fill(
        '*** Targets ***\nprobe = FPing\nmenu = Top\ntitle = T\n+ a\nmenu = a\ntitle = a\nhost = 192.0.2.1\n',
      )
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/line \d+: .*ICMP/)
    await ctx.close()
  })

  it('runs one round now against a host from the targets page, and shows a refused input', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.goto(`${BASE}/login?next=%2Ftargets`)
    await page.getByLabel('API token').fill(TOKEN)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${BASE}/targets`)
    const run = page.getByRole('form', { name: 'Run one round now' })
    await run.getByLabel('Host (for DNS: the resolver)').fill('127.0.0.1')
    await run.getByLabel('Port').fill('8054')
    await run.getByLabel('Pings').fill('3')
    await run.getByRole('button', { name: 'Run' }).click()
    await expect
      .poll(() => page.locator('#run-result').textContent())
      .toMatch(/^tcp 127\.0\.0\.1: median \d+\.\d ms, loss 0\/3/)
    expect(await page.locator('#run-samples').textContent()).toMatch(
      /^samples \(sorted, ms\): \d+\.\d \d+\.\d \d+\.\d$/,
    )
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'targets-run-now')
    await run.getByLabel('Host (for DNS: the resolver)').fill('no such host!')
    await run.getByRole('button', { name: 'Run' }).click()
    // The field is named as the form names it; the value is not echoed (it could hold a secret).
    await expect
      .poll(() => page.locator('#run-error').textContent())
      .toMatch(/^host: is not a host name or IP address/)
    await ctx.close()
  })
})
