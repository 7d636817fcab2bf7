import { describe, expect, it } from 'vitest'
import { createSession, csrfMatches, readSession, SESSION_SECONDS } from '../../../src/ui/session'

describe('dashboard sessions', () => {
  it('accepts its own cookie and derives the same CSRF token', async () => {
    const { cookie, session } = await createSession('secret', 1_000_000)
    const read = await readSession('secret', cookie, 1_000_000)
    expect(read).toEqual(session)
    expect(csrfMatches(read, session.csrf)).toBe(true)
  })
  it('rejects a cookie signed with another token (token rotation ends sessions)', async () => {
    const { cookie } = await createSession('old-token')
    expect(await readSession('new-token', cookie)).toBeNull()
  })
  it('rejects a tampered expiry or id', async () => {
    const { cookie } = await createSession('secret', 0)
    const [id, expires, sig] = cookie.split('.')
    expect(await readSession('secret', `${id}.${Number(expires) + 1000}.${sig}`, 0)).toBeNull()
    expect(await readSession('secret', `${'0'.repeat(32)}.${expires}.${sig}`, 0)).toBeNull()
    expect(await readSession('secret', 'garbage', 0)).toBeNull()
  })
  it('expires after SESSION_SECONDS', async () => {
    const { cookie } = await createSession('secret', 0)
    expect(await readSession('secret', cookie, (SESSION_SECONDS - 1) * 1000)).not.toBeNull()
    expect(await readSession('secret', cookie, SESSION_SECONDS * 1000)).toBeNull()
  })
  it('refuses CSRF tokens of other sessions and missing ones', async () => {
    const a = await createSession('secret')
    const b = await createSession('secret')
    expect(csrfMatches(a.session, b.session.csrf)).toBe(false)
    expect(csrfMatches(a.session, undefined)).toBe(false)
    expect(csrfMatches(null, a.session.csrf)).toBe(false)
  })
})
