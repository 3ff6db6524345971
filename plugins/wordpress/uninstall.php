<?php
/**
 * Removes the plugin's options, transients, scheduled work and its own post meta when the plugin
 * is deleted. Alt text it wrote stays: it is the site's content.
 *
 * @package AltTextAPI
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

foreach ( array( 'alttextapi_settings', 'alttextapi_api_key', 'alttextapi_job', 'alttextapi_job_lock' ) as $alttextapi_option ) {
	delete_option( $alttextapi_option );
}
delete_transient( 'alttextapi_models' );
wp_clear_scheduled_hook( 'alttextapi_process_queue' );
delete_post_meta_by_key( '_alttextapi_decorative' );
// Pending Idempotency-Keys; the provenance record goes too (the alt text itself stays).
delete_post_meta_by_key( '_alttextapi_request' );
delete_post_meta_by_key( '_alttextapi_provenance' );
global $wpdb;
// Per-user notices are short-lived transients; remove any left over.
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\_transient\_alttextapi\_%' OR option_name LIKE '\_transient\_timeout\_alttextapi\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
