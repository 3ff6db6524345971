import { createMiddleware } from 'hono/factory'
import { readConfig } from '../env.js'
import type { AppEnv } from '../types.js'

/** Reads the settings once per request into `c.var.config`. */
export function config() {
  return createMiddleware<AppEnv>(async function config(c, next) {
    c.set('config', readConfig(c.env))
    await next()
  })
}
