-- Customers: the tenants. email_normalized (lower case) makes emails unique case-insensitively.
CREATE TABLE customers (
    id                uuid PRIMARY KEY,
    email             text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    email_normalized  text        NOT NULL UNIQUE,
    password_hash     text        NOT NULL,  -- argon2id, PHC string; never the password
    company_name      text        NOT NULL CHECK (char_length(company_name) BETWEEN 1 AND 200),
    tier              text        NOT NULL DEFAULT 'free',
    primary_gateway   text        NOT NULL DEFAULT 'stripe',
    secondary_gateway text        NOT NULL DEFAULT 'paypal',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (primary_gateway <> secondary_gateway)
);

-- API keys are stored as SHA-256 of the full key: the key itself is shown once and never kept.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    customer_id  uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    key_hash     bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_customer ON api_keys (customer_id);

-- One row per accepted event. The primary key is the idempotency key (customer, client eventId).
-- No foreign key to customers: the writer only ever inserts authenticated customers' ids, and a
-- per-row FK check would cost the hot path for nothing. The CHECKs mirror the API's validation so
-- that a validation bug cannot store what the API promises never to store.
CREATE TABLE events (
    customer_id               uuid        NOT NULL,
    event_id                  text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 64),
    occurred_at               timestamptz NOT NULL,
    received_at               timestamptz NOT NULL DEFAULT now(),
    primary_gateway           text        NOT NULL,
    gateway_used              text        NOT NULL,
    failover_used             boolean     NOT NULL,
    success                   boolean     NOT NULL,
    amount                    bigint      NOT NULL CHECK (amount BETWEEN 0 AND 1000000000000),
    currency                  char(3)     NOT NULL,
    latency_ms                integer CHECK (latency_ms BETWEEN 0 AND 600000),
    recovery_time_ms          integer CHECK (recovery_time_ms BETWEEN 0 AND 600000),
    primary_error_code        text CHECK (char_length(primary_error_code) BETWEEN 1 AND 64),
    primary_error_http_status smallint CHECK (primary_error_http_status BETWEEN 100 AND 599),
    primary_error_message     text CHECK (char_length(primary_error_message) <= 512),
    metadata                  jsonb,
    PRIMARY KEY (customer_id, event_id)
);
-- The API's reads: one customer's events over a time range, newest first, keyset-paged.
CREATE INDEX events_customer_time ON events (customer_id, occurred_at DESC, event_id DESC);

-- Readiness probes prove the database accepts writes by touching this row.
CREATE TABLE readiness_heartbeat (
    id      smallint PRIMARY KEY CHECK (id = 1),
    beat_at timestamptz NOT NULL
);
