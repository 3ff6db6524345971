import { describe, expect, it, jest } from '@jest/globals'
import { act } from 'react'
import { createRoot } from 'react-dom/client'
import { ImagesPanelView } from './images-panel-view'

globalThis.IS_REACT_ACT_ENVIRONMENT = true

/** @typedef {Parameters<typeof ImagesPanelView>[0]} Props */

/** @param {Partial<Props> & Pick<Props, 'images'>} props */
function render(props) {
  const el = document.createElement('div')
  document.body.appendChild(el)
  const root = createRoot(el)
  act(() =>
    root.render(
      <ImagesPanelView
        configured
        running={false}
        progress={null}
        onGenerateAll={() => {}}
        onSelect={() => {}}
        {...props}
      />,
    ),
  )
  return { el, unmount: () => act(() => root.unmount()) }
}

/**
 * The element matching `selector` inside `el`; fails the test when there is none.
 * @param {Element} el
 * @param {string} selector
 */
function find(el, selector) {
  const found = el.querySelector(selector)
  if (!(found instanceof HTMLElement)) throw new Error(`No element matches ${selector}`)
  return found
}

describe('ImagesPanelView', () => {
  it('lists images without alt and generates all on click', () => {
    const onGenerateAll = jest.fn()
    const onSelect = jest.fn()
    const { el, unmount } = render({
      images: [
        { clientId: 'a', name: 'core/image', url: 'a.jpg' },
        { clientId: 'b', name: 'core/media-text', url: 'b.jpg' },
      ],
      onGenerateAll,
      onSelect,
    })
    expect(el.textContent).toContain('2 images without alt text')
    expect(el.textContent).toContain('Image 2 (media-text)')
    act(() => find(el, '.alttextapi-generate-all').click())
    expect(onGenerateAll).toHaveBeenCalledTimes(1)
    act(() => find(el, '.alttextapi-panel__list button').click())
    expect(onSelect).toHaveBeenCalledWith('a')
    unmount()
  })

  it('shows progress, and disables the button while running or without a key', () => {
    const running = render({
      images: [{ clientId: 'a', name: 'core/image', url: 'a.jpg' }],
      running: true,
      progress: { done: 1, failed: 1, total: 3 },
    })
    expect(running.el.textContent).toContain('2 of 3 done, 1 failed')
    expect(find(running.el, '.alttextapi-generate-all').getAttribute('aria-disabled')).toBe('true')
    running.unmount()
    const noKey = render({ images: [], configured: false })
    expect(noKey.el.textContent).toContain('Every image in this post has alt text')
    expect(noKey.el.textContent).toContain('Add an API key')
    noKey.unmount()
  })
})
