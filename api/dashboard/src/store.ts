/**
 * What the dashboard keeps in the browser, all in localStorage (no cookies), as the privacy policy
 * says: the session token, the API key used by "Try it", and the account email. Logging out or
 * deleting the account removes all three.
 */

const KEYS = {
  session: 'alttextapi.session',
  apiKey: 'alttextapi.apiKey',
  email: 'alttextapi.email',
} as const

type Name = keyof typeof KEYS

function read(name: Name): string | null {
  try {
    return localStorage.getItem(KEYS[name])
  } catch {
    // Storage can be disabled (private modes, policies): behave as logged out.
    return null
  }
}

function write(name: Name, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(KEYS[name])
    else localStorage.setItem(KEYS[name], value)
  } catch {
    // Nothing to do: the session then lasts only as long as the page.
  }
}

/** The stored credentials. */
export const store = {
  get session(): string | null {
    return read('session')
  },
  set session(value: string | null) {
    write('session', value)
  },
  get apiKey(): string | null {
    return read('apiKey')
  },
  set apiKey(value: string | null) {
    write('apiKey', value)
  },
  get email(): string | null {
    return read('email')
  },
  set email(value: string | null) {
    write('email', value)
  },
  /** Forgets everything this dashboard stored. */
  clear(): void {
    for (const name of Object.keys(KEYS) as Name[]) write(name, null)
  },
}
