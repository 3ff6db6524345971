/**
 * Starts a local WordPress 6.8 with the AltText API plugin active.
 *   node examples/wordpress/start.mjs            # uses ALTTEXT_API_URL / ALTTEXT_API_KEY
 *   node examples/wordpress/start.mjs --fake     # with a local fake API (no credits spent)
 * Needs `sudo plugins/wordpress/scripts/install-system-deps.sh` once. Ctrl+C stops everything.
 */
import {
  buildPluginZip,
  checkSystemDeps,
  startWordPress,
} from '../../plugins/wordpress/test/wordpress.mjs'
// testkit's one fake of our own API (the file, not the package: this example is no package).
import { startFakeApi } from '../../testkit/src/fake-api.js'

checkSystemDeps()
const fake = process.argv.includes('--fake') ? await startFakeApi() : null
const wp = await startWordPress({
  apiUrl: fake?.url ?? process.env.ALTTEXT_API_URL ?? 'https://api.alttextapi.com',
  apiKey: fake ? fake.key : process.env.ALTTEXT_API_KEY,
  zip: buildPluginZip(),
})
console.log(`WordPress: ${wp.url}/wp-admin/  (user admin, password admin-password-123)`)
const stop = async () => {
  await wp.stop()
  await fake?.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
