// How fast this machine is today, in the terms flow-tools' baseline was measured in: the native
// zlib inflate of a flow file through node:zlib's createInflate with 1 MiB output chunks, as
// ../shared/reference/flow-tools.md §9.1 timed it (0.18 s for random-v5-1m.z.ft, "same machine
// class" as §9's flow-tools figures, e.g. 0.68 s for `flow-cat | flow-nfilter -F ip-addr |
// flow-print`). flow-tools cannot be installed here (Debian 12 has no package), and its pipeline
// is bound by that same zlib inflate in flow-cat, so the ratio of the two inflate times scales its
// figures to the machine of the day (a shared VM whose speed moves between sessions by up to 2×).
// It assumes §9.1 and §9 were timed at the same machine speed, which the reference does not say.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createInflate } from 'node:zlib'

/** Where the zlib stream of a flow-tools stream version 3 file starts (after its TLV header). */
function compressedStart(path) {
  const fd = openSync(path, 'r')
  const head = Buffer.alloc(8)
  readSync(fd, head, 0, 8, 0)
  closeSync(fd)
  if (head[0] !== 0xcf || head[1] !== 0x10 || head[3] !== 3)
    throw new Error(`${path}: not a flow-tools stream version 3 file`)
  return head[2] === 1 ? head.readUInt32LE(4) : head.readUInt32BE(4)
}

/** The fastest of `runs` native inflates of `path`'s records, in ms. */
export async function nativeInflateMs(path, runs = 5) {
  const start = compressedStart(path)
  let best = Number.POSITIVE_INFINITY
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now()
    await pipeline(
      createReadStream(path, { start, highWaterMark: 1 << 20 }),
      createInflate({ chunkSize: 1 << 20 }),
      new Writable({ write: (_chunk, _enc, done) => done() }),
    )
    best = Math.min(best, performance.now() - t0)
  }
  return best
}

/**
 * flow-tools.md §9: the reference machine's figures this calibration scales, in seconds for 1 M
 * and 10 M flows (random-v5-*.z.ft, output to /dev/null).
 */
export const REFERENCE = {
  inflateMs: 180,
  /** The file §9.1 timed: flow-tools' random-v5-1m.z.ft (1 M flows, -z 6). */
  file: { bytes: 31_452_151, flows: 1e6 },
  pipelines: {
    cat: { command: 'flow-cat F', 1e6: 0.51, 1e7: 4.38 },
    stat: { command: 'flow-cat F | flow-stat -f 0', 1e6: 0.65, 1e7: 5.15 },
    print: { command: 'flow-cat F | flow-print', 1e6: 0.66, 1e7: 5.91 },
    filter: { command: 'flow-cat F | flow-nfilter -F packets-gt-1', 1e6: 0.67, 1e7: 4.16 },
    filterPrint: {
      command: 'flow-cat F | flow-nfilter -F ip-addr -v ADDR=… | flow-print',
      1e6: 0.68,
      1e7: 4.29,
    },
  },
}

/**
 * Seconds flow-tools' pipeline `name` would take on `flows` flows on a machine `speedup` times as
 * fast as the reference one. Up to 1 M flows, per flow at its 1 M figure. Above, `rate` says how:
 * 'interpolated', on the line between its 1 M and 10 M figures (as if each run paid a fixed
 * start: the lines' starts come out at 0.08-0.28 s across the pipelines, within §9's ±20 %), or
 * '10m', per flow at its 10 M figure (its fastest per flow: the strictest bar).
 */
export function flowToolsSeconds(name, flows, speedup, rate = 'interpolated') {
  const ref = REFERENCE.pipelines[name]
  let s
  if (flows <= 1e6) s = (ref[1e6] * flows) / 1e6
  else if (rate === '10m' || flows >= 1e7) s = (ref[1e7] * flows) / 1e7
  else s = ref[1e6] + ((ref[1e7] - ref[1e6]) * (flows - 1e6)) / 9e6
  return s / speedup
}
