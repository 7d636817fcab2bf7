// Starts `wrangler dev` for a benchmark on a loopback port and waits for /health; the caller
// stops it with stop() (the whole process group: wrangler and its workerd child).
import { spawn } from 'node:child_process'

export async function startWranglerDev(port, extraArgs = []) {
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--var',
      'API_TOKEN:bench',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  let log = ''
  // Resolves once wrangler has exited (its port is free again).
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.stdout.on('data', (d) => {
    log += d
  })
  child.stderr.on('data', (d) => {
    log += d
  })
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, child, stop, exited }
    } catch {}
    if (Date.now() > deadline) {
      stop()
      throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}
