import { describe, expect, it } from 'vitest'
import { createLimiter } from '../src/index.js'

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms))

describe('createLimiter', () => {
  it('never runs more than `concurrency` tasks at once and runs them in order', async () => {
    const limit = createLimiter(3)
    let running = 0
    let peak = 0
    const started: number[] = []
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          started.push(i)
          running++
          peak = Math.max(peak, running)
          await tick(i % 3)
          running--
          return i * 2
        }),
      ),
    )
    expect(peak).toBe(3)
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
    expect(limit.active).toBe(0)
    expect(limit.pending).toBe(0)
  })

  it('a failing task (even a synchronous throw) rejects its caller and frees its slot', async () => {
    const limit = createLimiter(1)
    const bad = limit(() => {
      throw new Error('sync')
    })
    const rejected = limit(() => Promise.reject(new Error('async')))
    const good = limit(async () => 'ok')
    await expect(bad).rejects.toThrow('sync')
    await expect(rejected).rejects.toThrow('async')
    await expect(good).resolves.toBe('ok')
  })

  it('reports active and pending tasks', async () => {
    const limit = createLimiter(1)
    let release: () => void = () => {}
    const first = limit(() => new Promise<void>((r) => (release = r)))
    const second = limit(async () => {})
    await tick()
    expect([limit.active, limit.pending]).toEqual([1, 1])
    release()
    await Promise.all([first, second])
    expect([limit.active, limit.pending]).toEqual([0, 0])
  })

  it('refuses a concurrency below 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError)
  })
})
