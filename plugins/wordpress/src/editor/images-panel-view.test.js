import { act } from 'react'
import { createRoot } from 'react-dom/client'
import { ImagesPanelView } from './images-panel-view'

globalThis.IS_REACT_ACT_ENVIRONMENT = true

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
    act(() => el.querySelector('.alttextapi-generate-all').click())
    expect(onGenerateAll).toHaveBeenCalledTimes(1)
    act(() => el.querySelector('.alttextapi-panel__list button').click())
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
    expect(running.el.querySelector('.alttextapi-generate-all').getAttribute('aria-disabled')).toBe(
      'true',
    )
    running.unmount()
    const noKey = render({ images: [], configured: false })
    expect(noKey.el.textContent).toContain('Every image in this post has alt text')
    expect(noKey.el.textContent).toContain('Add an API key')
    noKey.unmount()
  })
})
