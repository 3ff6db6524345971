<?php
/**
 * Wires the plugin's parts to WordPress hooks.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Boot, activation and deactivation. */
final class Plugin {

	/** Registers every hook. Called once from the main plugin file. */
	public static function boot() {
		add_action( 'init', array( __CLASS__, 'load_textdomain' ) );
		Settings_Page::register();
		Rest::register();
		Editor::register();
		Media::register();
		Queue::register();
		Review::register();
		Review_View::register();
	}

	/** Loads translations from the plugin's languages/ folder (wordpress.org packs load on their own). */
	public static function load_textdomain() {
		load_plugin_textdomain( 'alttextapi', false, dirname( plugin_basename( ALTTEXTAPI_FILE ) ) . '/languages' );
	}

	/** Creates the options with autoload off for the key and the job (they are read rarely). */
	public static function activate() {
		add_option( Settings::OPTION, Settings::defaults() );
		add_option( Settings::KEY_OPTION, '', '', false );
	}

	/** Stops scheduled work; options stay until the plugin is deleted (see uninstall.php). */
	public static function deactivate() {
		wp_clear_scheduled_hook( Queue::HOOK );
	}
}
