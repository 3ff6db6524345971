<?php
/**
 * Finds the attachment behind an image URL, whatever form the URL takes: a query string or a
 * fragment, percent-encoding, `./` and `//` in the path, http for https, or a generated size
 * (`photo-300x200.jpg`, `photo-scaled.jpg`). WordPress's attachment_url_to_postid() matches the
 * exact stored file name only, so a permission check built on it alone is bypassed by `?x=1` or a
 * size variant's URL.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Image URL → attachment id. */
final class Attachment_Url {

	/**
	 * The attachment whose original or generated size the URL names, or 0 when the URL is not a
	 * file of this site's uploads known as an attachment.
	 *
	 * @param string $url Image URL.
	 * @return int
	 */
	public static function resolve( $url ) {
		$normal = self::normalise( (string) $url );
		if ( '' === $normal ) {
			return 0;
		}
		$id = (int) attachment_url_to_postid( $normal );
		if ( $id ) {
			return $id;
		}
		// A generated size: the same folder and name with -WxH (or -scaled, -rotated) before the
		// extension. Only trusted when the attachment's metadata lists that very file.
		$file = wp_basename( (string) wp_parse_url( $normal, PHP_URL_PATH ) );
		if ( ! preg_match( '/^(.+?)(?:-\d+x\d+|-scaled|-rotated|-e\d{13})+(\.[a-z0-9]+)$/i', $file, $m ) ) {
			return 0;
		}
		$base = substr( $normal, 0, -strlen( $file ) );
		foreach ( array( $m[1] . $m[2], $m[1] . '-scaled' . $m[2] ) as $candidate ) {
			$id = (int) attachment_url_to_postid( $base . $candidate );
			if ( $id && self::has_file( $id, $file ) ) {
				return $id;
			}
		}
		return 0;
	}

	/**
	 * The URL with its query and fragment dropped and its path decoded and tidied (`./`, `//`,
	 * `../` resolved), or '' when it is not an http(s) URL.
	 *
	 * @param string $url URL.
	 * @return string
	 */
	public static function normalise( $url ) {
		$parts = wp_parse_url( trim( $url ) );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return '';
		}
		$path  = rawurldecode( isset( $parts['path'] ) ? $parts['path'] : '/' );
		$clean = array();
		foreach ( explode( '/', str_replace( '\\', '/', $path ) ) as $segment ) {
			if ( '' === $segment || '.' === $segment ) {
				continue;
			}
			if ( '..' === $segment ) {
				array_pop( $clean );
				continue;
			}
			$clean[] = $segment;
		}
		$port = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
		return strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] ) . $port . '/' . implode( '/', $clean );
	}

	/**
	 * Whether a file name is the attachment's original, its pre-scaling original, or one of its
	 * generated sizes.
	 *
	 * @param int    $attachment_id Attachment id.
	 * @param string $file          File name.
	 * @return bool
	 */
	private static function has_file( $attachment_id, $file ) {
		$meta  = wp_get_attachment_metadata( $attachment_id );
		$names = array( wp_basename( (string) get_attached_file( $attachment_id ) ) );
		if ( is_array( $meta ) ) {
			if ( ! empty( $meta['original_image'] ) ) {
				$names[] = (string) $meta['original_image'];
			}
			foreach ( ( isset( $meta['sizes'] ) && is_array( $meta['sizes'] ) ? $meta['sizes'] : array() ) as $size ) {
				if ( isset( $size['file'] ) ) {
					$names[] = (string) $size['file'];
				}
			}
		}
		return in_array( $file, $names, true );
	}
}
