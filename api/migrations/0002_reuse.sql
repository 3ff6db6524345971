CREATE TABLE `reuse` (
	`user_id` text NOT NULL,
	`reuse_hash` text NOT NULL,
	`alt_text` text NOT NULL,
	`model` text NOT NULL,
	`language` text NOT NULL,
	`usage_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `reuse_hash`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reuse_created_idx` ON `reuse` (`created_at`);--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `answer` text;