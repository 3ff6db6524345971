<?php
/**
 * The Media Library's "Alt text to review" view: the list view filtered to machine-written alt
 * text nobody reviewed (`upload.php?mode=list&attachment-filter=alttextapi_review`), reached from
 * Media → "Alt text to review" (with the number waiting as a count bubble) and from the library's
 * filters. Each row has the image (the title column's thumbnail), its alt text in a field to edit,
 * and Approve, Save edit and Regenerate buttons; the bulk action "Approve alt text" approves the
 * selected rows; when the model judged an image decorative, the row suggests it (a "Mark
 * decorative" button), never applies it. The "Alt text" column also shows, in every view, who wrote each alt text
 * (machine, edited, human, approved) and what the lint rules find in it (Alt_Lint).
 *
 * The row buttons post the library's own form (its `bulk-media` nonce) to this view; the bulk
 * action goes through WordPress's bulk handling, which checks the same nonce. Every action checks
 * the user may edit each attachment (a refused one: 403, nothing changed) and compares the text
 * the page showed with the stored text (a difference is refused with a message, never lost).
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** The review view of the Media Library. */
final class Review_View {
	/** The `attachment-filter` value of the view. */
	const FILTER = 'alttextapi_review';
	/** The bulk action. */
	const BULK = 'alttextapi_approve';
	/** The list table column. */
	const COLUMN = 'alttextapi_alt';
	/** The view's own form (id and nonce action) for the rows' buttons. */
	const FORM = 'alttextapi-review';

