/** Live regions: a polite announcer for confirmations, and per-form alert boxes for errors. */
import { byId, h } from '../dom.js'

let announceTimer: ReturnType<typeof setTimeout> | undefined

/** Says `message` through the page's polite status region (e.g. "Copied to the clipboard"). */
export function announce(message: string): void {
  const region = byId('announcer')
  region.textContent = ''
  clearTimeout(announceTimer)
  // A fresh text node a tick later makes screen readers repeat an identical message.
  announceTimer = setTimeout(() => {
    region.textContent = message
  }, 50)
}

/** A message box that is empty until used. Errors are announced assertively, notices politely. */
export interface MessageBox {
  el: HTMLElement
  error(message: string): void
  info(message: string): void
  success(message: string): void
  clear(): void
}

/** Creates a message box; keep it in the DOM from the start so its live region is known. */
export function messageBox(): MessageBox {
  const alert = h('div', { class: 'message', role: 'alert' })
  const status = h('div', { class: 'message', role: 'status' })
  const el = h('div', { class: 'messages' }, alert, status)
  const set = (target: HTMLElement, kind: string, message: string) => {
    alert.replaceChildren()
    status.replaceChildren()
    alert.className = 'message'
    status.className = 'message'
    target.className = `message message-${kind}`
    target.append(h('p', null, message))
  }
  return {
    el,
    error: (message) => set(alert, 'error', message),
    info: (message) => set(status, 'info', message),
    success: (message) => set(status, 'success', message),
    clear() {
      alert.replaceChildren()
      status.replaceChildren()
      alert.className = 'message'
      status.className = 'message'
    },
  }
}
