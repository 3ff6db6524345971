/**
 * Which methods a path takes, for the 405 answer of a request no route took: the methods of the
 * app's routes whose pattern matches the path, or GET and HEAD for the dashboard's static pages.
 */
import { isApiPath } from './assets.js'

/** A route as Hono lists it (`app.routes`). */
export interface RouteEntry {
  method: string
  path: string
}

const patterns = new Map<string, RegExp>()

/** `/v1/keys/:id` → a RegExp matching `/v1/keys/anything`. */
function pattern(path: string): RegExp {
  let compiled = patterns.get(path)
  if (!compiled) {
    const source = path
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')
    compiled = new RegExp(`^${source}/?$`)
    patterns.set(path, compiled)
  }
  return compiled
}

/**
 * The methods `path` takes (empty when no route has it: a 404). Outside the API's paths, where
 * the dashboard's assets answer, that is GET and HEAD.
 */
export function allowedMethods(path: string, routes: RouteEntry[], hasAssets: boolean): string[] {
  if (!isApiPath(path)) return hasAssets ? ['GET', 'HEAD'] : []
  const methods = new Set<string>()
  for (const route of routes) {
    if (route.method === 'ALL' || !pattern(route.path).test(path)) continue
    methods.add(route.method)
    if (route.method === 'GET') methods.add('HEAD')
  }
  return [...methods].sort()
}
