-- Login links move onto the one verification-token store (issue 20): the secret becomes a `login_link` row of
-- one_time_tokens and login_links keeps the administrator's record, pointing at it.
-- Links already handed out keep working: each link that could still sign someone in (not used, not revoked, not
-- expired) gets a token with the same hash and expiry, under the link's own id. Used, revoked and expired links can
-- never work again, so they get no token (token_id stays null) and their record, status included, is unchanged.
-- Dropping token_hash is safe: from here on the hash lives only in one_time_tokens.
ALTER TABLE "login_links" ADD COLUMN "token_id" uuid;--> statement-breakpoint
INSERT INTO "one_time_tokens" ("id", "purpose", "token_hash", "user_id", "created_at", "expires_at")
SELECT "id", 'login_link', "token_hash", "user_id", "created_at", "expires_at" FROM "login_links"
WHERE "used_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now();--> statement-breakpoint
UPDATE "login_links" SET "token_id" = "id"
WHERE "id" IN (SELECT "id" FROM "one_time_tokens" WHERE "purpose" = 'login_link');--> statement-breakpoint
ALTER TABLE "login_links" ADD CONSTRAINT "login_links_token_id_unique" UNIQUE("token_id");--> statement-breakpoint
ALTER TABLE "login_links" ADD CONSTRAINT "login_links_token_id_one_time_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."one_time_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "login_links" DROP COLUMN "token_hash";
