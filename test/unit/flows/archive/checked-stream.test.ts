import { describe, expect, it } from 'vitest'
import { checkedPassThrough } from '../../../../src/flows/archive/checked-stream'

/** A source of `chunks` that counts how many were read from it. */
function source(chunks: Uint8Array[], failAt?: number) {
  const state = { read: 0, cancelled: undefined as unknown }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (failAt !== undefined && state.read === failAt) {
          c.error(new Error('body cut short'))
          return
        }
        const next = chunks[state.read]
        if (next === undefined) c.close()
        else {
          state.read++
          c.enqueue(next)
        }
      },
      cancel(reason) {
        state.cancelled = reason
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, state }
}

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v)

/** Reads a stream to its end, handing each chunk to `each`. */
async function readAll(
  stream: ReadableStream<Uint8Array>,
  each: (c: Uint8Array) => void = () => {},
) {
  const reader = stream.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) each(r.value)
}

async function drain(stream: ReadableStream<Uint8Array>) {
  const got: number[] = []
  const reader = stream.getReader()
  try {
    for (;;) {
      const r = await reader.read()
      if (r.done) return { got, error: undefined }
      got.push(...r.value)
    }
  } catch (error) {
    return { got, error }
  }
}

describe('checkedPassThrough', () => {
  it('passes every byte on, in order, once the check has read them all', async () => {
    const chunks = [bytes(3, 1), bytes(2, 2), bytes(4, 3)]
    const { stream: input } = source(chunks)
    const seen: number[] = []
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      await readAll(copy, (c) => seen.push(...c))
      return seen.length
    })
    const { got, error } = await drain(stream)
    expect(error).toBeUndefined()
    expect(got).toEqual([1, 1, 1, 2, 2, 3, 3, 3, 3])
    expect(seen).toEqual(got)
    expect(await verdict).toBe(9)
  })

  it('reads a chunk only when the check asks for one, and holds the last one back', async () => {
    const chunks = [bytes(1, 1), bytes(1, 2), bytes(1, 3), bytes(1, 4)]
    const { stream: input, state } = source(chunks)
    const readWhenChecked: number[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      const reader = copy.getReader()
      for (;;) {
        const r = await reader.read()
        if (r.done) break
        readWhenChecked.push(state.read)
      }
      await gate // the check is slow to decide
      return 'ok'
    })
    const reader = stream.getReader()
    const delivered: number[] = []
    const reading = (async () => {
      for (;;) {
        const r = await reader.read()
        if (r.done) return
        delivered.push(...r.value)
      }
    })()
    await new Promise((r) => setTimeout(r, 20))
    // Each chunk reached the check before the next was read from the input.
    expect(readWhenChecked).toEqual([1, 2, 3, 4])
    // The last chunk waits for the verdict.
    expect(delivered).toEqual([1, 2, 3])
    release()
    await reading
    expect(delivered).toEqual([1, 2, 3, 4])
    expect(await verdict).toBe('ok')
  })

  it('errors instead of ending when the check fails at the end: the last bytes never pass', async () => {
    const { stream: input } = source([bytes(2, 1), bytes(2, 2)])
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      await readAll(copy)
      throw new Error('bad file')
    })
    const { got, error } = await drain(stream)
    expect(got).toEqual([1, 1])
    expect((error as Error).message).toBe('bad file')
    await expect(verdict).rejects.toThrow('bad file')
  })

  it('holds back the last bytes, not an empty last chunk', async () => {
    const { stream: input } = source([bytes(2, 1), bytes(2, 2), new Uint8Array(0)])
    const { stream } = checkedPassThrough(input, async (copy) => {
      await readAll(copy)
      throw new Error('bad file')
    })
    const { got, error } = await drain(stream)
    expect(got).toEqual([1, 1])
    expect((error as Error).message).toBe('bad file')
  })

  it('stops reading the input as soon as the check fails', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => bytes(1, i))
    const { stream: input, state } = source(chunks)
    const { stream } = checkedPassThrough(input, async (copy) => {
      const reader = copy.getReader()
      await reader.read()
      await reader.read()
      throw new Error('damaged at chunk 2')
    })
    const { got, error } = await drain(stream)
    expect((error as Error).message).toBe('damaged at chunk 2')
    expect(got.length).toBeLessThanOrEqual(2)
    expect(state.read).toBeLessThanOrEqual(3)
    expect((state.cancelled as Error).message).toBe('damaged at chunk 2')
  })

  it('with release, leaves the input unlocked and the rest unread for the answer to read away', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => bytes(1, i))
    const { stream: input, state } = source(chunks)
    const { stream } = checkedPassThrough(
      input,
      async (copy) => {
        const reader = copy.getReader()
        await reader.read()
        throw new Error('damaged at chunk 1')
      },
      { release: true },
    )
    const { error } = await drain(stream)
    expect((error as Error).message).toBe('damaged at chunk 1')
    expect(state.cancelled).toBeUndefined()
    expect(input.locked).toBe(false)
    const rest: number[] = []
    await readAll(input, (c) => rest.push(...c))
    expect(state.read).toBe(10)
    expect(rest.length).toBeGreaterThanOrEqual(7)
    expect(rest.at(-1)).toBe(9)
  })

  it('settles the verdict when the input breaks', async () => {
    const { stream: input } = source([bytes(2, 1), bytes(2, 2)], 1)
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      await readAll(copy)
      return 'read all'
    })
    const { error } = await drain(stream)
    expect((error as Error).message).toBe('body cut short')
    await expect(verdict).rejects.toThrow('body cut short')
  })

  it('lets the rest through unchecked when the check ends early', async () => {
    const { stream: input } = source([bytes(1, 1), bytes(1, 2), bytes(1, 3)])
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      const reader = copy.getReader()
      await reader.read()
      await reader.cancel()
      return 'enough'
    })
    const { got, error } = await drain(stream)
    expect(error).toBeUndefined()
    expect(got).toEqual([1, 2, 3])
    expect(await verdict).toBe('enough')
  })

  it('passes an empty input and a check of nothing', async () => {
    const { stream: input } = source([])
    const { stream, verdict } = checkedPassThrough(input, async (copy) => {
      let n = 0
      await readAll(copy, (c) => {
        n += c.length
      })
      return n
    })
    expect(await drain(stream)).toEqual({ got: [], error: undefined })
    expect(await verdict).toBe(0)
  })
})
