/**
 * The backfill killed after the API charged and before Sanity saved, then started again: every
 * asset ends with alt text and none is charged twice. The first run is the real executable
 * (dist/backfill/bin.js, built by the package's build) killed with SIGKILL; the API's reuse is off,
 * so only the stable per-asset Idempotency-Keys can prevent the second charge.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runSanityCli } from '../src/backfill/index.js'
import { DATASET, type Env, failNextSave, isDryRunMutate, PROJECT, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.sanity.beforeMutate = undefined
  env.resetAlt()
  env.alt.program({ reuse: true })
})

const BIN = join(import.meta.dirname, '..', 'dist', 'backfill', 'bin.js')

const args = () => [
  'backfill',
  '--project',
  PROJECT,
  '--dataset',
  DATASET,
  '--api-host',
  env.sanity.url,
  '--image-base-url',
  env.sanity.url,
  '--batch-size',
  '3',
  '--concurrency',
  '3',
]

describe('alttext-sanity backfill after a kill', () => {
  it('resumes from the lake and is not charged twice for the images paid before the kill', async () => {
    for (let n = 1; n <= 6; n++)
      env.sanity.put({ _id: `image-k${n}x-10x10-png`, _type: 'sanity.imageAsset' })
    env.alt.program({ reuse: false })
    const environment = {
      ...process.env,
      ALTTEXT_API_KEY: env.alt.key,
      ALTTEXT_API_URL: env.alt.url,
      SANITY_TOKEN: env.sanity.token,
    }
    const child = spawn(process.execPath, [BIN, ...args()], { env: environment, stdio: 'pipe' })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    // The first page (3 assets) is described and paid; its transaction never lands: kill -9.
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    env.sanity.beforeMutate = () => {
      // The run's write check (a dry run, before any image) passes.
      const request = env.sanity.seen.at(-1)
      if (request && isDryRunMutate(request)) return
      child.kill('SIGKILL')
      return new Promise(() => {})
    }
    await exited
    expect(stderr).toMatch(/Estimate: 6 assets to describe, up to 6 credits/)
    expect(env.alt.stats.charged).toBe(3)
    expect([...env.sanity.docs.values()].filter((d) => d.altText)).toHaveLength(0)

    env.sanity.beforeMutate = undefined
    const out: string[] = []
    const code = await runSanityCli(args().slice(1), {
      stdout: (line) => out.push(line),
      stderr: () => {},
      env: environment,
    })
    expect(code).toBe(0)
    expect(out.join('\n')).toMatch(/^6 described, 0 failed/)
    for (let n = 1; n <= 6; n++)
      expect(env.sanity.docs.get(`image-k${n}x-10x10-png`)?.altText).toBe(`Alt for k${n}x`)
    // Six images, six charges: the three paid before the kill were answered as replays.
    expect(env.alt.stats.charged).toBe(6)
    expect(env.alt.stats.replayed).toBe(3)
    expect(env.alt.account.balance).toBe(94)
  }, 60_000)

  it('a resumed run whose context changed meanwhile is not refused as a reused key, nor charged again', async () => {
    env.sanity.put(
      { _id: 'image-c1x-10x10-png', _type: 'sanity.imageAsset' },
      { _id: 'image-c2x-10x10-png', _type: 'sanity.imageAsset' },
    )
    failNextSave(env.sanity) // paid, not saved
    const io = {
      stdout: () => {},
      stderr: () => {},
      env: { ALTTEXT_API_KEY: env.alt.key, ALTTEXT_API_URL: env.alt.url },
    }
    const argv = [...args().slice(1), '--token', env.sanity.token]
    expect(await runSanityCli(argv, io)).toBe(1)
    expect(env.alt.stats.charged).toBe(2)
    // A page now uses the first image: its context (the page title) is new.
    env.sanity.put({
      _id: 'post-1',
      _type: 'post',
      title: 'Herons of the Wadden Sea',
      hero: { _type: 'image', asset: { _type: 'reference', _ref: 'image-c1x-10x10-png' } },
    })
    expect(await runSanityCli(argv, io)).toBe(0)
    expect(env.sanity.docs.get('image-c1x-10x10-png')?.altText).toBe('Alt for c1x')
    expect(env.alt.stats.charged).toBe(2)
    expect(env.alt.stats.replayed + env.alt.stats.reused).toBe(2)
  })

  it('--max-credits stops before going over, says so and exits 1; a later run goes on', async () => {
    for (let n = 1; n <= 5; n++)
      env.sanity.put({ _id: `image-b${n}x-10x10-png`, _type: 'sanity.imageAsset' })
    const io = (out: string[], err: string[]) => ({
      stdout: (line: string) => out.push(line),
      stderr: (line: string) => err.push(line),
      env: { ALTTEXT_API_KEY: env.alt.key, ALTTEXT_API_URL: env.alt.url },
    })
    const out: string[] = []
    const err: string[] = []
    const code = await runSanityCli(
      [...args().slice(1), '--token', env.sanity.token, '--max-credits', '2'],
      io(out, err),
    )
    expect(code).toBe(1)
    expect(err.join('\n')).toMatch(
      /Estimate: 5 assets to describe, up to 5 credits .*balance 100; budget 2/,
    )
    expect(err.join('\n')).toMatch(/Stopped: the next asset would pass --max-credits 2/)
    expect(out.join('\n')).toMatch(/^2 described.*ended: budget/)
    expect(env.alt.stats.charged).toBe(2)
    const again = await runSanityCli([...args().slice(1), '--token', env.sanity.token], io([], []))
    expect(again).toBe(0)
    expect([...env.sanity.docs.values()].filter((d) => d.altText)).toHaveLength(5)
    expect(env.alt.stats.charged).toBe(5)
  })
})
