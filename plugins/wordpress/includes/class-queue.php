<?php
/**
 * Background work: the job (Job) is processed by WP-Cron in short slices, so no request runs into
 * a timeout and a stopped run resumes where it was. Bulk actions, "process the whole library" and
 * generate-on-upload all feed it. This class owns the scheduling: the cron hook, the lock that
 * lets one slice run at a time, the time budget and the retry delays.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** WP-Cron scheduling of the job. */
final class Queue {
	const LOCK = 'alttextapi_job_lock';
	const HOOK = 'alttextapi_process_queue';
	/** Seconds one cron run may spend before handing over to the next. */
	const BUDGET = 20;
	/**
	 * Seconds after which a slice's lock is taken as stale (its PHP process died): longer than a
	 * slice can live (the budget plus one batch request's 180 s timeout).
	 */
	const LOCK_TTL = 300;

	/** Hooks the cron handler and generate-on-upload. */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'process' ) );
		add_action( 'add_attachment', array( __CLASS__, 'on_upload' ) );
	}

	/**
	 * The lock's lifetime; the filter `alttextapi_lock_ttl` may shorten it on hosts whose PHP
	 * requests cannot run that long (and the tests use it to see a killed slice recovered without
	 * waiting five minutes).
	 *
	 * @return int Seconds.
	 */
	public static function lock_ttl() {
		return max( 1, (int) apply_filters( 'alttextapi_lock_ttl', self::LOCK_TTL ) );
	}

	/**
	 * Adds attachments to the job and schedules processing.
	 *
	 * @param int[] $ids Attachment ids.
	 * @return array Summary.
	 */
	public static function enqueue( array $ids ) {
		Job::add( $ids );
		self::schedule_by( time() );
		return Job::summary();
	}

	/**
	 * Stops the job; what is done stays done. A slice still running finds the job cancelled after
	 * its current batch; the scheduled event stays, so a restart is never left without one.
	 *
	 * @return array Summary.
	 */
	public static function cancel() {
		Job::cancel();
		return Job::summary();
	}

	/**
	 * Resumes a paused job.
	 *
	 * @return array Summary.
	 */
	public static function resume() {
		if ( Job::resume() ) {
			self::schedule_by( time() );
		}
		return Job::summary();
	}

	/**
	 * Makes sure a slice is scheduled at $time or earlier: an event due later (the watchdog) is
	 * moved forward; an earlier one is kept.
	 *
	 * @param int $time Unix time.
	 */
	private static function schedule_by( $time ) {
		$next = wp_next_scheduled( self::HOOK );
		if ( $next && $next <= $time ) {
			return;
		}
		if ( $next ) {
			wp_clear_scheduled_hook( self::HOOK );
		}
		wp_schedule_single_event( $time, self::HOOK );
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
	 *
	 * WP-Cron removes an event before running it, so a PHP process that dies here (killed, out of
	 * memory, a host's time limit) would leave the job with nothing scheduled. Before working, a
	 * watchdog event is scheduled for when the lock goes stale; a slice that ends normally moves it
	 * to when the job should go on. A slice that finds the lock taken reschedules itself likewise,
	 * so an owner's Stop and restart while a slice runs (or just died) is never swallowed.
	 */
	public static function process() {
		$ttl  = self::lock_ttl();
		$lock = (int) get_option( self::LOCK );
		if ( $lock && $lock > time() - $ttl ) {
			// A live slice picks the job up itself when it ends; a dead one's lock expires.
			self::schedule_by( $lock + $ttl + 1 );
			return;
		}
		delete_option( self::LOCK );
		// add_option is atomic: only one slice runs at a time.
		if ( ! add_option( self::LOCK, time(), '', false ) ) {
			self::schedule_by( time() + $ttl + 1 );
			return;
		}
		self::schedule_by( time() + $ttl + 1 );
		try {
			self::run_slice( time() + self::BUDGET );
		} finally {
			delete_option( self::LOCK );
			wp_clear_scheduled_hook( self::HOOK );
			// Read after clearing: a Resume or a new job that came meanwhile scheduled its own event.
			$job = Job::status();
			if ( 'running' === $job['state'] ) {
				self::schedule_by( max( time(), (int) $job['not_before'] ) );
			}
		}
	}

	/**
	 * Processes batches until the deadline or until the job has nothing to do now.
	 *
	 * @param int $deadline Unix time.
	 */
	private static function run_slice( $deadline ) {
		$client = Settings::client();
		while ( time() < $deadline ) {
			$ids = Job::next_batch( Batch::SIZE );
			if ( null === $ids ) {
				return;
			}
			$outcome = Batch::describe( $client, $ids );
			if ( is_wp_error( $outcome ) ) {
				Job::fail_batch( $outcome );
				return;
			}
			Job::complete_batch( $ids, $outcome );
		}
	}
}
