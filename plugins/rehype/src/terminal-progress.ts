/**
 * The one progress display of the build tools (this plugin counts images, the Vite plugin pages,
 * the CLI files): on a terminal a cli-progress bar on stderr, removed at the end; in a CI log (no
 * TTY) one plain line every `intervalMs`, so a long run never sits silent for minutes and a log
 * gets no redraw codes. Quiet for the first `delayMs`, so a short run prints nothing. Every text
 * passes `sanitizeForTerminal`: page text and API answers must not drive the terminal or a runner.
 */
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { SingleBar } from 'cli-progress'

/** Where progress goes (a subset of a Node stream). */
export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean | undefined
}

/** The cli-progress options every bar shares (typed here so no cli-progress type leaks out). */
export interface BarOptions {
  stream: NodeJS.WritableStream
  format: string
  barsize: number
  barCompleteChar: string
  barIncompleteChar: string
  hideCursor: boolean
  clearOnComplete: boolean
  fps: number
}

/**
 * The common cli-progress options for a bar on `stream` with `format` (which uses `{status}` for
 * `statusSuffix`): the cursor stays visible and the bar is removed when done.
 */
export function barOptions(stream: ProgressStream, format: string): BarOptions {
  return {
    stream: stream as unknown as NodeJS.WritableStream,
    format,
    barsize: 24,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: false,
    clearOnComplete: true,
    // Redrawn on change, at most 10 times a second.
    fps: 10,
  }
}

/** ` · <status>` (sanitized), or nothing for an empty status. */
export function statusSuffix(status: string | undefined): string {
  return status ? ` · ${sanitizeForTerminal(status)}` : ''
}

/** `<prefix> <done>/<total> <unit> · <status>`: one plain progress line (without a newline). */
export function progressLine(
  prefix: string,
  done: number,
  total: number,
  unit: string,
  status?: string,
): string {
  return `${prefix} ${done}/${total} ${unit}${statusSuffix(status)}`
}

/** Options of `createTerminalProgress`. */
export interface TerminalProgressOptions {
  /** What is counted (`images`, `pages`). */
  unit: string
  /** The bar's stream; a bar only when it is a TTY. Default `process.stderr`. */
  stream?: ProgressStream | undefined
  /** Quiet this long after `start`; counted once per reporter. */
  delayMs: number
  /** Without a TTY, one line this often. */
  intervalMs: number
  /** Where plain lines go. Default: written to `stream` with a newline. */
  line?: ((text: string) => void) | undefined
}

/** The counts shown, read whenever the display is drawn. */
export interface ProgressCounts {
  done: number
  total: number
  /** The run's counters (`2 described · 0 cached…`); empty for none. */
  status: string
}

/** A bar or plain lines (see the module comment). */
export interface TerminalProgress {
  /** Starts the clock (first call only) and the timer that keeps lines coming while work is slow. */
  start(): void
  /** Shows the current counts when due (the bar at once, a plain line once per interval). */
  draw(): void
  /** Stops the timer and removes the bar; `start` resumes it without a second delay. */
  stop(): void
}

/** Creates the display; `counts` is read on every draw. */
export function createTerminalProgress(
  options: TerminalProgressOptions,
  counts: () => ProgressCounts,
): TerminalProgress {
  const stream = options.stream ?? process.stderr
  const tty = stream.isTTY === true
  const { delayMs: delay, intervalMs: interval, unit } = options
  const writeLine = options.line ?? ((text: string) => stream.write(`${text}\n`))
  let startedAt: number | undefined
  let lastLine = 0
  let bar: SingleBar | undefined
  let timer: ReturnType<typeof setInterval> | undefined

  const draw = () => {
    if (startedAt === undefined || Date.now() - startedAt < delay) return
    const { done, total, status } = counts()
    if (tty) {
      bar ??= new SingleBar(
        barOptions(stream, `[alttextapi] {bar} {value}/{total} ${unit}{status}`),
      )
      if (!bar.isActive) bar.start(total, done, { status: '' })
      bar.setTotal(total)
      bar.update(done, { status: statusSuffix(status) })
    } else if (Date.now() - lastLine >= interval) {
      lastLine = Date.now()
      writeLine(progressLine('[alttextapi]', done, total, unit, status))
    }
  }
  return {
    start() {
      if (startedAt === undefined) {
        startedAt = Date.now()
        // The first line is due when the delay is over, then one per interval.
        lastLine = startedAt + delay - interval
      }
      if (!timer) {
        // Polls at most every second so a bar appears and lines come while an API call is slow;
        // it never holds the process.
        timer = setInterval(draw, Math.min(interval, 1000))
        timer.unref()
      }
    },
    draw,
    stop() {
      bar?.stop()
      bar = undefined
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
