import { describe, expect, it } from 'vitest'
import { findGenerator } from '../../../src/generators/registry'
import { DOC_TUNNEL, generate } from './helpers'

// hostname.if(5) and ifconfig.if(5) name the file after the interface: gif1's lines in
// /etc/hostname.gif0 would configure gif0.
describe('OpenBSD and NetBSD file names follow the interface', () => {
  for (const [kind, file, then] of [
    ['openbsd', 'hostname', 'then: sh /etc/netstart gif1'],
    ['netbsd', 'ifconfig', 'and add the rc.conf lines'],
  ] as const) {
    it(`${kind}: /etc/${file}.gif1 for interface=gif1, in the header and the file name`, async () => {
      const input = { ...DOC_TUNNEL, interface: 'gif1' }
      const prepared = findGenerator(kind)?.prepare(input)
      expect(prepared?.filename).toBe(`${file}.gif1`)
      const text = await generate(kind, input)
      expect(text).toContain(`# Save as /etc/${file}.gif1 (the interface name)`)
      expect(text).toContain(then)
      expect(text).not.toContain('gif0')
    })

    it(`${kind}: /etc/${file}.gif0 by default`, () => {
      expect(findGenerator(kind)?.prepare(DOC_TUNNEL).filename).toBe(`${file}.gif0`)
    })
  }
})

describe('linux-net-tools names the tunnel the kernel makes', () => {
  it('says the kernel picks the first free sitN and how to check it is the one configured', async () => {
    const text = await generate('linux-net-tools', { ...DOC_TUNNEL, interface: 'sit2' })
    expect(text).toContain(
      '# the kernel names the new tunnel the first free sitN (sit1 with no other sit tunnel); check that it is sit2 with: ifconfig -a',
    )
    expect(text).toContain('ifconfig sit2 inet6 add ')
  })
})
