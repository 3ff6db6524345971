<?php
/**
 * Picks the language alt text is written in: the setting when set, else the post's language under
 * WPML or Polylang, else the site locale — as a BCP 47 tag.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Language resolution. */
final class Language {

	/**
	 * Whether a string is a BCP 47 tag the API accepts (the contract's pattern and length).
	 *
	 * @param string $tag Tag.
	 * @return bool
	 */
	public static function is_valid( $tag ) {
		$tag = (string) $tag;
		return strlen( $tag ) <= Contract::limit( 'maxLanguageTagLength' ) && 1 === preg_match( Contract::pattern( 'bcp47' ), $tag );
	}

	/**
	 * WordPress locale (de_DE, de_DE_formal, pt_BR) to BCP 47 (de-DE, pt-BR).
	 *
	 * @param string $locale Locale.
	 * @return string Empty when it cannot be mapped.
	 */
	public static function from_locale( $locale ) {
		$parts = explode( '_', str_replace( '-', '_', (string) $locale ) );
		$tag   = strtolower( $parts[0] );
		if ( isset( $parts[1] ) && preg_match( '/^([A-Za-z]{2}|[0-9]{3})$/', $parts[1] ) ) {
			$tag .= '-' . strtoupper( $parts[1] );
		}
		return self::is_valid( $tag ) ? $tag : '';
	}

	/**
	 * Language for a post (or attachment).
	 *
	 * @param int $post_id Post id, 0 for none.
	 * @return string BCP 47 tag.
	 */
	public static function for_post( $post_id ) {
		$setting = (string) Settings::get( 'language' );
		if ( '' !== $setting ) {
			return $setting;
		}
		$locale = '';
		if ( $post_id && function_exists( 'pll_get_post_language' ) ) {
			$locale = (string) pll_get_post_language( $post_id, 'locale' );
		}
		if ( '' === $locale && $post_id && has_filter( 'wpml_post_language_details' ) ) {
			$details = apply_filters( 'wpml_post_language_details', null, $post_id );
			if ( is_array( $details ) && ! empty( $details['locale'] ) ) {
				$locale = (string) $details['locale'];
			}
		}
		if ( '' === $locale ) {
			$locale = get_locale();
		}
		$tag = self::from_locale( $locale );
		return '' !== $tag ? $tag : 'en';
	}
}
