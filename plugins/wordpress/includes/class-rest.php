<?php
/**
 * REST routes under alttextapi/v1. The browser talks only to these (cookie + REST nonce); the
 * API key stays in PHP, and answers carry only what the editor needs.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** Route registration and handlers. */
final class Rest {
	const NS = 'alttextapi/v1';

	/** Hooks route registration. */
	public static function register() {
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/** Registers the routes. */
	public static function routes() {
		register_rest_route(
			self::NS,
			'/generate',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( __CLASS__, 'generate' ),
				'permission_callback' => array( __CLASS__, 'can_generate' ),
				'args'                => array(
					'attachmentId' => array( 'type' => 'integer', 'minimum' => 0, 'default' => 0 ),
					'url'          => array( 'type' => 'string', 'format' => 'uri', 'default' => '' ),
					'postId'       => array( 'type' => 'integer', 'minimum' => 0, 'default' => 0 ),
					'context'      => array(
						'type'              => 'string',
						'maxLength'         => Contract::limit( 'maxContextLength' ),
						'default'           => '',
						// Plain text for the model: no markup, no control characters; line breaks stay.
						'sanitize_callback' => static function ( $value ) {
							return preg_replace( '/[\x00-\x08\x0B-\x1F\x7F]/', '', sanitize_textarea_field( (string) $value ) );
						},
					),
					// The editor sends the parts; the server formats them (the contract's format).
					'contextParts' => array(
						'type'                 => 'object',
						'default'              => array(),
						'properties'           => array(
							'title'   => array( 'type' => 'string' ),
							'heading' => array( 'type' => 'string' ),
							'caption' => array( 'type' => 'string' ),
							'text'    => array( 'type' => 'string' ),
						),
						'additionalProperties' => false,
						'validate_callback'    => 'rest_validate_request_arg',
						'sanitize_callback'    => static function ( $value ) {
							return array_map(
								static function ( $part ) {
									return preg_replace( '/[\x00-\x1F\x7F]/', ' ', sanitize_text_field( (string) $part ) );
								},
								(array) $value
							);
						},
					),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/attachments/(?P<id>\d+)/generate',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( __CLASS__, 'generate_attachment' ),
				'permission_callback' => static function ( WP_REST_Request $request ) {
					return current_user_can( 'upload_files' ) && current_user_can( 'edit_post', (int) $request['id'] );
				},
				'args'                => array(
					'id' => array( 'type' => 'integer', 'minimum' => 1, 'required' => true ),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/bulk',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => static function () {
						return rest_ensure_response( Job::summary() );
					},
					'permission_callback' => array( __CLASS__, 'can_bulk' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( __CLASS__, 'bulk_start' ),
					'permission_callback' => array( __CLASS__, 'can_bulk' ),
					'args'                => array(
						'ids'     => array( 'type' => 'array', 'items' => array( 'type' => 'integer' ), 'default' => array() ),
						'missing' => array( 'type' => 'boolean', 'default' => false ),
						'resume'  => array( 'type' => 'boolean', 'default' => false ),
					),
				),
				array(
					'methods'             => WP_REST_Server::DELETABLE,
					'callback'            => static function () {
						return rest_ensure_response( Queue::cancel() );
					},
					'permission_callback' => array( __CLASS__, 'can_bulk' ),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/bulk/estimate',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( __CLASS__, 'bulk_estimate' ),
				'permission_callback' => array( __CLASS__, 'can_bulk' ),
			)
		);
		register_rest_route(
			self::NS,
			'/account',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( __CLASS__, 'account' ),
				'permission_callback' => static function () {
					return current_user_can( 'manage_options' );
				},
			)
		);
	}

	/**
	 * Editing a post needs edit_post on it; describing a loose image needs upload_files. Either
	 * way the user must be allowed to see the image: an attachment named by id, or found behind the
	 * URL, needs read_post (an image attached to someone else's private post is not theirs to
	 * describe, and its description would tell them what it shows).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool
	 */
	public static function can_generate( WP_REST_Request $request ) {
		$post_id       = (int) $request['postId'];
		$attachment_id = (int) $request['attachmentId'];
		if ( ! $attachment_id && '' !== (string) $request['url'] ) {
			// Resolved like Image_Source does, so the image checked is the image sent.
			$attachment_id = Attachment_Url::resolve( (string) $request['url'] );
		}
		if ( $attachment_id && 'attachment' === get_post_type( $attachment_id ) && ! current_user_can( 'read_post', $attachment_id ) ) {
			return false;
		}
		if ( $post_id ) {
			return current_user_can( 'edit_post', $post_id );
		}
		return current_user_can( 'upload_files' );
	}

	/**
	 * Bulk work touches many attachments: editors and up.
	 *
	 * @return bool
	 */
	public static function can_bulk() {
		return current_user_can( 'upload_files' ) && current_user_can( 'edit_others_posts' );
	}

	/**
	 * POST /generate: alt text for an image block. Writes it to the attachment when the attachment
	 * has none and the user may edit the attachment.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function generate( WP_REST_Request $request ) {
		$attachment_id = (int) $request['attachmentId'];
		$url           = (string) $request['url'];
		if ( $attachment_id && 'attachment' !== get_post_type( $attachment_id ) ) {
			$attachment_id = 0;
		}
		if ( ! $attachment_id && '' === $url ) {
			return Api_Client::error( 'alttextapi_no_image', __( 'This block has no image yet.', 'alttextapi' ), 400 );
		}
		$result = Generator::generate(
			array(
				'attachment_id'    => $attachment_id,
				'url'              => $url,
				'post_id'          => (int) $request['postId'],
				'context'          => $request['contextParts'] ? Generator::build_context( $request['contextParts'] ) : (string) $request['context'],
				'write_attachment' => $attachment_id && current_user_can( 'edit_post', $attachment_id ),
				'replace'          => false,
			)
		);
		return is_wp_error( $result ) ? $result : rest_ensure_response( $result );
	}

	/**
	 * POST /attachments/:id/generate: the media library action. Existing alt text is replaced only
	 * when the overwrite policy allows an explicit request to do so.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function generate_attachment( WP_REST_Request $request ) {
		$id = (int) $request['id'];
		if ( 'attachment' !== get_post_type( $id ) ) {
			return Api_Client::error( 'alttextapi_not_found', __( 'No such attachment.', 'alttextapi' ), 404 );
		}
		$replace = 'never' !== Settings::get( 'overwrite' );
		if ( ! $replace && '' !== Generator::current_alt( $id ) ) {
			return Api_Client::error( 'alttextapi_has_alt', __( 'This image already has alt text, and the overwrite policy keeps existing alt text.', 'alttextapi' ), 409 );
		}
		$result = Generator::generate(
			array(
				'attachment_id' => $id,
				'replace'       => $replace,
			)
		);
		return is_wp_error( $result ) ? $result : rest_ensure_response( $result );
	}

	/**
	 * POST /bulk: queue the given attachments, or every image missing alt text, or resume.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function bulk_start( WP_REST_Request $request ) {
		if ( '' === Settings::api_key() ) {
			return Settings::client()->account();
		}
		if ( $request['resume'] ) {
			return rest_ensure_response( Queue::resume() );
		}
		$ids = $request['missing'] ? Batch::missing_ids() : array_filter(
			array_map( 'intval', (array) $request['ids'] ),
			static function ( $id ) {
				return current_user_can( 'edit_post', $id );
			}
		);
		return rest_ensure_response( Queue::enqueue( $ids ) );
	}

	/**
	 * GET /bulk/estimate: what "Describe all images missing alt text" would cost, before it
	 * starts: the images, the credits at the chosen model's price (an upper bound: the API
	 * answers images it described before for free), and the balance (GET /v1/credits).
	 *
	 * @return \WP_REST_Response|\WP_Error {images, creditsPerImage, credits, balance, enough}
	 */
	public static function bulk_estimate() {
		$client = Settings::client();
		$images = count( Batch::missing_ids() );
		$price  = self::price_per_image();
		$read   = $client->credits();
		if ( is_wp_error( $read ) ) {
			return $read;
		}
		$balance = isset( $read['balance'] ) ? (int) $read['balance'] : 0;
		return rest_ensure_response(
			array(
				'images'          => $images,
				'creditsPerImage' => $price,
				'credits'         => $images * $price,
				'balance'         => $balance,
				'enough'          => $balance >= $images * $price,
			)
		);
	}

	/**
	 * Credits one image costs with the chosen model (or the API's default), from GET /v1/models
	 * (the settings page's cached list); 1 when the list cannot be read.
	 *
	 * @return int
	 */
	private static function price_per_image() {
		$chosen = (string) Settings::get( 'model' );
		foreach ( Settings_Page::models() as $model ) {
			if ( is_array( $model ) && isset( $model['credits'] ) && ( '' === $chosen ? ! empty( $model['default'] ) : ( isset( $model['id'] ) && $model['id'] === $chosen ) ) ) {
				return max( 1, (int) $model['credits'] );
			}
		}
		return 1;
	}

	/**
	 * GET /account: tests the key and reads the balance.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function account() {
		$account = Settings::client()->account();
		if ( is_wp_error( $account ) ) {
			return $account;
		}
		return rest_ensure_response( array( 'credits' => isset( $account['credits'] ) ? (int) $account['credits'] : null ) );
	}
}
