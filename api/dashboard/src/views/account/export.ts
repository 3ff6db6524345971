/** Access and portability: everything stored about the user, as one JSON download. */
import { api } from '../../api.js'
import { h } from '../../dom.js'
import { errorMessage } from '../../messages.js'
import { messageBox } from '../../ui/status.js'

async function download(): Promise<void> {
  const data = await api.exportAccount()
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = h('a', {
    href: url,
    download: `alttextapi-export-${data.exportedAt.slice(0, 10)}.json`,
    class: 'offscreen',
  })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The "Your data" section with its download button. */
export function exportSection(): HTMLElement {
  const box = messageBox()
  const button = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    'Download my data',
  )
  button.addEventListener('click', async () => {
    box.clear()
    try {
      await download()
      box.success('Your data was downloaded as a JSON file.')
    } catch (error) {
      box.error(errorMessage(error))
    }
  })
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Your data'),
    h(
      'p',
      null,
      'Download everything we store about you (account, API keys without their secrets, usage, credit ledger and purchases) as one JSON file.',
    ),
    box.el,
    button,
  )
}
