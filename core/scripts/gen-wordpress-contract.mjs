#!/usr/bin/env node
/**
 * Writes plugins/wordpress/includes/contract.json from the built contract (run by core's build,
 * after tsc). With `--check`, or when CI is set, it writes nothing and exits 1 if the committed
 * file differs: CI must not quietly regenerate what a developer forgot to commit.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as altLint from '../dist/contract/alt-lint.js'
import * as contract from '../dist/contract/index.js'
import {
  renderContractJson,
  WORDPRESS_CONTRACT_COMMAND,
  WORDPRESS_CONTRACT_PATH,
} from './wordpress-contract.mjs'

const target = fileURLToPath(new URL(`../../${WORDPRESS_CONTRACT_PATH}`, import.meta.url))
const wanted = renderContractJson({ ...contract, ...altLint })
let current = ''
try {
  current = readFileSync(target, 'utf8')
} catch {
  // Not there yet: written below (or reported as stale in check mode).
}

const check = process.argv.includes('--check') || Boolean(process.env.CI)
if (current === wanted) process.exit(0)
if (check) {
  console.error(
    `${WORDPRESS_CONTRACT_PATH} is stale: run \`${WORDPRESS_CONTRACT_COMMAND}\` and commit it.`,
  )
  process.exit(1)
}
writeFileSync(target, wanted)
console.log(`wrote ${WORDPRESS_CONTRACT_PATH}`)
