<?php
/**
 * The review queue: Media → "Alt text to review" lists images whose alt text the machine wrote
 * and nobody reviewed, with the image, its alt text, approve, edit inline, regenerate and bulk
 * approve; the menu shows how many wait; the Media Library's list view links to it. Also the REST
 * routes the block editor uses to show provenance and approve. Every action checks the user may
 * edit the attachment and a nonce; an approval of text that changed since the page was loaded is
 * refused, so no edit is lost.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** Review of machine-written alt text. */
final class Review {
	const SLUG   = 'alttextapi-review';
	const ACTION = 'alttextapi_review';
	/** Rows on the review page at once: approving moves the next ones up. */
	const PAGE_SIZE = 50;

	/** Hooks the screen, its form handler, the Media Library link and the REST routes. */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'handle' ) );
		add_filter( 'views_upload', array( __CLASS__, 'library_view' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/**
	 * Whether the current user may review the attachment (edit it, and upload files).
	 *
	 * @param int $id Attachment id.
	 * @return bool
	 */
	public static function can_review( $id ) {
		return 'attachment' === get_post_type( $id ) && current_user_can( 'upload_files' ) && current_user_can( 'edit_post', $id );
	}

	/**
	 * Attachments waiting for review that the current user may review.
	 *
	 * @return int[]
	 */
	private static function queue() {
		return array_values( array_filter( Provenance::to_review(), array( __CLASS__, 'can_review' ) ) );
	}

	/** Media → "Alt text to review", with the number waiting as a count bubble. */
	public static function menu() {
		if ( ! current_user_can( 'upload_files' ) ) {
			return;
		}
		$count = count( self::queue() );
		$label = __( 'Alt text to review', 'alttextapi' );
		if ( $count > 0 ) {
			$label .= sprintf(
				' <span class="awaiting-mod count-%1$d"><span class="pending-count" aria-hidden="true">%1$d</span><span class="screen-reader-text">%2$s</span></span>',
				$count,
				/* translators: %d: number of images */
				esc_html( sprintf( _n( '%d image to review', '%d images to review', $count, 'alttextapi' ), $count ) )
			);
		}
		add_media_page( __( 'Alt text to review', 'alttextapi' ), $label, 'upload_files', self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * A view link in the Media Library's list view.
	 *
	 * @param array $views Views.
	 * @return array
	 */
	public static function library_view( $views ) {
		$views['alttextapi_review'] = sprintf(
			'<a href="%1$s">%2$s <span class="count">(%3$d)</span></a>',
			esc_url( admin_url( 'upload.php?page=' . self::SLUG ) ),
			esc_html__( 'Alt text to review', 'alttextapi' ),
			count( self::queue() )
		);
		return $views;
	}

	/** The review screen. */
	public static function render() {
		if ( ! current_user_can( 'upload_files' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), 403 );
		}
		$ids = array_slice( self::queue(), 0, self::PAGE_SIZE );
		echo '<div class="wrap"><h1>' . esc_html__( 'Alt text to review', 'alttextapi' ) . '</h1>';
		$notice = get_transient( 'alttextapi_review_notice_' . get_current_user_id() );
		if ( is_array( $notice ) ) {
			delete_transient( 'alttextapi_review_notice_' . get_current_user_id() );
			printf( '<div class="notice notice-%1$s" role="status"><p>%2$s</p></div>', esc_attr( $notice[0] ), esc_html( $notice[1] ) );
		}
		echo '<p>' . esc_html__( 'Alt text written by AltText API that nobody has reviewed yet. Approve it, correct it (your text is then kept as yours and never replaced), or ask for a new description.', 'alttextapi' ) . '</p>';
		if ( ! $ids ) {
			echo '<p class="alttextapi-review-empty">' . esc_html__( 'Nothing to review.', 'alttextapi' ) . '</p></div>';
			return;
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '" />';
		wp_nonce_field( self::ACTION );
		echo '<p><button class="button button-primary" name="do" value="approve_selected">' . esc_html__( 'Approve selected', 'alttextapi' ) . '</button></p>';
		echo '<table class="widefat striped alttextapi-review"><thead><tr>';
		echo '<td class="check-column"><label class="screen-reader-text" for="alttextapi-review-all">' . esc_html__( 'Select all', 'alttextapi' ) . '</label><input type="checkbox" id="alttextapi-review-all" /></td>';
		echo '<th scope="col">' . esc_html__( 'Image', 'alttextapi' ) . '</th><th scope="col">' . esc_html__( 'Alt text', 'alttextapi' ) . '</th><th scope="col">' . esc_html__( 'Written', 'alttextapi' ) . '</th><th scope="col">' . esc_html__( 'Actions', 'alttextapi' ) . '</th></tr></thead><tbody>';
		foreach ( $ids as $id ) {
			$alt        = Generator::current_alt( $id );
			$provenance = Provenance::of( $id );
			$title      = get_the_title( $id );
			echo '<tr data-id="' . esc_attr( $id ) . '">';
			echo '<th scope="row" class="check-column"><label class="screen-reader-text" for="alttextapi-select-' . esc_attr( $id ) . '">'
				/* translators: %s: image title */
				. esc_html( sprintf( __( 'Select %s', 'alttextapi' ), $title ) ) . '</label><input type="checkbox" class="alttextapi-review-select" id="alttextapi-select-' . esc_attr( $id ) . '" name="ids[]" value="' . esc_attr( $id ) . '" /></th>';
			// The thumbnail shows the text under review as its alt, as a reader would get it.
			echo '<td>' . wp_get_attachment_image( $id, array( 96, 96 ), false, array( 'alt' => $alt ) ) . '<br />' . esc_html( $title ) . '</td>';
			echo '<td><label class="screen-reader-text" for="alttextapi-alt-' . esc_attr( $id ) . '">'
				/* translators: %s: image title */
				. esc_html( sprintf( __( 'Alt text of %s', 'alttextapi' ), $title ) ) . '</label><textarea class="large-text" rows="2" id="alttextapi-alt-' . esc_attr( $id ) . '" name="alt[' . esc_attr( $id ) . ']">' . esc_textarea( $alt ) . '</textarea>';
			echo '<input type="hidden" name="seen[' . esc_attr( $id ) . ']" value="' . esc_attr( $alt ) . '" /></td>';
			echo '<td>' . esc_html( trim( $provenance['model'] . ' · ' . $provenance['language'] . ' · ' . ( $provenance['time'] ? wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $provenance['time'] ) : '' ), ' ·' ) ) . '</td>';
			echo '<td><button class="button" name="approve" value="' . esc_attr( $id ) . '">' . esc_html__( 'Approve', 'alttextapi' ) . '</button> ';
			echo '<button class="button" name="save" value="' . esc_attr( $id ) . '">' . esc_html__( 'Save edit', 'alttextapi' ) . '</button> ';
			echo '<button class="button" name="regenerate" value="' . esc_attr( $id ) . '">' . esc_html__( 'Regenerate', 'alttextapi' ) . '</button></td>';
			echo '</tr>';
		}
		echo '</tbody></table></form></div>';
	}

	/** admin-post: approve (one or the selected), save an edit, or regenerate; then back to the queue. */
	public static function handle() {
		check_admin_referer( self::ACTION );
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- verified just above.
		$seen = isset( $_POST['seen'] ) && is_array( $_POST['seen'] ) ? array_map( 'sanitize_text_field', wp_unslash( $_POST['seen'] ) ) : array();
		$alts = isset( $_POST['alt'] ) && is_array( $_POST['alt'] ) ? array_map( 'sanitize_text_field', wp_unslash( $_POST['alt'] ) ) : array();
		if ( isset( $_POST['approve'] ) ) {
			$ids = array( absint( $_POST['approve'] ) );
			$do  = 'approve';
		} elseif ( isset( $_POST['save'] ) ) {
			$ids = array( absint( $_POST['save'] ) );
			$do  = 'save';
		} elseif ( isset( $_POST['regenerate'] ) ) {
			$ids = array( absint( $_POST['regenerate'] ) );
			$do  = 'regenerate';
		} else {
			$ids = isset( $_POST['ids'] ) ? array_map( 'absint', (array) $_POST['ids'] ) : array();
			$do  = 'approve';
		}
		// phpcs:enable
		$done     = 0;
		$messages = array();
		foreach ( $ids as $id ) {
			if ( ! self::can_review( $id ) ) {
				wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), 403 );
			}
			$result = self::act( $do, $id, isset( $seen[ $id ] ) ? $seen[ $id ] : null, isset( $alts[ $id ] ) ? $alts[ $id ] : '' );
			if ( is_wp_error( $result ) ) {
				$messages[] = get_the_title( $id ) . ': ' . $result->get_error_message();
			} else {
				++$done;
			}
		}
		$text = $messages ? implode( ' ', $messages ) : sprintf(
			/* translators: %d: number of images */
			_n( '%d image done.', '%d images done.', $done, 'alttextapi' ),
			$done
		);
		set_transient( 'alttextapi_review_notice_' . get_current_user_id(), array( $messages ? 'error' : 'success', $text ), 60 );
		wp_safe_redirect( admin_url( 'upload.php?page=' . self::SLUG ) );
		exit;
	}

	/**
	 * One review action on one attachment, refused when its alt text is no longer what was seen.
	 *
	 * @param string      $do   approve | save | regenerate.
	 * @param int         $id   Attachment id.
	 * @param string|null $seen The alt text shown when the page was loaded.
	 * @param string      $alt  The edited alt text (save).
	 * @return true|\WP_Error
	 */
	private static function act( $do, $id, $seen, $alt ) {
		if ( null === $seen ) {
			return Api_Client::error( 'alttextapi_changed', __( 'Reload the page and try again.', 'alttextapi' ), 409 );
		}
		if ( 'approve' === $do ) {
			return Provenance::approve( $id, $seen );
		}
		if ( Generator::current_alt( $id ) !== $seen ) {
			return Api_Client::error( 'alttextapi_changed', __( 'This alt text changed since the page was loaded; nothing was changed. Reload to see the current text.', 'alttextapi' ), 409 );
		}
		if ( 'save' === $do ) {
			if ( '' === trim( $alt ) ) {
				return Api_Client::error( 'alttextapi_empty', __( 'Alt text cannot be empty here; mark the image decorative in the Media Library instead.', 'alttextapi' ), 400 );
			}
			// The stored machine text stays: the difference is what makes this "edited".
			update_post_meta( $id, Generator::ALT_META, wp_slash( trim( $alt ) ) );
			return true;
		}
		$result = Generator::generate(
			array(
				'attachment_id' => $id,
				'replace'       => true,
			)
		);
		return is_wp_error( $result ) ? $result : true;
	}

	/** REST: provenance of an attachment, and approval (the block editor's sidebar). */
	public static function routes() {
		$can = static function ( WP_REST_Request $request ) {
			return self::can_review( (int) $request['id'] );
		};
		register_rest_route(
			Rest::NS,
			'/attachments/(?P<id>\d+)/provenance',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => static function ( WP_REST_Request $request ) {
					$id = (int) $request['id'];
					return rest_ensure_response( array( 'altText' => Generator::current_alt( $id ) ) + Provenance::of( $id ) );
				},
				'permission_callback' => $can,
				'args'                => array(
					'id' => array( 'type' => 'integer', 'minimum' => 1, 'required' => true ),
				),
			)
		);
		register_rest_route(
			Rest::NS,
			'/attachments/(?P<id>\d+)/approve',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => static function ( WP_REST_Request $request ) {
					$id     = (int) $request['id'];
					$result = Provenance::approve( $id, (string) $request['altText'] );
					return is_wp_error( $result ) ? $result : rest_ensure_response( array( 'altText' => Generator::current_alt( $id ) ) + Provenance::of( $id ) );
				},
				'permission_callback' => $can,
				'args'                => array(
					'id'      => array( 'type' => 'integer', 'minimum' => 1, 'required' => true ),
					// The text the reviewer saw: approval is refused when the stored text differs.
					'altText' => array( 'type' => 'string', 'required' => true ),
				),
			)
		);
	}
}
