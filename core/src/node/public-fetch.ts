/**
 * Downloads for build tools that follow the API's public-address rule (`refusedHost`,
 * `isPublicAddress`): the host as written is checked, then every address it resolves to, and the
 * connection is pinned to the checked address (no second DNS answer can swap in a private one);
 * redirects are followed by hand, each hop checked the same way, before any connection is made.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { Readable } from 'node:stream'
import { isPublicAddress, normalizeHost, refusedHost } from '../contract/public-address.js'

/** Options of `createPublicFetch`. */
export interface PublicFetchOptions {
  /**
   * Host names (as written in URLs, e.g. `127.0.0.1` or `images.intranet`) that may be fetched
   * although they are local or private. Default none.
   */
  allowHosts?: readonly string[] | undefined
  /** Most redirects followed. Default 5. */
  maxRedirects?: number | undefined
  /** The resolver (`dns.lookup`'s signature). Default `dns.lookup`; tests pass their own. */
  lookup?: typeof dnsLookup | undefined
}

/** A download refused by the public-address rule (thrown before any connection to it). */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError'
}

/**
 * A `lookup` that only hands out public addresses (all of them checked, the first used). The
 * socket connects to the address this one answer gave: a later DNS answer (rebinding) is never
 * consulted for this connection.
 */
function publicLookup(host: string, resolve: typeof dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const list = addresses as LookupAddress[]
      const refused = list.find((a) => !isPublicAddress(a.address))
      if (refused || list.length === 0) {
        const why = refused ? `resolves to ${refused.address}` : 'has no address'
        return callback(
          new RefusedAddressError(`${host} ${why}: a private, local or reserved address`),
          '',
          0,
        )
      }
      const first = list[0] as LookupAddress
      if (options.all) return callback(null, list as unknown as string, 0)
      callback(null, first.address, first.family)
    })
  }
}

function requestOnce(
  url: URL,
  allowed: boolean,
  signal: AbortSignal | undefined,
  resolver: typeof dnsLookup,
) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request(url, {
      method: 'GET',
      signal,
      ...(allowed ? {} : { lookup: publicLookup(url.hostname, resolver) }),
    })
    // The address actually connected to is checked again, whatever resolved it (a reused
    // keep-alive socket is checked at once, a new one when it connects).
    req.on('socket', (socket) => {
      const check = () => {
        const address = socket.remoteAddress ?? ''
        if (!allowed && !isPublicAddress(address))
          req.destroy(
            new RefusedAddressError(
              `${url.hostname} connected to ${address}: not a public address`,
            ),
          )
      }
      if (socket.connecting) socket.once('connect', check)
      else check()
    })
    req.on('response', resolve)
    req.on('error', reject)
    req.end()
  })
}

/**
 * A `fetch` (GET only) for image downloads at build time that refuses loopback, private,
 * link-local and metadata addresses, also after redirects, unless the host is in `allowHosts`.
 * Throws `RefusedAddressError` for a refused host; network errors keep their `code`.
 */
export function createPublicFetch(options: PublicFetchOptions = {}): typeof fetch {
  const allow = new Set((options.allowHosts ?? []).map(normalizeHost))
  const maxRedirects = options.maxRedirects ?? 5
  const resolver = options.lookup ?? dnsLookup
  return async (input, init) => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const signal = init?.signal ?? undefined
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new RefusedAddressError(`Unsupported URL scheme: ${url.protocol}`)
      const allowed = allow.has(normalizeHost(url.hostname))
      const refused = allowed ? undefined : refusedHost(url.hostname)
      if (refused) throw new RefusedAddressError(`${url.hostname}: ${refused}`)
      const response = await requestOnce(url, allowed, signal, resolver)
      const status = response.statusCode ?? 0
      const location = response.headers.location
      if (status >= 300 && status < 400 && location) {
        response.resume()
        if (hop >= maxRedirects) throw new Error(`More than ${maxRedirects} redirects`)
        url = new URL(location, url)
        continue
      }
      const headers = new Headers()
      for (const [name, value] of Object.entries(response.headers)) {
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
      }
      const empty = status === 204 || status === 304
      const body = empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>)
      return new Response(body, { status, headers })
    }
  }
}
