<?php
/**
 * The background job's state, kept in one option: which attachments are pending, the counts, the
 * batch in progress with its Idempotency-Key, and the retry policy after a failed batch. Nothing
 * here schedules or calls the API: Queue drives it, Batch does the work.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** The job state and its transitions (idle → running ⇄ paused → done / cancelled). */
final class Job {
	const OPTION = 'alttextapi_job';
	/** Tries of a failing batch before the job pauses. */
	const MAX_RETRIES = 5;

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
	 * Adds attachments to the job and sets it running. A finished or cancelled job starts over
	 * with fresh counts; a running or paused one keeps its counts and gains the new ids.
	 *
	 * @param int[] $ids Attachment ids.
	 */
	public static function add( array $ids ) {
		$job = self::status();
		if ( in_array( $job['state'], array( 'idle', 'done', 'cancelled' ), true ) ) {
			$job = array_merge(
				$job,
				array(
					'pending' => array(),
					'total'   => 0,
					'done'    => 0,
					'skipped' => 0,
					'failed'  => 0,
					'errors'  => array(),
				)
			);
		}
		$ids            = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		$new            = array_values( array_diff( $ids, $job['pending'] ) );
		$job['pending'] = array_merge( $job['pending'], $new );
		$job['total']  += count( $new );
		$job['state']   = 'running';
		$job['message'] = '';
		$job['retries'] = 0;
		self::save( $job );
	}

	/** Cancels the job: pending ids and the batch key go; what is done stays done. */
	public static function cancel() {
		$job            = self::status();
		$job['pending'] = array();
		$job['batch']   = array();
		$job['state']   = 'cancelled';
		self::save( $job );
	}

	/**
	 * Sets a paused job with pending work running again.
	 *
	 * @return bool Whether it was resumed (so the caller schedules it).
	 */
	public static function resume() {
		$job = self::status();
		if ( 'paused' !== $job['state'] || ! $job['pending'] ) {
			return false;
		}
		$job['state']   = 'running';
		$job['message'] = '';
		$job['retries'] = 0;
		self::save( $job );
		return true;
	}

	/**
	 * The next batch to describe, with its Idempotency-Key, or null when there is nothing to do (a
	 * running job with no pending ids becomes done). The key is stored before the request, so every
	 * retry of the same ids sends it again; it is replaced when the first $size pending ids change.
	 *
	 * @param int $size Images per batch.
	 * @return array|null {ids: int[], key: string}
	 */
	public static function next_batch( $size ) {
		$job = self::status();
		if ( 'running' !== $job['state'] ) {
			return null;
		}
		if ( ! $job['pending'] ) {
			$job['state'] = 'done';
			self::save( $job );
			return null;
		}
		$ids   = array_slice( $job['pending'], 0, $size );
		$batch = is_array( $job['batch'] ) ? $job['batch'] : array();
		if ( empty( $batch['key'] ) || ! isset( $batch['ids'] ) || array_map( 'intval', (array) $batch['ids'] ) !== $ids ) {
			$job['batch'] = array(
				'ids' => $ids,
				'key' => wp_generate_uuid4(),
			);
			self::save( $job );
		}
		return array(
			'ids' => $ids,
			'key' => (string) $job['batch']['key'],
		);
	}

	/**
	 * Records a finished batch: its ids leave the pending list and its key is dropped.
	 *
	 * @param int[] $ids     The batch's ids.
	 * @param array $outcome {done, skipped, errors{id: message}} from Batch::describe.
	 */
	public static function complete_batch( array $ids, array $outcome ) {
		$job             = self::status();
		$job['pending']  = array_values( array_diff( $job['pending'], $ids ) );
		$job['done']    += $outcome['done'];
		$job['skipped'] += $outcome['skipped'];
		$job['failed']  += count( $outcome['errors'] );
		$job['errors']   = array_slice( $outcome['errors'] + $job['errors'], 0, 20, true );
		$job['retries']  = 0;
		$job['batch']    = array();
		self::save( $job );
	}

	/**
	 * Records a whole-batch failure: no credits or no key pause the job; a rate limit or an outage
	 * is retried later with backoff (Retry-After honoured), pausing after MAX_RETRIES tries.
	 *
	 * @param \WP_Error $error Error.
	 * @return int|null Seconds until the next try, or null when the job paused.
	 */
	public static function fail_batch( $error ) {
		$job            = self::status();
		$code           = $error->get_error_code();
		$job['message'] = $error->get_error_message();
		$data           = $error->get_error_data();
		// A fatal code of the contract (no key, no credits, no model…) pauses at once; a rate limit,
		// an outage or an unreachable API is retried a few times first.
		$transient = empty( $data['fatal'] ) && in_array( $code, array( 'alttextapi_rate_limited', 'alttextapi_unavailable', 'alttextapi_unreachable' ), true );
		if ( ! empty( $data['idempotency_key_refused'] ) && $job['retries'] < self::MAX_RETRIES ) {
			// The API refused the batch's key (the batch changed since it was first sent, e.g. an
			// image got alt text meanwhile): the request is a new one, so it gets a new key. A fresh
			// key is never refused this way, and retries still count, so this cannot loop.
			$job['batch']   = array();
			$job['retries'] = $job['retries'] + 1;
			self::save( $job );
			return 0;
		}
		if ( $transient && $job['retries'] < self::MAX_RETRIES ) {
			$wait           = 'alttextapi_rate_limited' === $code && isset( $data['retry_after'] ) ? (int) $data['retry_after'] : 30 * ( 2 ** $job['retries'] );
			$job['retries'] = $job['retries'] + 1;
			self::save( $job );
			return $wait;
		}
		$job['state'] = 'paused';
		self::save( $job );
		return null;
	}
}
