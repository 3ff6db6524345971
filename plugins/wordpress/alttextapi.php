<?php
/**
 * Plugin Name:       AltText API
 * Plugin URI:        https://alttextapi.com
 * Description:       Writes alt text for your images with vision models: in the block editor, the media library, on upload and from WP-CLI.
 * Version:           0.1.0
 * Requires at least: 6.6
 * Requires PHP:      7.4
 * Author:            AltText API
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       alttextapi
 * Domain Path:       /languages
 *
 * @package AltTextAPI
 */

defined( 'ABSPATH' ) || exit;

define( 'ALTTEXTAPI_VERSION', '0.1.0' );
define( 'ALTTEXTAPI_FILE', __FILE__ );
define( 'ALTTEXTAPI_DIR', plugin_dir_path( __FILE__ ) );

require_once ALTTEXTAPI_DIR . 'includes/class-contract.php';
require_once ALTTEXTAPI_DIR . 'includes/class-settings.php';
require_once ALTTEXTAPI_DIR . 'includes/class-api-client.php';
require_once ALTTEXTAPI_DIR . 'includes/class-language.php';
require_once ALTTEXTAPI_DIR . 'includes/class-attachment-url.php';
require_once ALTTEXTAPI_DIR . 'includes/class-image-source.php';
require_once ALTTEXTAPI_DIR . 'includes/class-generator.php';
require_once ALTTEXTAPI_DIR . 'includes/class-provenance.php';
require_once ALTTEXTAPI_DIR . 'includes/class-alt-lint.php';
require_once ALTTEXTAPI_DIR . 'includes/class-request-keys.php';
require_once ALTTEXTAPI_DIR . 'includes/class-job.php';
require_once ALTTEXTAPI_DIR . 'includes/class-batch.php';
require_once ALTTEXTAPI_DIR . 'includes/class-queue.php';
require_once ALTTEXTAPI_DIR . 'includes/class-rest.php';
require_once ALTTEXTAPI_DIR . 'includes/class-settings-page.php';
require_once ALTTEXTAPI_DIR . 'includes/class-editor.php';
require_once ALTTEXTAPI_DIR . 'includes/class-media.php';
require_once ALTTEXTAPI_DIR . 'includes/class-review.php';
require_once ALTTEXTAPI_DIR . 'includes/class-review-view.php';
require_once ALTTEXTAPI_DIR . 'includes/class-plugin.php';

register_activation_hook( __FILE__, array( 'AltTextAPI\\Plugin', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'AltTextAPI\\Plugin', 'deactivate' ) );

AltTextAPI\Plugin::boot();

if ( defined( 'WP_CLI' ) && WP_CLI ) {
	require_once ALTTEXTAPI_DIR . 'includes/class-cli.php';
	WP_CLI::add_command( 'alttextapi', 'AltTextAPI\\Cli' );
}
