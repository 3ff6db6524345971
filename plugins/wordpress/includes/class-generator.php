<?php
/**
 * Describes one image: applies the decorative and overwrite rules, builds the language and
 * context, calls the API and writes the attachment's alt text.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/** Generation of alt text for attachments and images. */
final class Generator {
	const ALT_META        = '_wp_attachment_image_alt';
	const DECORATIVE_META = '_alttextapi_decorative';

	/**
	 * Whether an editor marked the attachment as decorative (it then never gets alt text).
	 *
	 * @param int $attachment_id Attachment id.
	 * @return bool
	 */
	public static function is_decorative( $attachment_id ) {
		return '1' === (string) get_post_meta( $attachment_id, self::DECORATIVE_META, true );
	}

	/**
	 * The attachment's current alt text.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return string
	 */
	public static function current_alt( $attachment_id ) {
		return trim( (string) get_post_meta( $attachment_id, self::ALT_META, true ) );
	}

	/**
	 * Why an attachment is skipped in unattended work (bulk, upload, CLI), or '' to process it.
	 *
	 * @param int  $attachment_id Attachment id.
	 * @param bool $missing_only  Only images without alt, whatever the policy.
	 * @return string 'not_image', 'decorative', 'has_alt' or ''.
	 */
	public static function skip_reason( $attachment_id, $missing_only = false ) {
		if ( 'attachment' !== get_post_type( $attachment_id ) || ! wp_attachment_is_image( $attachment_id ) ) {
			return 'not_image';
		}
		if ( self::is_decorative( $attachment_id ) ) {
			return 'decorative';
		}
		if ( '' === self::current_alt( $attachment_id ) ) {
			return '';
		}
		// Unattended work replaces only machine text nobody reviewed, and only under "always":
		// what a person wrote or edited is never replaced here, whatever the policy.
		$replace = ! $missing_only && 'always' === Settings::get( 'overwrite' );
		return $replace && Provenance::replaceable( $attachment_id ) ? '' : 'has_alt';
	}

	/**
	 * Context text sent with an image, in the contract's format (formatContext in core): one
	 * labelled line per part, in the contract's order, each part squashed to one line and clipped
	 * to its share, the whole clipped to the API's limit.
	 *
	 * @param array $parts Parts by the contract's field names: title, heading, caption, text.
	 * @return string
	 */
	public static function build_context( array $parts ) {
		$lines = array();
		foreach ( Contract::context_lines() as $line ) {
			$value = isset( $parts[ $line['field'] ] ) ? self::squash( wp_strip_all_tags( (string) $parts[ $line['field'] ] ) ) : '';
			if ( '' !== $value ) {
				$lines[] = $line['label'] . ': ' . self::clip( $value, $line['maxLength'] );
			}
		}
		return self::clip( implode( "\n", $lines ), Contract::limit( 'maxContextLength' ) );
	}

	/**
	 * Runs of white space (as JavaScript's \s knows them) become one space, ends trimmed.
	 *
	 * @param string $text Text.
	 * @return string
	 */
	private static function squash( $text ) {
		$squashed = preg_replace( '/[\s\p{Z}\x{FEFF}]+/u', ' ', $text );
		return trim( null === $squashed ? $text : $squashed );
	}

	/**
	 * Text cut to at most $max UTF-16 code units (what the API counts), at a word boundary when
	 * one is in the second half, ending in an ellipsis that counts towards $max: clipText in core.
	 *
	 * @param string $text Text (UTF-8).
	 * @param int    $max  Most code units.
	 * @return string
	 */
	public static function clip( $text, $max ) {
		$chars = preg_split( '//u', $text, -1, PREG_SPLIT_NO_EMPTY );
		if ( false === $chars ) {
			$chars = str_split( $text );
		}
		$units = 0;
		foreach ( $chars as $char ) {
			$units += 4 === strlen( $char ) ? 2 : 1;
		}
		if ( $units <= $max ) {
			return $text;
		}
		$cut   = array();
		$units = 0;
		$space = -1;
		$at    = 0;
		foreach ( $chars as $char ) {
			$size = 4 === strlen( $char ) ? 2 : 1;
			if ( $units + $size > $max - 1 ) {
				break;
			}
			if ( ' ' === $char ) {
				$space = count( $cut );
				$at    = $units;
			}
			$cut[]  = $char;
			$units += $size;
		}
		if ( $space >= 0 && $at > $max / 2 ) {
			$cut = array_slice( $cut, 0, $space );
		}
		return rtrim( implode( '', $cut ) ) . '…';
	}

	/**
	 * Context for an attachment on its own: the title of the post it is attached to (or the given
	 * post) and its caption.
	 *
	 * @param int $attachment_id Attachment id.
	 * @param int $post_id       Post it is shown in, 0 for its parent.
	 * @return string
	 */
	public static function attachment_context( $attachment_id, $post_id = 0 ) {
		$post_id = $post_id ? $post_id : (int) wp_get_post_parent_id( $attachment_id );
		return self::build_context(
			array(
				'title'   => $post_id ? get_the_title( $post_id ) : '',
				'caption' => wp_get_attachment_caption( $attachment_id ),
			)
		);
	}

