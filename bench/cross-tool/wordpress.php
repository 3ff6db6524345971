<?php
/**
 * The WordPress plugin's own bulk path (Batch::describe: Image_Source, Generator, Request_Keys,
 * Api_Client), run from the `php` CLI against the API without a whole WordPress: the few
 * WordPress functions those classes call are defined below (HTTP through curl, options, post
 * meta and attachments in memory). Running WordPress itself needs MariaDB and takes minutes; the
 * plugin's real end-to-end tests do that (plugins/wordpress/test). What this adds is the request
 * the plugin builds — which bytes, which language and model — against the real Worker. When the
 * plugin starts calling another WordPress function, this fails with "Call to undefined function":
 * define it below (as WordPress would answer for an attachment with no post around it).
 *
 * Input (argv[1]): JSON {apiUrl, apiKey, locale, settings, attachments: [{id, path, mime, width,
 * height}]}. Output: one JSON line {done, skipped, errors, unpaid, alts}.
 */

// phpcs:ignoreFile -- a benchmark harness, not plugin code.

define( 'ABSPATH', __DIR__ . '/' );
define( 'ALTTEXTAPI_VERSION', 'bench' );

$input = json_decode( $argv[1], true );
define( 'ALTTEXT_API_URL', $input['apiUrl'] );
define( 'ALTTEXT_API_KEY', $input['apiKey'] );

$GLOBALS['bench_options']     = array( 'alttextapi_settings' => $input['settings'] );
$GLOBALS['bench_meta']        = array();
$GLOBALS['bench_attachments'] = array();
foreach ( $input['attachments'] as $a ) {
	$GLOBALS['bench_attachments'][ (int) $a['id'] ] = $a;
}

class WP_Error {
	private $code;
	private $message;
	private $data;
	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->code    = $code;
		$this->message = $message;
		$this->data    = $data;
	}
	public function get_error_code() {
		return $this->code;
	}
	public function get_error_message() {
		return $this->message;
	}
	public function get_error_data() {
		return $this->data;
	}
}

function __( $text, $domain = '' ) {
	return $text;
}
function _n( $one, $many, $n, $domain = '' ) {
	return 1 === (int) $n ? $one : $many;
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
function get_bloginfo( $what ) {
	return '6.8';
}
function get_locale() {
	return $GLOBALS['bench_locale'];
}
$GLOBALS['bench_locale'] = $input['locale'];
function has_filter( $name ) {
	return false;
}
function apply_filters( $name, $value ) {
	return $value;
}
function untrailingslashit( $s ) {
	return rtrim( $s, '/\\' );
}
function wp_generate_uuid4() {
	$b    = random_bytes( 16 );
	$b[6] = chr( ord( $b[6] ) & 0x0f | 0x40 );
	$b[8] = chr( ord( $b[8] ) & 0x3f | 0x80 );
	return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $b ), 4 ) );
}
function wp_json_encode( $data ) {
	return json_encode( $data );
}
function wp_json_file_decode( $file, $options = array() ) {
	return json_decode( file_get_contents( $file ), ! empty( $options['associative'] ) );
}
function wp_strip_all_tags( $s ) {
	return trim( strip_tags( $s ) );
}
function sanitize_text_field( $s ) {
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $s ) ) );
}
function sanitize_textarea_field( $s ) {
	return trim( strip_tags( (string) $s ) );
}
function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}
function wp_basename( $path, $suffix = '' ) {
	return basename( $path, $suffix );
}
function get_post_field( $field, $id ) {
	return '';
}
function wp_update_post( $post ) {
	return is_array( $post ) && isset( $post['ID'] ) ? $post['ID'] : 0;
}
function get_userdata( $id ) {
	return false;
}
function attachment_url_to_postid( $url ) {
	return 0;
}
function wp_slash( $s ) {
	return $s;
}
function esc_url_raw( $url ) {
	return $url;
}
function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['bench_options'] ) ? $GLOBALS['bench_options'][ $name ] : $default;
}
function get_current_user_id() {
	return 0;
}

