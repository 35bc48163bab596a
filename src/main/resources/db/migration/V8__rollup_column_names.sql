-- Rollup columns named for what they hold: *_histogram is an HdrHistogram (bytea), *_values the raw
-- values as an int4 array. Until now rollups.recovery_times was a histogram while
-- rollup_parts.recovery_times was an array. Renames only touch the catalog; stop every node before
-- upgrading past this migration, as a node still running the old version would name the old columns.
ALTER TABLE rollup_parts RENAME COLUMN recovery_times TO recovery_time_values;
ALTER TABLE rollup_parts RENAME COLUMN latencies TO latency_values;
ALTER TABLE rollups RENAME COLUMN recovery_times TO recovery_histogram;
ALTER TABLE rollups RENAME COLUMN latencies TO latency_histogram;
