<?php
/**
 * Describing attachments in bulk: which images of the library lack alt text, and one batch
 * request for a few of them. Shared by the background queue and `wp alttextapi generate`.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Batch requests for attachments. */
final class Batch {
	/** Images per batch request: small enough to keep the JSON body well under the API's limit. */
	const SIZE = 5;

	/**
	 * Ids of every image in the library without alt text that is not decorative.
	 *
	 * @param int $limit 0 for all.
	 * @return int[]
	 */
	public static function missing_ids( $limit = 0 ) {
		$query = new \WP_Query(
			array(
				'post_type'      => 'attachment',
				'post_status'    => 'inherit',
				'post_mime_type' => 'image',
				'fields'         => 'ids',
				'posts_per_page' => $limit > 0 ? $limit : -1,
				'orderby'        => 'ID',
				'order'          => 'ASC',
				'no_found_rows'  => true,
				'meta_query'     => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query -- a one-off admin query.
					'relation' => 'AND',
					array(
						'relation' => 'OR',
						array(
							'key'     => Generator::ALT_META,
							'compare' => 'NOT EXISTS',
						),
						array(
							'key'   => Generator::ALT_META,
							'value' => '',
						),
					),
					array(
						'key'     => Generator::DECORATIVE_META,
						'compare' => 'NOT EXISTS',
					),
				),
			)
		);
		return array_map( 'intval', $query->posts );
	}

	/**
	 * Describes up to SIZE images in one batch request and writes their alt text. The request's
	 * Idempotency-Key comes from Request_Keys: the same images sent again with the same body (a
	 * retry, a Resume, a restart after Stop or after a dead PHP process) carry the same key, so the
	 * API replays what it already charged.
	 *
	 * @param Api_Client $client       Client.
	 * @param int[]      $ids          Attachment ids.
	 * @param bool       $missing_only Only images without alt, whatever the policy.
	 * @return array|\WP_Error {done, skipped, errors{id: message}, unpaid[]}: unpaid are the images
	 *                         the balance could not pay for (item-level insufficient_credits), to
	 *                         keep queued; a WP_Error when the whole request failed.
	 */
	public static function describe( Api_Client $client, array $ids, $missing_only = false ) {
		$items   = array();
		$targets = array();
		$skipped = 0;
		$errors  = array();
		$unpaid  = array();
		foreach ( $ids as $id ) {
			if ( '' !== Generator::skip_reason( $id, $missing_only ) ) {
				++$skipped;
				continue;
			}
			$image = Image_Source::for_attachment( $id );
			if ( is_wp_error( $image ) ) {
				$errors[ $id ] = $image->get_error_message();
				continue;
			}
			$options   = Generator::options( $id, Generator::attachment_context( $id ) );
			$items[]   = array_merge( $image, array_intersect_key( $options, array_flip( array( 'language', 'context' ) ) ) );
			$targets[] = $id;
		}
		$done = 0;
		if ( $items ) {
			$body  = array( 'images' => $items );
			$model = (string) Settings::get( 'model' );
			if ( '' !== $model ) {
				$body['model'] = $model;
			}
			// `long` is the batch's option (one price per image), not an item's.
			if ( Settings::get( 'long_description' ) ) {
				$body['long'] = true;
			}
			$result = $client->batch( $body, Request_Keys::for_batch( $targets, $body ) );
			if ( is_wp_error( $result ) ) {
				$data = $result->get_error_data();
				if ( ! empty( $data['idempotency_key_refused'] ) ) {
					// The API knows the key for another request: the next try needs a new one.
					Request_Keys::forget( $targets );
				}
				return $result;
			}
			foreach ( $targets as $i => $id ) {
				$row = isset( $result['results'][ $i ] ) ? $result['results'][ $i ] : null;
				if ( is_array( $row ) && isset( $row['altText'] ) && '' !== Generator::clean( $row['altText'] ) ) {
					// Someone may have written alt text while the request ran: keep theirs.
					if ( '' === Generator::skip_reason( $id, $missing_only ) ) {
						Generator::write_machine_alt( $id, Generator::clean( $row['altText'] ), $row );
						++$done;
					} else {
						++$skipped;
					}
				} elseif ( is_array( $row ) && isset( $row['error']['code'] ) && 'insufficient_credits' === $row['error']['code'] ) {
					// Not a failure of the image: it waits for credits.
					$unpaid[] = $id;
				} else {
					$errors[ $id ] = is_array( $row ) && isset( $row['error']['message'] ) ? wp_strip_all_tags( (string) $row['error']['message'] ) : __( 'No alt text came back for this image.', 'alttextapi' );
				}
			}
			// The answer is recorded: these keys are spent (the unpaid images get a new request).
			Request_Keys::forget( $targets );
		}
		return array(
			'done'    => $done,
			'skipped' => $skipped,
			'errors'  => $errors,
			'unpaid'  => $unpaid,
		);
	}
}
