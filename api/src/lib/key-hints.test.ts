// The admission rule of the hot path: described first only when the balance and the counter
// last seen cover the request and every request of the key running in this isolate.
import { describe, expect, it } from 'vitest'
import {
  admit,
  forgetKey,
  isKnownKey,
  type KeyHint,
  keyHint,
  MAX_EARLY,
  rememberKey,
} from './key-hints.js'

let counter = 0
/** A key hash no other test uses (the hints live in the isolate). */
const freshKey = () => `test-key-${Date.now()}-${counter++}`
const limit = { perWindow: 100, windowMs: 60_000 }
const WAIT = 10_000

function learn(keyHash: string, hint: Partial<KeyHint> = {}): void {
  const now = Date.now()
  rememberKey(keyHash, {
    userId: 'usr_1',
    apiKeyId: 'key_1',
    credits: 10,
    count: 1,
    windowStart: now,
    at: now,
    ...hint,
  })
}

describe('admit', () => {
  it('charges an unknown key first', async () => {
    const key = freshKey()
    const admission = await admit(key, 1, limit, WAIT)
    expect(admission.first).toBeUndefined()
    admission.done()
    expect(isKnownKey(key)).toBe(false)
  })

  it('describes first while the balance covers every running request, by their prices', async () => {
    const key = freshKey()
    learn(key, { credits: 6 })
    const two = await admit(key, 2, limit, WAIT)
    const ones = [await admit(key, 1, limit, WAIT), await admit(key, 1, limit, WAIT)]
    const three = await admit(key, 1, limit, WAIT) // 2 + 1 + 1 + 1 = 5 ≤ 6
    const four = await admit(key, 1, limit, WAIT) // 6 ≤ 6
    expect([two, ...ones, three, four].every((a) => a.first !== undefined)).toBe(true)
    // A seventh credit would be needed: not covered; described-first requests run, so it waits.
    let settled = false
    const waiting = admit(key, 1, limit, WAIT).then((a) => {
      settled = true
      return a
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(settled).toBe(false)
    for (const a of [two, ...ones, three, four]) a.done()
    const after = await waiting
    // It went once the others settled; the hint still says 6, so now it is covered.
    expect(after.first).toBeDefined()
    after.done()
  })

  it('holds the counter last seen, and counts from zero in a window that has started since', async () => {
    const key = freshKey()
    const small = { perWindow: 3, windowMs: 60_000 }
    learn(key, { count: 2 })
    const a = await admit(key, 1, small, WAIT) // 2 + 0 + 1 = 3 ≤ 3
    expect(a.first).toBeDefined()
    a.done()
    learn(key, { count: 3 })
    const b = await admit(key, 1, small, WAIT) // 3 + 0 + 1 > 3, nothing running: charged first
    expect(b.first).toBeUndefined()
    b.done()
    const old = freshKey()
    learn(old, { count: 3, windowStart: Date.now() - 61_000 })
    const running = [
      await admit(old, 1, small, WAIT),
      await admit(old, 1, small, WAIT),
      await admit(old, 1, small, WAIT),
    ]
    expect(running.map((r) => r.first !== undefined)).toEqual([true, true, true])
    // 0 + 3 + 1 > 3 while three run: not covered, so it waits for them.
    let settled = false
    const fourth = admit(old, 1, small, WAIT).then((a) => {
      settled = true
      return a
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(settled).toBe(false)
    for (const r of running) r.done()
    ;(await fourth).done()
  })

  it(`runs at most ${MAX_EARLY} described-first requests of a key at once`, async () => {
    const key = freshKey()
    learn(key, { credits: 1_000 })
    const admitted = []
    for (let i = 0; i < MAX_EARLY + 2; i++) admitted.push(await admit(key, 1, limit, WAIT))
    expect(admitted.filter((a) => a.first !== undefined)).toHaveLength(MAX_EARLY)
    for (const a of admitted) a.done()
  })

  it('lets no newcomer go first while a request waits, so the waiter cannot starve', async () => {
    const key = freshKey()
    learn(key, { credits: 3 })
    const two = await admit(key, 2, limit, WAIT) // first: 2 ≤ 3
    expect(two.first).toBeDefined()
    const waiter = admit(key, 2, limit, WAIT) // 4 > 3 while one runs first: waits
    await new Promise((resolve) => setTimeout(resolve, 20))
    const newcomer = await admit(key, 1, limit, WAIT) // 3 ≤ 3, but someone waits
    expect(newcomer.first).toBeUndefined()
    two.done()
    newcomer.done()
    const after = await waiter
    expect(after.first).toBeDefined()
    after.done()
  })

  it('stops waiting after maxWaitMs and is charged first', async () => {
    const key = freshKey()
    learn(key, { credits: 1 })
    const one = await admit(key, 1, limit, WAIT)
    const t0 = Date.now()
    const late = await admit(key, 1, limit, 60)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50)
    expect(late.first).toBeUndefined()
    one.done()
    late.done()
  })

  it('charges a key first once a charge was refused, whatever is learnt after', async () => {
    const key = freshKey()
    learn(key, { credits: 5 })
    expect(isKnownKey(key)).toBe(true)
    forgetKey(key)
    expect(isKnownKey(key)).toBe(false)
    // A slower request settling afterwards with an older, higher balance changes nothing.
    learn(key, { credits: 4 })
    const a = await admit(key, 1, limit, WAIT)
    expect(a.first).toBeUndefined()
    a.done()
  })

  it('keeps the lower balance when charges settle out of order', () => {
    const key = freshKey()
    learn(key, { credits: 3 })
    learn(key, { credits: 5 })
    expect(keyHint(key)?.credits).toBe(3)
  })
})
