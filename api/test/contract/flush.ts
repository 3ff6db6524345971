// Setup file of the workerd tests: at the end of each test file, its recorded exchanges go to the
// collector (test/contract/collector.ts) for the contract test.
import { afterAll, expect, inject } from 'vitest'
import { flush } from './recorder.js'

afterAll(async () => {
  const file = expect.getState().testPath ?? 'unknown'
  await flush(inject('exchangeCollectorUrl'), file.replace(/^.*\/api\//, ''))
})
