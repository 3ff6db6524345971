import type { KeyScope } from '@alttextapi/core'
import type { Config, Env } from './env.js'

/** The signed-in user as the handlers see it (a row of `users`). */
export interface AuthUser {
  id: string
  email: string
  name: string | null
  credits: number
  storeHistory: boolean
  createdAt: number
}

/** How the request authenticated. */
export type Credential =
  | { kind: 'session'; sessionId: string }
  | { kind: 'key'; apiKeyId: string; scope: KeyScope }

/** Hono generics for this app: bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    config: Config
    user: AuthUser
    credential: Credential
  }
}
