// Creates the test users, images and posts; prints their ids as JSON. Runs with WordPress loaded.
require_once ABSPATH . 'wp-admin/includes/image.php';

function alttextapi_fixture_image( $name, $w, $h, $rgb ) {
	$upload = wp_upload_dir();
	$path   = $upload['path'] . '/' . $name;
	$img    = imagecreatetruecolor( $w, $h );
	imagefill( $img, 0, 0, imagecolorallocate( $img, $rgb[0], $rgb[1], $rgb[2] ) );
	imagefilledrectangle( $img, (int) ( $w / 4 ), (int) ( $h / 4 ), (int) ( $w / 2 ), (int) ( $h / 2 ), imagecolorallocate( $img, 255, 255, 255 ) );
	str_ends_with( $name, '.png' ) ? imagepng( $img, $path ) : imagejpeg( $img, $path, 85 );
	$id = wp_insert_attachment( array( 'post_mime_type' => str_ends_with( $name, '.png' ) ? 'image/png' : 'image/jpeg', 'post_title' => $name, 'post_status' => 'inherit' ), $path );
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $path ) );
	return $id;
}

$users = array();
foreach ( array( 'editor', 'author', 'contributor' ) as $role ) {
	$users[ $role ] = wp_insert_user( array( 'user_login' => $role, 'user_pass' => $role . '-password-123', 'user_email' => $role . '@example.com', 'role' => $role ) );
}
$big        = alttextapi_fixture_image( 'big-photo.jpg', 1600, 1200, array( 200, 30, 30 ) );
$small      = alttextapi_fixture_image( 'small.png', 300, 200, array( 30, 30, 200 ) );
$with_alt   = alttextapi_fixture_image( 'described.jpg', 400, 300, array( 30, 200, 30 ) );
update_post_meta( $with_alt, '_wp_attachment_image_alt', 'An existing description' );
$decorative = alttextapi_fixture_image( 'decorative.png', 200, 200, array( 120, 120, 120 ) );
update_post_meta( $decorative, '_alttextapi_decorative', '1' );
$media_text = alttextapi_fixture_image( 'media-text.jpg', 800, 600, array( 200, 200, 30 ) );

$big_url = wp_get_attachment_image_url( $big, 'large' );
$mt_url  = wp_get_attachment_url( $media_text );
$content = <<<HTML
<!-- wp:paragraph -->
<p>Our bakery opened a new shop on Main Street with fresh bread every morning.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":{$big},"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="{$big_url}" alt="" class="wp-image-{$big}"/></figure>
<!-- /wp:image -->

<!-- wp:paragraph -->
<p>The red storefront is easy to spot.</p>
<!-- /wp:paragraph -->

<!-- wp:media-text {"mediaId":{$media_text},"mediaType":"image"} -->
<div class="wp-block-media-text is-stacked-on-mobile"><figure class="wp-block-media-text__media"><img src="{$mt_url}" alt="" class="wp-image-{$media_text} size-full"/></figure><div class="wp-block-media-text__content"><!-- wp:paragraph -->
<p>Yellow awnings over the windows.</p>
<!-- /wp:paragraph --></div></div>
<!-- /wp:media-text -->
HTML;
$post = wp_insert_post( array( 'post_title' => 'New bakery on Main Street', 'post_content' => $content, 'post_status' => 'draft', 'post_author' => $users['editor'] ) );
$other = wp_insert_post( array( 'post_title' => 'Someone else\'s post', 'post_content' => '', 'post_status' => 'draft', 'post_author' => $users['editor'] ) );
$own   = wp_insert_post( array( 'post_title' => 'Contributor draft', 'post_content' => '', 'post_status' => 'draft', 'post_author' => $users['contributor'] ) );
// An image only the editor may see: attached to the editor's private post.
$private_post  = wp_insert_post( array( 'post_title' => 'Private plans', 'post_content' => '', 'post_status' => 'private', 'post_author' => $users['editor'] ) );
$private_image = alttextapi_fixture_image( 'private-plan.png', 300, 300, array( 10, 10, 10 ) );
wp_update_post( array( 'ID' => $private_image, 'post_parent' => $private_post, 'post_author' => $users['editor'] ) );
// reset-state.php restores the post to this between tests.
update_option( 'test_fixture_post_content', $content, false );
echo wp_json_encode( compact( 'users', 'big', 'small', 'with_alt', 'decorative', 'media_text', 'post', 'other', 'own', 'private_post', 'private_image' ) );
