<?php
/**
 * The background job's state, kept in one option: which attachments are pending, the counts, and
 * the retry policy after a failed batch. Idempotency-Keys are not kept here but on the
 * attachments (Request_Keys), so a Stop or a restart does not lose them. Nothing here schedules
 * or calls the API: Queue drives it, Batch does the work.
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
	 * The job state. not_before: no batch is sent before this time (the backoff after a rate limit
	 * or an outage).
	 *
	 * @return array {state, pending[], total, done, skipped, failed, errors{}, message, retries, not_before, updated}
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
				'retries'    => 0,
				'not_before' => 0,
				'updated'    => 0,
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
		$ids               = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		$new               = array_values( array_diff( $ids, $job['pending'] ) );
		$job['pending']    = array_merge( $job['pending'], $new );
		$job['total']     += count( $new );
		$job['state']      = 'running';
		$job['message']    = '';
		$job['retries']    = 0;
		$job['not_before'] = 0;
		self::save( $job );
	}

	/**
	 * Cancels the job: pending ids go; what is done stays done. The Idempotency-Keys of a batch in
	 * flight stay on its attachments, so a restart sends that batch with the same key.
	 */
	public static function cancel() {
		$job            = self::status();
		$job['pending'] = array();
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
		$job['state']      = 'running';
		$job['message']    = '';
		$job['retries']    = 0;
		$job['not_before'] = 0;
		self::save( $job );
		return true;
	}

	/**
	 * The ids of the next batch, or null when there is nothing to do now (a running job with no
	 * pending ids becomes done). A batch that was sent and never recorded (its answer lost, its PHP
	 * process killed, the job stopped and started again) is formed again as it was, so it goes
	 * with its stored Idempotency-Key; else the first $size pending ids.
	 *
	 * @param int $size Images per batch.
	 * @return int[]|null
	 */
	public static function next_batch( $size ) {
		$job = self::status();
		if ( 'running' !== $job['state'] || (int) $job['not_before'] > time() ) {
			return null;
		}
		if ( ! $job['pending'] ) {
			$job['state'] = 'done';
			self::save( $job );
			return null;
		}
		$pending = array_map( 'intval', $job['pending'] );
		$open    = Request_Keys::open_batch( $pending[0] );
		if ( $open && count( $open ) <= $size && ! array_diff( $open, $pending ) ) {
			return $open;
		}
		return array_slice( $pending, 0, $size );
	}

	/**
	 * Records a finished batch: its ids leave the pending list, except images the balance could
	 * not pay for: they stay queued, first, and the job pauses until credits are bought.
	 *
	 * @param int[] $ids     The batch's ids.
	 * @param array $outcome {done, skipped, errors{id: message}, unpaid[]} from Batch::describe.
	 */
	public static function complete_batch( array $ids, array $outcome ) {
		$job               = self::status();
		$unpaid            = isset( $outcome['unpaid'] ) ? array_map( 'intval', $outcome['unpaid'] ) : array();
		$rest              = array_values( array_diff( array_map( 'intval', $job['pending'] ), $ids ) );
		$job['pending']    = array_merge( $unpaid, $rest );
		$job['done']      += $outcome['done'];
		$job['skipped']   += $outcome['skipped'];
		$job['failed']    += count( $outcome['errors'] );
		$job['errors']     = array_slice( $outcome['errors'] + $job['errors'], 0, 20, true );
		$job['retries']    = 0;
		$job['not_before'] = 0;
		if ( $unpaid && 'running' === $job['state'] ) {
			$job['state']   = 'paused';
			$job['message'] = Api_Client::map_error( 402, 'insufficient_credits', '' )->get_error_message();
		}
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
			// The API refused the batch's key (it was used for another request): Batch dropped it,
			// so the next try gets a new one. A fresh key is never refused this way, and retries
			// still count, so this cannot loop.
			$job['retries'] = $job['retries'] + 1;
			self::save( $job );
			return 0;
		}
		if ( $transient && $job['retries'] < self::MAX_RETRIES ) {
			$wait              = 'alttextapi_rate_limited' === $code && isset( $data['retry_after'] ) ? (int) $data['retry_after'] : 30 * ( 2 ** $job['retries'] );
			$job['retries']    = $job['retries'] + 1;
			$job['not_before'] = time() + $wait;
			self::save( $job );
			return $wait;
		}
		$job['state'] = 'paused';
		self::save( $job );
		return null;
	}
}
