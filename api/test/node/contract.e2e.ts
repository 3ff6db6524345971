/**
 * The contract test: every exchange the API's integration tests made through `api()` (recorded by
 * test/contract, run `vitest run` first: the `test` script does) is checked against the OpenAPI
 * document the Worker serves, with openapi-backend (routing + Ajv validation of OpenAPI 3.1);
 * the document passes Redocly's linter with zero errors; and a TypeScript client generated from it
 * by openapi-typescript compiles.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import addFormats from 'ajv-formats'
import OpenAPIBackend, { type Document } from 'openapi-backend'
import openapiTS, { astToString } from 'openapi-typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXCHANGES_FILE, type Exchange } from '../contract/exchanges.js'

const run = promisify(execFile)
const apiDir = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => path.join(apiDir, 'node_modules', '.bin', name)

/** Headers the document must name wherever the API sends them. */
const CONTRACT_HEADERS = ['retry-after', 'idempotent-replayed', 'content-disposition']

let exchanges: Exchange[] = []
let document: Document

beforeAll(() => {
  const file = fileURLToPath(EXCHANGES_FILE)
  if (!existsSync(file)) {
    throw new Error(`No recorded exchanges at ${file}: run the workerd tests first (pnpm test).`)
  }
  exchanges = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Exchange)
  const served = exchanges.find(
    (exchange) => exchange.url === '/v1/openapi.json' && exchange.status === 200,
  )
  if (!served?.responseBody) throw new Error('No test fetched GET /v1/openapi.json.')
  document = JSON.parse(served.responseBody) as Document
})

/** openapi-backend over the document, with Ajv checking `format` (date, date-time…). */
function backendFor(definition: Document): OpenAPIBackend {
  return new OpenAPIBackend({
    definition,
    quick: false,
    strict: false,
    customizeAjv: (ajv) => {
      addFormats(ajv as never)
      return ajv
    },
  })
}

const isJson = (type: string | undefined) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(type ?? '')

function parse(text: string | null): unknown {
  if (text === null || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return Symbol('not JSON')
  }
}

describe('the recorded exchanges against the OpenAPI document', () => {
  it('were recorded in quantity (the check covers the integration tests)', () => {
    expect(exchanges.length).toBeGreaterThan(300)
    const files = new Set(exchanges.map((exchange) => exchange.file))
    expect(files.size).toBeGreaterThan(10)
  })

  it('are each documented: route, status, body schema and contract headers', async () => {
    const backend = backendFor(document)
    await backend.init()
    const problems: string[] = []
    let checked = 0
    for (const exchange of exchanges) {
      const url = new URL(exchange.url, 'http://api.test')
      const where = `${exchange.method} ${exchange.url} → ${exchange.status} (${exchange.file})`
      if (!url.pathname.startsWith('/v1/') && url.pathname !== '/health') continue
      // CORS preflights are the browser's, answered before any route (see the README's CORS).
      if (exchange.method === 'OPTIONS') continue
      const request = {
        method: exchange.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: exchange.requestHeaders,
        body: parse(exchange.requestBody),
      }
      const operation = backend.matchOperation(request)
      if (!operation) {
        // No such route: only the JSON 404/405 error shape may answer.
        if (![404, 405].includes(exchange.status)) problems.push(`undocumented route: ${where}`)
        continue
      }
      checked += 1
      const responses = (operation.responses ?? {}) as Record<string, { headers?: object }>
      const documented = responses[String(exchange.status)]
      if (!documented) {
        problems.push(`undocumented status: ${where}`)
        continue
      }
      // A request the API accepted must be one the document accepts.
      const jsonRequest = isJson(exchange.requestHeaders['content-type'])
      if (exchange.status < 300 && (jsonRequest || exchange.requestBody === null)) {
        const result = backend.validateRequest(request, operation)
        if (!result.valid)
          problems.push(
            `request refused by the document: ${where}: ${JSON.stringify(result.errors)}`,
          )
      }
      if (isJson(exchange.responseHeaders['content-type'])) {
        const result = backend.validateResponse(
          parse(exchange.responseBody),
          operation,
          exchange.status,
        )
        if (!result.valid)
          problems.push(`answer unlike the document: ${where}: ${JSON.stringify(result.errors)}`)
      }
      const named = new Set(Object.keys(documented.headers ?? {}).map((name) => name.toLowerCase()))
      for (const header of CONTRACT_HEADERS) {
        if (exchange.responseHeaders[header] !== undefined && !named.has(header))
          problems.push(`undocumented header ${header}: ${where}`)
      }
    }
    expect(checked).toBeGreaterThan(300)
    expect([...new Set(problems)].slice(0, 40)).toEqual([])
  })

  it('would catch an answer the document does not describe (the check can fail)', async () => {
    const backend = backendFor(document)
    await backend.init()
    const operation = backend.matchOperation({ method: 'GET', path: '/v1/credits', headers: {} })
    expect(operation).toBeDefined()
    if (!operation) return
    expect(backend.validateResponse({ balance: 'ten', ledger: [] }, operation, 200).valid).toBe(
      false,
    )
    expect(backend.validateResponse({ balance: 10, ledger: [] }, operation, 200).valid).toBe(true)
  })
})

