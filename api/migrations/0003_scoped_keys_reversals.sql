ALTER TABLE `api_keys` ADD `scope` text DEFAULT 'account' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `daily_credit_cap` integer;--> statement-breakpoint
ALTER TABLE `purchases` ADD `payment_intent` text;--> statement-breakpoint
ALTER TABLE `purchases` ADD `credits_reversed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `purchases` ADD `reversal_shortfall` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `purchases_payment_intent_idx` ON `purchases` (`payment_intent`);
