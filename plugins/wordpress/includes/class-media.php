<?php
/**
 * Media library: a "Generate alt text" action on each image, a bulk action in the list view that
 * feeds the background queue, a progress notice, and a "Decorative" field on attachments.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Media library integration. */
final class Media {
	const BULK_ACTION = 'alttextapi_generate';

	/** Hooks the media screens. */
	public static function register() {
		add_filter( 'media_row_actions', array( __CLASS__, 'row_action' ), 10, 2 );
		add_filter( 'bulk_actions-upload', array( __CLASS__, 'bulk_actions' ) );
		add_filter( 'handle_bulk_actions-upload', array( __CLASS__, 'handle_bulk' ), 10, 3 );
		add_action( 'admin_post_alttextapi_generate_one', array( __CLASS__, 'generate_one' ) );
		add_action( 'admin_post_alttextapi_bulk', array( __CLASS__, 'bulk_control' ) );
		add_action( 'admin_notices', array( __CLASS__, 'notices' ) );
		add_filter( 'attachment_fields_to_edit', array( __CLASS__, 'fields' ), 10, 2 );
		add_filter( 'attachment_fields_to_save', array( __CLASS__, 'save_fields' ), 10, 2 );
		add_action( 'wp_enqueue_media', array( __CLASS__, 'enqueue' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue_on_library' ) );
	}

	/**
	 * Row action in the list view.
	 *
	 * @param array    $actions Actions.
	 * @param \WP_Post $post    Attachment.
	 * @return array
	 */
	public static function row_action( $actions, $post ) {
		if ( wp_attachment_is_image( $post->ID ) && current_user_can( 'edit_post', $post->ID ) && current_user_can( 'upload_files' ) ) {
			$url                            = wp_nonce_url( admin_url( 'admin-post.php?action=alttextapi_generate_one&id=' . $post->ID ), 'alttextapi_generate_one_' . $post->ID );
			$actions['alttextapi_generate'] = '<a href="' . esc_url( $url ) . '" class="alttextapi-row-generate" data-id="' . esc_attr( $post->ID ) . '">' . esc_html__( 'Generate alt text', 'alttextapi' ) . '</a>';
		}
		return $actions;
	}

	/**
	 * Adds the bulk action.
	 *
	 * @param array $actions Actions.
	 * @return array
	 */
	public static function bulk_actions( $actions ) {
		if ( Rest::can_bulk() ) {
			$actions[ self::BULK_ACTION ] = __( 'Generate alt text', 'alttextapi' );
		}
		return $actions;
	}

	/**
	 * Queues the selected attachments.
	 *
	 * @param string $redirect Redirect URL.
	 * @param string $action   Action.
	 * @param int[]  $ids      Selected ids.
	 * @return string
	 */
	public static function handle_bulk( $redirect, $action, $ids ) {
		if ( self::BULK_ACTION !== $action || ! Rest::can_bulk() ) {
			return $redirect;
		}
		$ids = array_filter(
			array_map( 'intval', (array) $ids ),
			static function ( $id ) {
				return current_user_can( 'edit_post', $id );
			}
		);
		Queue::enqueue( $ids );
		return add_query_arg( 'alttextapi_queued', count( $ids ), $redirect );
	}

	/** admin-post: describe one image now (the no-JavaScript path of the row action). */
	public static function generate_one() {
		$id = isset( $_GET['id'] ) ? absint( $_GET['id'] ) : 0;
		check_admin_referer( 'alttextapi_generate_one_' . $id );
		if ( ! current_user_can( 'upload_files' ) || ! current_user_can( 'edit_post', $id ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), 403 );
		}
		$request = new \WP_REST_Request( 'POST', '/' . Rest::NS . '/attachments/' . $id . '/generate' );
		$request->set_param( 'id', $id );
		$result = Rest::generate_attachment( $request );
		$notice = is_wp_error( $result )
			? array( 'error', $result->get_error_message() )
			/* translators: %s: the alt text */
			: array( 'success', sprintf( __( 'Alt text written: "%s"', 'alttextapi' ), $result->get_data()['altText'] ) );
		set_transient( 'alttextapi_notice_' . get_current_user_id(), $notice, 60 );
		wp_safe_redirect( wp_get_referer() ? wp_get_referer() : admin_url( 'upload.php?mode=list' ) );
		exit;
	}

	/** admin-post: start "all images missing alt", resume or cancel the background job. */
	public static function bulk_control() {
		check_admin_referer( 'alttextapi_bulk' );
		if ( ! Rest::can_bulk() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), 403 );
		}
		$do = isset( $_POST['do'] ) ? sanitize_key( $_POST['do'] ) : '';
		if ( 'missing' === $do ) {
			Queue::enqueue( Batch::missing_ids() );
		} elseif ( 'resume' === $do ) {
			Queue::resume();
		} elseif ( 'cancel' === $do ) {
			Queue::cancel();
		}
		wp_safe_redirect( admin_url( 'upload.php?mode=list' ) );
		exit;
	}

	/** Notices on the media library: last action's result and the background job's progress. */
	public static function notices() {
		$screen = get_current_screen();
		if ( ! $screen || 'upload' !== $screen->id || ! current_user_can( 'upload_files' ) ) {
			return;
		}
		$notice = get_transient( 'alttextapi_notice_' . get_current_user_id() );
		if ( is_array( $notice ) ) {
			delete_transient( 'alttextapi_notice_' . get_current_user_id() );
			printf( '<div class="notice notice-%1$s is-dismissible"><p>%2$s</p></div>', esc_attr( $notice[0] ), esc_html( $notice[1] ) );
		}
		if ( ! Rest::can_bulk() ) {
			return;
		}
		$job = Job::summary();
		echo '<div class="notice notice-info" id="alttextapi-job"><p>';
		if ( 'idle' === $job['state'] ) {
			esc_html_e( 'AltText API: describe every image in the library that has no alt text, in the background.', 'alttextapi' );
		} else {
			printf(
				/* translators: 1: state, 2: done, 3: total, 4: skipped, 5: failed */
				esc_html__( 'AltText API job %1$s: %2$d of %3$d described, %4$d skipped, %5$d failed.', 'alttextapi' ),
				'<strong class="alttextapi-job-state">' . esc_html( $job['state'] ) . '</strong>',
				(int) $job['done'],
				(int) $job['total'],
				(int) $job['skipped'],
				(int) $job['failed']
			);
			if ( '' !== $job['message'] ) {
				echo ' ' . esc_html( $job['message'] );
			}
		}
		echo '</p><form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="margin-bottom:8px">';
		echo '<input type="hidden" name="action" value="alttextapi_bulk" />';
		wp_nonce_field( 'alttextapi_bulk' );
		if ( 'running' === $job['state'] ) {
			echo '<button class="button" name="do" value="cancel">' . esc_html__( 'Stop', 'alttextapi' ) . '</button>';
		} elseif ( 'paused' === $job['state'] ) {
			echo '<button class="button button-primary" name="do" value="resume">' . esc_html__( 'Resume', 'alttextapi' ) . '</button> ';
			echo '<button class="button" name="do" value="cancel">' . esc_html__( 'Stop', 'alttextapi' ) . '</button>';
		} else {
			// Filled by build/media.js from GET bulk/estimate: images, credits needed, balance.
			echo '<p class="alttextapi-estimate" aria-live="polite"></p>';
			echo '<button class="button" name="do" value="missing">' . esc_html__( 'Describe all images missing alt text', 'alttextapi' ) . '</button>';
		}
		echo '</form></div>';
	}

	/**
	 * "Decorative" checkbox and a generate button in the attachment details.
	 *
	 * @param array    $fields Fields.
	 * @param \WP_Post $post   Attachment.
	 * @return array
	 */
	public static function fields( $fields, $post ) {
		if ( ! wp_attachment_is_image( $post->ID ) ) {
			return $fields;
		}
		$name                            = 'attachments[' . $post->ID . '][alttextapi_decorative]';
		$fields['alttextapi_decorative'] = array(
			'label' => __( 'Decorative', 'alttextapi' ),
			'input' => 'html',
			'html'  => '<input type="hidden" name="' . esc_attr( $name ) . '" value="0" /><label><input type="checkbox" name="' . esc_attr( $name ) . '" value="1" ' . checked( Generator::is_decorative( $post->ID ), true, false ) . ' /> '
				. esc_html__( 'No alt text: AltText API leaves this image alone', 'alttextapi' ) . '</label>',
		);
		if ( current_user_can( 'upload_files' ) && current_user_can( 'edit_post', $post->ID ) ) {
			$fields['alttextapi_generate'] = array(
				'label' => __( 'AltText API', 'alttextapi' ),
				'input' => 'html',
				'html'  => '<button type="button" class="button alttextapi-generate-attachment" data-id="' . esc_attr( $post->ID ) . '">' . esc_html__( 'Generate alt text', 'alttextapi' ) . '</button><span class="alttextapi-status" role="status"></span>',
			);
		}
		return $fields;
	}

	/**
	 * Saves the decorative flag.
	 *
	 * @param array $post       Post data.
	 * @param array $attachment Submitted fields.
	 * @return array
	 */
	public static function save_fields( $post, $attachment ) {
		if ( isset( $attachment['alttextapi_decorative'] ) ) {
			if ( '1' === (string) $attachment['alttextapi_decorative'] ) {
				update_post_meta( $post['ID'], Generator::DECORATIVE_META, '1' );
			} else {
				delete_post_meta( $post['ID'], Generator::DECORATIVE_META );
			}
		}
		return $post;
	}

	/** Enqueues build/media.js wherever the media modal is used. */
	public static function enqueue() {
		$asset_file = ALTTEXTAPI_DIR . 'build/media.asset.php';
		if ( ! file_exists( $asset_file ) || wp_script_is( 'alttextapi-media' ) ) {
			return;
		}
		$asset = require $asset_file;
		$deps  = $asset['dependencies'];
		// Where the media views load, after them: the grid's filter menu gets the review view.
		if ( wp_script_is( 'media-views', 'enqueued' ) || wp_script_is( 'media-editor', 'enqueued' ) ) {
			$deps[] = 'media-views';
		}
		wp_enqueue_script( 'alttextapi-media', plugins_url( 'build/media.js', ALTTEXTAPI_FILE ), $deps, $asset['version'], true );
		wp_set_script_translations( 'alttextapi-media', 'alttextapi', ALTTEXTAPI_DIR . 'languages' );
	}

	/**
	 * Also on the list view and the attachment edit screen.
	 *
	 * @param string $hook Admin page.
	 */
	public static function enqueue_on_library( $hook ) {
		if ( 'upload.php' === $hook || 'post.php' === $hook ) {
			self::enqueue();
		}
	}
}
