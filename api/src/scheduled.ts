import type { Env } from './env.js'

/** TODO (billing/privacy issue): the retention job run by the Cron Trigger. */
export async function runRetention(_env: Env, _now = Date.now()): Promise<void> {}
