<?php
/**
 * Settings → AltText API: key (masked, never printed back), language, model, generate on upload,
 * overwrite policy; shows the credit balance and tests the key.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** The settings screen. */
final class Settings_Page {
	const SLUG = 'alttextapi';

	/** Hooks the page. */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_init', array( __CLASS__, 'settings' ) );
		add_action( 'admin_post_alttextapi_test_key', array( __CLASS__, 'test_key' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( ALTTEXTAPI_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/** Adds the menu entry. */
	public static function menu() {
		add_options_page( __( 'AltText API', 'alttextapi' ), __( 'AltText API', 'alttextapi' ), 'manage_options', self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * Settings link on the plugins screen.
	 *
	 * @param array $links Links.
	 * @return array
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( admin_url( 'options-general.php?page=' . self::SLUG ) ) . '">' . esc_html__( 'Settings', 'alttextapi' ) . '</a>' );
		return $links;
	}

	/** Registers the two options. */
	public static function settings() {
		register_setting(
			self::SLUG,
			Settings::OPTION,
			array(
				'type'              => 'object',
				'sanitize_callback' => array( Settings::class, 'sanitize' ),
				'default'           => Settings::defaults(),
			)
		);
		register_setting(
			self::SLUG,
			Settings::KEY_OPTION,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( Settings::class, 'sanitize_key_input' ),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Available models, cached for twelve hours.
	 *
	 * @return array
	 */
	public static function models() {
		$models = get_transient( 'alttextapi_models' );
		if ( false === $models ) {
			$models = Settings::client()->models();
			if ( is_wp_error( $models ) ) {
				return array();
			}
			set_transient( 'alttextapi_models', $models, 12 * HOUR_IN_SECONDS );
		}
		return $models;
	}

	/** admin-post handler of "Test the key": checks it now and reports on the settings page. */
	public static function test_key() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'alttextapi' ), 403 );
		}
		check_admin_referer( 'alttextapi_test_key' );
		$account = Settings::client()->account();
		$notice  = is_wp_error( $account )
			? array( 'error', $account->get_error_message() )
			/* translators: %s: number of credits */
			: array( 'success', sprintf( __( 'The key works. Credits left: %s.', 'alttextapi' ), number_format_i18n( (int) $account['credits'] ) ) );
		set_transient( 'alttextapi_notice_' . get_current_user_id(), $notice, 60 );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::SLUG ) );
		exit;
	}

	/** Renders the page. */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$settings = Settings::all();
		$key      = Settings::api_key();
		$source   = Settings::api_key_source();
		$notice   = get_transient( 'alttextapi_notice_' . get_current_user_id() );
		delete_transient( 'alttextapi_notice_' . get_current_user_id() );
		$account = '' !== $key ? Settings::client()->account() : null;
		$models  = self::models();
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'AltText API', 'alttextapi' ); ?></h1>
			<?php if ( is_array( $notice ) ) : ?>
				<div class="notice notice-<?php echo esc_attr( $notice[0] ); ?> is-dismissible" id="alttextapi-test-result"><p><?php echo esc_html( $notice[1] ); ?></p></div>
			<?php endif; ?>
			<?php settings_errors( Settings::OPTION ); ?>
			<p id="alttextapi-balance">
				<?php
				if ( null === $account ) {
					esc_html_e( 'No API key yet. Create one in your AltText API dashboard and paste it below.', 'alttextapi' );
				} elseif ( is_wp_error( $account ) ) {
					echo esc_html( $account->get_error_message() );
				} else {
					/* translators: %s: number of credits */
					echo esc_html( sprintf( __( 'Credit balance: %s', 'alttextapi' ), number_format_i18n( (int) $account['credits'] ) ) );
				}
				?>
			</p>
			<form method="post" action="options.php">
				<?php settings_fields( self::SLUG ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="alttextapi_api_key"><?php esc_html_e( 'API key', 'alttextapi' ); ?></label></th>
						<td>
							<input type="password" id="alttextapi_api_key" name="<?php echo esc_attr( Settings::KEY_OPTION ); ?>" value="" class="regular-text" autocomplete="off"
								placeholder="<?php echo esc_attr( 'option' === $source ? Settings::mask_key( $key ) : 'atk_…' ); ?>" />
							<p class="description">
								<?php
								if ( 'option' === $source ) {
									/* translators: %s: masked key */
									echo esc_html( sprintf( __( 'Stored key: %s. Leave empty to keep it.', 'alttextapi' ), Settings::mask_key( $key ) ) );
								} elseif ( '' !== $source ) {
									esc_html_e( 'The key comes from the ALTTEXT_API_KEY constant or environment variable. A key saved here takes precedence.', 'alttextapi' );
								} else {
									esc_html_e( 'Stored on this server only; it is never sent to the browser.', 'alttextapi' );
								}
								?>
							</p>
							<?php if ( 'option' === $source ) : ?>
								<label><input type="checkbox" name="alttextapi_remove_key" value="1" /> <?php esc_html_e( 'Remove the stored key', 'alttextapi' ); ?></label>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="alttextapi_language"><?php esc_html_e( 'Language', 'alttextapi' ); ?></label></th>
						<td>
							<input type="text" id="alttextapi_language" name="<?php echo esc_attr( Settings::OPTION ); ?>[language]" value="<?php echo esc_attr( $settings['language'] ); ?>" class="small-text"
								placeholder="<?php echo esc_attr( Language::from_locale( get_locale() ) ); ?>" />
							<p class="description"><?php esc_html_e( 'A BCP 47 tag such as en, de-CH or pt-BR. Empty: the site language, or each post\'s language under WPML or Polylang.', 'alttextapi' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="alttextapi_model"><?php esc_html_e( 'Model', 'alttextapi' ); ?></label></th>
						<td>
							<select id="alttextapi_model" name="<?php echo esc_attr( Settings::OPTION ); ?>[model]">
								<option value=""><?php esc_html_e( 'The API\'s default model', 'alttextapi' ); ?></option>
								<?php foreach ( $models as $model ) : ?>
									<option value="<?php echo esc_attr( $model['id'] ); ?>" <?php selected( $settings['model'], $model['id'] ); ?>>
										<?php
										/* translators: 1: model name, 2: credits per image */
										echo esc_html( sprintf( _n( '%1$s (%2$d credit per image)', '%1$s (%2$d credits per image)', (int) $model['credits'], 'alttextapi' ), $model['name'], (int) $model['credits'] ) );
										?>
									</option>
								<?php endforeach; ?>
								<?php if ( '' !== $settings['model'] && ! in_array( $settings['model'], wp_list_pluck( $models, 'id' ), true ) ) : ?>
									<option value="<?php echo esc_attr( $settings['model'] ); ?>" selected><?php echo esc_html( $settings['model'] ); ?></option>
								<?php endif; ?>
							</select>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'On upload', 'alttextapi' ); ?></th>
						<td><label><input type="checkbox" name="<?php echo esc_attr( Settings::OPTION ); ?>[on_upload]" value="1" <?php checked( $settings['on_upload'] ); ?> /> <?php esc_html_e( 'Write alt text for new images in the background', 'alttextapi' ); ?></label></td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Long descriptions', 'alttextapi' ); ?></th>
						<td>
							<label><input type="checkbox" name="<?php echo esc_attr( Settings::OPTION ); ?>[long_description]" value="1" <?php checked( $settings['long_description'] ); ?> /> <?php esc_html_e( 'For charts, diagrams and screenshots of text, also write a long description into the image\'s Description when it has none', 'alttextapi' ); ?></label>
							<p class="description"><?php esc_html_e( 'Every described image then costs extra credits (shown per model in the API\'s model list), whether or not it needs a long description. A description someone wrote is never replaced.', 'alttextapi' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Existing alt text', 'alttextapi' ); ?></th>
						<td>
							<fieldset>
								<?php
								$labels = array(
									'never'    => __( 'Never replace it', 'alttextapi' ),
									'explicit' => __( 'Replace it only when someone clicks "Generate alt text" on that image', 'alttextapi' ),
									'always'   => __( 'Also replace machine-written text nobody reviewed in bulk and WP-CLI runs (text a person wrote or edited is never replaced there)', 'alttextapi' ),
								);
								foreach ( $labels as $value => $label ) :
									?>
									<label><input type="radio" name="<?php echo esc_attr( Settings::OPTION ); ?>[overwrite]" value="<?php echo esc_attr( $value ); ?>" <?php checked( $settings['overwrite'], $value ); ?> /> <?php echo esc_html( $label ); ?></label><br />
								<?php endforeach; ?>
								<p class="description"><?php esc_html_e( 'Images marked decorative are never touched.', 'alttextapi' ); ?></p>
							</fieldset>
						</td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="alttextapi_test_key" />
				<?php wp_nonce_field( 'alttextapi_test_key' ); ?>
				<?php submit_button( __( 'Test the key', 'alttextapi' ), 'secondary', 'alttextapi-test-key', false ); ?>
			</form>
		</div>
		<?php
	}
}
