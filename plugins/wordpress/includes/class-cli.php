<?php
/**
 * WP-CLI: `wp alttextapi generate [--missing] [--limit=<n>] [--dry-run]`.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_CLI;

defined( 'ABSPATH' ) || exit;

/** Describes the media library's images from the command line. */
class Cli {

	/**
	 * Writes alt text for images in the media library.
	 *
	 * Decorative images are skipped. Images that already have alt text are skipped too, unless
	 * the overwrite policy is "always" and --missing is not given; even then only machine-written
	 * text nobody reviewed is replaced, never text a person wrote or edited.
	 *
	 * Exit status (WP-CLI's convention): 0 when every image was described (or there was nothing
	 * to do, or --dry-run); 1 when the run stopped on an error (no key, a rejected key, no
	 * credits left, the API unreachable) or finished with images that failed (each is named).
	 * Batches carry the same Idempotency-Key when a stopped run is started again, so images the
	 * API already charged for are not charged twice.
	 *
	 * ## OPTIONS
	 *
	 * [--missing]
	 * : Only images without alt text, whatever the overwrite policy.
	 *
	 * [--limit=<n>]
	 * : Describe at most this many images (a whole number from 1).
	 *
	 * [--dry-run]
	 * : List the images that would be described, without calling the API.
	 *
	 * ## EXAMPLES
	 *
	 *     wp alttextapi generate --missing --limit=100
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Flags.
	 */
	public function generate( $args, $assoc_args ) {
		$missing = ! empty( $assoc_args['missing'] );
		$limit   = 0;
		if ( isset( $assoc_args['limit'] ) ) {
			// Only a whole number from 1: (int) would make "abc", "-5" or "0" mean no limit at all.
			$limit = filter_var( $assoc_args['limit'], FILTER_VALIDATE_INT, array( 'options' => array( 'min_range' => 1 ) ) );
			if ( false === $limit ) {
				WP_CLI::error( sprintf( '--limit must be a whole number from 1 (got "%s").', (string) $assoc_args['limit'] ) );
			}
		}
		$dry = ! empty( $assoc_args['dry-run'] );
		$ids = self::candidates( $missing, $limit );

		if ( ! $ids ) {
			WP_CLI::success( 'Nothing to do: no image needs alt text.' );
			return;
		}
		if ( $dry ) {
			foreach ( $ids as $id ) {
				WP_CLI::log( sprintf( '%d	%s', $id, basename( (string) get_attached_file( $id ) ) ) );
			}
			WP_CLI::success( sprintf( '%d image(s) would be described (dry run).', count( $ids ) ) );
			return;
		}
		$client = Settings::client();
		if ( ! $client->has_key() ) {
			WP_CLI::error( $client->account()->get_error_message() );
		}
		$done   = 0;
		$failed = 0;
		foreach ( array_chunk( $ids, Batch::SIZE ) as $chunk ) {
			$result = Batch::describe( $client, $chunk, $missing );
			if ( is_wp_error( $result ) ) {
				WP_CLI::error( sprintf( '%s (%d described before the error)', $result->get_error_message(), $done ) );
			}
			$done += $result['done'];
			foreach ( $result['errors'] as $id => $message ) {
				++$failed;
				WP_CLI::warning( sprintf( '#%d: %s', $id, $message ) );
			}
			WP_CLI::log( sprintf( 'Described %d of %d.', $done, count( $ids ) ) );
			if ( $result['unpaid'] ) {
				WP_CLI::error( sprintf( '%s (%d described, %d left without alt text)', Api_Client::map_error( 402, 'insufficient_credits', '' )->get_error_message(), $done, count( $ids ) - $done - $failed ) );
			}
		}
		if ( $failed > 0 ) {
			WP_CLI::error( sprintf( 'Described %d image(s), %d failed.', $done, $failed ) );
		}
		WP_CLI::success( sprintf( 'Described %d image(s).', $done ) );
	}

	/**
	 * Attachment ids to process.
	 *
	 * @param bool $missing Only missing alt.
	 * @param int  $limit   0 for all.
	 * @return int[]
	 */
	private static function candidates( $missing, $limit ) {
		if ( $missing || 'always' !== Settings::get( 'overwrite' ) ) {
			return Batch::missing_ids( $limit );
		}
		$ids = get_posts(
			array(
				'post_type'      => 'attachment',
				'post_status'    => 'inherit',
				'post_mime_type' => 'image',
				'fields'         => 'ids',
				'posts_per_page' => $limit > 0 ? $limit : -1,
				'orderby'        => 'ID',
				'order'          => 'ASC',
			)
		);
		return array_values(
			array_filter(
				array_map( 'intval', $ids ),
				static function ( $id ) {
					return '' === Generator::skip_reason( $id );
				}
			)
		);
	}
}
