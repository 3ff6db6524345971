#!/usr/bin/env node
/** The `alttext` executable. */
import { main } from './main.js'

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
