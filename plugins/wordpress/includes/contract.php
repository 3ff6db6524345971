<?php
/**
 * The AltText API contract: the rules this plugin shares with the API and the other clients.
 *
 * GENERATED from core/src/contract by core/scripts/gen-php-contract.mjs. Do not edit by hand:
 * change core and run `pnpm --filter @alttextapi/core build`. A core test fails while this file is stale.
 *
 * @package AltTextAPI
 */

namespace AltTextAPI;

defined( 'ABSPATH' ) || exit;

/** Constants of the contract. */
final class Contract {
	/** Limits shared by the API and its clients (LIMITS in core). */
	const LIMITS = array(
		'maxImageBytes'           => 10485760,
		'maxBatchItems'           => 50,
		'defaultMaxLength'        => 125,
		'maxMaxLength'            => 1000,
		'minMaxLength'            => 20,
		'maxContextLength'        => 2000,
		'minPasswordLength'       => 10,
		'maxPasswordLength'       => 256,
		'maxEmailLength'          => 254,
		'maxNameLength'           => 100,
		'maxJsonBodyBytes'        => 14680064,
		'maxUsagePageSize'        => 100,
		'maxLanguageTagLength'    => 35,
		'maxIdempotencyKeyLength' => 200,
		'maxImageUrlLength'       => 4096,
	);

	/** A language tag the API accepts, at most LIMITS maxLanguageTagLength characters. */
	const BCP47_PATTERN = '/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/D';

	/** An Idempotency-Key header value (and not white space alone). */
	const IDEMPOTENCY_KEY_PATTERN = '/^[\\x20-\\x7e]{1,200}$/D';

	/** Every error code of the API, and its HTTP status. */
	const ERROR_STATUS = array(
		'invalid_request'        => 400,
		'idempotency_key_reused' => 400,
		'unauthorized'           => 401,
		'insufficient_credits'   => 402,
		'forbidden'              => 403,
		'not_found'              => 404,
		'payload_too_large'      => 413,
		'unsupported_media_type' => 415,
		'image_fetch_failed'     => 422,
		'rate_limited'           => 429,
		'internal_error'         => 500,
		'model_error'            => 502,
		'model_not_configured'   => 503,
		'billing_not_configured' => 503,
	);

	/** Codes after which a run (bulk, queue, CLI) stops: no further image can succeed. */
	const FATAL_ERROR_CODES = array(
		'unauthorized',
		'insufficient_credits',
		'forbidden',
		'model_not_configured',
		'network_error',
		'timeout',
	);

	/** The labelled lines of the context string, in order, with the most characters each. */
	const CONTEXT_LINES = array(
		array(
			'field'      => 'title',
			'label'      => 'Page title',
			'max_length' => 200,
		),
		array(
			'field'      => 'heading',
			'label'      => 'Section heading',
			'max_length' => 200,
		),
		array(
			'field'      => 'caption',
			'label'      => 'Caption',
			'max_length' => 400,
		),
		array(
			'field'      => 'text',
			'label'      => 'Nearby text',
			'max_length' => 2000,
		),
		array(
			'field'      => 'linkText',
			'label'      => 'Link text',
			'max_length' => 200,
		),
		array(
			'field'      => 'fileName',
			'label'      => 'File name',
			'max_length' => 200,
		),
	);

	/** Longest context string, in UTF-16 code units (what the API counts). */
	const MAX_CONTEXT_LENGTH = 2000;
}
