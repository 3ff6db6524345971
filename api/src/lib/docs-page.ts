/**
 * The `/docs` page: the OpenAPI document rendered to plain HTML on the server. No scripts, no
 * inline styles (one same-origin stylesheet), so it works offline and under `default-src 'self'`.
 * Every string that goes into the HTML passes through `escapeHtml`.
 */
import { ERROR_STATUS, type JsonSchema } from '@alttextapi/core'
import type { OpenApiDocument, Operation } from '../openapi.js'

/** Where the page's stylesheet is served. */
export const DOCS_CSS_PATH = '/docs/docs.css'

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char)
}

/** Renders `code` spans written with backticks; everything else is escaped. */
function prose(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 1
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : escapeHtml(part),
    )
    .join('')
}

type Resolver = (schema: JsonSchema) => JsonSchema

/** A one-line type for a schema: `string`, `integer`, `User`, `array of ApiKey`, `string or null`. */
function typeName(schema: JsonSchema, resolve: Resolver): string {
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'object'
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as JsonSchema[]).map((member) => typeName(member, resolve)).join(' or ')
  }
  if (schema.type === 'array')
    return `array of ${typeName((schema.items as JsonSchema) ?? {}, resolve)}`
  if (Array.isArray(schema.enum))
    return `one of ${(schema.enum as unknown[]).map(String).join(', ')}`
  return typeof schema.type === 'string' ? schema.type : 'any'
}

/** The constraints of a schema as short phrases. */
function constraints(schema: JsonSchema): string[] {
  const out: string[] = []
  const add = (key: string, phrase: (value: unknown) => string) => {
    if (schema[key] !== undefined) out.push(phrase(schema[key]))
  }
  add('format', (v) => `format ${v}`)
  add('minLength', (v) => `at least ${v} characters`)
  add('maxLength', (v) => `at most ${v} characters`)
  add('minimum', (v) => `≥ ${v}`)
  add('maximum', (v) => `≤ ${v}`)
  add('minItems', (v) => `at least ${v} items`)
  add('maxItems', (v) => `at most ${v} items`)
  add('pattern', (v) => `pattern ${v}`)
  add('default', (v) => `default ${JSON.stringify(v)}`)
  return out
}

interface FieldRow {
  name: string
  type: string
  required: boolean
  notes: string[]
}

/** Flattens an object schema into rows (`apiKey.key`, `images[].imageUrl`), inlining references. */
function fieldRows(schema: JsonSchema, resolve: Resolver, prefix = '', depth = 0): FieldRow[] {
  const target = resolve(schema)
  const properties = target.properties as Record<string, JsonSchema> | undefined
  if (!properties || depth > 4) return []
  const required = new Set((target.required as string[] | undefined) ?? [])
  const rows: FieldRow[] = []
  for (const [key, property] of Object.entries(properties)) {
    const name = `${prefix}${key}`
    const notes = constraints(resolve(property))
    if (typeof property.description === 'string') notes.unshift(property.description)
    rows.push({ name, type: typeName(property, resolve), required: required.has(key), notes })
    const inner = resolve(property)
    if (inner.type === 'object') rows.push(...fieldRows(inner, resolve, `${name}.`, depth + 1))
    if (inner.type === 'array' && inner.items) {
      rows.push(...fieldRows(inner.items as JsonSchema, resolve, `${name}[].`, depth + 1))
    }
    if (Array.isArray(inner.anyOf)) {
      for (const member of inner.anyOf as JsonSchema[]) {
        if (resolve(member).type === 'object')
          rows.push(...fieldRows(member, resolve, `${name}.`, depth + 1))
      }
    }
  }
  return rows
}

