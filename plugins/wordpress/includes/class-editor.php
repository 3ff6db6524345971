<?php
/**
 * Loads the block-editor script: the inspector button on image blocks and the document panel.
 * Only non-secret facts are passed to the browser (whether a key is set, the policy).
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Block editor assets. */
final class Editor {

	/** Hooks the enqueue. */
	public static function register() {
		add_action( 'enqueue_block_editor_assets', array( __CLASS__, 'enqueue' ) );
	}

	/** Enqueues build/editor.js with its generated dependency list and translations. */
	public static function enqueue() {
		$asset_file = ALTTEXTAPI_DIR . 'build/editor.asset.php';
		if ( ! file_exists( $asset_file ) ) {
			return;
		}
		$asset = require $asset_file;
		wp_enqueue_script( 'alttextapi-editor', plugins_url( 'build/editor.js', ALTTEXTAPI_FILE ), $asset['dependencies'], $asset['version'], true );
		wp_set_script_translations( 'alttextapi-editor', 'alttextapi', ALTTEXTAPI_DIR . 'languages' );
		$config = array(
			'configured'  => '' !== Settings::api_key(),
			'overwrite'   => Settings::get( 'overwrite' ),
			'settingsUrl' => current_user_can( 'manage_options' ) ? admin_url( 'options-general.php?page=' . Settings_Page::SLUG ) : '',
		);
		wp_add_inline_script( 'alttextapi-editor', 'window.alttextapiConfig = ' . wp_json_encode( $config ) . ';', 'before' );
	}
}