	/**
	 * Request body fields shared by single and batch calls.
	 *
	 * @param int    $post_id Post for the language.
	 * @param string $context Context text.
	 * @return array
	 */
	public static function options( $post_id, $context ) {
		$body  = array( 'language' => Language::for_post( $post_id ) );
		$model = (string) Settings::get( 'model' );
		if ( '' !== $model ) {
			$body['model'] = $model;
		}
		if ( '' !== $context ) {
			$body['context'] = $context;
		}
		if ( Settings::get( 'long_description' ) ) {
			$body['long'] = true;
		}
		return $body;
	}

	/**
	 * Describes an image (an attachment, or a URL) and, for an attachment without alt text, stores
	 * the result on it.
	 *
	 * @param array $args {
	 *     @type int    $attachment_id    Attachment id, 0 when unknown.
	 *     @type string $url              Image URL when there is no attachment id.
	 *     @type int    $post_id          Post the image is shown in (language, context).
	 *     @type string $context          Context from the editor; built from the attachment if empty.
	 *     @type bool   $write_attachment Whether the alt may be stored on the attachment.
	 *     @type bool   $replace          Whether existing attachment alt may be replaced.
	 * }
	 * @return array|WP_Error {altText, creditsRemaining, attachmentUpdated}
	 */
	public static function generate( array $args ) {
		$args = array_merge(
			array(
				'attachment_id'    => 0,
				'url'              => '',
				'post_id'          => 0,
				'context'          => '',
				'write_attachment' => true,
				'replace'          => false,
			),
			$args
		);
		$id   = (int) $args['attachment_id'];
		if ( $id && self::is_decorative( $id ) ) {
			return Api_Client::error( 'alttextapi_decorative', __( 'This image is marked as decorative, so it keeps an empty alt text.', 'alttextapi' ), 409 );
		}
		$client = Settings::client();
		if ( ! $client->has_key() ) {
			return $client->alt_text( array() );
		}
		$image = $id ? Image_Source::for_attachment( $id ) : Image_Source::for_url( (string) $args['url'] );
		if ( is_wp_error( $image ) ) {
			return $image;
		}
		$post_id = (int) $args['post_id'];
		$context = '' !== (string) $args['context'] ? (string) $args['context'] : ( $id ? self::attachment_context( $id, $post_id ) : '' );
		$result  = $client->alt_text( array_merge( $image, self::options( $post_id ? $post_id : ( $id ? $id : 0 ), $context ) ) );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$alt     = self::clean( $result['altText'] );
		$updated = false;
		if ( $id && $args['write_attachment'] && ( $args['replace'] || '' === self::current_alt( $id ) ) ) {
			$updated = self::write_machine_alt( $id, $alt, $result );
		}
		return array(
			'altText'           => $alt,
			'creditsRemaining'  => isset( $result['creditsRemaining'] ) ? (int) $result['creditsRemaining'] : null,
			'attachmentUpdated' => $updated,
		);
	}

	/**
	 * Model output is untrusted: plain text only, one line.
	 *
	 * @param string $text Alt text from the API.
	 * @return string
	 */
	public static function clean( $text ) {
		return trim( sanitize_text_field( (string) $text ) );
	}

	/**
	 * Stores the API's alt text on an attachment, with its provenance (Provenance::record_machine).
	 *
	 * @param int    $attachment_id Attachment id.
	 * @param string $alt           Alt text, cleaned.
	 * @param array  $answer        The API's answer (model, language).
	 * @return bool
	 */
	public static function write_machine_alt( $attachment_id, $alt, array $answer ) {
		if ( '' === $alt ) {
			return false;
		}
		update_post_meta( $attachment_id, self::ALT_META, wp_slash( $alt ) );
		Provenance::record_machine( $attachment_id, self::current_alt( $attachment_id ), $answer );
		self::write_long_description( $attachment_id, $answer );
		return true;
	}

	/**
	 * Puts the answer's `longDescription` (charts, diagrams, screenshots of text; asked for only
	 * when the setting is on) into the attachment's Description, where WordPress keeps one, when
	 * it has none: a description someone wrote is never replaced.
	 *
	 * @param int   $attachment_id Attachment id.
	 * @param array $answer        The API's answer.
	 * @return bool Whether it was written.
	 */
	public static function write_long_description( $attachment_id, array $answer ) {
		if ( ! Settings::get( 'long_description' ) || empty( $answer['longDescription'] ) || '' !== trim( (string) get_post_field( 'post_content', $attachment_id ) ) ) {
			return false;
		}
		// Model output is untrusted: plain text, its line breaks kept.
		$text = sanitize_textarea_field( (string) $answer['longDescription'] );
		if ( '' === trim( $text ) ) {
			return false;
		}
		$done = wp_update_post(
			array(
				'ID'           => $attachment_id,
				'post_content' => wp_slash( $text ),
			),
			true
		);
		return ! is_wp_error( $done );
	}
}
