import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runSanityBin, runSanityCli } from '../src/backfill/index.js'
import { DATASET, type Env, PROJECT, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.resetAlt()
})

async function run(args: string[], extraEnv: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runSanityCli(args, {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    env: { ALTTEXT_API_KEY: env.alt.key, ALTTEXT_API_URL: env.alt.url, ...extraEnv },
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const base = () => [
  '--project',
  PROJECT,
  '--dataset',
  DATASET,
  '--api-host',
  env.sanity.url,
  '--image-base-url',
  env.sanity.url,
]

/** `count` image assets lacking alt text. */
function library(count: number) {
  for (let n = 0; n < count; n++)
    env.sanity.put({ _id: `image-a${n}x-10x10-png`, _type: 'sanity.imageAsset' })
}

describe('alttext-sanity backfill', () => {
  it('fills the library with the token from SANITY_TOKEN and prints a summary', async () => {
    env.sanity.put(
      { _id: 'image-aaa-10x10-png', _type: 'sanity.imageAsset' },
      { _id: 'image-bbb-10x10-png', _type: 'sanity.imageAsset' },
    )
    const result = await run([...base(), '--lang', 'de', '--concurrency', '2'], {
      SANITY_TOKEN: env.sanity.token,
    })
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/^2 described, 0 failed, 0 skipped, 2 credits used, \d+ left/)
    expect(result.err).toContain('described image-aaa-10x10-png: Alt for aaa [de]')
    expect(env.sanity.docs.get('image-bbb-10x10-png')?.altText).toBe('Alt for bbb [de]')
  })

  it('prints no terminal control sequences from an API answer', async () => {
    env.sanity.put({ _id: 'image-aaa-10x10-png', _type: 'sanity.imageAsset' })
    env.altTextFor.set('/aaa-', 'Red\u001b]52;c;ZXZpbA==\u0007 tulips\u001b[2J\u009b')
    const result = await run([...base(), '--token', env.sanity.token])
    expect(result.code).toBe(0)
    expect(result.err).toContain('described image-aaa-10x10-png: Red')
    expect(result.err.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u)
  })

  it('--dry-run lists and writes nothing', async () => {
    env.sanity.put({ _id: 'image-aaa-10x10-png', _type: 'sanity.imageAsset' })
    const result = await run([...base(), '--token', env.sanity.token, '--dry-run', '--limit', '5'])
    expect(result.code).toBe(0)
    expect(result.out).toContain('would describe image-aaa-10x10-png')
    expect(result.out).toContain('1 would describe')
    expect(env.alt.images).toHaveLength(0)
    // No AltText API call at all: not even the price list or the balance.
    expect(env.alt.requests).toHaveLength(0)
    expect(result.err).toMatch(/^Estimate: 1 asset to describe .*dry run/m)
  })

  it('--dry-run works with the API unreachable and no key: it makes no API call', async () => {
    library(3)
    const result = await run(
      [...base(), '--token', env.sanity.token, '--dry-run', '--api-url', 'http://127.0.0.1:1'],
      { ALTTEXT_API_KEY: '', ALTTEXT_API_URL: 'http://127.0.0.1:1' },
    )
    expect(result.err).not.toMatch(/failed|Could not reach/)
    expect(result.code).toBe(0)
    expect(result.out).toContain('would describe image-a2x-10x10-png')
    expect(result.out).toMatch(/^3 would describe, 0 failed/m)
  })

  it('a token that cannot write stops the run before any credit is spent: exit 1, one message', async () => {
    library(30)
    const result = await run([...base(), '--token', env.sanity.readToken])
    expect(result.code).toBe(1)
    expect(result.err.match(/Stopped:/g)).toHaveLength(1)
    expect(result.err).toMatch(/Stopped: .*403.*write access/)
    expect(result.err).not.toMatch(/^failed /m)
    expect(result.out).toMatch(/^0 described, 0 failed, 0 skipped, 0 credits used.*ended: fatal/)
    expect(env.alt.stats.calls).toBe(0)
    expect(env.alt.stats.charged).toBe(0)
    expect([...env.sanity.docs.values()].filter((d) => d.altText)).toHaveLength(0)
  })

  it('exits 1 when images fail and 2 on usage errors', async () => {
    env.sanity.put({ _id: 'image-aaa-10x10-png', _type: 'sanity.imageAsset' })
    const bad = await run([...base(), '--token', env.sanity.token], {
      ALTTEXT_API_KEY: 'atk_wrong_key_000000000000000000000000',
    })
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/Stopped: .*API key/i)
    expect((await run(['--dataset', 'x', '--token', 't'])).code).toBe(2)
    expect((await run([...base()])).err).toContain('SANITY_TOKEN')
    expect((await run([...base(), '--token', 't', '--limit', '0'])).code).toBe(2)
    expect((await run(['--bogus'])).code).toBe(2)
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toContain('Usage: alttext-sanity backfill')
  })

  it('a wrong key stops a 12-asset run before it starts: exit 1, one message, no image sent', async () => {
    library(12)
    env.sanity.seen.length = 0
    const result = await run([...base(), '--token', env.sanity.token, '--concurrency', '3'], {
      ALTTEXT_API_KEY: 'atk_wrong_key_000000000000000000000000',
    })
    expect(result.code).toBe(1)
    expect(result.err.match(/Stopped:/g)).toHaveLength(1)
    expect(result.err).not.toMatch(/^failed /m)
    // The balance read before the run is refused: no image is sent, nothing is written.
    expect(env.alt.stats.calls).toBe(0)
    expect(env.sanity.seen.some((r) => r.path.includes('/data/mutate/'))).toBe(false)
  })

  it('running out of credits mid-run stops it and keeps what was written', async () => {
    library(6)
    env.alt.program({ balance: 2 })
    const result = await run([
      ...base(),
      '--token',
      env.sanity.token,
      '--concurrency',
      '1',
      '--batch-size',
      '6',
    ])
    expect(result.code).toBe(1)
    expect(result.err.match(/Stopped:/g)).toHaveLength(1)
    expect(result.err).toMatch(/credits/i)
    expect(result.out).toMatch(/^2 described/)
    expect(env.alt.stats.calls).toBe(3)
  })
})

describe('the alttext-sanity executable', () => {
  const io = () => {
    const out: string[] = []
    const err: string[] = []
    return {
      out,
      err,
      io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {} },
    }
  }

  it('dispatches to backfill, lists its commands, refuses unknown ones', async () => {
    const help = io()
    expect(await runSanityBin(['--help'], help.io)).toBe(0)
    expect(help.out.join('\n')).toContain('backfill')
    const backfillHelp = io()
    expect(await runSanityBin(['backfill', '--help'], backfillHelp.io)).toBe(0)
    expect(backfillHelp.out.join('\n')).toContain('Usage: alttext-sanity backfill')
    const unknown = io()
    expect(await runSanityBin(['nope'], unknown.io)).toBe(2)
    expect(unknown.err.join('\n')).toContain('unknown command "nope"')
    expect(await runSanityBin([], io().io)).toBe(2)
  })

  it('runs from dist with a shebang', async () => {
    const bin = join(import.meta.dirname, '..', 'dist', 'backfill', 'bin.js')
    const { stdout } = await promisify(execFile)(bin, ['backfill', '--help'], { encoding: 'utf8' })
    expect(stdout).toContain('Usage: alttext-sanity backfill')
  })
})
