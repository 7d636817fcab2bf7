/**
 * Passes `input` on while `check` reads a copy of it, in step, so a file can be stored and
 * checked in one pass with one chunk in memory:
 * - a chunk is read from `input` only once the check asks for one (it is done with the last);
 * - the last chunk is held back until the check has finished: if the check fails, the stream
 *   errors instead of ending, so a consumer that needs every byte (R2's put of a
 *   FixedLengthStream) stores nothing, and whatever was stored before stays;
 * - a check that finishes without reading to the end lets the rest through unchecked.
 * `verdict` is the check's result (or its error), settled before the stream ends. A failed check
 * cancels `input`, or with `release` unlocks it with the rest unread (a request body, which the
 * answer reads away: cancelled, the client's send breaks under the answer).
 */
export function checkedPassThrough<T>(
  input: ReadableStream<Uint8Array>,
  check: (copy: ReadableStream<Uint8Array>) => Promise<T>,
  options: { release?: boolean } = {},
): { stream: ReadableStream<Uint8Array>; verdict: Promise<T> } {
  const reader = input.getReader()
  let wants = deferred()
  let settled = false
  let copyController!: ReadableStreamDefaultController<Uint8Array>
  const copy = new ReadableStream<Uint8Array>(
    {
      start(c) {
        copyController = c
      },
      // Called when the check reads and nothing is queued: it is ready for the next chunk.
      pull() {
        wants.resolve()
      },
      cancel() {
        settled = true
        wants.resolve()
      },
    },
    { highWaterMark: 0 },
  )
  const verdict = Promise.resolve().then(() => check(copy))
  const done = () => {
    settled = true
    wants.resolve()
  }
  verdict.then(done, done)
  const failure = () =>
    verdict.then(
      () => undefined,
      (err: unknown) => err ?? new Error('the check failed'),
    )
  let held: Uint8Array | undefined
  const stream = new ReadableStream<Uint8Array>(
    {
      // Loops until it enqueues a chunk, ends or errors: a pull that enqueues nothing is not
      // called again (the first read only fills `held`).
      async pull(controller) {
        for (;;) {
          if (!settled) await wants.promise
          const failed = settled ? await failure() : undefined
          if (failed !== undefined) {
            controller.error(failed)
            if (options.release) reader.releaseLock()
            else await reader.cancel(failed).catch(() => {})
            return
          }
          let r: ReadableStreamReadResult<Uint8Array>
          try {
            r = await reader.read()
          } catch (err) {
            // The input broke (a body cut short): the check ends with it, so `verdict` settles.
            if (!settled) copyController.error(err)
            throw err
          }
          if (r.done) {
            if (!settled) copyController.close()
            const last = await failure()
            if (last !== undefined) {
              controller.error(last)
              return
            }
            if (held) controller.enqueue(held)
            controller.close()
            return
          }
          // An empty chunk would become the one held back, and the real last bytes pass early.
          if (r.value.length === 0) continue
          if (!settled) {
            wants = deferred()
            // A copy: the consumer may take the chunk's buffer over (transfer it) before the
            // check has read its copy's last bytes (an inflater holding input).
            copyController.enqueue(r.value.slice())
          }
          const previous = held
          held = r.value
          if (previous) {
            controller.enqueue(previous)
            return
          }
        }
      },
      async cancel(reason) {
        if (!settled) copyController.error(reason)
        await reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, verdict }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
