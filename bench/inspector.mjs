// The DevTools protocol of the Worker under `wrangler dev --inspector-port PORT`: send(method,
// params) resolves with the reply. wrangler's inspector proxy refuses a WebSocket without a local
// Origin (Node's own WebSocket sends none), hence the ws package.
import WebSocket from 'ws'

export async function connectInspector(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json`)).json()
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'http://localhost' } })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let id = 0
  const waiting = new Map()
  ws.on('message', (data) => {
    const m = JSON.parse(String(data))
    waiting.get(m.id)?.(m)
    waiting.delete(m.id)
  })
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        waiting.set(++id, resolve)
        ws.send(JSON.stringify({ id, method, params }))
      }),
    close: () => ws.close(),
  }
}

/**
 * The isolate's memory while `work` runs, sampled every `everyMs`: the peak of V8's heap in use,
 * of its array buffers' backing stores, and of the two together, in MB (Runtime.getHeapUsage).
 */
export async function isolatePeak(inspector, work, everyMs = 10) {
  const peak = { heapMb: 0, buffersMb: 0, totalMb: 0, samples: 0 }
  let going = true
  const sampler = (async () => {
    while (going) {
      const { result } = await inspector.send('Runtime.getHeapUsage')
      const heap = result.usedSize / 1048576
      const buffers = (result.backingStorageSize ?? 0) / 1048576
      peak.heapMb = Math.max(peak.heapMb, heap)
      peak.buffersMb = Math.max(peak.buffersMb, buffers)
      peak.totalMb = Math.max(peak.totalMb, heap + buffers)
      peak.samples++
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  })()
  try {
    return { value: await work(), peak }
  } finally {
    going = false
    await sampler
  }
}
