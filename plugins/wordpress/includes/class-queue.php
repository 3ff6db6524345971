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
	/** Seconds after which a slice's lock is taken as stale (the slice died). */
	const LOCK_TTL = 300;

	/** Hooks the cron handler and generate-on-upload. */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'process' ) );
		add_action( 'add_attachment', array( __CLASS__, 'on_upload' ) );
	}

	/**
	 * Adds attachments to the job and schedules processing.
	 *
	 * @param int[] $ids Attachment ids.
	 * @return array Summary.
	 */
	public static function enqueue( array $ids ) {
		Job::add( $ids );
		self::schedule( 0 );
		return Job::summary();
	}

	/**
	 * Stops the job and its scheduled slices; what is done stays done.
	 *
	 * @return array Summary.
	 */
	public static function cancel() {
		Job::cancel();
		wp_clear_scheduled_hook( self::HOOK );
		return Job::summary();
	}

	/**
	 * Resumes a paused job.
	 *
	 * @return array Summary.
	 */
	public static function resume() {
		if ( Job::resume() ) {
			self::schedule( 0 );
		}
		return Job::summary();
	}

	/**
	 * Schedules the next slice, unless one is scheduled already.
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
		// add_option is atomic: only one slice runs at a time; a stale lock expires.
		$lock = get_option( self::LOCK );
		if ( $lock && (int) $lock > time() - self::LOCK_TTL ) {
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
	 * Processes batches until the deadline, then hands over to the next slice.
	 *
	 * @param int $deadline Unix time.
	 */
	private static function run_slice( $deadline ) {
		$client = Settings::client();
		while ( time() < $deadline ) {
			$batch = Job::next_batch( Batch::SIZE );
			if ( null === $batch ) {
				return;
			}
			$outcome = Batch::describe( $client, $batch['ids'], false, $batch['key'] );
			if ( is_wp_error( $outcome ) ) {
				$wait = Job::fail_batch( $outcome );
				if ( null !== $wait ) {
					self::schedule( $wait );
				}
				return;
			}
			Job::complete_batch( $batch['ids'], $outcome );
		}
		self::schedule( 0 );
	}
}
