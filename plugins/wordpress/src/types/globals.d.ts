/** What the plugin's PHP (class-editor.php) prints for the block editor: never the API key. */
interface AltTextApiConfig {
  configured: boolean
  overwrite: 'never' | 'explicit' | 'always'
  settingsUrl: string
}

/** One entry of the media grid's filter menu (media-views' AttachmentFilters). */
interface AltTextApiGridFilter {
  text: string
  props: Record<string, unknown>
  priority: number
}

/** The part of media-views' `AttachmentFilters.All` view that build/media.js extends. */
interface AltTextApiAllFilters {
  filters: Record<string, AltTextApiGridFilter>
  createFilters(this: AltTextApiAllFilters): void
  alttextapiReview?: boolean
}

interface Window {
  alttextapiConfig?: AltTextApiConfig
  /** WordPress's media views, where the page loads them. */
  wp?: { media?: { view?: { AttachmentFilters?: { All?: { prototype: AltTextApiAllFilters } } } } }
}
