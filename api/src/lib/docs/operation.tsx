/** @jsxImportSource hono/jsx */
/**
 * One operation of the reference page: method and path, what it does, the credential, its
 * parameters, request body, answers and their headers.
 */
import type { OpenApiDocument, Operation as PageOperation } from '../../openapi.js'
import {
  constraints,
  type FieldRow,
  fieldRows,
  type JsonSchema,
  oneOfNote,
  type Resolver,
  typeName,
} from './schema-text.js'

/** Text with `code` spans written in backticks. */
export function Prose({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/(`[^`]+`)/)
        .map((part) =>
          part.length > 1 && part.startsWith('`') && part.endsWith('`') ? (
            <code>{part.slice(1, -1)}</code>
          ) : (
            part
          ),
        )}
    </>
  )
}

function Fields({ caption, rows }: { caption: string; rows: FieldRow[] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            <th scope="row">
              <code>{row.name}</code>
            </th>
            <td>{row.type}</td>
            <td>{row.required ? 'yes' : 'no'}</td>
            <td>{row.notes.join('; ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Parameters({ parameters, resolve }: { parameters: JsonSchema[]; resolve: Resolver }) {
  return (
    <table>
      <caption>Parameters</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">In</th>
          <th scope="col">Type</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {parameters.map((parameter) => {
          const schema = (parameter.schema as JsonSchema | undefined) ?? {}
          const notes = [parameter.description, ...constraints(schema)].filter(Boolean)
          return (
            <tr>
              <th scope="row">
                <code>{String(parameter.name)}</code>
              </th>
              <td>{String(parameter.in)}</td>
              <td>{typeName(schema, resolve)}</td>
              <td>{notes.join('; ')}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** Each media type of the request body: JSON and multipart bodies as field tables. */
function RequestBody({ body, resolve }: { body: PageOperation['requestBody']; resolve: Resolver }) {
  const media = Object.entries(body?.content ?? {})
  return (
    <>
      {media.map(([type, { schema }]) => {
        if (!schema) return <p>Request body: {type}</p>
        const caption = `Request body (${type}, ${typeName(schema, resolve)})`
        const rows = fieldRows(schema, resolve)
        const note = oneOfNote(resolve(schema))
        return (
          <>
            {rows.length > 0 ? <Fields caption={caption} rows={rows} /> : <p>{caption}</p>}
            {note ? <p>{note}</p> : null}
          </>
        )
      })}
      {body?.description ? (
        <p>
          <Prose text={body.description} />
        </p>
      ) : null}
    </>
  )
}

function jsonSchemaOf(answer: PageOperation['responses'][string]): JsonSchema | undefined {
  return answer.content?.['application/json']?.schema
}

function Responses({ operation, resolve }: { operation: PageOperation; resolve: Resolver }) {
  const entries = Object.entries(operation.responses)
  return (
    <>
      <h4>Responses</h4>
      <ul>
        {entries.map(([status, answer]) => {
          const schema = jsonSchemaOf(answer)
          const headers = Object.keys(answer.headers ?? {})
          return (
            <li>
              <strong>{status}</strong>
              {schema ? (
                <>
                  {' → '}
                  <code>{typeName(schema, resolve)}</code>
                </>
              ) : null}
              {': '}
              <Prose text={answer.description ?? ''} />
              {headers.length > 0 ? (
                <>
                  {' Headers: '}
                  {headers.map((name, index) => (
                    <>
                      {index > 0 ? ', ' : ''}
                      <code>{name}</code>
                    </>
                  ))}
                  .
                </>
              ) : null}
            </li>
          )
        })}
      </ul>
      {entries
        .filter(([status]) => status.startsWith('2'))
        .map(([status, answer]) => {
          const schema = jsonSchemaOf(answer)
          const rows = schema ? fieldRows(schema, resolve) : []
          return schema && rows.length > 0 ? (
            <Fields caption={`Response ${status} (${typeName(schema, resolve)})`} rows={rows} />
          ) : null
        })}
    </>
  )
}

function credentialText(operation: PageOperation, document: OpenApiDocument): string[] {
  return (operation.security ?? []).map((requirement) => {
    const name = Object.keys(requirement)[0] ?? ''
    const scheme = document.components.securitySchemes[name]
    return String(scheme?.bearerFormat ?? scheme?.name ?? name)
  })
}

/** One operation's section. */
export function Operation(props: {
  method: string
  path: string
  operation: PageOperation
  document: OpenApiDocument
  resolve: Resolver
}) {
  const { method, path, operation, document, resolve } = props
  const id = operation.operationId
  const credentials = credentialText(operation, document)
  return (
    <section class="op" id={id} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h3>
      <p class="summary">{operation.summary}</p>
      {operation.description ? (
        <p>
          <Prose text={operation.description} />
        </p>
      ) : null}
      <p>
        <strong>Credential:</strong>{' '}
        {credentials.length === 0
          ? 'none (public)'
          : credentials.map((text, index) => (
              <>
                {index > 0 ? ' or ' : ''}
                <code>{text}</code>
              </>
            ))}
      </p>
      {operation.parameters?.length ? (
        <Parameters parameters={operation.parameters} resolve={resolve} />
      ) : null}
      <RequestBody body={operation.requestBody} resolve={resolve} />
      <Responses operation={operation} resolve={resolve} />
    </section>
  )
}
