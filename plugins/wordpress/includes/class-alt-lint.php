<?php
/**
 * Alt text that exists but does not help, by the rules of core's `lintAlt` (issue 23): a file
 * name or URL, a placeholder ("image", "IMG_1234"), a leading "image of", the caption repeated
 * word for word, longer than the limit. The patterns and the limit come from the contract
 * (contract.json's `altLint`), so both sides apply one set of rules; the review view flags them.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** The alt-text lint rules for attachments. */
final class Alt_Lint {

	/**
	 * Lowercase, whitespace squashed and trimmed, as core's `squash`.
	 *
	 * @param string $text Text.
	 * @return string
	 */
	private static function squash( $text ) {
		return mb_strtolower( trim( (string) preg_replace( '/[\s\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]+/u', ' ', (string) $text ) ), 'UTF-8' );
	}

	/**
	 * Length in UTF-16 code units, as JavaScript's `length` (the contract's limit is counted so).
	 *
	 * @param string $text Text.
	 * @return int
	 */
	private static function length( $text ) {
		return (int) ( strlen( (string) mb_convert_encoding( $text, 'UTF-16LE', 'UTF-8' ) ) / 2 );
	}

	/**
	 * The problems of one alt text (none for an empty one: that is decorative, not linted).
	 *
	 * @param string $alt       Alt text.
	 * @param string $file_name The image's file name (or its address), '' when unknown.
	 * @param string $caption   The image's caption, '' when none.
	 * @return array<int,array{rule:string,message:string}>
	 */
	public static function check( $alt, $file_name = '', $caption = '' ) {
		$rules    = Contract::alt_lint();
		$problems = array();
		$text     = trim( (string) $alt );
		if ( '' === $text ) {
			return $problems;
		}
		$bare = (string) preg_replace( '/[.!?…:;,]+$/u', '', $text );
		$file = explode( '/', (string) preg_replace( '/[?#].*$/s', '', (string) $file_name ) );
		$file = (string) end( $file );
		if ( preg_match( $rules['url'], $text ) || preg_match( $rules['imageFile'], $bare ) || ( '' !== $file && self::squash( $bare ) === self::squash( $file ) ) ) {
			$problems[] = array(
				'rule'    => 'file-name',
				'message' => __( 'The alt text is a file name or an address: say what the image shows or does.', 'alttextapi' ),
			);
		} elseif ( preg_match( $rules['placeholder'], $bare ) ) {
			$problems[] = array(
				'rule'    => 'placeholder',
				'message' => __( 'The alt text is a placeholder: describe the image, or mark it decorative.', 'alttextapi' ),
			);
		}
		if ( preg_match( $rules['prefix'], $text ) ) {
			$problems[] = array(
				'rule'    => 'redundant-prefix',
				'message' => __( 'The alt text starts with "image of": screen readers already say it is an image.', 'alttextapi' ),
			);
		}
		if ( '' !== trim( (string) $caption ) && self::squash( $caption ) === self::squash( $text ) ) {
			$problems[] = array(
				'rule'    => 'repeats-caption',
				'message' => __( 'The alt text repeats the caption word for word: say what the caption does not.', 'alttextapi' ),
			);
		}
		$length = self::length( $text );
		$max    = (int) $rules['maxLength'];
		if ( $length > $max ) {
			$problems[] = array(
				'rule'    => 'too-long',
				/* translators: 1: length of the alt text, 2: the limit */
				'message' => sprintf( __( 'The alt text is %1$d characters (over %2$d): keep it short; put details in the description.', 'alttextapi' ), $length, $max ),
			);
		}
		return $problems;
	}

	/**
	 * The problems of an attachment's alt text, with its file name and caption.
	 *
	 * @param int $id Attachment id.
	 * @return array<int,array{rule:string,message:string}>
	 */
	public static function for_attachment( $id ) {
		$file = get_attached_file( $id );
		return self::check( Generator::current_alt( $id ), $file ? wp_basename( $file ) : '', (string) wp_get_attachment_caption( $id ) );
	}
}
