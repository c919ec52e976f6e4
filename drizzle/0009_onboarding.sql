-- Sign-up links get a name and a note for administrators, shown in the links list.
ALTER TABLE "signup_links" ADD COLUMN "name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "signup_links" ADD COLUMN "note" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- An account made from a sign-up link is half-made until its first credential: this row says so, and which link's
-- use it will spend. Finishing deletes the row; housekeeping deletes the account when the row outlives the link.
CREATE TABLE "signup_link_joins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"signup_link_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
ALTER TABLE "signup_link_joins" ADD CONSTRAINT "signup_link_joins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signup_link_joins" ADD CONSTRAINT "signup_link_joins_signup_link_id_signup_links_id_fk" FOREIGN KEY ("signup_link_id") REFERENCES "public"."signup_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signup_link_joins_link_idx" ON "signup_link_joins" USING btree ("signup_link_id");
