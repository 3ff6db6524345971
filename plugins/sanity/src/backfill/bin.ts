#!/usr/bin/env node
/** The `alttext-sanity` executable: `alttext-sanity backfill --project … --dataset …`. */
import { runSanityBin } from './cli.js'

process.exitCode = await runSanityBin(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  handleSignals: true,
})