function fieldTable(caption: string, schema: JsonSchema, resolve: Resolver): string {
  const rows = fieldRows(schema, resolve)
  if (rows.length === 0)
    return `<p>${escapeHtml(caption)}: <code>${escapeHtml(typeName(schema, resolve))}</code></p>`
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row"><code>${escapeHtml(row.name)}</code></th><td>${escapeHtml(row.type)}</td>` +
        `<td>${row.required ? 'yes' : 'no'}</td><td>${row.notes.map(escapeHtml).join('; ')}</td></tr>`,
    )
    .join('')
  return (
    `<table><caption>${escapeHtml(caption)}</caption>` +
    '<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th>' +
    `<th scope="col">Notes</th></tr></thead><tbody>${body}</tbody></table>`
  )
}

function securityText(operation: Operation, document: OpenApiDocument): string {
  if (operation.security.length === 0) return 'none (public)'
  return operation.security
    .map((requirement) => {
      const name = Object.keys(requirement)[0] ?? ''
      const scheme = document.components.securitySchemes[name]
      const format = scheme?.bearerFormat ?? scheme?.name ?? name
      return `<code>${escapeHtml(format)}</code>`
    })
    .join(' or ')
}

function renderOperation(
  method: string,
  path: string,
  operation: Operation,
  document: OpenApiDocument,
  resolve: Resolver,
): string {
  const parts: string[] = []
  parts.push(
    `<section class="op" id="${escapeHtml(operation.operationId)}" aria-labelledby="${escapeHtml(operation.operationId)}-h">`,
    `<h3 id="${escapeHtml(operation.operationId)}-h"><span class="method method-${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p class="summary">${escapeHtml(operation.summary)}</p>`,
  )
  if (operation.description) parts.push(`<p>${prose(operation.description)}</p>`)
  parts.push(`<p><strong>Credential:</strong> ${securityText(operation, document)}</p>`)
  if (operation.parameters?.length) {
    const rows = operation.parameters
      .map(
        (p) =>
          `<tr><th scope="row"><code>${escapeHtml(p.name)}</code></th><td>${escapeHtml(p.in)}</td>` +
          `<td>${escapeHtml(typeName((p.schema as JsonSchema) ?? {}, resolve))}</td>` +
          `<td>${escapeHtml([p.description, ...constraints((p.schema as JsonSchema) ?? {})].filter(Boolean).join('; '))}</td></tr>`,
      )
      .join('')
    parts.push(
      '<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th>' +
        `<th scope="col">Type</th><th scope="col">Notes</th></tr></thead><tbody>${rows}</tbody></table>`,
    )
  }
  const request = operation.requestBody as
    | { content?: Record<string, { schema: JsonSchema }>; description?: string }
    | undefined
  const requestSchema = request?.content?.['application/json']?.schema
  if (requestSchema)
    parts.push(
      fieldTable(
        `Request body (JSON, ${typeName(requestSchema, resolve)})`,
        requestSchema,
        resolve,
      ),
    )
  if (request?.description) parts.push(`<p>${prose(request.description)}</p>`)
  const responses = Object.entries(operation.responses)
    .map(([status, response]) => {
      const schema = (response.content as Record<string, { schema: JsonSchema }> | undefined)?.[
        'application/json'
      ]?.schema
      const type = schema ? ` → <code>${escapeHtml(typeName(schema, resolve))}</code>` : ''
      return `<li><strong>${escapeHtml(status)}</strong>${type}: ${prose(String(response.description ?? ''))}</li>`
    })
    .join('')
  parts.push(`<h4>Responses</h4><ul>${responses}</ul>`)
  for (const success of Object.entries(operation.responses).filter(([status]) =>
    status.startsWith('2'),
  )) {
    const successSchema = (
      success[1].content as Record<string, { schema: JsonSchema }> | undefined
    )?.['application/json']?.schema
    if (successSchema && fieldRows(successSchema, resolve).length > 0) {
      parts.push(
        fieldTable(
          `Response ${success[0]} (${typeName(successSchema, resolve)})`,
          successSchema,
          resolve,
        ),
      )
    }
  }
  parts.push('</section>')
  return parts.join('\n')
}

