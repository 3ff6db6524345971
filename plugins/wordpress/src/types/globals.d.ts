/** What the plugin's PHP (class-editor.php) prints for the block editor: never the API key. */
interface AltTextApiConfig {
  configured: boolean
  overwrite: 'never' | 'explicit' | 'always'
  settingsUrl: string
}

interface Window {
  alttextapiConfig?: AltTextApiConfig
}
