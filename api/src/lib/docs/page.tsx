/** @jsxImportSource hono/jsx */
/**
 * The `/docs` page: the OpenAPI document rendered to HTML on the server with hono/jsx (which
 * escapes every string). No scripts, no inline styles (one same-origin stylesheet), so it works
 * offline and under `default-src 'self'`.
 */
import { ERROR_STATUS } from '@alttextapi/core'
import type { OpenApiDocument, Operation as PageOperation } from '../../openapi.js'
import { Operation, Prose } from './operation.js'
import type { JsonSchema, Resolver } from './schema-text.js'
import { DOCS_CSS_PATH } from './styles.js'

const slug = (value: string) => value.toLowerCase().replace(/[^a-z0-9]+/g, '-')

interface Entry {
  path: string
  method: string
  operation: PageOperation
}

function entries(document: OpenApiDocument): Entry[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      path,
      method,
      operation,
    })),
  )
}

function ErrorCodes() {
  return (
    <section aria-labelledby="errors-h">
      <h2 id="errors-h">Error codes</h2>
      <p>
        Every error answers <code>{'{"error": {"code": "…", "message": "…"}}'}</code>.
      </p>
      <table>
        <caption>Codes and their HTTP status</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(ERROR_STATUS).map(([code, status]) => (
            <tr>
              <th scope="row">
                <code>{code}</code>
              </th>
              <td>{status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function Page({ document }: { document: OpenApiDocument }) {
  const schemas: Record<string, JsonSchema> = document.components.schemas
  const resolve: Resolver = (schema) =>
    typeof schema.$ref === 'string' ? (schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema
  const all = entries(document)
  const tags = document.tags
  const byTag = (name: string) => all.filter((entry) => entry.operation.tags?.includes(name))
  const title = document.info.title
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} reference`}</title>
        <link rel="stylesheet" href={DOCS_CSS_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the reference
        </a>
        <header>
          <h1>
            {title} <span class="version">v{document.info.version}</span>
          </h1>
          {(document.info.description ?? '').split(/\n\n+/).map((paragraph) => (
            <p>
              <Prose text={paragraph} />
            </p>
          ))}
          <p>
            Machine-readable: <a href="/v1/openapi.json">OpenAPI 3.1 document</a>.
          </p>
        </header>
        <div class="layout">
          <nav aria-label="Routes">
            <ul>
              {tags.map((tag) => (
                <li>
                  {tag.name}
                  <ul>
                    {byTag(tag.name).map((entry) => (
                      <li>
                        <a href={`#${entry.operation.operationId}`}>
                          <span class="method">{entry.method.toUpperCase()}</span> {entry.path}
                        </a>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main">
            {tags.map((tag) => (
              <section aria-labelledby={`tag-${slug(tag.name)}`}>
                <h2 id={`tag-${slug(tag.name)}`}>{tag.name}</h2>
                {tag.description ? <p>{tag.description}</p> : null}
                {byTag(tag.name).map((entry) => (
                  <Operation {...entry} document={document} resolve={resolve} />
                ))}
              </section>
            ))}
            <ErrorCodes />
          </main>
        </div>
      </body>
    </html>
  )
}

/** Renders the whole reference page. */
export function renderDocsPage(document: OpenApiDocument): string {
  return `<!doctype html>\n${(<Page document={document} />).toString()}`
}
