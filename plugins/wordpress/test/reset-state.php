// Puts the test site back into the state fixtures.php left it in, so that every test starts from
// the same place whatever ran before it (in this file or another, in any order): fixture alt
// text, descriptions and captions of the images, decorative flags, provenance and pending Idempotency-Keys, the post's content, no other attachments, no job, no scheduled
// work, default settings, the fake API's key. Runs with WordPress loaded; $fx holds the ids.
global $wpdb;
$images = array( $fx['big'], $fx['small'], $fx['with_alt'], $fx['decorative'], $fx['media_text'], $fx['private_image'] );
$others = get_posts( array( 'post_type' => 'attachment', 'post_status' => 'any', 'fields' => 'ids', 'posts_per_page' => -1, 'post__not_in' => $images ) );
foreach ( $others as $id ) {
	wp_delete_attachment( $id, true );
}
foreach ( $images as $id ) {
	// Description (long descriptions go there) and caption (tests program the fake with it).
	$wpdb->update( $wpdb->posts, array( 'post_content' => '', 'post_excerpt' => '' ), array( 'ID' => $id ) );
	clean_post_cache( $id );
	delete_post_meta( $id, '_wp_attachment_image_alt' );
	delete_post_meta( $id, '_alttextapi_decorative' );
	delete_post_meta( $id, '_alttextapi_provenance' );
	delete_post_meta( $id, '_alttextapi_request' );
}
update_post_meta( $fx['with_alt'], '_wp_attachment_image_alt', 'An existing description' );
update_post_meta( $fx['decorative'], '_alttextapi_decorative', '1' );
foreach ( wp_get_post_revisions( $fx['post'], array( 'fields' => 'ids' ) ) as $revision ) {
	wp_delete_post_revision( $revision );
}
$wpdb->update( $wpdb->posts, array( 'post_content' => get_option( 'test_fixture_post_content' ) ), array( 'ID' => $fx['post'] ) );
clean_post_cache( $fx['post'] );
delete_post_meta( $fx['post'], '_edit_lock' );
foreach ( array( 'alttextapi_job', 'alttextapi_job_lock' ) as $option ) {
	delete_option( $option );
}
wp_clear_scheduled_hook( 'alttextapi_process_queue' );
delete_transient( 'doing_cron' );
update_option( 'alttextapi_settings', AltTextAPI\Settings::defaults() );
delete_option( 'alttextapi_api_key' );
add_option( 'alttextapi_api_key', $key, '', false );
echo 'ok';
