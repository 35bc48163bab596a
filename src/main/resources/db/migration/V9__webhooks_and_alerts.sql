-- Webhook endpoints, the outbox of messages and their delivery attempts; alert rules and their
-- history; quota notifications already sent. See docs/webhooks.md.

CREATE TABLE webhook_endpoints (
    id                      uuid        PRIMARY KEY,
    customer_id             uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    url                     text        NOT NULL CHECK (char_length(url) BETWEEN 8 AND 2048),
    description             text        CHECK (char_length(description) <= 500),
    event_types             text[],     -- NULL: every type
    -- AES-256-GCM sealed with the server's secrets key: the signing secret is needed to sign, so it
    -- cannot be hashed, but a dump of the database alone does not reveal it.
    secret_sealed           bytea       NOT NULL,
    previous_secret_sealed  bytea,      -- keeps signing until previous_secret_expires_at (rotation)
    previous_secret_expires_at timestamptz,
    enabled                 boolean     NOT NULL DEFAULT true,
    disabled_reason         text,
    failing_since           timestamptz, -- first failed attempt since the last success
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints (customer_id, created_at);

-- The outbox: written in the same transaction as the change that causes the message.
CREATE TABLE webhook_messages (
    id          text        PRIMARY KEY,  -- msg_<base32>: the webhook-id, stable across attempts
    customer_id uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    event_type  text        NOT NULL,
    payload     jsonb       NOT NULL,      -- {type, timestamp, data}, sent as it is stored
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_messages_customer ON webhook_messages (customer_id, created_at);

-- One row per attempt. A pending row is due at next_attempt_at; the worker leases it while it
-- sends (lease_until), so a node that dies mid-attempt leaves it to be sent again, never lost.
CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY,
    message_id      text        NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    customer_id     uuid        NOT NULL,
    attempt         integer     NOT NULL CHECK (attempt >= 1),
    status          text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    lease_until     timestamptz,
    response_status integer,
    duration_ms     integer,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz   -- pending: when it is due; failed: when the next attempt is, if any
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

-- A quota notification is sent once per customer, month and kind: the key makes it so across nodes.
CREATE TABLE quota_notifications (
    customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    period_start date NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('quota.warning', 'quota.exhausted')),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, period_start, kind)
);

CREATE TABLE alert_rules (
    id                uuid        PRIMARY KEY,
    customer_id       uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind              text        NOT NULL CHECK (kind IN ('failover_rate', 'recovery_time_p95',
                                                           'both_failed_streak', 'gateway_failure_rate')),
    threshold         numeric     NOT NULL CHECK (threshold >= 0),
    window_seconds    integer     NOT NULL CHECK (window_seconds BETWEEN 60 AND 86400),
    min_events        integer     NOT NULL CHECK (min_events BETWEEN 1 AND 1000000),
    gateway           text,
    resolve_threshold numeric     NOT NULL CHECK (resolve_threshold >= 0),
    for_seconds       integer     NOT NULL CHECK (for_seconds BETWEEN 0 AND 86400),
    -- Evaluation state: ok, pending (above the threshold since pending_since, not yet forSeconds)
    -- or firing (alert_id is the open alert).
    state             text        NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'pending', 'firing')),
    pending_since     timestamptz,
    alert_id          uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_customer ON alert_rules (customer_id, created_at);

CREATE TABLE alerts (
    id          uuid        PRIMARY KEY,
    rule_id     uuid        NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    customer_id uuid        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('firing', 'resolved')),
    value       numeric     NOT NULL,
    threshold   numeric     NOT NULL,
    started_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX alerts_customer ON alerts (customer_id, started_at DESC, id DESC);

-- The three rules the integration guide recommends, for every customer: those to come (trigger)
-- and those already here.
CREATE FUNCTION add_default_alert_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_rules (id, customer_id, kind, threshold, window_seconds, min_events, resolve_threshold, for_seconds)
    VALUES (gen_random_uuid(), NEW.id, 'failover_rate', 0.05, 300, 20, 0.04, 0),
           (gen_random_uuid(), NEW.id, 'recovery_time_p95', 3000, 300, 1, 2500, 0),
           (gen_random_uuid(), NEW.id, 'both_failed_streak', 3, 300, 3, 1, 0);
    RETURN NEW;
END $$;
CREATE TRIGGER customers_default_alert_rules AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION add_default_alert_rules();

INSERT INTO alert_rules (id, customer_id, kind, threshold, window_seconds, min_events, resolve_threshold, for_seconds)
SELECT gen_random_uuid(), c.id, d.kind, d.threshold, 300, d.min_events, d.resolve_threshold, 0
  FROM customers c
 CROSS JOIN (VALUES ('failover_rate', 0.05, 20, 0.04),
                    ('recovery_time_p95', 3000, 1, 2500),
                    ('both_failed_streak', 3, 3, 1)) AS d(kind, threshold, min_events, resolve_threshold);
