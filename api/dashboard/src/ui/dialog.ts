/** A modal confirmation built on `<dialog>`: focus is trapped, Escape cancels, focus returns. */
import { h, uid } from '../dom.js'

interface ConfirmOptions {
  title: string
  body: string
  confirmLabel: string
  cancelLabel?: string
}

/** Asks the user to confirm; resolves true only when the confirm button was pressed. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const titleId = uid('dialog-title')
  const bodyId = uid('dialog-body')
  const cancel = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    options.cancelLabel ?? 'Cancel',
  )
  const confirm = h(
    'button',
    { type: 'button', class: 'button button-danger' },
    options.confirmLabel,
  )
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
    h('h2', { id: titleId }, options.title),
    h('p', { id: bodyId }, options.body),
    h('div', { class: 'actions' }, cancel, confirm),
  )
  document.body.append(dialog)
  return new Promise((resolve) => {
    let result = false
    cancel.addEventListener('click', () => dialog.close())
    confirm.addEventListener('click', () => {
      result = true
      dialog.close()
    })
    dialog.addEventListener('close', () => {
      dialog.remove()
      if (returnTo?.isConnected) returnTo.focus()
      resolve(result)
    })
    dialog.showModal()
    // The safe choice has focus first, so a stray Enter does not destroy anything.
    cancel.focus()
  })
}
