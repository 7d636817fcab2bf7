import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { exportSmokepingText } from '../../../src/checks/smokeping-export'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { shownMenuTitle, type TargetsConfig } from '../../../src/checks/targets-model'
import { errorOf } from './error-of'

const hasSmokeping = spawnSync('sh', ['-c', 'command -v smokeping']).status === 0

/**
 * Real validation of the exported text: SmokePing's own `--check` (Debian's smokeping, installed
 * by .ci/run) on a config made of the minimal fixture's General/Database/Presentation, Curl and
 * DNS probes, and our exported Targets section.
 */
function smokepingCheck(
  targetsText: string,
  editHead: (head: string) => string = (h) => h,
): { status: number | null; output: string; config: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeping-sp-'))
  for (const d of ['sp/cache', 'sp/data', 'sp/run']) mkdirSync(join(dir, d), { recursive: true })
  writeFileSync(join(dir, 'sp/smokemail'), 'Subject: smokeping\n')
  const min = readFileSync(
    new URL('../../fixtures/smokeping/smokeping-min.config', import.meta.url),
    'utf8',
  )
  const head = editHead(
    min.slice(0, min.indexOf('*** Probes ***')).replaceAll('@FIXTURE_DIR@', dir),
  )
  const config = `${head}*** Probes ***\n+ Curl\nbinary = /usr/bin/curl\n+ DNS\nbinary = /usr/bin/dig\n\n${targetsText}`
  const file = join(dir, 'config')
  writeFileSync(file, config)
  const r = spawnSync('smokeping', ['--check', `--config=${file}`], {
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { status: r.status, output: `${r.stdout}${r.stderr}`, config, file }
}

/**
 * What SmokePing itself shows for each node once its daemon or CGI loaded the config
 * (load_cfg, then init_target_tree fills menu and title): `path host menu title` per line.
 */
function smokepingTree(file: string, env: Record<string, string> = {}): string[] {
  const perl = `use Smokeping; Smokeping::load_cfg($ARGV[0]);
sub walk { my ($t, $p) = @_;
  for my $k (sort grep { ref $t->{$_} eq 'HASH' and !/^_/ } keys %$t) {
    my $c = $t->{$k}; print join("\t", "$p$k", $c->{host} // '-', $c->{menu}, $c->{title}), "\n";
    walk($c, "$p$k."); } }
walk($Smokeping::cfg->{Targets}, '');`
  const r = spawnSync('perl', ['-e', perl, file], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
  })
  if (r.status !== 0) throw new Error(r.stderr)
  // Probes print their own notes (DNS: `### parsing dig output...OK`): keep the tree's lines.
  return r.stdout.split('\n').filter((l) => l.includes('\t'))
}

/** The line `smokeping --check` names, and our error on the same whole config. */
function bothRefuse(targetsText: string, editHead?: (head: string) => string) {
  const r = smokepingCheck(targetsText, editHead)
  const ours = errorOf(() => {
    const { config, lines } = parseSmokepingText(r.config)
    resolveTargets(config, lines)
  })
  return { smokeping: r.output.trim(), line: Number(/line (\d+)/.exec(r.output)?.[1]), ours }
}

const lineOf = (text: string, needle: string, from = 0) =>
  text.split('\n').indexOf(needle, from) + 1

// The SmokePing-compatible subset: variables SmokePing's Curl and DNS probes know.
const config: TargetsConfig = {
  targets: {
    name: '',
    probe: 'Curl',
    menu: 'Top',
    title: 'Exported by edgeping',
    remark: 'quotes "x" stay on their line',
    children: [
      {
        name: 'web',
        menu: 'Web',
        title: 'Web servers',
        children: [
          {
            name: 'site',
            menu: 'site',
            title: 'Site',
            host: 'www.example.com',
            urlformat: 'https://%host%/health',
            expect: 'ok',
            pings: 5,
          },
        ],
      },
      {
        name: 'dns',
        menu: 'DNS',
        title: 'Resolvers',
        probe: 'DNS',
        children: [
          {
            name: 'r1',
            menu: 'r1',
            title: 'Resolver 1',
            host: 'dns.example.net',
            lookup: 'example.com',
          },
        ],
      },
    ],
  },
}

// A missing validator fails here (it never skips): .ci/run installs Debian's smokeping.
describe('smokeping --check on exported Targets text', () => {
  it('has smokeping installed (apt-get install smokeping)', () => {
    expect(hasSmokeping).toBe(true)
  })

  it('accepts the export of a tree in the SmokePing-compatible subset', () => {
    const text = exportSmokepingText(config)
    const r = smokepingCheck(text)
    expect(r.output).toContain('syntax OK')
    expect(r.status).toBe(0)
    expect(parseSmokepingText(text).config).toEqual(config)
  })

  it('fails where our own parser fails: a skipped level', () => {
    const text = exportSmokepingText(config).replace('++ site', '+++ site')
    expect(smokepingCheck(text).output).toMatch(/section nesting error/)
    expect(() => parseSmokepingText(text)).toThrow('section nesting error')
  })
})

const TOP = '*** Targets ***\nprobe = DNS\nmenu = Top\ntitle = T\n'

describe("Config::Grammar's table: a name set twice in one section, as smokeping --check says", () => {
  it.each([
    ['a target variable', `${TOP}+ a\nhost = 127.0.0.1\nhost = 127.0.0.2\nlookup = example.com\n`],
    ['an inherited variable set twice', `${TOP}+ a\nprobe = Curl\nprobe = DNS\nhost = 127.0.0.1\n`],
    ['a variable of the Targets root', TOP.replace('menu = Top', 'menu = Top\nmenu = Again')],
    ['a probe variable', `pings = 5\npings = 6\n${TOP}`],
    [
      'an alert variable',
      `*** Alerts ***\nto = ops@example.com\nfrom = sp@example.com\n+ a\ntype = loss\npattern = >0%\ncomment = x\ncomment = y\n${TOP}`,
    ],
  ])('%s: variable already defined', (_, text) => {
    const { smokeping, line, ours } = bothRefuse(text)
    expect(smokeping).toMatch(/variable already defined/)
    expect(ours.line).toBe(line)
    expect(ours.code).toBe('syntax')
    expect(ours.message).toContain('already defined')
  })

  it('a Database variable, and one in a section edgeping skips (General)', () => {
    for (const edit of [
      (h: string) => h.replace('pings = 20', 'pings = 20\npings = 10'),
      (h: string) => h.replace('owner     = edgeping', 'owner = edgeping\nowner = again'),
    ]) {
      const { smokeping, line, ours } = bothRefuse(`${TOP}+ a\nhost = 127.0.0.1\n`, edit)
      expect(smokeping).toMatch(/variable already defined/)
      expect([ours.line, ours.code]).toEqual([line, 'syntax'])
    }
  })

  it('overriding an inherited variable once is fine for both', () => {
    const r = smokepingCheck(
      `${TOP}+ a\nprobe = Curl\nurlformat = http://%host%/\nhost = 127.0.0.1\n`,
    )
    expect(r.output).toContain('syntax OK')
    expect(parseSmokepingText(r.config).config.targets.children?.[0]?.probe).toBe('Curl')
  })

  it.each([
    ['*** Targets *** twice', `${TOP}+ a\nhost = 127.0.0.1\n*** Targets ***\nprobe = DNS\n`],
    ['*** Probes *** twice', `*** Probes ***\n+ FPing\nbinary = /usr/bin/fping\n${TOP}`],
    ['a probe twice', `+ DNS\nbinary = /usr/bin/dig\n${TOP}`],
    [
      'an alert twice',
      `*** Alerts ***\nto = ops@example.com\nfrom = sp@example.com\n+ a\ntype = loss\npattern = >0%\ncomment = x\n+ a\ntype = loss\npattern = >0%\ncomment = x\n${TOP}`,
    ],
    ['a target twice', `${TOP}+ a\nhost = 127.0.0.1\n+ a\nhost = 127.0.0.2\n`],
  ])('%s: section or variable already exists', (_, text) => {
    const { smokeping, line, ours } = bothRefuse(text)
    expect(smokeping).toMatch(/section or variable already exists/)
    expect([ours.line, ours.code]).toEqual([line, 'bad_name'])
    expect(ours.message).toContain('appears twice')
  })
})

describe('menu and title where unset: what SmokePing shows, the host or "unknown"', () => {
  it('fills them as init_target_tree does, and keeps the stored tree as written', () => {
    const text = `${TOP}+ grp\n++ h1\nhost = 127.0.0.1\nlookup = example.com\n++ h2\nmenu = 0\ntitle =\nhost = 127.0.0.2\nlookup = example.com\n+ g2\ntitle = Only title\n++ h3\nmenu = M3\nhost = 127.0.0.3\nlookup = example.com\n`
    const r = smokepingCheck(text)
    expect(r.output).toContain('syntax OK')
    const shown = smokepingTree(r.file)
    expect(shown).toEqual([
      'g2\t-\tunknown\tOnly title',
      'g2.h3\t127.0.0.3\tM3\t127.0.0.3',
      'grp\t-\tunknown\tunknown',
      'grp.h1\t127.0.0.1\t127.0.0.1\t127.0.0.1',
      'grp.h2\t127.0.0.2\t127.0.0.2\t127.0.0.2',
    ])
    const { config, lines } = parseSmokepingText(r.config)
    const ours = resolveTargets(config, lines).targets.map((t) =>
      [t.id, t.host, t.menu, t.title].join('\t'),
    )
    // Hosts: the resolved targets; groups (host -): shownMenuTitle, as the tree's labels would.
    expect(ours.sort()).toEqual(shown.filter((l) => !l.includes('\t-\t')))
    const groups = (config.targets.children ?? []).map((g) => {
      const { menu, title } = shownMenuTitle(g)
      return [g.name, '-', menu, title].join('\t')
    })
    expect(groups.sort()).toEqual(shown.filter((l) => l.includes('\t-\t')))
    const grp = config.targets.children?.[0]
    expect([grp?.menu, grp?.children?.[0]?.menu]).toEqual([undefined, undefined])
    expect(exportSmokepingText(config)).not.toMatch(/menu = (h1|grp|unknown|127)/)
  })
})

describe('@define and @include', () => {
  it('substitutes a define in later lines, section names included, as SmokePing reads it', () => {
    const text = `@define SERVER 127.0.0.9\n@define SEC web\n${TOP}+ SEC\nhost = SERVER # SERVER in a comment\nlookup = www.SEC.example\n`
    const r = smokepingCheck(text)
    expect(r.output).toContain('syntax OK')
    expect(smokepingTree(r.file)).toEqual(['web\t127.0.0.9\t127.0.0.9\t127.0.0.9'])
    const { config, lines } = parseSmokepingText(r.config)
    expect(resolveTargets(config, lines).targets).toEqual([
      expect.objectContaining({ id: 'web', host: '127.0.0.9', lookup: 'www.web.example' }),
    ])
    expect(exportSmokepingText(config)).not.toContain('@define')
  })

  it('refuses defines whose result depends on the order Perl happens to apply them', () => {
    const text = `@define XX ZZ\n@define ZZ 127.0.0.5\n${TOP}+ a\nhost = XX\nlookup = example.com\n`
    const r = smokepingCheck(text)
    expect(r.output).toContain('syntax OK')
    // SmokePing's own reading changes with Perl's hash seed.
    const hosts = new Set(Array.from({ length: 8 }, (_, seed) => smokepingHost(r.file, seed)))
    expect([...hosts].sort()).toEqual(['127.0.0.5', 'ZZ'])
    const err = errorOf(() => parseSmokepingText(r.config))
    expect([err.code, err.line]).toEqual(['syntax', lineOf(r.config, 'host = XX')])
    expect(err.message).toContain('the value of @define XX holds the define ZZ')
    // Names inside a longer word, with other defines about, could be completed or broken.
    const inside = errorOf(() =>
      parseSmokepingText(`@define HOST a\n@define HOSTNAME b\n${TOP}+ x\nhost = HOSTNAME\n`),
    )
    expect(inside.message).toContain('@define HOST is used inside a longer word')
  })

  it('refuses a define name SmokePing would read as a regular expression', () => {
    const err = errorOf(() => parseSmokepingText(`@define H.ST 127.0.0.1\n${TOP}`))
    expect([err.code, err.line]).toEqual(['syntax', 1])
    expect(err.message).toContain('Perl regular expression')
  })

  it('refuses @include anywhere: uploaded text cannot include server files', () => {
    const text = `${TOP}@include /etc/hostname\n`
    expect(smokepingCheck(text).output).toMatch(/\/etc\/hostname, line 1/)
    for (const t of [text, `*** Presentation ***\n@include other.conf\n${TOP}`]) {
      const err = errorOf(() => parseSmokepingText(t))
      expect(err.code).toBe('syntax')
      expect(err.message).toContain('@include is not supported')
    }
  })
})

describe('an error on a continued line', () => {
  it('names its first line, and its last (which SmokePing names) in the message', () => {
    const { smokeping, line, ours } = bothRefuse(
      `${TOP}+ a\nfoo = one \\\n  two\nhost = 127.0.0.1\n`,
    )
    expect(smokeping).toMatch(/unknown variable 'foo'/)
    expect(ours.line).toBe(line - 1)
    expect(ours.message).toContain(
      `unknown variable 'foo' (lines ${line - 1}-${line}, joined by \\)`,
    )
  })
})

function smokepingHost(file: string, seed: number): string {
  const line = smokepingTree(file, { PERL_HASH_SEED: String(seed + 1) })[0]
  return line?.split('\t')[1] ?? ''
}
