package com.apisentinel.sdk;

/**
 * A snapshot of a client's counters since it was built. Every event tracked (or restored from a
 * spool) ends in exactly one of accepted, duplicates, rejected, conflicts, failed or dropped, or is
 * still pending (queued or in flight): nothing disappears without being counted. An event dropped at
 * close was not acknowledged; if it was in flight, the server may still have stored it.
 */
public final class SentinelStats {

  private final long tracked;
  private final long accepted;
  private final long duplicates;
  private final long rejected;
  private final long conflicts;
  private final long failed;
  private final long dropped;
  private final long retries;
  private final long restored;
  private final long queued;
  private final long queuedBytes;

  SentinelStats(long tracked, long accepted, long duplicates, long rejected, long conflicts, long failed,
                long dropped, long retries, long restored, long queued, long queuedBytes) {
    this.tracked = tracked;
    this.accepted = accepted;
    this.duplicates = duplicates;
    this.rejected = rejected;
    this.conflicts = conflicts;
    this.failed = failed;
    this.dropped = dropped;
    this.retries = retries;
    this.restored = restored;
    this.queued = queued;
    this.queuedBytes = queuedBytes;
  }

  /** @return events {@code track} took (returned true for) */
  public long tracked() {
    return tracked;
  }

  /** @return events the server stored */
  public long accepted() {
    return accepted;
  }

  /** @return events the server already had (a retry whose first answer was lost, say) */
  public long duplicates() {
    return duplicates;
  }

  /** @return events the server refused as invalid */
  public long rejected() {
    return rejected;
  }

  /** @return events whose id the server holds with a different payload */
  public long conflicts() {
    return conflicts;
  }

  /** @return events given up because the server refused their batch for good (401, 403, ...) */
  public long failed() {
    return failed;
  }

  /** @return events never sent: refused by {@code track} (queue full, too large, closed) or unsent at close */
  public long dropped() {
    return dropped;
  }

  /** @return batch attempts that were scheduled again after an error, 408, 429 or 5xx */
  public long retries() {
    return retries;
  }

  /** @return events read back from the spool of an earlier run */
  public long restored() {
    return restored;
  }

  /** @return events waiting in the queue now */
  public long queued() {
    return queued;
  }

  /** @return the queued events' size bound in bytes now */
  public long queuedBytes() {
    return queuedBytes;
  }

  @Override
  public String toString() {
    return "SentinelStats[tracked=" + tracked + ", accepted=" + accepted + ", duplicates=" + duplicates
        + ", rejected=" + rejected + ", conflicts=" + conflicts + ", failed=" + failed + ", dropped=" + dropped
        + ", retries=" + retries + ", restored=" + restored + ", queued=" + queued + "]";
  }
}
