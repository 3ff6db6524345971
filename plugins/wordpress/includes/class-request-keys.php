<?php
/**
 * Idempotency-Keys of batch requests, kept on the attachments themselves (post meta), not in the
 * job: a Stop, a restart or a dead PHP process loses the job's state, but the next request for the
 * same images sends the same key, so the API replays a batch it already charged instead of
 * charging it again.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Idempotency-Keys per attachment and request body (which holds the image's bytes). */
final class Request_Keys {
	/** Post meta: {key, hash, ids}: the batch an attachment was last sent in, not yet finished. */
	const META = '_alttextapi_request';

	/**
	 * The batch an attachment was sent in and whose answer was not recorded (lost, or the PHP
	 * process died), so the next batch can be formed the same way and carry the same key.
	 *
	 * @param int $attachment_id Attachment id.
	 * @return int[] Its ids, or [] when none is open.
	 */
	public static function open_batch( $attachment_id ) {
		$stored = get_post_meta( $attachment_id, self::META, true );
		return is_array( $stored ) && ! empty( $stored['ids'] ) ? array_map( 'intval', (array) $stored['ids'] ) : array();
	}

	/**
	 * The key for one batch body: the stored one when these attachments were last sent with
	 * exactly this body (same images by their bytes, same language, context and model), else a
	 * new one, stored on every attachment of the batch before the request leaves.
	 *
	 * @param int[] $ids  Attachments in the batch, in the order of the body's images.
	 * @param array $body The batch request body.
	 * @return string
	 */
	public static function for_batch( array $ids, array $body ) {
		$hash = hash( 'sha256', (string) wp_json_encode( array( $ids, $body ) ) );
		if ( $ids ) {
			$stored = get_post_meta( $ids[0], self::META, true );
			if ( is_array( $stored ) && isset( $stored['hash'], $stored['key'] ) && $stored['hash'] === $hash ) {
				return (string) $stored['key'];
			}
		}
		$entry = array(
			'key'  => wp_generate_uuid4(),
			'hash' => $hash,
			'ids'  => array_values( array_map( 'intval', $ids ) ),
		);
		foreach ( $ids as $id ) {
			update_post_meta( $id, self::META, $entry );
		}
		return $entry['key'];
	}

	/**
	 * Forgets the keys of finished attachments (answered, failed, or refused by the API).
	 *
	 * @param int[] $ids Attachment ids.
	 */
	public static function forget( array $ids ) {
		foreach ( $ids as $id ) {
			delete_post_meta( (int) $id, self::META );
		}
	}
}
