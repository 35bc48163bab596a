-- The SDK's failover settings, per customer (GET /api/v1/sdk/config, PUT /api/v1/customers/profile).
-- Defaults are what the SDK does before it has read them; existing customers get them too.
ALTER TABLE customers
    ADD COLUMN failover_enabled          boolean NOT NULL DEFAULT true,
    ADD COLUMN failover_on_timeout       text    NOT NULL DEFAULT 'lookup'
        CHECK (failover_on_timeout IN ('lookup', 'return')),
    ADD COLUMN breaker_failure_threshold integer NOT NULL DEFAULT 5
        CHECK (breaker_failure_threshold BETWEEN 1 AND 1000),
    ADD COLUMN breaker_open_ms           integer NOT NULL DEFAULT 30000
        CHECK (breaker_open_ms BETWEEN 1000 AND 3600000);
