-- The first schema of alien-local. Times are Unix seconds (UTC); ids are prefixed strings; seq
-- columns give creation order and are what pagination cursors point at. Secrets are never stored:
-- only SHA-256 hashes of API token secrets, OAuth client secrets and one-time link tokens.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE organizations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    plan       TEXT    NOT NULL CHECK (plan IN ('free', 'team', 'enterprise')),
    created_at INTEGER NOT NULL
) STRICT;

-- Platform accounts of people (members and the users behind organization keys). They are global:
-- one account per email, shared by every organization the person belongs to.
CREATE TABLE users (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    email      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    organization_id TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT    NOT NULL REFERENCES users (id),
    role            TEXT    NOT NULL CHECK (role IN ('viewer', 'writer', 'owner')),
    joined_at       INTEGER NOT NULL,
    UNIQUE (organization_id, user_id)
) STRICT;
CREATE INDEX members_by_user ON members (user_id);

CREATE TABLE invitations (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    organization_id TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL COLLATE NOCASE,
    role            TEXT    NOT NULL CHECK (role IN ('viewer', 'writer', 'owner')),
    link_hash       BLOB    NOT NULL UNIQUE,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    accepted_at     INTEGER,
    revoked_at      INTEGER,
    member_id       TEXT,
    CHECK (accepted_at IS NULL OR revoked_at IS NULL)
) STRICT;
CREATE INDEX invitations_by_email ON invitations (organization_id, email);

-- Service accounts and managed users: the organization's Client-role users. One table, so that
-- an email is unique among both kinds within an organization.
CREATE TABLE org_users (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    organization_id TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('service_account', 'managed_user')),
    email           TEXT    NOT NULL COLLATE NOCASE,
    description     TEXT    NOT NULL DEFAULT '',
    first_name      TEXT    NOT NULL DEFAULT '',
    last_name       TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    locked_at       INTEGER,
    password_set_at INTEGER,
    UNIQUE (organization_id, email)
) STRICT;
CREATE INDEX org_users_by_kind ON org_users (organization_id, kind, seq);
CREATE INDEX org_users_by_email ON org_users (email);

CREATE TABLE password_resets (
    token_hash      BLOB    PRIMARY KEY,
    managed_user_id TEXT    NOT NULL REFERENCES org_users (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
) STRICT;
CREATE INDEX password_resets_by_user ON password_resets (managed_user_id);

-- The embedded identity provider's accounts (keyed by managed-user id). Kept apart from org_users
-- on purpose: the identity provider is a separate system behind an interface.
CREATE TABLE idp_accounts (
    id            TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL COLLATE NOCASE,
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    id                 TEXT    NOT NULL UNIQUE,
    organization_id    TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    service_account_id TEXT    REFERENCES org_users (id) ON DELETE CASCADE,
    scope              TEXT    CHECK (scope IN ('api-key', 'api-secret')),
    secret_hash        BLOB    NOT NULL,
    expires_in         TEXT    NOT NULL CHECK (expires_in IN ('never', '30d', '90d', '1y')),
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER,
    last_used_at       INTEGER,
    revoked_at         INTEGER,
    created_by         TEXT    REFERENCES users (id),
    CHECK ((service_account_id IS NULL) = (scope IS NULL))
) STRICT;
CREATE INDEX api_tokens_by_org ON api_tokens (organization_id, seq);
CREATE INDEX api_tokens_by_service_account ON api_tokens (service_account_id);

CREATE TABLE oauth_clients (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    organization_id TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    client_id       TEXT    NOT NULL UNIQUE,
    secret_hash     BLOB    NOT NULL,
    enabled         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT    REFERENCES users (id)
) STRICT;
CREATE INDEX oauth_clients_by_org ON oauth_clients (organization_id, seq);

CREATE TABLE datasets (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    organization_id TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX datasets_by_org ON datasets (organization_id, seq);

-- Idempotency records: the first answer to an authenticated POST, per organization and key. The
-- body never holds a secret: where the answer had one, secret_kind and secret_object_id say which
-- object to re-key when the answer is replayed.
CREATE TABLE idempotency_keys (
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    fingerprint      BLOB    NOT NULL,
    status           INTEGER NOT NULL,
    body             BLOB    NOT NULL,
    secret_kind      TEXT    NOT NULL DEFAULT '',
    secret_object_id TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (organization_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- The embedded mailer's outbox: every email the platform would have sent.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT    NOT NULL UNIQUE,
    kind      TEXT    NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
    recipient TEXT    NOT NULL COLLATE NOCASE,
    subject   TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    link      TEXT    NOT NULL,
    sent_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_by_recipient ON outbox (recipient);
