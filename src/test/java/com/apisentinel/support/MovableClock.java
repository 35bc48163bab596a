package com.apisentinel.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that runs at real speed from a chosen instant and can be moved forward, for month boundaries. */
public final class MovableClock extends Clock {

  /** Shared by the clock and its {@link #withZone} views, so moving one moves them all. */
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  public MovableClock(Instant startAt) {
    this(new AtomicReference<>(Duration.between(Instant.now(), startAt)), ZoneOffset.UTC);
  }

  private MovableClock(AtomicReference<Duration> offset, ZoneId zone) {
    this.offset = offset;
    this.zone = zone;
  }

  public void moveTo(Instant instant) {
    offset.set(Duration.between(Instant.now(), instant));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new MovableClock(offset, newZone);
  }
}
