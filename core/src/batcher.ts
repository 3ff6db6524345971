/**
 * The batcher: single `generate` calls made close together are sent as one
 * `POST /v1/alt-text/batch` request, and its per-item results are handed back to each caller.
 * A group of one goes as a plain `generate` (same round trips, simpler answer).
 */
import { AltTextError } from './alttext-error.js'
import type { AltTextClient, GenerateOptions } from './client.js'
import { ERROR_STATUS } from './errors.js'
import type { ImageInput } from './image.js'
import { createLimiter } from './limiter.js'
import { LIMITS } from './limits.js'
import type { AltTextResponse } from './wire.js'

/** Options of `createBatcher`. */
export interface BatcherOptions {
  /** Most images per batch request (1–50). Default 10. */
  maxBatchSize?: number
  /** How long the first queued image waits for company before its batch is sent. Default 25. */
  maxWaitMs?: number
  /** Batch requests in flight at once. Default 2. */
  concurrency?: number
  /**
   * Send an item that failed in a batch with a passing error (`model_error`, `internal_error`,
   * `rate_limited`) again on its own, with the client's retries. Default true.
   */
  retryFailedItems?: boolean
}

/** A batcher: `generate` has the signature and answer of `client.generate`. */
export interface Batcher {
  generate(input: ImageInput & GenerateOptions): Promise<AltTextResponse>
  /** Sends everything queued now, without waiting for `maxWaitMs`. */
  flush(): void
  /** Images queued and not yet sent. */
  readonly queued: number
}

interface Pending {
  input: ImageInput & GenerateOptions
  resolve: (value: AltTextResponse) => void
  reject: (error: unknown) => void
}

/** Images waiting to be sent together, and one abort listener per distinct signal among them. */
interface Group {
  items: Pending[]
  timer?: ReturnType<typeof setTimeout>
  listeners: Map<AbortSignal, () => void>
}

const aborted = () => new AltTextError({ code: 'aborted', status: 0, detail: 'Aborted' })

/** Creates a batcher on `client`. Images are grouped by model and `long` (a batch has one of each). */
export function createBatcher(client: AltTextClient, options: BatcherOptions = {}): Batcher {
  const maxBatchSize = Math.min(LIMITS.maxBatchItems, Math.max(1, options.maxBatchSize ?? 10))
  const maxWaitMs = Math.max(0, options.maxWaitMs ?? 25)
  const limit = createLimiter(Math.max(1, options.concurrency ?? 2))
  const retryItems = options.retryFailedItems ?? true
  const groups = new Map<string, Group>()

  const send = async (model: string | undefined, items: Pending[]): Promise<void> => {
    // Callers that gave up while queued are answered now and not sent.
    const live = items.filter((item) => {
      if (!item.input.signal?.aborted) return true
      item.reject(aborted())
      return false
    })
    if (live.length === 0) return
    if (live.length === 1) {
      const only = live[0] as Pending
      await limit(() => client.generate(only.input)).then(only.resolve, only.reject)
      return
    }
    // The request is aborted only when every caller in it has aborted. One listener per
    // distinct signal: a build often passes one signal to every image.
    const controller = new AbortController()
    let remaining = live.length
    const bySignal = new Map<AbortSignal, Pending[]>()
    for (const item of live) {
      const signal = item.input.signal
      if (signal) bySignal.set(signal, [...(bySignal.get(signal) ?? []), item])
    }
    const detach: Array<() => void> = []
    for (const [signal, items] of bySignal) {
      const onAbort = () => {
        for (const item of items) item.reject(aborted())
        remaining -= items.length
        if (remaining === 0) controller.abort()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      detach.push(() => signal.removeEventListener('abort', onAbort))
    }
    try {
      const answer = await limit(() =>
        client.generateBatch({
          images: live.map(({ input }) => {
            const image =
              input.imageUrl !== undefined ? { imageUrl: input.imageUrl } : { image: input.image }
            return {
              ...image,
              language: input.language,
              context: input.context,
              maxLength: input.maxLength,
              purpose: input.purpose,
              // Per item, as the API takes it: one image asked anew must not be answered by reuse.
              fresh: input.fresh,
            }
          }),
          model,
          long: live[0]?.input.long === true ? true : undefined,
          signal: controller.signal,
        }),
      )
      live.forEach((item, index) => {
        const result = answer.results[index]
        if (result && 'error' in result) {
          const error = new AltTextError({
            code: result.error.code,
            status: ERROR_STATUS[result.error.code] ?? 0,
            detail: result.error.message,
          })
          // A failed item cost nothing; one that may work a moment later gets a single call of
          // its own, with the client's retries (a 5xx of a single call would be retried too).
          if (error.retryable && retryItems && !item.input.signal?.aborted)
            void limit(() => client.generate(item.input)).then(item.resolve, item.reject)
          else item.reject(error)
        } else if (result) {
          item.resolve({ ...result, creditsRemaining: answer.creditsRemaining })
        }
      })
    } catch (error) {
      for (const item of live) item.reject(error)
    } finally {
      for (const undo of detach) undo()
    }
  }

  const flushGroup = (key: string) => {
    const group = groups.get(key)
    if (!group) return
    groups.delete(key)
    if (group.timer !== undefined) clearTimeout(group.timer)
    for (const [signal, onAbort] of group.listeners) signal.removeEventListener('abort', onAbort)
    void send(group.items[0]?.input.model, group.items)
  }

  return {
    generate(input) {
      if (input.signal?.aborted) return Promise.reject(aborted())
      // A caller that chose its Idempotency-Key gets a request of its own, carrying that key
      // (a batch request has one key for all its images).
      if (input.idempotencyKey !== undefined) return limit(() => client.generate(input))
      return new Promise<AltTextResponse>((resolve, reject) => {
        // A batch has one model and one `long`: one price per image.
        const key = `${input.model ?? ''}\n${input.long === true}`
        let group = groups.get(key)
        if (!group) {
          group = { items: [], listeners: new Map() }
          groups.set(key, group)
        }
        const current = group
        current.items.push({ input, resolve, reject })
        // Callers that abort while queued are answered at once and leave the queue. One listener
        // per signal, not per image: a build often passes one signal to every image.
        const signal = input.signal
        if (signal && !current.listeners.has(signal)) {
          const onAbort = () => {
            current.listeners.delete(signal)
            const gone = current.items.filter((item) => item.input.signal === signal)
            current.items = current.items.filter((item) => item.input.signal !== signal)
            for (const item of gone) item.reject(aborted())
          }
          signal.addEventListener('abort', onAbort, { once: true })
          current.listeners.set(signal, onAbort)
        }
        if (group.items.length >= maxBatchSize) flushGroup(key)
        else if (group.timer === undefined)
          group.timer = setTimeout(() => flushGroup(key), maxWaitMs)
      })
    },
    flush() {
      for (const key of [...groups.keys()]) flushGroup(key)
    },
    get queued() {
      let count = 0
      for (const group of groups.values()) count += group.items.length
      return count
    },
  }
}
