/**
 * Progress of a long build: quiet for a short one; then on a terminal a bar (cli-progress, the
 * library the CLI uses, on stderr, removed at the end), and in a CI log (no TTY) one plain line
 * every `intervalMs` — so a 300-image build never sits silent for minutes, and a log gets no
 * redraw codes.
 */
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { SingleBar } from 'cli-progress'

/** Where the bar is drawn (a subset of a Node stream). */
export interface BarStream {
  write(text: string): unknown
  isTTY?: boolean | undefined
}

/** Options of `createBuildProgress`. */
export interface BuildProgressOptions {
  /** Pages of the build. */
  total: number
  /** Plain lines (Vite's logger). */
  info: (line: string) => void
  /** The bar's stream; a bar only when it is a TTY. Default `process.stderr`. */
  stream?: BarStream | undefined
  /** Quiet this long, then a bar (TTY) or one line per interval (log). Default 10 s in logs, 1 s on a TTY. */
  intervalMs?: number | undefined
}

/** A build's progress reporter. */
export interface BuildProgress {
  /** A page is done; `status` is the run's counters so far. */
  page(status: string): void
  /** The counters changed (an image is done). */
  status(status: string): void
  /** Stops the timer and removes the bar. */
  end(): void
}

/** Creates the reporter; see the module comment. */
export function createBuildProgress(options: BuildProgressOptions): BuildProgress {
  const stream = options.stream ?? process.stderr
  const tty = stream.isTTY === true
  const interval = options.intervalMs ?? (tty ? 1000 : 10_000)
  let done = 0
  let current = ''
  let bar: SingleBar | undefined
  const line = () =>
    `[alttextapi] ${done}/${options.total} pages${current ? ` · ${sanitizeForTerminal(current)}` : ''}`
  const timer = setInterval(() => {
    if (!tty) {
      options.info(line())
      return
    }
    if (bar) return
    bar = new SingleBar({
      stream: stream as unknown as NodeJS.WritableStream,
      format: '[alttextapi] {bar} {value}/{total} pages · {status}',
      barsize: 24,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: false,
      clearOnComplete: true,
      fps: 10,
    })
    bar.start(options.total, done, { status: sanitizeForTerminal(current) })
  }, interval)
  timer.unref()
  return {
    page(status) {
      done++
      current = status
      bar?.update(done, { status: sanitizeForTerminal(status) })
    },
    status(status) {
      current = status
      bar?.update(done, { status: sanitizeForTerminal(status) })
    },
    end() {
      clearInterval(timer)
      bar?.stop()
      bar = undefined
    },
  }
}
