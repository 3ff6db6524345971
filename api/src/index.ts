import { app } from './app.js'
import type { Env } from './env.js'
import { runRetention } from './scheduled.js'

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runRetention(env))
  },
} satisfies ExportedHandler<Env>
