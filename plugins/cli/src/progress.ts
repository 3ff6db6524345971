/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise (CI logs). */
import { sanitizeForTerminal } from '@alttextapi/core/node'

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

/**
 * Creates the reporter. Every line passes `sanitizeForTerminal`: page text and API answers must
 * not drive the terminal or a CI runner.
 */
export function createProgress(out: Out, total: number): Progress {
  let done = 0
  let status = ''
  const tty = out.isTTY === true
  const draw = () => {
    const width = 24
    const filled = total === 0 ? width : Math.round((done / total) * width)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
    const line = `${bar} ${done}/${total} files${status ? ` · ${sanitizeForTerminal(status)}` : ''}`
    out.write(`\r\x1b[2K${line.slice(0, (out.columns ?? 100) - 1)}`)
  }
  const clear = () => out.write('\r\x1b[2K')
  return {
    tick(line, newStatus) {
      done++
      if (newStatus !== undefined) status = newStatus
      if (tty) draw()
      else if (line) out.write(`${sanitizeForTerminal(line)}\n`)
    },
    log(line) {
      if (tty) clear()
      out.write(`${sanitizeForTerminal(line)}\n`)
      if (tty) draw()
    },
    end() {
      if (tty) clear()
    },
  }
}
