/**
 * A tiny element builder. Text always goes in as text nodes (never parsed as HTML), so data from
 * the API, including model output, cannot inject markup.
 */

/** What `h` accepts as a child: text, a node, or nothing (skipped). Arrays are flattened. */
export type Child = string | number | Node | null | undefined | false | Child[]

type AttrValue = string | number | boolean | null | undefined
/** Attributes (set with `setAttribute`; `true` → present, false/null/undefined → absent) and `on*` listeners. */
export type Attrs = Record<string, AttrValue | ((event: never) => void)>

/** Creates an element with attributes, listeners (`onclick`, `onsubmit`…) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener)
    } else if (value === true) {
      el.setAttribute(name, '')
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value))
    }
  }
  append(el, children)
  return el
}

/** Appends children (text as text nodes). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else if (child instanceof Node) parent.appendChild(child)
    else parent.appendChild(document.createTextNode(String(child)))
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

let idCounter = 0
/** A document-unique id, for label/description wiring. */
export function uid(prefix: string): string {
  idCounter += 1
  return `${prefix}-${idCounter}`
}

/** Looks up an element that the shell in index.html guarantees. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} is missing from index.html`)
  return el as T
}
