/** Pause, resume and stop for a running backfill (the Studio tool's buttons, Ctrl+C in the CLI). */

/** The state a control is in. */
export type ControlState = 'running' | 'paused' | 'stopped'

/** Handed to `backfillAssets`; checked before every image. */
export interface BackfillControl {
  readonly state: ControlState
  /** Aborted on `abort()`: cancels calls in flight. */
  readonly signal: AbortSignal
  pause(): void
  resume(): void
  /** Starts no new image; calls in flight finish and their (paid) texts are saved. */
  stop(): void
  /** Stops and cancels calls in flight (their texts are lost). */
  abort(): void
  /** Resolves at once when running, when resumed or stopped otherwise. */
  waitWhilePaused(): Promise<void>
  /** Called on every change of state. */
  onChange(listener: (state: ControlState) => void): () => void
}

/** Creates a control in the `running` state. */
export function createBackfillControl(): BackfillControl {
  let state: ControlState = 'running'
  const abort = new AbortController()
  const waiting: Array<() => void> = []
  const listeners = new Set<(state: ControlState) => void>()
  const set = (next: ControlState) => {
    if (state === 'stopped' || state === next) return
    state = next
    if (next !== 'paused') for (const wake of waiting.splice(0)) wake()
    for (const listener of listeners) listener(state)
  }
  return {
    get state() {
      return state
    },
    signal: abort.signal,
    pause: () => set('paused'),
    resume: () => set('running'),
    stop: () => set('stopped'),
    abort: () => {
      set('stopped')
      abort.abort()
    },
    waitWhilePaused: () =>
      state === 'paused'
        ? new Promise<void>((resolve) => waiting.push(resolve))
        : Promise.resolve(),
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
