<?php
/**
 * The AltText API contract: the rules this plugin shares with the API and the other clients
 * (limits, patterns, error codes, which codes are fatal, the context format, the image types
 * and the size images are prepared to). They are read from
 * contract.json beside this file, which core's build generates from core/src/contract: nothing
 * here is a second copy of a rule.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Read access to the generated contract. */
final class Contract {

	/**
	 * The decoded contract.json, read once per request.
	 *
	 * @var array|null
	 */
	private static $data = null;

	/**
	 * The whole contract.
	 *
	 * @return array
	 */
	public static function data() {
		if ( null === self::$data ) {
			$data       = wp_json_file_decode( __DIR__ . '/contract.json', array( 'associative' => true ) );
			self::$data = is_array( $data ) ? $data : array();
		}
		return self::$data;
	}

	/**
	 * One of core's LIMITS, e.g. maxContextLength.
	 *
	 * @param string $name Limit name as in core.
	 * @return int
	 */
	public static function limit( $name ) {
		return (int) self::data()['limits'][ $name ];
	}

	/**
	 * A PCRE pattern of the contract: bcp47, idempotencyKey, email.
	 *
	 * @param string $name Pattern name.
	 * @return string
	 */
	public static function pattern( $name ) {
		return (string) self::data()['patterns'][ $name ];
	}

	/**
	 * Every error code of the API, and its HTTP status.
	 *
	 * @return array<string,int>
	 */
	public static function error_status() {
		return self::data()['errorStatus'];
	}

	/**
	 * Whether a code is fatal to a run: no further image can succeed (bad key, no credits,
	 * forbidden, no model, the API unreachable).
	 *
	 * @param string $code Error code.
	 * @return bool
	 */
	public static function is_fatal( $code ) {
		return in_array( (string) $code, self::data()['fatalErrorCodes'], true );
	}

	/**
	 * The labelled lines of the context string, in order: {field, label, maxLength}.
	 *
	 * @return array
	 */
	public static function context_lines() {
		return self::data()['contextLines'];
	}

	/**
	 * The image types the API accepts (MIME types, e.g. image/jpeg).
	 *
	 * @return string[]
	 */
	public static function image_types() {
		return self::data()['image']['types'];
	}

	/**
	 * The longest side, in pixels, an image is downscaled to before it is sent.
	 *
	 * @return int
	 */
	public static function prepared_max_side() {
		return (int) self::data()['image']['preparedMaxSide'];
	}

	/**
	 * The alt-text lint rules' data, the same core's lintAlt uses: PCRE patterns `url`,
	 * `imageFile`, `placeholder`, `prefix`, and `maxLength`.
	 *
	 * @return array
	 */
	public static function alt_lint() {
		return self::data()['altLint'];
	}
}
