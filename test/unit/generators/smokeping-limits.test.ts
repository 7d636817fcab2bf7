import { describe, expect, it } from 'vitest'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { TARGET_VARIABLES } from '../../../src/checks/targets-model'
import { GeneratorInputError } from '../../../src/generators/generator'
import {
  smokepingTargetsFromChecks,
  storedTargetsError,
} from '../../../src/generators/smokeping-from-checks'
import { generate } from './helpers'
import { smokepingCheck, smokepingDirs } from './smokeping-check'

function tree(group: string, leaf: string) {
  return {
    children: [
      { name: group, title: 'Group', children: [{ name: leaf, title: 'Leaf', host: '127.0.0.1' }] },
    ],
  }
}

describe('smokeping section names', () => {
  it('smokeping --check rejects sections named title, menu or probe (the validator works)', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      binaries: s.binaries,
      targets: tree('Group', 'Leaf'),
    })
    for (const [from, to] of [
      ['+ Group', '+ title'],
      ['++ Leaf', '++ menu'],
      ['+ Group', '+ probe'],
      ['+ Group', '+ _order'],
    ] as const) {
      const r = smokepingCheck(text.replace(from, to), s.dir)
      expect(r.status, to).not.toBe(0)
      expect(r.out, to).toContain('section or variable already exists')
    }
  })

  it.each([...TARGET_VARIABLES, '_inherited'])(
    'refuses a section named %s at any level',
    async (name) => {
      await expect(generate('smokeping', { targets: tree(name, 'Leaf') })).rejects.toMatchObject({
        issues: [{ path: 'targets.children.0.name' }],
      })
      await expect(generate('smokeping', { targets: tree('Group', name) })).rejects.toMatchObject({
        issues: [{ path: 'targets.children.0.children.0.name' }],
      })
    },
  )

  it('takes names that differ in case (Title, Host), and smokeping --check agrees', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      binaries: s.binaries,
      targets: tree('Title', 'Host'),
    })
    const r = smokepingCheck(text, s.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })
})

describe('smokeping depth', () => {
  function nested(levels: number) {
    let node: Record<string, unknown> = { name: 'h', title: 'Host', host: '127.0.0.1' }
    for (let i = 1; i < levels; i++) node = { name: `l${i}`, title: `Level ${i}`, children: [node] }
    return { children: [node] }
  }

  it.each([9, 900, 5000])(
    'refuses %i levels with the 8-level 422, not a stack overflow',
    async (n) => {
      await expect(generate('smokeping', { targets: nested(n) })).rejects.toMatchObject({
        issues: [{ path: 'targets', message: 'at most 8 levels of targets' }],
      })
    },
  )

  it('takes 8 levels, and smokeping --check agrees', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      binaries: s.binaries,
      targets: nested(8),
    })
    expect(text).toContain('\n++++++++ h\n')
    const r = smokepingCheck(text, s.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })
})

describe('smokeping from a stored tree with values PUT /targets accepts', () => {
  const STORED = `*** Targets ***
probe = TCPPing
menu = Edge (main)
title = Edge (main): checks, 100% [live]

+ web
probe = Curl
menu = Web [v4]
title = Health (port 8831)
host = 127.0.0.1
urlformat = http://%host%:8831/health?x=1&y=a+b

+ web6
probe = Curl
title = Health v6
host = ::1
urlformat = https://%host%/health

+ named
probe = Curl
title = Fixed URL
host = health
urlformat = https://status.example.test/health?probe=1

+ ssh
title = SSH
host = 192.0.2.1
port = 22
`

  function stored(text: string) {
    const { config } = parseSmokepingText(text)
    return smokepingTargetsFromChecks(config, resolveTargets(config).targets)
  }

  it('writes them, and smokeping --check accepts the config', async () => {
    const targets = stored(STORED)
    const s = smokepingDirs()
    const text = await generate('smokeping', { general: s.general, binaries: s.binaries, targets })
    expect(text).toContain('menu = Edge (main)\ntitle = Edge (main): checks, 100% [live]\n')
    expect(text).toContain('urlformat = http://%host%:8831/health?x=1&y=a+b\n')
    expect(text).toContain('host = ::1\nurlformat = https://[%host%]/health\n')
    expect(text).toContain(
      'host = health\nurlformat = https://status.example.test/health?probe=1\n',
    )
    const r = smokepingCheck(text, s.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })

  it('names the stored target when a value cannot be written (quotes: SmokePing shows titles as HTML)', async () => {
    const targets = stored(STORED.replace('title = Health v6', 'title = Health "v6"'))
    let err: unknown
    try {
      await generate('smokeping', { targets })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(GeneratorInputError)
    const reworded = storedTargetsError(err as GeneratorInputError, targets)
    expect(reworded.issues).toEqual([
      {
        path: 'stored-targets.web6.title',
        message: expect.stringContaining(
          'the stored tree (PUT /targets) has a value the SmokePing generator cannot write (target web6, title)',
        ),
      },
    ])
  })
})
