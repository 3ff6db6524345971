/**
 * Build-time downloads follow the API's public-address rule: loopback, private, link-local and
 * metadata addresses are refused before connecting, also when a redirect points there, unless
 * the host is allowed. A real local server stands in for image hosts (loopback only).
 */
import type { LookupAddress, lookup } from 'node:dns'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isPublicAddress } from '../../src/contract/public-address.js'
import { createPublicFetch, RefusedAddressError } from '../../src/node/index.js'

let server: Server
let port: number
let hits: string[] = []
let connections = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '')
    const to = /^\/redirect\?to=(.+)$/.exec(req.url ?? '')?.[1]
    if (to) return res.writeHead(302, { location: decodeURIComponent(to) }).end()
    res.writeHead(200, { 'content-type': 'image/png' }).end('png-bytes')
  })
  server.on('connection', () => connections++)
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))
beforeEach(() => {
  hits = []
  connections = 0
})

/** A resolver that answers `answers[n]` to its n-th call (the last one after that). */
function dnsAnswering(...answers: LookupAddress[][]) {
  const calls: string[] = []
  const resolve = ((
    hostname: string,
    _options: unknown,
    callback: (e: null, a: LookupAddress[]) => void,
  ) => {
    calls.push(hostname)
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? []
    queueMicrotask(() => callback(null, answer))
  }) as unknown as typeof lookup
  return { resolve, calls }
}
const PUBLIC = { address: '93.184.216.34', family: 4 }
const LOOPBACK = { address: '127.0.0.1', family: 4 }

describe('createPublicFetch', () => {
  it.each([
    ['http://127.0.0.1:PORT/a.png'],
    ['http://10.1.2.3/a.png'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://[::1]:PORT/a.png'],
    ['http://localhost:PORT/a.png'],
    ['http://2130706433:PORT/a.png'],
  ])('refuses %s before connecting', async (template) => {
    const url = template.replace('PORT', String(port))
    await expect(createPublicFetch()(url)).rejects.toBeInstanceOf(RefusedAddressError)
    expect(hits).toEqual([])
  })

  it('fetches an allowed host', async () => {
    const response = await createPublicFetch({ allowHosts: ['127.0.0.1'] })(
      `http://127.0.0.1:${port}/a.png`,
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('png-bytes')
  })

  it.each([
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://10.0.0.1/a.png'],
    ['http://[::1]:PORT/a.png'],
    ['http://127.0.0.1:PORT/a.png'],
  ])('refuses a redirect from an allowed host to %s', async (target) => {
    const to = encodeURIComponent(target.replace('PORT', String(port)))
    const fetchPublic = createPublicFetch({ allowHosts: ['localhost'] })
    await expect(fetchPublic(`http://localhost:${port}/redirect?to=${to}`)).rejects.toBeInstanceOf(
      RefusedAddressError,
    )
    // Only the redirecting request reached the server; the target was never contacted.
    expect(hits).toEqual([`/redirect?to=${to}`])
  })

  it('follows a redirect to an allowed host', async () => {
    const to = encodeURIComponent(`http://127.0.0.1:${port}/b.png`)
    const response = await createPublicFetch({ allowHosts: ['127.0.0.1'] })(
      `http://127.0.0.1:${port}/redirect?to=${to}`,
    )
    expect(await response.text()).toBe('png-bytes')
    expect(hits).toEqual([`/redirect?to=${to}`, '/b.png'])
  })
})

describe('DNS rebinding', () => {
  it('a name that resolves public, then loopback, is never fetched from loopback', async () => {
    // A check-then-connect client would accept the first answer and connect with the second.
    const dns = dnsAnswering([PUBLIC], [LOOPBACK])
    const fetchPublic = createPublicFetch({ lookup: dns.resolve })
    const url = `http://images.rebind.example.com:${port}/a.png`
    // The one connection goes to the address that was checked (unreachable from here).
    await fetchPublic(url, { signal: AbortSignal.timeout(1500) }).catch(() => undefined)
    await fetchPublic(url, { signal: AbortSignal.timeout(1500) }).catch(() => undefined)
    expect(connections).toBe(0)
    expect(hits).toEqual([])
    // The second request resolves again (the loopback answer) and is refused at lookup.
    expect(dns.calls).toEqual(['images.rebind.example.com', 'images.rebind.example.com'])
  })

  it('refuses a name with any private address among its answers, before connecting', async () => {
    const dns = dnsAnswering([PUBLIC, LOOPBACK])
    const error = await createPublicFetch({ lookup: dns.resolve })(
      `http://mixed.example.com:${port}/a.png`,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RefusedAddressError)
    expect((error as Error).message).toBe(
      'mixed.example.com resolves to 127.0.0.1: a private, local or reserved address',
    )
    expect(connections).toBe(0)
  })
})

describe('isPublicAddress', () => {
  it('classifies resolved addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '169.254.169.254',
      '::1',
      '::ffff:192.168.1.1',
      'fd00::1',
    ])
      expect(isPublicAddress(ip)).toBe(false)
    for (const ip of ['93.184.216.34', '2606:4700::6810:85e5'])
      expect(isPublicAddress(ip)).toBe(true)
  })
})
