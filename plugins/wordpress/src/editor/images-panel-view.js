/**
 * The document panel's view: the post's images without alt text, "Generate all" and progress.
 * Presentational only (props in, callbacks out) so it renders in unit tests.
 */
import { Button, Notice } from '@wordpress/components'
import { __, _n, sprintf } from '@wordpress/i18n'

/**
 * @param {{
 *   images: Array<{clientId: string, name: string, url: string}>,
 *   progress: {done: number, failed: number, total: number} | null,
 *   running: boolean,
 *   configured: boolean,
 *   onGenerateAll: () => void,
 *   onSelect: (clientId: string) => void,
 * }} props
 */
export function ImagesPanelView({
  images,
  progress,
  running,
  configured,
  onGenerateAll,
  onSelect,
}) {
  return (
    <div className="alttextapi-panel">
      {images.length === 0 ? (
        <p className="alttextapi-panel__empty">
          {__('Every image in this post has alt text or is marked decorative.', 'alttextapi')}
        </p>
      ) : (
        <>
          <p>
            {sprintf(
              /* translators: %d: number of images */
              _n(
                '%d image without alt text:',
                '%d images without alt text:',
                images.length,
                'alttextapi',
              ),
              images.length,
            )}
          </p>
          <ul className="alttextapi-panel__list">
            {images.map((image, index) => (
              <li key={image.clientId}>
                <Button variant="link" onClick={() => onSelect(image.clientId)}>
                  <img
                    src={image.url}
                    alt=""
                    width={32}
                    height={32}
                    style={{ objectFit: 'cover', verticalAlign: 'middle', marginRight: 8 }}
                  />
                  {sprintf(
                    /* translators: 1: position, 2: block name */
                    __('Image %1$d (%2$s)', 'alttextapi'),
                    index + 1,
                    image.name.replace('core/', ''),
                  )}
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      {progress && (
        <div className="alttextapi-panel__progress" role="status" aria-live="polite">
          <progress max={progress.total} value={progress.done + progress.failed} />{' '}
          {sprintf(
            /* translators: 1: processed, 2: total, 3: failed */
            __('%1$d of %2$d done, %3$d failed', 'alttextapi'),
            progress.done + progress.failed,
            progress.total,
            progress.failed,
          )}
        </div>
      )}
      {!configured && (
        <Notice status="warning" isDismissible={false}>
          {__('Add an API key under Settings → AltText API first.', 'alttextapi')}
        </Notice>
      )}
      <Button
        variant="primary"
        className="alttextapi-generate-all"
        onClick={onGenerateAll}
        disabled={running || images.length === 0 || !configured}
        accessibleWhenDisabled
        isBusy={running}
      >
        {running ? __('Generating…', 'alttextapi') : __('Generate all', 'alttextapi')}
      </Button>
    </div>
  )
}
