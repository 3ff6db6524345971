<?php
/**
 * Talks to the AltText API over HTTP (wp_remote_request, Bearer key, JSON) and turns its errors
 * into WP_Error objects with messages a site editor can act on.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/** HTTP client for the AltText API v1. */
final class Api_Client {

	/**
	 * API base URL without trailing slash.
	 *
	 * @var string
	 */
	private $base_url;

	/**
	 * API key, or '' when none is configured.
	 *
	 * @var string
	 */
	private $key;

	/**
	 * A client for one API URL and key.
	 *
	 * @param string $base_url API base URL without trailing slash.
	 * @param string $key      API key (may be empty: calls that need it fail with alttextapi_no_key).
	 */
	public function __construct( $base_url, $key ) {
		$this->base_url = untrailingslashit( $base_url );
		$this->key      = (string) $key;
	}

	/**
	 * Whether a key is set.
	 *
	 * @return bool
	 */
	public function has_key() {
		return '' !== $this->key;
	}

	/**
	 * POST /v1/alt-text.
	 *
	 * Always sends an Idempotency-Key: the one given (the same on every retry of one logical call,
	 * so the API charges it once and replays the answer), else a fresh UUID.
	 *
	 * @param array  $body            {image|imageUrl, language?, model?, context?, maxLength?}.
	 * @param string $idempotency_key Idempotency-Key; empty for a fresh one.
	 * @return array|WP_Error {id, altText, language, model, creditsUsed, creditsRemaining}.
	 */
	public function alt_text( array $body, $idempotency_key = '' ) {
		$result = $this->request( 'POST', '/v1/alt-text', $body, true, 90, self::idempotency_header( $idempotency_key ) );
		if ( ! is_wp_error( $result ) && ( ! isset( $result['altText'] ) || ! is_string( $result['altText'] ) ) ) {
			return self::error( 'alttextapi_bad_response', __( 'The AltText API sent an answer this plugin does not understand.', 'alttextapi' ), 502 );
		}
		return $result;
	}

	/**
	 * POST /v1/alt-text/batch.
	 *
	 * @param array  $body            {images: [...], language?, model?}.
	 * @param string $idempotency_key Idempotency-Key (see alt_text); empty for a fresh one.
	 * @return array|WP_Error {results, creditsUsed, creditsRemaining}.
	 */
	public function batch( array $body, $idempotency_key = '' ) {
		$result = $this->request( 'POST', '/v1/alt-text/batch', $body, true, 180, self::idempotency_header( $idempotency_key ) );
		if ( ! is_wp_error( $result ) && ( ! isset( $result['results'] ) || ! is_array( $result['results'] ) ) ) {
			return self::error( 'alttextapi_bad_response', __( 'The AltText API sent an answer this plugin does not understand.', 'alttextapi' ), 502 );
		}
		return $result;
	}

	/**
	 * The Idempotency-Key header: the key given, else a fresh UUID.
	 *
	 * @param string $key Key or empty.
	 * @return array
	 */
	private static function idempotency_header( $key ) {
		$key = (string) $key;
		return array( 'Idempotency-Key' => '' !== $key ? $key : wp_generate_uuid4() );
	}

	/**
	 * GET /v1/account: checks the key and reads the balance.
	 *
	 * @return array|WP_Error The user object (credits, email…).
	 */
	public function account() {
		return $this->request( 'GET', '/v1/account', null, true, 15 );
	}

	/**
	 * GET /v1/credits: the balance (and the latest ledger rows).
	 *
	 * @return array|WP_Error {balance, ledger}.
	 */
	public function credits() {
		return $this->request( 'GET', '/v1/credits?limit=1', null, true, 15 );
	}

	/**
	 * GET /v1/models (no key needed).
	 *
	 * @return array|WP_Error List of {id, name, credits, default}.
	 */
	public function models() {
		$result = $this->request( 'GET', '/v1/models', null, false, 15 );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return isset( $result['models'] ) && is_array( $result['models'] ) ? $result['models'] : array();
	}

