-- Billing statements. A month's statement is computed from the rollups while it is open; 72 hours
-- after the month ends it is final, and its lines are kept here so that it never changes again.
CREATE TABLE billing_statements (
    customer_id  uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    period       date        NOT NULL,   -- the month's first day (UTC)
    generated_at timestamptz NOT NULL,
    lines        jsonb       NOT NULL,
    PRIMARY KEY (customer_id, period)
);

-- What final statements have billed of each month's events, per currency: the month's own
-- statement, plus the late adjustments later statements added. Events that arrive after that
-- (an occurredAt in a final month) are the difference between the rollups and this.
CREATE TABLE billing_accounted (
    customer_id     uuid    NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    period          date    NOT NULL,
    currency        text    NOT NULL,
    events          bigint  NOT NULL,
    failovers       bigint  NOT NULL,
    recoveries      bigint  NOT NULL,
    recovered_minor numeric NOT NULL,
    PRIMARY KEY (customer_id, period, currency)
);
