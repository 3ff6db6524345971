/** Objection: whether image URLs and alt text are kept with the usage. */
import type { User } from '@alttextapi/core'
import { checkboxField } from '../../ui/field.js'
import { accountSection } from './section.js'

/** The "Usage history" form. */
export function historyForm(user: User): HTMLFormElement {
  const history = checkboxField({
    label: 'Keep the history of image URLs and alt text',
    name: 'storeHistory',
    checked: user.storeHistory,
    hint: 'Turn it off to object to this storage: from then on each request keeps only what billing needs (date, key, endpoint, model, language, credits). Records already stored stay until you delete your account or they reach 7 years.',
  })
  return accountSection({
    id: 'history-title',
    title: 'Usage history',
    fields: [history.wrap],
    purpose: 'change this setting',
    submitLabel: 'Save history setting',
    build: () => ({ storeHistory: history.input.checked }),
    done: (u) =>
      u.storeHistory
        ? 'History is on: image URLs and alt text are kept with your usage.'
        : 'History is off: image URLs and alt text of new requests are not kept.',
  })
}