	/**
	 * One request.
	 *
	 * @param string     $method  HTTP method.
	 * @param string     $path    Path under the base URL.
	 * @param array|null $body    JSON body.
	 * @param bool       $auth    Whether the key is needed.
	 * @param int        $timeout Seconds.
	 * @param array      $extra   Extra headers.
	 * @return array|WP_Error Decoded JSON.
	 */
	private function request( $method, $path, $body, $auth, $timeout, array $extra = array() ) {
		if ( $auth && ! $this->has_key() ) {
			return self::error(
				'alttextapi_no_key',
				__( 'No AltText API key is set. Add one under Settings → AltText API.', 'alttextapi' ),
				400
			);
		}
		$headers = array_merge(
			array(
				'Accept'     => 'application/json',
				'User-Agent' => 'alttextapi-wordpress/' . ALTTEXTAPI_VERSION . '; WordPress/' . get_bloginfo( 'version' ),
			),
			$extra
		);
		if ( $auth ) {
			$headers['Authorization'] = 'Bearer ' . $this->key;
		}
		$args = array(
			'method'  => $method,
			'timeout' => $timeout,
			'headers' => $headers,
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$response = wp_remote_request( $this->base_url . $path, $args );
		if ( is_wp_error( $response ) ) {
			return self::error(
				'alttextapi_unreachable',
				__( 'The AltText API could not be reached. Try again in a few minutes.', 'alttextapi' ),
				503
			);
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status >= 200 && $status < 300 ) {
			return is_array( $json ) ? $json : array();
		}
		$code    = isset( $json['error']['code'] ) ? (string) $json['error']['code'] : '';
		$message = isset( $json['error']['message'] ) ? wp_strip_all_tags( (string) $json['error']['message'] ) : '';
		return self::map_error( $status, $code, $message, wp_remote_retrieve_header( $response, 'retry-after' ) );
	}

	/**
	 * The code of an error answer: the API's own when it is one the contract knows, else the code
	 * that goes with the status (a proxy's HTML page, a newer API's unknown code), as core does.
	 *
	 * @param int    $status HTTP status.
	 * @param string $code   Code from the body, '' when none.
	 * @return string
	 */
	public static function code_for( $status, $code ) {
		$statuses = Contract::error_status();
		if ( isset( $statuses[ $code ] ) ) {
			return $code;
		}
		// A bare 503 comes from a proxy or an overloaded host, not from a missing setting.
		$known = 503 === $status ? false : array_search( $status, $statuses, true );
		if ( false !== $known ) {
			return $known;
		}
		return $status >= 500 ? 'internal_error' : 'invalid_request';
	}

	/**
	 * Maps an API error answer to a WP_Error whose message tells the editor what to do. Decided by
	 * the error code, never by the message text; the data carries the code (`api_code`) and whether
	 * the contract calls it fatal (`fatal`: no further image can succeed, so a run stops).
	 *
	 * @param int    $status      HTTP status.
	 * @param string $code        API error code.
	 * @param string $message     API error message.
	 * @param mixed  $retry_after Retry-After header.
	 * @return WP_Error
	 */
	public static function map_error( $status, $code, $message, $retry_after = '' ) {
		$code = self::code_for( (int) $status, (string) $code );
		$data = array(
			'api_code' => $code,
			'fatal'    => Contract::is_fatal( $code ),
		);
		switch ( $code ) {
			case 'unauthorized':
				return self::error( 'alttextapi_key_rejected', __( 'The AltText API rejected the API key. Check it under Settings → AltText API.', 'alttextapi' ), 401, $data );
			case 'insufficient_credits':
				return self::error( 'alttextapi_no_credits', __( 'Your AltText API account has no credits left. Buy more credits in your AltText API dashboard.', 'alttextapi' ), 402, $data );
			case 'forbidden':
				return self::error( 'alttextapi_key_forbidden', __( 'This AltText API key may not do this. Use a key with the generate scope (or an account key) under Settings → AltText API.', 'alttextapi' ), 403, $data );
			case 'rate_limited':
				$seconds = is_numeric( $retry_after ) ? max( 1, (int) $retry_after ) : 60;
				return self::error(
					'alttextapi_rate_limited',
					/* translators: %d: seconds to wait */
					sprintf( _n( 'Too many requests to the AltText API. Try again in %d second.', 'Too many requests to the AltText API. Try again in %d seconds.', $seconds, 'alttextapi' ), $seconds ),
					429,
					$data + array( 'retry_after' => $seconds )
				);
			case 'internal_error':
			case 'model_error':
			case 'model_not_configured':
			case 'billing_not_configured':
				$text = __( 'The AltText API is unavailable right now. Try again in a few minutes.', 'alttextapi' );
				if ( 'model_not_configured' === $code && '' !== $message ) {
					$text .= ' (' . $message . ')';
				}
				return self::error( 'alttextapi_unavailable', $text, 503, $data );
			default:
				/* translators: %s: the API's error message */
				$text = '' !== $message ? sprintf( __( 'The AltText API refused the image: %s', 'alttextapi' ), $message ) : __( 'The AltText API refused the request.', 'alttextapi' );
				// A key that belongs to another request is cured by a new key, not by the editor:
				// callers that reuse keys check this flag.
				$data['idempotency_key_refused'] = 'idempotency_key_reused' === $code;
				return self::error( 'alttextapi_api_error', $text, 422, $data );
		}
	}

	/**
	 * A WP_Error with a REST status.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @param int    $status  HTTP status for REST answers.
	 * @param array  $extra   Extra data.
	 * @return WP_Error
	 */
	public static function error( $code, $message, $status, array $extra = array() ) {
		return new WP_Error( $code, $message, array_merge( array( 'status' => $status ), $extra ) );
	}
}
