package com.apisentinel.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that runs at real speed from a chosen instant and can be moved forward, for month boundaries. */
public final class MovableClock extends Clock {

  private volatile Duration offset;

  public MovableClock(Instant startAt) {
    this.offset = Duration.between(Instant.now(), startAt);
  }

  public void moveTo(Instant instant) {
    offset = Duration.between(Instant.now(), instant);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
