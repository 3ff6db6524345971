<?php
/**
 * Chooses what is sent to the API for an image: the bytes of a local file (base64), preferring an
 * intermediate size of at most 1024 px to save credits and tokens, because a local or private
 * WordPress URL is not reachable by the hosted API. Only an image with no local file is sent as a
 * URL.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/** Image payloads for the API. */
final class Image_Source {
	/**
	 * Resized copies made by this request, deleted once encoded.
	 *
	 * @var string[]
	 */
	private static $temp_files = array();

	/**
	 * Payload for an attachment.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return array|WP_Error ['image' => base64] or ['imageUrl' => url].
	 */
	public static function for_attachment( $attachment_id ) {
		if ( ! wp_attachment_is_image( $attachment_id ) ) {
			return Api_Client::error( 'alttextapi_not_an_image', __( 'This attachment is not an image.', 'alttextapi' ), 400 );
		}
		$file = self::best_local_file( $attachment_id );
		if ( $file ) {
			return self::encode_file( $file );
		}
		$url = wp_get_attachment_image_url( $attachment_id, 'large' );
		if ( ! $url ) {
			return Api_Client::error( 'alttextapi_no_file', __( 'The image file could not be found.', 'alttextapi' ), 404 );
		}
		return array( 'imageUrl' => $url );
	}

	/**
	 * Payload for an image known only by URL (e.g. an external image in a block).
	 *
	 * @param string $url Image URL.
	 * @return array|WP_Error
	 */
	public static function for_url( $url ) {
		$id = Attachment_Url::resolve( $url );
		if ( $id ) {
			return self::for_attachment( $id );
		}
		$scheme = wp_parse_url( $url, PHP_URL_SCHEME );
		if ( ! in_array( $scheme, array( 'http', 'https' ), true ) ) {
			return Api_Client::error( 'alttextapi_bad_url', __( 'This image has no http(s) address the AltText API could read.', 'alttextapi' ), 400 );
		}
		return array( 'imageUrl' => esc_url_raw( $url ) );
	}

	/**
	 * Path of the best local file: the largest generated size of an accepted type whose longer edge
	 * is at most 1024 px, else the original when small enough, else a resized copy.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return string|null Path, or null when no local file exists.
	 */
	private static function best_local_file( $attachment_id ) {
		$original = get_attached_file( $attachment_id );
		if ( ! $original || ! is_readable( $original ) ) {
			return null;
		}
		$meta     = wp_get_attachment_metadata( $attachment_id );
		$dir      = dirname( $original );
		$best     = null;
		$edge     = 0;
		$max_edge = Contract::prepared_max_side();
		$types    = Contract::image_types();
		$sizes    = is_array( $meta ) && ! empty( $meta['sizes'] ) ? $meta['sizes'] : array();
		foreach ( $sizes as $size ) {
			$longer = max( (int) $size['width'], (int) $size['height'] );
			$type   = isset( $size['mime-type'] ) ? $size['mime-type'] : '';
			$path   = $dir . '/' . $size['file'];
			if ( $longer <= $max_edge && $longer > $edge && in_array( $type, $types, true ) && is_readable( $path ) ) {
				$best = $path;
				$edge = $longer;
			}
		}
		$orig_edge = is_array( $meta ) ? max( (int) ( $meta['width'] ?? 0 ), (int) ( $meta['height'] ?? 0 ) ) : 0;
		$orig_type = (string) get_post_mime_type( $attachment_id );
		// The original beats a size only when it is itself within bounds and larger than the size.
		if ( $orig_edge > 0 && $orig_edge <= $max_edge && $orig_edge > $edge && in_array( $orig_type, $types, true ) ) {
			return $original;
		}
		// A size of at least 512 px describes as well as the original does.
		if ( $best && $edge >= 512 ) {
			return $best;
		}
		$resized = self::resized_copy( $original );
		if ( $resized ) {
			return $resized;
		}
		return $best ? $best : $original;
	}

	/**
	 * A temporary JPEG of at most the contract's prepared size (1024 px) made with the site's image editor; removed after
	 * encoding (see encode_file).
	 *
	 * @param string $path Original file.
	 * @return string|null
	 */
	private static function resized_copy( $path ) {
		require_once ABSPATH . 'wp-admin/includes/file.php';
		$editor = wp_get_image_editor( $path );
		if ( is_wp_error( $editor ) ) {
			return null;
		}
		$max_edge = Contract::prepared_max_side();
		$editor->resize( $max_edge, $max_edge, false );
		$target = wp_tempnam( 'alttextapi' ) . '.jpg';
		$saved  = $editor->save( $target, 'image/jpeg' );
		if ( is_wp_error( $saved ) ) {
			return null;
		}
		self::$temp_files[] = $saved['path'];
		return $saved['path'];
	}

	/**
	 * Base64 of a file, after checking its type by content and its size.
	 *
	 * @param string $path File path.
	 * @return array|WP_Error ['image' => base64]
	 */
	private static function encode_file( $path ) {
		$temp  = in_array( $path, self::$temp_files, true );
		$info  = function_exists( 'wp_get_image_mime' ) ? wp_get_image_mime( $path ) : '';
		$bytes = filesize( $path );
		if ( ! in_array( $info, Contract::image_types(), true ) ) {
			$copy = self::resized_copy( $path );
			if ( ! $copy ) {
				return Api_Client::error( 'alttextapi_unsupported_type', __( 'This image type cannot be described (JPEG, PNG, GIF and WebP can).', 'alttextapi' ), 415 );
			}
			return self::encode_file( $copy );
		}
		$max_bytes = Contract::limit( 'maxImageBytes' );
		if ( $bytes > $max_bytes ) {
			/* translators: %s: the largest image size the API takes, e.g. "10 MB". */
			return Api_Client::error( 'alttextapi_too_large', sprintf( __( 'This image is larger than %s.', 'alttextapi' ), size_format( $max_bytes ) ), 413 );
		}
		// phpcs:ignore Generic.PHP.ForbiddenFunctions.Found, WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local file, not a URL.
		$data = file_get_contents( $path );
		if ( $temp ) {
			wp_delete_file( $path );
		}
		if ( false === $data ) {
			return Api_Client::error( 'alttextapi_no_file', __( 'The image file could not be read.', 'alttextapi' ), 500 );
		}
		// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the API takes base64 images.
		return array( 'image' => base64_encode( $data ) );
	}
}