	/** Hooks the menu, the view, its query, the column, the bulk action and the row buttons. */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_filter( 'submenu_file', array( __CLASS__, 'submenu_file' ) );
		add_filter( 'views_upload', array( __CLASS__, 'library_view' ) );
		add_action( 'pre_get_posts', array( __CLASS__, 'filter_query' ) );
		add_filter( 'manage_media_columns', array( __CLASS__, 'columns' ) );
		add_action( 'manage_media_custom_column', array( __CLASS__, 'column' ), 10, 2 );
		add_filter( 'bulk_actions-upload', array( __CLASS__, 'bulk_actions' ) );
		add_filter( 'handle_bulk_actions-upload', array( __CLASS__, 'bulk_approve' ), 10, 3 );
		add_action( 'load-upload.php', array( __CLASS__, 'handle_row' ) );
		add_action( 'admin_notices', array( __CLASS__, 'form' ) );
		add_filter( 'removable_query_args', array( __CLASS__, 'removable_args' ) );
		add_filter( 'ajax_query_attachments_args', array( __CLASS__, 'filter_grid' ) );
	}

	/**
	 * The grid view's "Alt text to review" filter (build/media.js adds it to the grid's filter
	 * menu; WordPress drops unknown query keys before this filter, so it is read from the request).
	 *
	 * @param array $query Attachment query of the grid.
	 * @return array
	 */
	public static function filter_grid( $query ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- a read-only list; WordPress checked upload_files.
		if ( isset( $_POST['query']['alttextapi_review'] ) && current_user_can( 'upload_files' ) ) {
			$ids               = Review::queue();
			$query['post__in'] = $ids ? $ids : array( 0 );
		}
		return $query;
	}

	/**
	 * The view's address.
	 *
	 * @return string
	 */
	public static function url() {
		return admin_url( 'upload.php?mode=list&attachment-filter=' . self::FILTER );
	}

	/**
	 * Whether the current request shows the view.
	 *
	 * @return bool
	 */
	public static function active() {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a filter of a read-only list.
		return isset( $_GET['attachment-filter'] ) && self::FILTER === $_GET['attachment-filter'];
	}

	/** Media → "Alt text to review", with the number waiting as a count bubble. */
	public static function menu() {
		if ( ! current_user_can( 'upload_files' ) ) {
			return;
		}
		$count = count( Review::queue() );
		$label = __( 'Alt text to review', 'alttextapi' );
		if ( $count > 0 ) {
			$label .= sprintf(
				' <span class="awaiting-mod count-%1$d"><span class="pending-count" aria-hidden="true">%1$d</span><span class="screen-reader-text">%2$s</span></span>',
				$count,
				/* translators: %d: number of images */
				esc_html( sprintf( _n( '%d image to review', '%d images to review', $count, 'alttextapi' ), $count ) )
			);
		}
		// A slug that is an admin URL makes the item a plain link to the filtered library.
		add_media_page( __( 'Alt text to review', 'alttextapi' ), $label, 'upload_files', 'upload.php?mode=list&attachment-filter=' . self::FILTER );
	}

	/**
	 * Marks the menu item current on the view (WordPress would mark "Library").
	 *
	 * @param string|null $file Current submenu file.
	 * @return string|null
	 */
	public static function submenu_file( $file ) {
		return self::active() ? 'upload.php?mode=list&attachment-filter=' . self::FILTER : $file;
	}

	/**
	 * The view's link among the library's filters (works without JavaScript).
	 *
	 * @param array $views Views.
	 * @return array
	 */
	public static function library_view( $views ) {
		$current                    = self::active() ? ' class="current" aria-current="page"' : '';
		$views['alttextapi_review'] = sprintf(
			'<a href="%1$s"%2$s>%3$s <span class="count">(%4$d)</span></a>',
			esc_url( self::url() ),
			$current,
			esc_html__( 'Alt text to review', 'alttextapi' ),
			count( Review::queue() )
		);
		return $views;
	}

	/**
	 * Limits the list view's query to the queue.
	 *
	 * @param \WP_Query $query Query.
	 */
	public static function filter_query( $query ) {
		global $pagenow;
		if ( ! is_admin() || ! $query->is_main_query() || 'upload.php' !== $pagenow || ! self::active() ) {
			return;
		}
		$ids = Review::queue();
		$query->set( 'post__in', $ids ? $ids : array( 0 ) );
	}

	/**
	 * Adds the "Alt text" column after the title.
	 *
	 * @param array $columns Columns.
	 * @return array
	 */
	public static function columns( $columns ) {
		$out = array();
		foreach ( $columns as $key => $label ) {
			$out[ $key ] = $label;
			if ( 'title' === $key ) {
				$out[ self::COLUMN ] = __( 'Alt text', 'alttextapi' );
			}
		}
		if ( ! isset( $out[ self::COLUMN ] ) ) {
			$out[ self::COLUMN ] = __( 'Alt text', 'alttextapi' );
		}
		return $out;
	}

	/**
	 * Who wrote an attachment's alt text, in words.
	 *
	 * @param int $id Attachment id.
	 * @return string
	 */
	public static function origin_text( $id ) {
		$p    = Provenance::of( $id );
		$made = trim( $p['model'] . ', ' . $p['language'], ', ' );
		switch ( $p['origin'] ) {
			case 'none':
				return Generator::is_decorative( $id ) ? __( 'Decorative: no alt text.', 'alttextapi' ) : __( 'No alt text.', 'alttextapi' );
			case 'human':
				return __( 'Written by a person.', 'alttextapi' );
			case 'edited':
				return __( 'Edited: a person changed the text AltText API wrote.', 'alttextapi' );
		}
		return $p['reviewed']
			/* translators: 1: model and language, 2: reviewer's name */
			? sprintf( __( 'Written by AltText API (%1$s), approved by %2$s.', 'alttextapi' ), $made, $p['reviewedBy'] )
			/* translators: %s: model and language */
			: sprintf( __( 'Written by AltText API (%s), not reviewed.', 'alttextapi' ), $made );
	}

	/**
	 * The "Alt text" cell: the text and who wrote it; in the review view, the text in a field to
	 * edit and the row's buttons.
	 *
	 * @param string $column Column.
	 * @param int    $id     Attachment id.
	 */
	public static function column( $column, $id ) {
		if ( self::COLUMN !== $column || ! wp_attachment_is_image( $id ) ) {
			return;
		}
		$alt    = Generator::current_alt( $id );
		$origin = Provenance::of( $id )['origin'];
		if ( self::active() && in_array( (int) $id, Review::queue(), true ) ) {
			$title = get_the_title( $id );
			$hash  = Review::fingerprint( $alt );
			// The field, its fingerprint and the buttons belong to the view's own POST form (form=""),
			// not to the library's GET form: the list's filters and bulk actions never carry the texts.
			echo '<label class="screen-reader-text" for="alttextapi-alt-' . esc_attr( $id ) . '">'
				/* translators: %s: image title */
				. esc_html( sprintf( __( 'Alt text of %s', 'alttextapi' ), $title ) ) . '</label>';
			echo '<textarea class="large-text alttextapi-review-alt" rows="2" form="' . esc_attr( self::FORM ) . '" id="alttextapi-alt-' . esc_attr( $id ) . '" name="alttextapi_alt[' . esc_attr( $id ) . ']">' . esc_textarea( $alt ) . '</textarea>';
			echo '<input type="hidden" form="' . esc_attr( self::FORM ) . '" name="alttextapi_seen[' . esc_attr( $id ) . ']" value="' . esc_attr( $hash ) . '" />';
			// The bulk action's copy, in the library's form.
			echo '<input type="hidden" name="alttextapi_seen[' . esc_attr( $id ) . ']" value="' . esc_attr( $hash ) . '" />';
			echo '<p class="alttextapi-origin" data-origin="' . esc_attr( $origin ) . '">' . esc_html( self::origin_text( $id ) ) . '</p>';
			self::problems( $id );
			$buttons    = array(
				'approve'    => __( 'Approve', 'alttextapi' ),
				'save'       => __( 'Save edit', 'alttextapi' ),
				'regenerate' => __( 'Regenerate', 'alttextapi' ),
			);
			$provenance = Provenance::of( $id );
			if ( $provenance['decorative'] ) {
				// A suggestion only: the text stays until a person marks the image decorative.
				echo '<p class="alttextapi-decorative">' . esc_html__( 'AltText API suggests this image is decorative (it carries no information): if so, mark it decorative and it gets no alt text.', 'alttextapi' ) . '</p>';
				$buttons['decorative'] = __( 'Mark decorative', 'alttextapi' );
			}
			echo '<p class="alttextapi-review-actions">';
			foreach ( $buttons as $action => $label ) {
				printf(
					'<button type="submit" class="button%1$s" form="%2$s" name="alttextapi_do" value="%3$s">%4$s<span class="screen-reader-text"> %5$s</span></button> ',
					'approve' === $action ? ' button-primary' : '',
					esc_attr( self::FORM ),
					esc_attr( $action . ':' . $id ),
					esc_html( $label ),
					esc_html( $title )
				);
			}
			echo '</p>';
			return;
		}
		echo '<span class="alttextapi-alt">' . esc_html( $alt ) . '</span>';
		echo '<p class="alttextapi-origin" data-origin="' . esc_attr( $origin ) . '">' . esc_html( self::origin_text( $id ) ) . '</p>';
		self::problems( $id );
	}

	/**
	 * The lint rules' findings on the alt text (Alt_Lint), as a list under it.
	 *
	 * @param int $id Attachment id.
	 */
	private static function problems( $id ) {
		$problems = Alt_Lint::for_attachment( $id );
		if ( ! $problems ) {
			return;
		}
		echo '<ul class="alttextapi-lint">';
		foreach ( $problems as $problem ) {
			echo '<li data-rule="' . esc_attr( $problem['rule'] ) . '"><strong>' . esc_html__( 'Check:', 'alttextapi' ) . '</strong> ' . esc_html( $problem['message'] ) . '</li>';
		}
		echo '</ul>';
	}

	/**
	 * The bulk action, in the view.
	 *
	 * @param array $actions Actions.
	 * @return array
	 */
	public static function bulk_actions( $actions ) {
		if ( self::active() ) {
			$actions[ self::BULK ] = __( 'Approve alt text', 'alttextapi' );
		}
		return $actions;
	}

	/**
	 * The fingerprints of the texts the page showed, from the library's form.
	 *
	 * @return array<int,string>
	 */
	private static function seen() {
		// phpcs:disable WordPress.Security.NonceVerification -- the callers checked bulk-media.
		$raw = array();
		if ( isset( $_POST['alttextapi_seen'] ) && is_array( $_POST['alttextapi_seen'] ) ) {
			$raw = wp_unslash( $_POST['alttextapi_seen'] );
		} elseif ( isset( $_GET['alttextapi_seen'] ) && is_array( $_GET['alttextapi_seen'] ) ) {
			$raw = wp_unslash( $_GET['alttextapi_seen'] );
		}
		// phpcs:enable
		$seen = array();
		foreach ( $raw as $id => $hash ) {
			$seen[ absint( $id ) ] = sanitize_key( (string) $hash );
		}
		return $seen;
	}

	/**
	 * Stops the request with 403 unless the user may review every one of `$ids` (before any change).
	 *
	 * @param int[] $ids Attachment ids.
	 */
	private static function require_reviewable( array $ids ) {
		foreach ( $ids as $id ) {
			if ( ! Review::can_review( $id ) ) {
				wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), '', array( 'response' => 403 ) );
			}
		}
	}

	/**
	 * Sets the notice the library shows after the redirect (Media::notices).
	 *
	 * @param string $type    success | error.
	 * @param string $message Text.
	 */
	private static function notice( $type, $message ) {
		set_transient( 'alttextapi_notice_' . get_current_user_id(), array( $type, $message ), 60 );
	}

	/**
	 * "Approve alt text" on the selected rows. upload.php checked the bulk-media nonce before
	 * calling this filter.
	 *
	 * @param string $redirect Where to go after.
	 * @param string $action   Bulk action.
	 * @param int[]  $ids      Selected attachments.
	 * @return string
	 */
	public static function bulk_approve( $redirect, $action, $ids ) {
		if ( self::BULK !== $action ) {
			return $redirect;
		}
		$ids = array_map( 'intval', (array) $ids );
		self::require_reviewable( $ids );
		$seen    = self::seen();
		$done    = 0;
		$refused = array();
		foreach ( $ids as $id ) {
			$result = Review::act( 'approve', $id, isset( $seen[ $id ] ) ? $seen[ $id ] : null );
			if ( is_wp_error( $result ) ) {
				$refused[] = get_the_title( $id ) . ': ' . $result->get_error_message();
			} else {
				++$done;
			}
		}
		/* translators: %d: number of images */
		$message = sprintf( _n( 'Alt text of %d image approved.', 'Alt text of %d images approved.', $done, 'alttextapi' ), $done );
		self::notice( $refused ? 'error' : 'success', trim( $message . ' ' . implode( ' ', $refused ) ) );
		return $redirect;
	}

	/**
	 * The view's own form, before the list (forms cannot nest): the rows' fields and buttons name
	 * it in their `form` attribute.
	 */
	public static function form() {
		$screen = get_current_screen();
		if ( ! $screen || 'upload' !== $screen->id || ! self::active() || ! current_user_can( 'upload_files' ) ) {
			return;
		}
		echo '<form id="' . esc_attr( self::FORM ) . '" method="post" action="' . esc_url( self::url() ) . '">';
		wp_nonce_field( self::FORM );
		echo '</form>';
	}

	/** A row's Approve, Save edit or Regenerate, posted by the view's form. */
	public static function handle_row() {
		if ( ! isset( $_POST['alttextapi_do'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked next.
			return;
		}
		check_admin_referer( self::FORM );
		$value = sanitize_text_field( wp_unslash( $_POST['alttextapi_do'] ) );
		if ( ! preg_match( '/^(approve|save|regenerate|decorative):(\d+)$/', $value, $match ) ) {
			wp_die( esc_html__( 'Unknown review action.', 'alttextapi' ), '', array( 'response' => 400 ) );
		}
		$action = $match[1];
		$id     = (int) $match[2];
		self::require_reviewable( array( $id ) );
		$alts   = isset( $_POST['alttextapi_alt'] ) && is_array( $_POST['alttextapi_alt'] ) ? wp_unslash( $_POST['alttextapi_alt'] ) : array();
		$seen   = self::seen();
		$result = Review::act( $action, $id, isset( $seen[ $id ] ) ? $seen[ $id ] : null, isset( $alts[ $id ] ) ? (string) $alts[ $id ] : '' );
		if ( is_wp_error( $result ) ) {
			self::notice( 'error', get_the_title( $id ) . ': ' . $result->get_error_message() );
		} else {
			$done = array(
				/* translators: %s: the alt text */
				'approve'    => __( 'Alt text approved: "%s"', 'alttextapi' ),
				/* translators: %s: the alt text */
				'save'       => __( 'Your alt text is saved, and kept as yours: "%s"', 'alttextapi' ),
				/* translators: %s: the alt text */
				'regenerate' => __( 'New alt text written: "%s"', 'alttextapi' ),
				'decorative' => __( 'Marked decorative: the image has no alt text now.', 'alttextapi' ),
			);
			self::notice( 'success', sprintf( $done[ $action ], Generator::current_alt( $id ) ) );
		}
		$back = wp_get_referer();
		wp_safe_redirect( $back ? $back : self::url() );
		exit;
	}

	/**
	 * The bulk form sends the fingerprints in the address; WordPress removes them from the shown URL.
	 *
	 * @param string[] $args Removable query args.
	 * @return string[]
	 */
	public static function removable_args( $args ) {
		$args[] = 'alttextapi_seen';
		return $args;
	}
}
