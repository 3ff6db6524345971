/**
 * The key proxy for Studios whose readers must not be able to spend credits: it holds the AltText
 * API key on a server, lets through only signed-in members of the Sanity project, and only the
 * routes the plugin needs (describe, models, balance). The Studio (`proxyUrl`) sends the member's
 * Sanity token in `X-Sanity-Token` and no AltText key. Web-standard `Request` → `Response`, so it
 * runs in Node (`serveKeyProxy`), a Worker or any edge runtime.
 */
import { DEFAULT_BASE_URL } from '@alttextapi/core'

/** Options of `createKeyProxy`. */
export interface KeyProxyOptions {
  /** The AltText API key (best a `generate`-scoped key with a daily cap). */
  apiKey: string
  /** The Sanity project whose members may use the proxy. */
  projectId: string
  /** Origins of the Studio (e.g. `https://my-studio.sanity.studio`); others are refused. */
  allowedOrigins: string[]
  /** AltText API base URL. Default the hosted API. */
  apiUrl?: string | undefined
  /** Sanity's API host. Default `https://api.sanity.io`. */
  sanityApiHost?: string | undefined
  /** How long a verified token is trusted without asking Sanity again, in ms. Default 60 000. */
  memberCacheMs?: number | undefined
  fetch?: typeof fetch | undefined
}

/** The routes the plugin uses; everything else (account, keys, usage, billing) is refused. */
const ROUTES: Array<[method: string, path: string]> = [
  ['POST', '/v1/alt-text'],
  ['POST', '/v1/alt-text/batch'],
  ['GET', '/v1/models'],
  ['GET', '/v1/credits'],
]

/**
 * Request headers passed on to the API: never the caller's cookies, Sanity token or
 * Authorization (the Studio sends a placeholder there; the proxy sets the real key).
 */
const FORWARDED = ['content-type', 'idempotency-key', 'accept']

/** Creates the proxy's handler. */
export function createKeyProxy(options: KeyProxyOptions): (request: Request) => Promise<Response> {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const apiUrl = (options.apiUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const sanityHost = (options.sanityApiHost ?? 'https://api.sanity.io').replace(/\/+$/, '')
  const cacheMs = options.memberCacheMs ?? 60_000
  const members = new Map<string, number>()

  /** True when Sanity shows the token's user this project (members only). */
  const isMember = async (token: string): Promise<boolean> => {
    const until = members.get(token)
    if (until !== undefined && until > Date.now()) return true
    const response = await doFetch(
      `${sanityHost}/v2021-06-07/projects/${encodeURIComponent(options.projectId)}`,
      { headers: { authorization: `Bearer ${token}` } },
    )
    if (!response.ok) return false
    const project = (await response.json().catch(() => null)) as { id?: unknown } | null
    if (project?.id !== options.projectId) return false
    members.set(token, Date.now() + cacheMs)
    return true
  }

  return async (request) => {
    const origin = request.headers.get('origin')
    const allowed = origin !== null && options.allowedOrigins.includes(origin)
    const cors: Record<string, string> = allowed
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-headers':
            'authorization, content-type, idempotency-key, x-sanity-token',
          'access-control-allow-methods': 'GET, POST',
          'access-control-expose-headers': 'idempotent-replayed, retry-after',
          vary: 'origin',
        }
      : {}
    const refuse = (status: number, code: string, message: string) =>
      Response.json({ error: { code, message } }, { status, headers: cors })
    if (origin !== null && !allowed)
      return refuse(403, 'forbidden', 'This origin may not use the AltText proxy.')
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors })
    const url = new URL(request.url)
    if (!ROUTES.some(([method, path]) => method === request.method && path === url.pathname))
      return refuse(
        403,
        'forbidden',
        'The AltText proxy serves only describing, models and the balance.',
      )
    const token = request.headers.get('x-sanity-token')
    if (!token || !(await isMember(token).catch(() => false)))
      return refuse(
        401,
        'unauthorized',
        `Sign in to the Sanity project ${options.projectId} to use the AltText proxy.`,
      )
    const headers = new Headers({ authorization: `Bearer ${options.apiKey}` })
    for (const name of FORWARDED) {
      const value = request.headers.get(name)
      if (value !== null) headers.set(name, value)
    }
    const body = request.method === 'POST' ? await request.arrayBuffer() : undefined
    const answer = await doFetch(`${apiUrl}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body,
    })
    const out = new Headers(cors)
    for (const name of ['content-type', 'idempotent-replayed', 'retry-after']) {
      const value = answer.headers.get(name)
      if (value !== null) out.set(name, value)
    }
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out })
  }
}