// Attachments and post meta, in memory.
function wp_attachment_is_image( $id ) {
	return isset( $GLOBALS['bench_attachments'][ $id ] );
}
function get_attached_file( $id ) {
	return $GLOBALS['bench_attachments'][ $id ]['path'] ?? false;
}
function wp_get_attachment_metadata( $id ) {
	$a = $GLOBALS['bench_attachments'][ $id ];
	return array( 'width' => $a['width'], 'height' => $a['height'], 'sizes' => array() );
}
function get_post_mime_type( $id ) {
	return $GLOBALS['bench_attachments'][ $id ]['mime'];
}
function wp_get_image_mime( $path ) {
	$info = getimagesize( $path );
	return $info ? $info['mime'] : false;
}
function wp_get_attachment_image_url( $id, $size ) {
	return false;
}
function get_post_type( $id ) {
	return 'attachment';
}
function get_the_title( $id ) {
	return '';
}
function wp_get_attachment_caption( $id ) {
	return '';
}
function wp_get_post_parent_id( $id ) {
	return 0;
}
function get_post_meta( $id, $key, $single = false ) {
	$value = $GLOBALS['bench_meta'][ $id ][ $key ] ?? null;
	return null === $value ? ( $single ? '' : array() ) : ( $single ? $value : array( $value ) );
}
function update_post_meta( $id, $key, $value ) {
	$GLOBALS['bench_meta'][ $id ][ $key ] = $value;
	return true;
}
function delete_post_meta( $id, $key ) {
	unset( $GLOBALS['bench_meta'][ $id ][ $key ] );
	return true;
}
function update_meta_cache( $type, $ids ) {
	return true;
}

// HTTP through curl, in WordPress's response shape.
function wp_remote_request( $url, $args ) {
	$ch      = curl_init( $url );
	$headers = array();
	foreach ( $args['headers'] as $name => $value ) {
		$headers[] = "$name: $value";
	}
	$got = array();
	curl_setopt_array(
		$ch,
		array(
			CURLOPT_CUSTOMREQUEST  => $args['method'],
			CURLOPT_HTTPHEADER     => $headers,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => $args['timeout'],
			CURLOPT_HEADERFUNCTION => function ( $ch, $line ) use ( &$got ) {
				$parts = explode( ':', $line, 2 );
				if ( 2 === count( $parts ) ) {
					$got[ strtolower( trim( $parts[0] ) ) ] = trim( $parts[1] );
				}
				return strlen( $line );
			},
		)
	);
	if ( isset( $args['body'] ) ) {
		curl_setopt( $ch, CURLOPT_POSTFIELDS, $args['body'] );
	}
	$body = curl_exec( $ch );
	if ( false === $body ) {
		return new WP_Error( 'http_request_failed', curl_error( $ch ) );
	}
	return array(
		'body'     => $body,
		'headers'  => $got,
		'response' => array( 'code' => curl_getinfo( $ch, CURLINFO_RESPONSE_CODE ) ),
	);
}
function wp_remote_retrieve_response_code( $response ) {
	return $response['response']['code'];
}
function wp_remote_retrieve_body( $response ) {
	return $response['body'];
}
function wp_remote_retrieve_header( $response, $name ) {
	return $response['headers'][ strtolower( $name ) ] ?? '';
}

$includes = __DIR__ . '/../../plugins/wordpress/includes/';
foreach ( array( 'contract', 'api-client', 'attachment-url', 'image-source', 'language', 'settings', 'provenance', 'request-keys', 'generator', 'batch' ) as $name ) {
	require_once $includes . "class-$name.php";
}

// As the bulk queue does: the missing ones, Batch::SIZE at a time.
$ids    = array_keys( $GLOBALS['bench_attachments'] );
$client = AltTextAPI\Settings::client();
$total  = array( 'done' => 0, 'skipped' => 0, 'errors' => array(), 'unpaid' => array() );
foreach ( array_chunk( $ids, AltTextAPI\Batch::SIZE ) as $chunk ) {
	$result = AltTextAPI\Batch::describe( $client, $chunk, true );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, $result->get_error_code() . ': ' . $result->get_error_message() . "\n" );
		exit( 1 );
	}
	$total['done']    += $result['done'] ?? 0;
	$total['skipped'] += $result['skipped'] ?? 0;
	$total['errors']   = array_merge( $total['errors'], array_values( $result['errors'] ?? array() ) );
	$total['unpaid']   = array_merge( $total['unpaid'], $result['unpaid'] ?? array() );
}
$alts = array();
foreach ( $ids as $id ) {
	$alts[ $id ] = AltTextAPI\Generator::current_alt( $id );
}
$total['alts'] = $alts;
echo json_encode( $total ), "\n";
