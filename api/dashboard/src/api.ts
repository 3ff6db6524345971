/**
 * The HTTP calls the dashboard makes, typed by the wire contract that `@alttextapi/core` owns
 * (type imports only: nothing of core is bundled). Same origin, so no CORS and no cookies.
 */
import type {
  AccountExport,
  AccountUpdateRequest,
  AltTextRequest,
  AltTextResponse,
  CheckoutResponse,
  CheckoutStatus,
  CreatedApiKey,
  Credits,
  ErrorCode,
  KeyCreateRequest,
  KeyList,
  LoginResponse,
  ModelList,
  PackList,
  SignupResponse,
  UsagePage,
  User,
} from '@alttextapi/core'
import { store } from './store.js'

/** An error answer of the API (or a network failure, code `network_error`). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network_error' | 'unknown_error',
    message: string,
    readonly status: number,
    /** Seconds from a `Retry-After` header, when the API sent one. */
    readonly retryAfter?: number,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

type Credential = 'session' | 'key' | 'none'

interface Options {
  body?: unknown
  credential?: Credential
  /** Overrides the stored API key (e.g. to check a pasted key). */
  key?: string
  /**
   * A 401 on a session route normally means the session ended and logs the user out. Routes that
   * check a password answer about the password instead, so they opt out.
   */
  passwordCheck?: boolean
}

let onSessionEnded: (message: string) => void = () => {}
/** Registers what happens when the API says the session is no longer valid. */
export function setSessionEndedHandler(handler: (message: string) => void): void {
  onSessionEnded = handler
}

async function call<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const credential = options.credential ?? 'session'
  const token =
    credential === 'session'
      ? store.session
      : credential === 'key'
        ? (options.key ?? store.apiKey)
        : null
  if (token) headers.authorization = `Bearer ${token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError('network_error', 'The server could not be reached.', 0)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = undefined
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
    const code = typeof error?.code === 'string' ? (error.code as ErrorCode) : 'unknown_error'
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`
    const retry = Number.parseInt(res.headers.get('retry-after') ?? '', 10)
    const apiError = new ApiError(
      code,
      message,
      res.status,
      Number.isFinite(retry) ? retry : undefined,
    )
    if (res.status === 401 && credential === 'session' && !options.passwordCheck && store.session) {
      onSessionEnded(message)
    }
    throw apiError
  }
  return data as T
}

/** Every call the dashboard makes. */
export const api = {
  signup: (body: { email: string; password: string; name?: string }) =>
    call<SignupResponse>('POST', '/v1/auth/signup', { body, credential: 'none' }),
  login: (body: { email: string; password: string }) =>
    call<LoginResponse>('POST', '/v1/auth/login', { body, credential: 'none' }),
  logout: () => call<void>('POST', '/v1/auth/logout'),
  account: () => call<User>('GET', '/v1/account'),
  updateAccount: (body: AccountUpdateRequest) =>
    call<User>('PATCH', '/v1/account', { body, passwordCheck: true }),
  exportAccount: () => call<AccountExport>('GET', '/v1/account/export'),
  deleteAccount: (password: string) =>
    call<void>('DELETE', '/v1/account', { body: { password }, passwordCheck: true }),
  keys: () => call<KeyList>('GET', '/v1/keys'),
  createKey: (body: KeyCreateRequest) => call<CreatedApiKey>('POST', '/v1/keys', { body }),
  revokeKey: (id: string) => call<void>('DELETE', `/v1/keys/${encodeURIComponent(id)}`),
  models: () => call<ModelList>('GET', '/v1/models', { credential: 'none' }),
  altText: (body: AltTextRequest, key?: string) =>
    call<AltTextResponse>('POST', '/v1/alt-text', {
      body,
      credential: 'key',
      ...(key ? { key } : {}),
    }),
  usage: (query: { limit?: number; cursor?: string; from?: string; to?: string }) => {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(name, String(value))
    }
    return call<UsagePage>('GET', `/v1/usage?${params}`)
  },
  credits: () => call<Credits>('GET', '/v1/credits'),
  packs: () => call<PackList>('GET', '/v1/billing/packs', { credential: 'none' }),
  checkout: (packId: string) =>
    call<CheckoutResponse>('POST', '/v1/billing/checkout', { body: { packId } }),
  checkoutStatus: (sessionId: string) =>
    call<CheckoutStatus>('GET', `/v1/billing/checkout/${encodeURIComponent(sessionId)}`),
}
