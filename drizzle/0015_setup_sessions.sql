-- A session started by a sign-up link or an invitation before the account has any credential: it may only finish
-- setting the account up (register a passkey, confirm the email), not act as a member.
ALTER TABLE "sessions" ADD COLUMN "setup_only" boolean DEFAULT false NOT NULL;
