<?php
/**
 * The review of machine-written alt text: which attachments wait (machine text nobody reviewed),
 * who may review them, and the actions on one attachment (approve, save an edit, regenerate),
 * each refused when the alt text changed since the reviewer's page was loaded, so no edit is
 * lost. Also the REST routes the block editor uses to show provenance and approve. The screen is
 * the Media Library's "Alt text to review" view (`Review_View`).
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** Review of machine-written alt text. */
final class Review {

	/**
	 * The queue of the current request, per user (the menu, the view link and the query all need it).
	 *
	 * @var array<int,int[]>
	 */
	private static $queues = array();

	/** Hooks the REST routes. */
	public static function register() {
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
	 * Attachments waiting for review that the current user may review, newest first.
	 *
	 * @param bool $fresh Read again (after an action changed the queue in this request).
	 * @return int[]
	 */
	public static function queue( $fresh = false ) {
		$user = get_current_user_id();
		if ( $fresh || ! isset( self::$queues[ $user ] ) ) {
			self::$queues[ $user ] = array_values( array_filter( Provenance::to_review(), array( __CLASS__, 'can_review' ) ) );
		}
		return self::$queues[ $user ];
	}

	/**
	 * What a review form carries for the text it showed: a hash, not the text, so a page of rows
	 * fits in the Media Library's GET form (bulk actions) whatever the texts' lengths.
	 *
	 * @param string $alt Alt text as shown.
	 * @return string
	 */
	public static function fingerprint( $alt ) {
		return hash( 'sha256', trim( (string) $alt ) );
	}

	/**
	 * One review action on one attachment, refused when its alt text is no longer what was seen.
	 * The caller has checked `can_review` and the nonce.
	 *
	 * @param string      $action approve | save | regenerate | decorative.
	 * @param int         $id     Attachment id.
	 * @param string|null $seen   Fingerprint of the alt text shown when the page was loaded.
	 * @param string      $alt    The edited alt text (save).
	 * @return true|\WP_Error
	 */
	public static function act( $action, $id, $seen, $alt = '' ) {
		$current = Generator::current_alt( $id );
		if ( null === $seen || ! hash_equals( self::fingerprint( $current ), (string) $seen ) ) {
			return Api_Client::error( 'alttextapi_changed', __( 'This alt text changed since the page was loaded; nothing was changed. Reload to see the current text.', 'alttextapi' ), 409 );
		}
		if ( 'approve' === $action ) {
			return Provenance::approve( $id, $current );
		}
		if ( 'save' === $action ) {
			$alt = trim( sanitize_text_field( (string) $alt ) );
			if ( '' === $alt ) {
				return Api_Client::error( 'alttextapi_empty', __( 'Alt text cannot be empty here; mark the image decorative in the Media Library instead.', 'alttextapi' ), 400 );
			}
			// The stored machine text stays: the difference is what makes this "edited".
			update_post_meta( $id, Generator::ALT_META, wp_slash( $alt ) );
			return true;
		}
		if ( 'decorative' === $action ) {
			// The model's suggestion, accepted by a person: WordPress writes no alt for it (alt="").
			update_post_meta( $id, Generator::DECORATIVE_META, '1' );
			delete_post_meta( $id, Generator::ALT_META );
			return true;
		}
		if ( 'regenerate' === $action ) {
			$result = Generator::generate(
				array(
					'attachment_id' => $id,
					'replace'       => true,
				)
			);
			return is_wp_error( $result ) ? $result : true;
		}
		return Api_Client::error( 'alttextapi_bad_action', __( 'Unknown review action.', 'alttextapi' ), 400 );
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
