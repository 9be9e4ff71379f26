-- Emails compare by their key, email_key(email): Unicode NFC after full case folding
-- (internal/textrule.Key), a function the store registers on its own connections. NOCASE folded
-- ASCII letters only, so "JOSÉ@example.com" and "josé@example.com" (or an NFD twin) could be two
-- accounts that read the same. The unique indexes keep one account per key; the others replace
-- the NOCASE indexes that lookups by email used. Queries compare email_key(column) = email_key(?).
CREATE UNIQUE INDEX users_by_email_key ON users (email_key(email));
CREATE UNIQUE INDEX org_users_by_org_email_key ON org_users (organization_id, email_key(email));
CREATE INDEX org_users_by_email_key ON org_users (email_key(email));
CREATE INDEX invitations_by_org_email_key ON invitations (organization_id, email_key(email));
CREATE INDEX outbox_by_recipient_key ON outbox (email_key(recipient));
DROP INDEX org_users_by_email;
DROP INDEX invitations_by_email;
DROP INDEX outbox_by_recipient;
