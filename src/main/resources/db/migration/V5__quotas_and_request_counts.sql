-- Monthly event quotas, enforced where events are committed without serializing a customer's commits.
--
-- Each writer connection of each node is a "lane" (a random uuid per connection slot and process).
-- The quota of a customer's month is handed out to lanes in grants (quota_lanes.granted); the
-- writer's INSERT adds the events it actually stored (duplicates never count) to its own lane's
-- `used` in the same statement. A lane is used by one transaction at a time, so a hot customer's
-- concurrent batches never wait on one another, and the CHECK makes overdrawing a grant impossible
-- whatever a node believes: stored events of a month <= sum(used) <= sum(granted) <= the quota.
-- Grants and reclaims of unused grants run under the customer row's lock (see QuotaStore).
CREATE TABLE quota_lanes (
    customer_id  uuid   NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    period_start date   NOT NULL,  -- first day of the UTC calendar month
    lane         uuid   NOT NULL,
    granted      bigint NOT NULL,
    used         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, period_start, lane),
    CONSTRAINT quota_lane_within_grant CHECK (used <= granted)
);

-- The writer counts with INSERT ... ON CONFLICT DO UPDATE, whose proposed row (granted = used = n)
-- passes the CHECK; only an existing lane may count events. A lane the writer had no grant for
-- would otherwise be created already "granted": refuse it as the same violation.
CREATE FUNCTION quota_lane_without_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events counted on a quota lane that was never granted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'quota_lane_within_grant';
END
$$;

CREATE TRIGGER quota_lane_must_be_granted
    AFTER INSERT ON quota_lanes
    FOR EACH ROW WHEN (NEW.used > 0)
    EXECUTE FUNCTION quota_lane_without_grant();

-- Events already received this month count against the quota from the first day of quotas
-- (inserted unused, then used: the trigger refuses a lane inserted with usage).
INSERT INTO quota_lanes (customer_id, period_start, lane, granted, used)
SELECT customer_id, date_trunc('month', now() AT TIME ZONE 'UTC')::date,
       '00000000-0000-0000-0000-000000000000', count(*), 0
  FROM events
 WHERE received_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
 GROUP BY customer_id;
UPDATE quota_lanes SET used = granted;

-- Authenticated requests per customer and UTC day, for billing. HTTP verticles count in memory and
-- add their counts here every few seconds, one statement for all customers.
CREATE TABLE request_counts (
    customer_id uuid   NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    day         date   NOT NULL,
    requests    bigint NOT NULL,
    PRIMARY KEY (customer_id, day)
);
