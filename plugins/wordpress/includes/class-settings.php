<?php
/**
 * Reads and validates the plugin's settings. The API key is stored in its own option
 * (autoload off) and never leaves the server.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Settings access. */
final class Settings {
	const OPTION      = 'alttextapi_settings';
	const KEY_OPTION  = 'alttextapi_api_key';
	const DEFAULT_URL = 'https://api.alttextapi.com';

	/** Overwrite policies: never replace existing alt; replace only on an explicit click; always. */
	const POLICIES = array( 'never', 'explicit', 'always' );

	/**
	 * Default settings.
	 *
	 * @return array
	 */
	public static function defaults() {
		return array(
			'language'  => '',
			'model'     => '',
			'on_upload' => true,
			'overwrite' => 'never',
			// Off by default: it costs extra credits per image (the model list's longCredits).
			'long_description' => false,
		);
	}

	/**
	 * All settings, defaults filled in.
	 *
	 * @return array
	 */
	public static function all() {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? $stored : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $name Setting name.
	 * @return mixed
	 */
	public static function get( $name ) {
		$all = self::all();
		return isset( $all[ $name ] ) ? $all[ $name ] : null;
	}

	/**
	 * The API key: the stored option first, else the ALTTEXT_API_KEY constant, else the
	 * environment variable of that name.
	 *
	 * @return string Empty when none is set.
	 */
	public static function api_key() {
		$key = (string) get_option( self::KEY_OPTION, '' );
		if ( '' === $key && defined( 'ALTTEXT_API_KEY' ) ) {
			$key = (string) constant( 'ALTTEXT_API_KEY' );
		}
		if ( '' === $key ) {
			$key = (string) getenv( 'ALTTEXT_API_KEY' );
		}
		return trim( $key );
	}

	/**
	 * Where the key comes from, for the settings page.
	 *
	 * @return string 'option', 'constant', 'env' or ''.
	 */
	public static function api_key_source() {
		if ( '' !== (string) get_option( self::KEY_OPTION, '' ) ) {
			return 'option';
		}
		if ( defined( 'ALTTEXT_API_KEY' ) && '' !== (string) constant( 'ALTTEXT_API_KEY' ) ) {
			return 'constant';
		}
		return '' !== (string) getenv( 'ALTTEXT_API_KEY' ) ? 'env' : '';
	}

	/**
	 * Base URL of the API: the ALTTEXT_API_URL constant, else the environment variable, else the
	 * hosted API.
	 *
	 * @return string Without a trailing slash.
	 */
	public static function api_url() {
		$url = defined( 'ALTTEXT_API_URL' ) ? (string) constant( 'ALTTEXT_API_URL' ) : '';
		if ( '' === $url ) {
			$url = (string) getenv( 'ALTTEXT_API_URL' );
		}
		if ( '' === $url ) {
			$url = self::DEFAULT_URL;
		}
		return untrailingslashit( $url );
	}

	/**
	 * A key shown only as its prefix and last four characters.
	 *
	 * @param string $key Full key.
	 * @return string
	 */
	public static function mask_key( $key ) {
		$key = (string) $key;
		if ( '' === $key ) {
			return '';
		}
		if ( strlen( $key ) <= 12 ) {
			return str_repeat( '•', 8 );
		}
		return substr( $key, 0, 6 ) . '…' . substr( $key, -4 );
	}

	/**
	 * The client for the configured API.
	 *
	 * @return Api_Client
	 */
	public static function client() {
		return new Api_Client( self::api_url(), self::api_key() );
	}

	/**
	 * Validates submitted settings (the register_setting sanitize callback).
	 *
	 * @param mixed $input Submitted values.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$out   = self::defaults();

		$language = isset( $input['language'] ) ? trim( sanitize_text_field( $input['language'] ) ) : '';
		if ( '' === $language || Language::is_valid( $language ) ) {
			$out['language'] = $language;
		} else {
			add_settings_error( self::OPTION, 'language', __( 'The language must be a BCP 47 tag such as en, de-CH or pt-BR.', 'alttextapi' ) );
			$out['language'] = (string) self::get( 'language' );
		}
		$out['model']            = isset( $input['model'] ) ? substr( sanitize_text_field( $input['model'] ), 0, 200 ) : '';
		$out['on_upload']        = ! empty( $input['on_upload'] );
		$overwrite               = isset( $input['overwrite'] ) ? (string) $input['overwrite'] : 'never';
		$out['overwrite']        = in_array( $overwrite, self::POLICIES, true ) ? $overwrite : 'never';
		$out['long_description'] = ! empty( $input['long_description'] );
		return $out;
	}

	/**
	 * Sanitize callback of the key option: an empty submit keeps the stored key; a "remove"
	 * checkbox clears it.
	 *
	 * @param mixed $input Submitted key.
	 * @return string
	 */
	public static function sanitize_key_input( $input ) {
		$previous = (string) get_option( self::KEY_OPTION, '' );
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php checked the nonce.
		if ( ! empty( $_POST['alttextapi_remove_key'] ) ) {
			return '';
		}
		$key = trim( preg_replace( '/\s+/', '', (string) $input ) );
		if ( '' === $key || Settings::mask_key( $previous ) === $key ) {
			return $previous;
		}
		return $key;
	}
}
