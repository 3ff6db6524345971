<?php
/**
 * Background work: a persistent queue of attachment ids processed by WP-Cron in short slices, so
 * no request runs into a timeout and a stopped run resumes where it was. Bulk actions, "process
 * the whole library" and generate-on-upload all feed it.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** The job queue. */
final class Queue {
	const OPTION = 'alttextapi_job';
	const LOCK   = 'alttextapi_job_lock';
	const HOOK   = 'alttextapi_process_queue';
	/** Images per batch request: small enough to keep the JSON body well under the API's limit. */
	const CHUNK = 5;
	/** Seconds one cron run may spend before handing over to the next. */
	const BUDGET = 20;

	/** Hooks the cron handler and generate-on-upload. */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'process' ) );
		add_action( 'add_attachment', array( __CLASS__, 'on_upload' ) );
	}

	/**
	 * The job state.
	 *
	 * batch: the batch in progress, {ids[], key}: its Idempotency-Key is the same on every retry of
	 * those ids (a retry after a lost answer is replayed by the API, not charged again), and goes
	 * when the batch is done.
	 *
	 * @return array {state, pending[], total, done, skipped, failed, errors{}, message, retries, batch{}, updated}
	 */
	public static function status() {
		$job = get_option( self::OPTION, array() );
		$job = is_array( $job ) ? $job : array();
		return array_merge(
			array(
				'state'   => 'idle',
				'pending' => array(),
				'total'   => 0,
				'done'    => 0,
				'skipped' => 0,
				'failed'  => 0,
				'errors'  => array(),
				'message' => '',
				'retries' => 0,
				'batch'   => array(),
				'updated' => 0,
			),
			$job
		);
	}

	/**
	 * Public view of the job (no id lists).
	 *
	 * @return array
	 */
	public static function summary() {
		$job = self::status();
		return array(
			'state'     => $job['state'],
			'total'     => (int) $job['total'],
			'done'      => (int) $job['done'],
			'skipped'   => (int) $job['skipped'],
			'failed'    => (int) $job['failed'],
			'remaining' => count( $job['pending'] ),
			'message'   => (string) $job['message'],
		);
	}

	/**
	 * Saves the job.
	 *
	 * @param array $job Job.
	 */
	private static function save( array $job ) {
		$job['updated'] = time();
		update_option( self::OPTION, $job, false );
	}

	/**
	 * Adds attachments to the queue and schedules processing.
	 *
	 * @param int[] $ids Attachment ids.
	 * @return array Summary.
	 */
	public static function enqueue( array $ids ) {
		$job = self::status();
		if ( in_array( $job['state'], array( 'idle', 'done', 'cancelled' ), true ) ) {
			$job = array_merge( $job, array( 'pending' => array(), 'total' => 0, 'done' => 0, 'skipped' => 0, 'failed' => 0, 'errors' => array() ) );
		}
		$ids             = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		$new             = array_values( array_diff( $ids, $job['pending'] ) );
		$job['pending']  = array_merge( $job['pending'], $new );
		$job['total']   += count( $new );
		$job['state']    = 'running';
		$job['message']  = '';
		$job['retries']  = 0;
		self::save( $job );
		self::schedule( 0 );
		return self::summary();
	}

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
						array( 'key' => Generator::ALT_META, 'compare' => 'NOT EXISTS' ),
						array( 'key' => Generator::ALT_META, 'value' => '' ),
					),
					array( 'key' => Generator::DECORATIVE_META, 'compare' => 'NOT EXISTS' ),
				),
			)
		);
		return array_map( 'intval', $query->posts );
	}

	/**
	 * Stops the job; what is done stays done.
	 *
	 * @return array Summary.
	 */
	public static function cancel() {
		$job            = self::status();
		$job['pending'] = array();
		$job['batch']   = array();
		$job['state']   = 'cancelled';
		self::save( $job );
		wp_clear_scheduled_hook( self::HOOK );
		return self::summary();
	}

	/**
	 * Resumes a paused job.
	 *
	 * @return array Summary.
	 */
	public static function resume() {
		$job = self::status();
		if ( 'paused' === $job['state'] && $job['pending'] ) {
			$job['state']   = 'running';
			$job['message'] = '';
			$job['retries'] = 0;
			self::save( $job );
			self::schedule( 0 );
		}
		return self::summary();
	}

	/**
	 * Schedules the next slice.
	 *
	 * @param int $delay Seconds from now.
	 */
	private static function schedule( $delay ) {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_single_event( time() + $delay, self::HOOK );
		}
	}

	/**
	 * Generate on upload: queue the new image instead of describing it during the upload request.
	 *
	 * @param int $attachment_id New attachment.
	 */
	public static function on_upload( $attachment_id ) {
		if ( ! Settings::get( 'on_upload' ) || '' === Settings::api_key() ) {
			return;
		}
		if ( ! wp_attachment_is_image( $attachment_id ) ) {
			return;
		}
		self::enqueue( array( $attachment_id ) );
	}

	/**
	 * One cron slice: describes queued images in batches until the time budget is spent, saving
	 * progress after every batch so an interrupted run loses at most one batch of work.
	 */
	public static function process() {
		// add_option is atomic: only one slice runs at a time; a stale lock expires after 5 minutes.
		$lock = get_option( self::LOCK );
		if ( $lock && (int) $lock > time() - 300 ) {
			return;
		}
		delete_option( self::LOCK );
		if ( ! add_option( self::LOCK, time(), '', false ) ) {
			return;
		}
		try {
			self::run_slice( time() + self::BUDGET );
		} finally {
			delete_option( self::LOCK );
		}
	}

	/**
	 * Processes batches until the deadline.
	 *
	 * @param int $deadline Unix time.
	 */
	private static function run_slice( $deadline ) {
		$client = Settings::client();
		while ( time() < $deadline ) {
			$job = self::status();
			if ( 'running' !== $job['state'] ) {
				return;
			}
			if ( ! $job['pending'] ) {
				$job['state'] = 'done';
				self::save( $job );
				return;
			}
			$chunk = array_slice( $job['pending'], 0, self::CHUNK );
			$batch = is_array( $job['batch'] ) ? $job['batch'] : array();
			if ( empty( $batch['key'] ) || ! isset( $batch['ids'] ) || array_map( 'intval', (array) $batch['ids'] ) !== $chunk ) {
				// A new batch: its key is stored before the request, so every retry sends it again.
				$job['batch'] = array(
					'ids' => $chunk,
					'key' => wp_generate_uuid4(),
				);
				self::save( $job );
			}
			$outcome = self::process_chunk( $client, $chunk, false, (string) $job['batch']['key'] );
			$job     = self::status();
			if ( is_wp_error( $outcome ) ) {
				self::handle_failure( $job, $outcome );
				return;
			}
			$job['pending'] = array_values( array_diff( $job['pending'], $chunk ) );
			$job['done']   += $outcome['done'];
			$job['skipped'] += $outcome['skipped'];
			$job['failed'] += count( $outcome['errors'] );
			$job['errors']  = array_slice( $outcome['errors'] + $job['errors'], 0, 20, true );
			$job['retries'] = 0;
			$job['batch']   = array();
			self::save( $job );
		}
		self::schedule( 0 );
	}

	/**
	 * A whole-batch failure: no credits or no key pause the job; a rate limit or an outage retries
	 * later with backoff, pausing after five tries.
	 *
	 * @param array     $job   Job.
	 * @param \WP_Error $error Error.
	 */
	private static function handle_failure( array $job, $error ) {
		$code           = $error->get_error_code();
		$job['message'] = $error->get_error_message();
		$data           = $error->get_error_data();
		$transient      = in_array( $code, array( 'alttextapi_rate_limited', 'alttextapi_unavailable', 'alttextapi_unreachable' ), true );
		if ( ! empty( $data['idempotency_key_refused'] ) && $job['retries'] < 5 ) {
			// The API refused the batch's key (the batch changed since it was first sent, e.g. an
			// image got alt text meanwhile): the request is a new one, so it gets a new key. A fresh
			// key is never refused this way, and retries still count, so this cannot loop.
			$job['batch']   = array();
			$job['retries'] = $job['retries'] + 1;
			self::save( $job );
			self::schedule( 0 );
			return;
		}
		if ( $transient && $job['retries'] < 5 ) {
			$wait           = 'alttextapi_rate_limited' === $code && isset( $data['retry_after'] ) ? (int) $data['retry_after'] : 30 * ( 2 ** $job['retries'] );
			$job['retries'] = $job['retries'] + 1;
			self::save( $job );
			self::schedule( $wait );
			return;
		}
		$job['state'] = 'paused';
		self::save( $job );
	}

	/**
	 * Describes up to CHUNK images in one batch request.
	 *
	 * @param Api_Client $client Client.
	 * @param int[]      $ids          Attachment ids.
	 * @param bool       $missing_only Only images without alt, whatever the policy.
	 * @param string     $idempotency_key The batch's Idempotency-Key (same on its retries); empty for a fresh one.
	 * @return array|\WP_Error {done, skipped, errors{id: message}}
	 */
	public static function process_chunk( Api_Client $client, array $ids, $missing_only = false, $idempotency_key = '' ) {
		$items   = array();
		$targets = array();
		$skipped = 0;
		$errors  = array();
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
			$result = $client->batch( $body, $idempotency_key );
			if ( is_wp_error( $result ) ) {
				return $result;
			}
			foreach ( $targets as $i => $id ) {
				$row = isset( $result['results'][ $i ] ) ? $result['results'][ $i ] : null;
				if ( is_array( $row ) && isset( $row['altText'] ) && '' !== Generator::clean( $row['altText'] ) ) {
					// Someone may have written alt text while the request ran: keep theirs.
					if ( '' === Generator::skip_reason( $id, $missing_only ) ) {
						Generator::write_alt( $id, Generator::clean( $row['altText'] ) );
						++$done;
					} else {
						++$skipped;
					}
				} else {
					$errors[ $id ] = is_array( $row ) && isset( $row['error']['message'] ) ? wp_strip_all_tags( (string) $row['error']['message'] ) : __( 'No alt text came back for this image.', 'alttextapi' );
				}
			}
		}
		return array(
			'done'    => $done,
			'skipped' => $skipped,
			'errors'  => $errors,
		);
	}
}