describe('the OpenAPI document as a whole', () => {
  it('passes the Redocly linter with zero errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alttext-openapi-'))
    const file = path.join(dir, 'openapi.json')
    await writeFile(file, JSON.stringify(document))
    const config = path.join(dir, 'redocly.yaml')
    // The recommended rules; the API answers on the server it is reached at (servers: "/").
    await writeFile(config, 'extends:\n  - recommended\nrules:\n  no-server-example.com: off\n')
    const result = await run(
      bin('redocly'),
      ['lint', file, '--config', config, '--format', 'json'],
      {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error)
    const report = JSON.parse(String(result.stdout || '{}')) as {
      totals?: { errors: number; warnings: number }
      problems?: Array<{ ruleId: string; severity: string; message: string }>
    }
    const errors = (report.problems ?? []).filter((problem) => problem.severity === 'error')
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([])
    expect(report.totals?.errors, String(result.stderr)).toBe(0)
  }, 60_000)

  it('generates a TypeScript client with openapi-typescript that compiles', async () => {
    const types = astToString(await openapiTS(document as never))
    const dir = await mkdtemp(path.join(tmpdir(), 'alttext-client-'))
    await writeFile(path.join(dir, 'api.d.ts'), types)
    // A use of the generated types, as a client would write it: it must type-check.
    await writeFile(
      path.join(dir, 'use.ts'),
      [
        "import type { components, paths } from './api'",
        "type Request = components['schemas']['AltTextRequest']",
        "type Answer = paths['/v1/alt-text']['post']['responses'][200]['content']['application/json']",
        "type Keys = paths['/v1/keys']['get']['responses'][200]['content']['application/json']",
        "export const request: Request = { imageUrl: 'https://example.com/a.png', language: 'en', purpose: 'link', long: true }",
        'export const altText = (answer: Answer): string => answer.altText',
        // The answer's issue-23 fields, typed: kind a union of the kinds, longDescription optional.
        "export const isChart = (answer: Answer): boolean => answer.kind === 'chart' && !answer.decorative",
        "export const long = (answer: Answer): string => answer.longDescription ?? ''",
        'export const scopes = (keys: Keys): string[] => keys.keys.map((key) => key.scope)',
        '',
      ].join('\n'),
    )
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'es2022',
          moduleResolution: 'bundler',
          skipLibCheck: false,
        },
        files: ['api.d.ts', 'use.ts'],
      }),
    )
    const result = await run(bin('tsc'), ['-p', dir]).catch(
      (error: { stdout?: string; code?: number }) => error,
    )
    expect(String(result.stdout ?? '')).toBe('')
  }, 60_000)
})
