/** A concurrency limiter: at most `concurrency` tasks run at once, the rest wait in order. */

/** Runs `task` when a slot is free; resolves or rejects with the task's own outcome. */
export type Limiter = (<T>(task: () => Promise<T>) => Promise<T>) & {
  /** Tasks running now. */
  readonly active: number
  /** Tasks waiting for a slot. */
  readonly pending: number
}

/** Creates a limiter. Use one per run so a page with 500 images does not open 500 requests. */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`)
  const queue: Array<() => void> = []
  let active = 0
  const next = () => {
    if (active >= concurrency) return
    const start = queue.shift()
    if (start) {
      active++
      start()
    }
  }
  const run = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        // A task that throws synchronously still frees its slot.
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--
            next()
          })
      })
      next()
    })
  Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => queue.length },
  })
  return run as Limiter
}
