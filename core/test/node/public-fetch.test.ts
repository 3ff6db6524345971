/**
 * Build-time downloads follow the API's public-address rule: loopback, private, link-local and
 * metadata addresses are refused before connecting, also when a redirect points there, unless
 * the host is allowed. A real local server stands in for image hosts (loopback only).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isPublicAddress } from '../../src/contract/public-address.js'
import { createPublicFetch, RefusedAddressError } from '../../src/node/index.js'

let server: Server
let port: number
let hits: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '')
    const to = /^\/redirect\?to=(.+)$/.exec(req.url ?? '')?.[1]
    if (to) return res.writeHead(302, { location: decodeURIComponent(to) }).end()
    res.writeHead(200, { 'content-type': 'image/png' }).end('png-bytes')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))
beforeEach(() => {
  hits = []
})

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
