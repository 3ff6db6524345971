import * as v from 'valibot'
import { ApiError } from '../errors.js'

/** An issue as valibot reports it (any schema, any action). */
type Issue = v.BaseIssue<unknown>

/**
 * Where an issue is, in the form a JSON user reads: `email`, `images[1].imageUrl`; `body` for the
 * request body itself.
 */
function where(issue: Issue): string {
  let out = ''
  for (const item of issue.path ?? []) {
    const key = item.key
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || 'body'
}

/** What is wrong, in words; valibot's own messages are written for developers, not API users. */
function problem(issue: Issue): string {
  const { type, requirement, input } = issue
  const counted = Array.isArray(input) ? 'items' : 'characters'
  switch (type) {
    case 'strict_object':
    case 'object':
      if (issue.expected === 'never') return 'is not a known field'
      if (issue.path?.length && input === undefined) return 'is required'
      return 'must be an object'
    case 'string':
      return 'must be a string'
    case 'number':
      return 'must be a number'
    case 'integer':
      return 'must be an integer'
    case 'boolean':
      return 'must be true or false'
    case 'array':
      return 'must be an array'
    case 'min_length':
      return Array.isArray(input)
        ? `must have at least ${String(requirement)} ${counted}`
        : `must be at least ${String(requirement)} ${counted}`
    case 'max_length':
      return Array.isArray(input)
        ? `must have at most ${String(requirement)} ${counted}`
        : `must be at most ${String(requirement)} ${counted}`
    case 'min_value':
      return `must be at least ${String(requirement)}`
    case 'max_value':
      return `must be at most ${String(requirement)}`
    case 'picklist': {
      // valibot puts the options in `expected` ("\"a\" | \"b\""); `requirement` is not set.
      const options = Array.isArray(requirement)
        ? requirement.join(', ')
        : String(issue.expected ?? '')
            .replace(/"/g, '')
            .replace(/^\((.*)\)$/, '$1')
            .replace(/ \| /g, ', ')
      return `must be one of: ${options}`
    }
    default:
      // regex and any other format check: the value is there but malformed.
      return 'has an invalid format'
  }
}

/** Issues as one readable sentence for an error message (the first five). */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${where(issue)} ${problem(issue)}`)
    .join('; ')
}

/**
 * `input` checked against a core wire schema; every problem is a 400 `invalid_request` naming
 * the fields (`Invalid request: password must be at least 10 characters.`).
 */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  throw new ApiError('invalid_request', `Invalid request: ${describeIssues(result.issues)}.`)
}
