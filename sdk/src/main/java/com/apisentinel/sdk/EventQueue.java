package com.apisentinel.sdk;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the app's threads and the sender: a ring of events, bounded both in
 * events and in bytes (each event's {@link PaymentEvent#sizeBound()}), so that no burst and no
 * outage can grow the SDK's memory past what the merchant configured. Full means the newest event
 * is refused, never that the caller waits.
 *
 * <p>Every event added gets the next sequence number, in queue order, so that "everything tracked
 * before this flush" is one number. One lock guards everything: an uncontended {@link ReentrantLock}
 * costs tens of nanoseconds and allocates nothing, unlike a linked queue's node per event.
 */
final class EventQueue {

  /** What {@link #offer} did. */
  enum Offer { ADDED, ADDED_WAKE_SENDER, FULL, SPOOL_FAILED_ADDED, CLOSED }

  /** What {@link #offerRestored} did. */
  enum Restore { ADDED, NO_ROOM, NEVER_FITS }

  private final ReentrantLock lock = new ReentrantLock();
  private final PaymentEvent[] events;
  /** Each queued event's spool segment, or {@link Spool#NONE}. */
  private final long[] segments;
  private final long maxBytes;
  private final Spool spool;
  private int head;
  private int count;
  private long bytes;
  /** The sequence number the next event gets; also how many events have ever been added. */
  private long nextSeq;
  private long tracked;
  private long droppedFull;
  /** Set when the sender has finished: nothing offered afterwards would ever be sent. */
  private boolean closed;
  /** The sender asks to be woken when the queue holds a batch's worth (events or bytes). */
  private volatile int wakeAtEvents;
  private volatile long wakeAtBytes;

  EventQueue(int capacity, long maxBytes, Spool spool) {
    this.events = new PaymentEvent[capacity];
    this.segments = new long[capacity];
    this.maxBytes = maxBytes;
    this.spool = spool;
    this.wakeAtEvents = capacity;
    this.wakeAtBytes = maxBytes;
  }

  /**
   * Adds an event the app tracked; with a spool, its record is appended to the spool first, under
   * the same lock, so that spool order is queue order. Never blocks on anything but this lock and,
   * with a spool, one write to the page cache.
   *
   * @param spoolError with a spool, where the spool's I/O error is put when the answer is
   *     {@link Offer#SPOOL_FAILED_ADDED} (the listener is told outside this lock)
   */
  Offer offer(PaymentEvent event, byte[] spoolRecord, IOException[] spoolError) {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      if (count == events.length || bytes + event.sizeBound() > maxBytes) {
        droppedFull++;
        return Offer.FULL;
      }
      long segment = Spool.NONE;
      if (spool != null) {
        try {
          segment = spool.append(spoolRecord);
        } catch (IOException e) {
          spoolError[0] = e;
        }
      }
      tracked++;
      boolean wake = add(event, segment);
      return spoolError != null && spoolError[0] != null ? Offer.SPOOL_FAILED_ADDED
          : wake ? Offer.ADDED_WAKE_SENDER : Offer.ADDED;
    } finally {
      lock.unlock();
    }
  }

  /** Adds an event read back from the spool of an earlier run while the queue is less than half full. */
  Restore offerRestored(PaymentEvent event, long segment) {
    if (event.sizeBound() > maxBytes / 2) {
      return Restore.NEVER_FITS;
    }
    lock.lock();
    try {
      if (closed || count >= events.length / 2 || bytes + event.sizeBound() > maxBytes / 2) {
        return Restore.NO_ROOM;
      }
      add(event, segment);
      return Restore.ADDED;
    } finally {
      lock.unlock();
    }
  }

  private boolean add(PaymentEvent event, long segment) {
    int tail = (head + count) % events.length;
    events[tail] = event;
    segments[tail] = segment;
    count++;
    bytes += event.sizeBound();
    nextSeq++;
    return count == 1 || count == wakeAtEvents || (bytes >= wakeAtBytes && bytes - event.sizeBound() < wakeAtBytes);
  }

  /** Tells {@link #offer} when the sender wants to hear that a full batch is waiting. */
  void wakeAt(int events, long bytes) {
    this.wakeAtEvents = events;
    this.wakeAtBytes = bytes;
  }

  /**
   * Moves the oldest events into a new batch: at most {@code maxEvents}, and no more bytes than
   * {@code maxBatchBytes} (but always at least one event). Null when the queue is empty.
   */
  Batch take(int maxEvents, long maxBatchBytes) {
    lock.lock();
    try {
      if (count == 0) {
        return null;
      }
      int n = 0;
      long batchBytes = 0;
      while (n < Math.min(maxEvents, count)) {
        int size = events[(head + n) % events.length].sizeBound();
        if (n > 0 && batchBytes + size > maxBatchBytes) {
          break;
        }
        batchBytes += size;
        n++;
      }
      PaymentEvent[] taken = new PaymentEvent[n];
      long[] takenSegments = new long[n];
      long firstSeq = nextSeq - count;
      for (int i = 0; i < n; i++) {
        int slot = (head + i) % events.length;
        taken[i] = events[slot];
        takenSegments[i] = segments[slot];
        events[slot] = null;
      }
      head = (head + n) % events.length;
      count -= n;
      bytes -= batchBytes;
      return new Batch(firstSeq, taken, takenSegments);
    } finally {
      lock.unlock();
    }
  }

  /** Refuses every later offer and takes what is left (when the sender finishes). */
  Batch closeAndTakeAll() {
    lock.lock();
    try {
      closed = true;
      return take(Integer.MAX_VALUE, Long.MAX_VALUE);
    } finally {
      lock.unlock();
    }
  }

  /** The sequence number of the oldest queued event, or {@link #nextSeq()} when empty. */
  long headSeq() {
    lock.lock();
    try {
      return nextSeq - count;
    } finally {
      lock.unlock();
    }
  }

  long nextSeq() {
    lock.lock();
    try {
      return nextSeq;
    } finally {
      lock.unlock();
    }
  }

  /** The queue's counters, read together. */
  Counts counts() {
    lock.lock();
    try {
      return new Counts(tracked, droppedFull, count, bytes);
    } finally {
      lock.unlock();
    }
  }

  /** A consistent reading of the queue. */
  static final class Counts {
    final long tracked;
    final long droppedFull;
    final int queued;
    final long queuedBytes;

    Counts(long tracked, long droppedFull, int queued, long queuedBytes) {
      this.tracked = tracked;
      this.droppedFull = droppedFull;
      this.queued = queued;
      this.queuedBytes = queuedBytes;
    }
  }

  int capacity() {
    return events.length;
  }
}
