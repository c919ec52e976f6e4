CREATE TABLE "apps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"client_id" text NOT NULL,
	"type" text NOT NULL,
	"client_secret_hash" text,
	"redirect_uris" jsonb NOT NULL,
	"post_logout_redirect_uris" jsonb NOT NULL,
	"backchannel_logout_uri" text,
	"launch_url" text,
	"logo_url" text,
	"require_consent" boolean DEFAULT true NOT NULL,
	"access_everyone" boolean DEFAULT false NOT NULL,
	"access_token_format" text DEFAULT 'opaque' NOT NULL,
	"signing_algorithm" text DEFAULT 'ES256' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "apps_type_check" CHECK ("apps"."type" in ('confidential', 'public')),
	CONSTRAINT "apps_access_token_format_check" CHECK ("apps"."access_token_format" in ('opaque', 'jwt')),
	CONSTRAINT "apps_signing_algorithm_check" CHECK ("apps"."signing_algorithm" in ('ES256', 'RS256')),
	CONSTRAINT "apps_secret_matches_type_check" CHECK (("apps"."type" = 'confidential') = ("apps"."client_secret_hash" is not null))
);
--> statement-breakpoint
CREATE TABLE "app_groups" (
	"app_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	CONSTRAINT "app_groups_app_id_group_id_pk" PRIMARY KEY("app_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "app_authorizations" (
	"app_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"consented_at" timestamp with time zone,
	"consented_scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_sign_in_at" timestamp with time zone,
	CONSTRAINT "app_authorizations_app_id_user_id_pk" PRIMARY KEY("app_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "oidc_models" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"grant_id" text,
	"uid" text,
	"user_code" text,
	"account_id" text,
	"client_id" text,
	"expires_at" timestamp with time zone,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "oidc_models_kind_id_pk" PRIMARY KEY("kind","id")
);
--> statement-breakpoint
CREATE TABLE "oidc_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"use" text NOT NULL,
	"algorithm" text NOT NULL,
	"sealed_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "oidc_keys_use_check" CHECK ("oidc_keys"."use" in ('sig', 'cookie'))
);
--> statement-breakpoint
CREATE TABLE "app_logout_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" text NOT NULL,
	"uri" text NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "app_logout_deliveries_status_check" CHECK ("app_logout_deliveries"."status" in ('queued', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "app_groups" ADD CONSTRAINT "app_groups_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_groups" ADD CONSTRAINT "app_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_authorizations" ADD CONSTRAINT "app_authorizations_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_authorizations" ADD CONSTRAINT "app_authorizations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "apps_client_id_key" ON "apps" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "app_groups_group_id_idx" ON "app_groups" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "app_authorizations_user_id_idx" ON "app_authorizations" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "oidc_models_grant_id_idx" ON "oidc_models" USING btree ("grant_id") WHERE "oidc_models"."grant_id" is not null;--> statement-breakpoint
CREATE INDEX "oidc_models_uid_idx" ON "oidc_models" USING btree ("uid") WHERE "oidc_models"."uid" is not null;--> statement-breakpoint
CREATE INDEX "oidc_models_user_code_idx" ON "oidc_models" USING btree ("user_code") WHERE "oidc_models"."user_code" is not null;--> statement-breakpoint
CREATE INDEX "oidc_models_account_id_idx" ON "oidc_models" USING btree ("account_id","client_id") WHERE "oidc_models"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "oidc_models_client_id_idx" ON "oidc_models" USING btree ("client_id") WHERE "oidc_models"."client_id" is not null;--> statement-breakpoint
CREATE INDEX "oidc_models_expires_at_idx" ON "oidc_models" USING btree ("expires_at") WHERE "oidc_models"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "app_logout_deliveries_due_idx" ON "app_logout_deliveries" USING btree ("next_attempt_at") WHERE "app_logout_deliveries"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "app_logout_deliveries_lease_idx" ON "app_logout_deliveries" USING btree ("locked_until") WHERE "app_logout_deliveries"."status" = 'sending';
