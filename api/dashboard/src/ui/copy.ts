/** A "Copy" button that puts text on the clipboard and says so. */
import { h } from '../dom.js'
import { announce } from './status.js'

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Older browsers or a denied permission: copy through a temporary, off-screen text area.
    const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' })
    area.value = text
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

/** A button that copies `text()`; `what` names the thing in its accessible name ("Copy API key"). */
export function copyButton(text: () => string, what: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button button-secondary' }, `Copy ${what}`)
  let timer: ReturnType<typeof setTimeout> | undefined
  button.addEventListener('click', async () => {
    const ok = await writeClipboard(text())
    announce(
      ok
        ? `Copied the ${what} to the clipboard.`
        : `Could not copy. Select the ${what} and copy it by hand.`,
    )
    if (ok) {
      button.textContent = 'Copied'
      clearTimeout(timer)
      timer = setTimeout(() => {
        button.textContent = `Copy ${what}`
      }, 2000)
    }
  })
  return button
}