/** Renders the whole reference page. */
export function renderDocsPage(document: OpenApiDocument): string {
  const resolve: Resolver = (schema) => {
    if (typeof schema.$ref !== 'string') return schema
    return document.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}
  }
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  )
  const nav = document.tags
    .map((tag) => {
      const links = operations
        .filter((op) => op.operation.tags.includes(tag.name))
        .map(
          (op) =>
            `<li><a href="#${escapeHtml(op.operation.operationId)}"><span class="method">${escapeHtml(op.method.toUpperCase())}</span> ${escapeHtml(op.path)}</a></li>`,
        )
        .join('')
      return `<li>${escapeHtml(tag.name)}<ul>${links}</ul></li>`
    })
    .join('')
  const sections = document.tags
    .map((tag) => {
      const ops = operations
        .filter((op) => op.operation.tags.includes(tag.name))
        .map((op) => renderOperation(op.method, op.path, op.operation, document, resolve))
        .join('\n')
      const description = tag.description ? `<p>${escapeHtml(tag.description)}</p>` : ''
      return `<section aria-labelledby="tag-${escapeHtml(slug(tag.name))}"><h2 id="tag-${escapeHtml(slug(tag.name))}">${escapeHtml(tag.name)}</h2>${description}${ops}</section>`
    })
    .join('\n')
  const errors = Object.entries(ERROR_STATUS)
    .map(
      ([code, status]) =>
        `<tr><th scope="row"><code>${escapeHtml(code)}</code></th><td>${escapeHtml(status)}</td></tr>`,
    )
    .join('')
  const intro = document.info.description
    .split(/\n\n+/)
    .map((paragraph) => `<p>${prose(paragraph)}</p>`)
    .join('')

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} reference</title>
<link rel="stylesheet" href="${DOCS_CSS_PATH}">
</head>
<body>
<a class="skip" href="#main">Skip to the reference</a>
<header>
<h1>${escapeHtml(document.info.title)} <span class="version">v${escapeHtml(document.info.version)}</span></h1>
${intro}
<p>Machine-readable: <a href="/v1/openapi.json">OpenAPI 3.1 document</a>.</p>
</header>
<div class="layout">
<nav aria-label="Routes"><ul>${nav}</ul></nav>
<main id="main">
${sections}
<section aria-labelledby="errors-h"><h2 id="errors-h">Error codes</h2>
<p>Every error answers <code>{"error": {"code": "…", "message": "…"}}</code>.</p>
<table><caption>Codes and their HTTP status</caption><thead><tr><th scope="col">Code</th><th scope="col">Status</th></tr></thead><tbody>${errors}</tbody></table>
</section>
</main>
</div>
</body>
</html>
`
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}

/** The stylesheet of the page (served from DOCS_CSS_PATH, so the CSP needs no inline styles). */
export const DOCS_CSS = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--code:#f3f4f6;--accent:#0a58ca}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;--code:#161b22;--accent:#6cb6ff}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem;z-index:1}
header{padding:1.5rem 2rem;border-bottom:1px solid var(--line)}
h1{margin:0 0 .5rem}.version{font-size:1rem;color:var(--muted)}
.layout{display:grid;grid-template-columns:minmax(14rem,20rem) 1fr}
nav{padding:1rem 1.5rem;border-right:1px solid var(--line);font-size:.9rem}
nav ul{list-style:none;margin:0;padding:0}nav>ul>li{margin:.75rem 0 0;font-weight:600}nav ul ul li{font-weight:400;margin:.2rem 0}
main{padding:1rem 2rem;min-width:0}
h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
.op{border:1px solid var(--line);border-radius:6px;padding:.25rem 1rem 1rem;margin:1rem 0}
h3{font-size:1.1rem;overflow-wrap:anywhere}
.method{display:inline-block;min-width:4.2em;font:600 .8rem ui-monospace,monospace;text-transform:uppercase}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--code);padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9rem;display:block;overflow-x:auto}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--code)}
@media (max-width:50rem){.layout{display:block}nav{border-right:0;border-bottom:1px solid var(--line)}}
`
