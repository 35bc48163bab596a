-- Refresh tokens: opaque to clients, stored as SHA-256. Each use rotates the token inside its
-- family; presenting a used token again revokes the whole family (stolen-token detection).
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid        NOT NULL,
    customer_id uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Access tokens are stateless JWTs; these are the ones rejected before they expire: a single
-- token (logout) or every token of a refresh family. Every node polls this table, so a
-- revocation holds on all nodes within the poll interval. Rows are useless after expires_at.
CREATE TABLE token_revocations (
    id         uuid        NOT NULL,  -- the token's jti, or a family id
    kind       text        NOT NULL CHECK (kind IN ('token', 'family')),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (kind, id)
);
CREATE INDEX token_revocations_recent ON token_revocations (revoked_at);

-- Security-relevant actions. Never secrets: no passwords, keys or tokens, only ids and prefixes.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    customer_id    uuid,
    action         text        NOT NULL,
    client_address text,
    request_id     text,
    detail         jsonb
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, at DESC);
