-- The session check reads which roles and groups a person holds on every request, but what those roles permit from a
-- copy of the role catalogue each Foyer process keeps (src/accounts/held-access.ts). The copy is good while this
-- stamp is unchanged: every statement on roles or group_roles gives it a new value in its own transaction, so a
-- reader sees the new stamp exactly when it sees the change, on every instance. The value is random rather than a
-- counter because a restored backup (or a test database reset to its template) puts an old stamp back together
-- with the catalogue it stood for, and a counter would then hand out that old number again for different roles.
-- BEFORE STATEMENT takes the stamp's row lock before the statement locks any role.
CREATE TABLE "role_catalogue_stamp" (
  "singleton" boolean PRIMARY KEY DEFAULT true CHECK ("singleton"),
  "stamp" uuid NOT NULL DEFAULT gen_random_uuid()
);--> statement-breakpoint
INSERT INTO "role_catalogue_stamp" DEFAULT VALUES;--> statement-breakpoint
CREATE FUNCTION role_catalogue_restamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE role_catalogue_stamp SET stamp = gen_random_uuid();
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER roles_restamp_catalogue BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION role_catalogue_restamp();--> statement-breakpoint
CREATE TRIGGER group_roles_restamp_catalogue BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON group_roles
  FOR EACH STATEMENT EXECUTE FUNCTION role_catalogue_restamp();
