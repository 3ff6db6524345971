/**
 * Runs in every WordPress test file: a failing test prints the PHP server log and WordPress's
 * debug.log, so a failure on CI explains itself.
 */
import { beforeEach } from 'vitest'
import { serverLogs } from './session'

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(serverLogs())
  })
})
