/**
 * Progress on stderr: a bar on a terminal (cli-progress, with the options every build tool's bar
 * shares, from `@alttextapi/rehype/progress`), and in CI logs (no TTY) plain lines — one per page
 * with images, and a status line about every tenth of the pages — so a long run shows it is alive
 * without redraw codes in the log. A MultiBar, not the shared timed display: messages are logged
 * above the bar while it runs, and the plain lines follow the files, not a clock.
 */
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { barOptions, progressLine, statusSuffix } from '@alttextapi/rehype/progress'
import { MultiBar } from 'cli-progress'

/** Where output goes (a subset of a Node stream). */
export interface Out {
  write(text: string): unknown
  isTTY?: boolean | undefined
  columns?: number | undefined
}

/** A progress reporter for `total` files. */
export interface Progress {
  /** A file is done; `line` is printed as is in plain mode (nothing when undefined). */
  tick(line?: string, status?: string): void
  /** Prints a message without garbling the bar. */
  log(line: string): void
  /** Removes the bar. */
  end(): void
}

function barProgress(out: Out, total: number): Progress {
  // Redrawn on change (and at most 10 times a second), not on a fixed timer only.
  const multi = new MultiBar({
    ...barOptions(out, '{bar} {value}/{total} files{status}'),
    forceRedraw: true,
  })
  const bar = multi.create(total, 0, { status: '' })
  return {
    tick(_line, status) {
      bar.increment(1, status === undefined ? {} : { status: statusSuffix(status) })
      multi.update()
    },
    log(line) {
      multi.log(`${sanitizeForTerminal(line)}\n`)
      multi.update()
    },
    end() {
      multi.update()
      multi.stop()
    },
  }
}

function plainProgress(out: Out, total: number): Progress {
  let done = 0
  const every = Math.max(1, Math.ceil(total / 10))
  return {
    tick(line, status) {
      done++
      if (line) out.write(`${sanitizeForTerminal(line)}\n`)
      // A status line every tenth of the run (not after the last file: the summary follows).
      if (done % every === 0 && done < total)
        out.write(`${progressLine('alttext:', done, total, 'files', status)}\n`)
    },
    log(line) {
      out.write(`${sanitizeForTerminal(line)}\n`)
    },
    end() {},
  }
}

/**
 * Creates the reporter: a bar when `out` is a terminal, plain lines otherwise. Every line passes
 * `sanitizeForTerminal`: page text and API answers must not drive the terminal or a CI runner.
 */
export function createProgress(out: Out, total: number): Progress {
  return out.isTTY === true ? barProgress(out, total) : plainProgress(out, total)
}
