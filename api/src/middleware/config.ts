import { createMiddleware } from 'hono/factory'
import { type Config, type Env, readConfig } from '../env.js'
import type { AppEnv } from '../types.js'

/**
 * Settings read from each bindings object, once: workerd hands every request of an isolate the
 * same `env`, and reading and parsing eighteen bindings on every request cost about 0.4 ms of CPU
 * in the benchmark (BENCHMARKS.md). Keyed by the object, so a new `env` (a test's, a redeploy's)
 * is read afresh; a WeakMap, so an old one can go.
 */
const read = new WeakMap<Env, Config>()

/** Puts the settings into `c.var.config` (read once per bindings object, see above). */
export function config() {
  return createMiddleware<AppEnv>(async function config(c, next) {
    let settings = read.get(c.env)
    if (!settings) {
      settings = Object.freeze(readConfig(c.env))
      read.set(c.env, settings)
    }
    c.set('config', settings)
    await next()
  })
}
