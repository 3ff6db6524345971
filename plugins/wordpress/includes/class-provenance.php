<?php
/**
 * Who wrote an attachment's alt text. The machine's text is kept beside the alt text (post meta
 * `_alttextapi_provenance`: text, model, language, time, reviewed by and when); whether a person
 * changed it is detected by comparing, never declared: alt text equal to the machine's is
 * `machine`, different is `edited`, alt text with no machine record is `human`.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Provenance of attachment alt text, and its review. */
final class Provenance {
	const META = '_alttextapi_provenance';

	/**
	 * Records alt text the API wrote (called with the alt text just stored).
	 *
	 * @param int    $attachment_id Attachment id.
	 * @param string $text          The alt text as stored.
	 * @param array  $answer        The API's answer for the image (model, language).
	 */
	public static function record_machine( $attachment_id, $text, array $answer ) {
		update_post_meta(
			$attachment_id,
			self::META,
			array(
				'text'       => $text,
				'model'      => isset( $answer['model'] ) ? sanitize_text_field( (string) $answer['model'] ) : '',
				'language'   => isset( $answer['language'] ) ? sanitize_text_field( (string) $answer['language'] ) : '',
				'time'       => time(),
				'reviewedBy' => 0,
				'reviewedAt' => 0,
				// The model's judgement, kept as a suggestion: never applied without a person.
				'decorative' => ! empty( $answer['decorative'] ),
				'kind'       => isset( $answer['kind'] ) ? sanitize_key( (string) $answer['kind'] ) : '',
			)
		);
	}

	/**
	 * The provenance of an attachment's current alt text.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return array {origin: none|machine|edited|human, model, language, time, reviewed, reviewedBy, reviewedAt,
	 *               decorative: the model suggested the image is decorative, kind: what kind of image it saw}
	 */
	public static function of( $attachment_id ) {
		$alt    = Generator::current_alt( $attachment_id );
		$stored = get_post_meta( $attachment_id, self::META, true );
		$stored = is_array( $stored ) ? $stored : array();
		if ( '' === $alt ) {
			$origin = 'none';
		} elseif ( ! isset( $stored['text'] ) ) {
			$origin = 'human';
		} else {
			$origin = (string) $stored['text'] === $alt ? 'machine' : 'edited';
		}
		$machine  = in_array( $origin, array( 'machine', 'edited' ), true );
		$reviewer = $machine && ! empty( $stored['reviewedBy'] ) ? get_userdata( (int) $stored['reviewedBy'] ) : false;
		return array(
			'origin'     => $origin,
			'model'      => $machine && isset( $stored['model'] ) ? (string) $stored['model'] : '',
			'language'   => $machine && isset( $stored['language'] ) ? (string) $stored['language'] : '',
			'time'       => $machine && isset( $stored['time'] ) ? (int) $stored['time'] : 0,
			'reviewed'   => 'machine' === $origin && ! empty( $stored['reviewedAt'] ),
			'reviewedBy' => $reviewer ? $reviewer->display_name : '',
			'reviewedAt' => $machine && isset( $stored['reviewedAt'] ) ? (int) $stored['reviewedAt'] : 0,
			'decorative' => $machine && ! empty( $stored['decorative'] ),
			'kind'       => $machine && isset( $stored['kind'] ) ? (string) $stored['kind'] : '',
		);
	}

	/**
	 * Whether unattended work (bulk, upload, CLI) may replace the current alt text when the
	 * overwrite policy asks it to: only machine text nobody reviewed. Human and edited text never.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return bool
	 */
	public static function replaceable( $attachment_id ) {
		$provenance = self::of( $attachment_id );
		return 'machine' === $provenance['origin'] && ! $provenance['reviewed'];
	}

	/**
	 * Approves machine alt text, if it is still the text the reviewer saw.
	 *
	 * @param int    $attachment_id Attachment id.
	 * @param string $seen          The alt text the reviewer approved.
	 * @return true|\WP_Error alttextapi_changed (409) when the alt text changed since it was loaded,
	 *                        alttextapi_not_machine (409) when a person wrote it.
	 */
	public static function approve( $attachment_id, $seen ) {
		if ( Generator::current_alt( $attachment_id ) !== trim( (string) $seen ) ) {
			return Api_Client::error( 'alttextapi_changed', __( 'This alt text changed since the page was loaded; nothing was approved. Reload to review the current text.', 'alttextapi' ), 409 );
		}
		if ( 'machine' !== self::of( $attachment_id )['origin'] ) {
			return Api_Client::error( 'alttextapi_not_machine', __( 'A person wrote or edited this alt text: there is nothing to approve.', 'alttextapi' ), 409 );
		}
		$stored               = (array) get_post_meta( $attachment_id, self::META, true );
		$stored['reviewedBy'] = get_current_user_id();
		$stored['reviewedAt'] = time();
		update_post_meta( $attachment_id, self::META, $stored );
		return true;
	}

	/**
	 * Attachments whose alt text the machine wrote and nobody reviewed yet (the review queue).
	 *
	 * @param int $limit 0 for all.
	 * @return int[]
	 */
	public static function to_review( $limit = 0 ) {
		$query = new \WP_Query(
			array(
				'post_type'      => 'attachment',
				'post_status'    => 'inherit',
				'post_mime_type' => 'image',
				'fields'         => 'ids',
				'posts_per_page' => -1,
				'orderby'        => 'ID',
				'order'          => 'DESC',
				'no_found_rows'  => true,
				'meta_key'       => self::META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- only images the plugin described.
			)
		);
		$all   = array_map( 'intval', $query->posts );
		// One query for the alt text and provenance of all of them, not two per image.
		update_meta_cache( 'post', $all );
		$ids = array_values(
			array_filter(
				$all,
				static function ( $id ) {
					return self::replaceable( $id );
				}
			)
		);
		return $limit > 0 ? array_slice( $ids, 0, $limit ) : $ids;
	}
}
