-- A session remembers the provider it was signed in through, so removing that SSO link (or the provider) ends it.
ALTER TABLE "sessions" ADD COLUMN "sso_provider_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_sso_provider_id_sso_providers_id_fk" FOREIGN KEY ("sso_provider_id") REFERENCES "public"."sso_providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Retention (src/platform/housekeeping.ts) finds expired one-time tokens by this index.
CREATE INDEX "one_time_tokens_expires_at_idx" ON "one_time_tokens" USING btree ("expires_at");--> statement-breakpoint
-- The audit log stays append-only for every application path; only the retention pruning, which sets
-- foyer.audit_retention for its own transaction, may delete events older than the configured retention.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('foyer.audit_retention', true) = 'prune' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
