package com.apisentinel.sdk;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Tracked events on disk until the server acknowledged them, so that an app killed with
 * {@code kill -9} sends them after its restart. Append-only segment files of records
 * {@code [length][CRC32C][event JSON]}; a record is written with one {@code write} before
 * {@code track} returns, which puts it in the operating system's page cache: it survives the
 * process, not a power cut (that would need an fsync per event).
 *
 * <p>A segment is deleted (the current one truncated) once every event in it is settled. At start,
 * the segments an earlier run left are the backlog: the sender reads them into the queue as room
 * allows, so a crash loop while the server is down cannot grow the queue past its bounds. A torn
 * last record (a crash mid-write) fails its length or checksum and ends that segment.
 *
 * <p>Appends run under the queue's lock on the app's threads; settling runs on the sender thread;
 * the segment bookkeeping is guarded by this object's monitor.
 */
final class Spool implements AutoCloseable {

  static final long NONE = -1;
  private static final String SUFFIX = ".spool";
  private static final int HEADER = 8;
  /** Segments roll at this size; it also bounds what one backlog read holds in memory. */
  private final long segmentBytes;

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<Long, Segment> segments = new HashMap<>();
  private final Deque<Segment> backlog = new ArrayDeque<>();
  private long nextId;
  private Segment current;
  /** The backlog segment being read, its bytes and where the next record starts. */
  private ByteBuffer reading;
  private PaymentEvent unplaced;

  private static final class Segment {
    final long id;
    final Path path;
    /** Classic stream I/O: an interrupted app thread cannot close it for everyone, as it would a channel. */
    FileOutputStream out;
    long size;
    /** Records appended or read back and not settled yet. */
    long pending;
    /** A backlog segment whose records have all been read. */
    boolean fullyRead;

    Segment(long id, Path path) {
      this.id = id;
      this.path = path;
    }
  }

  private Spool(Path dir, FileChannel lockChannel, FileLock lock, long segmentBytes) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens (creating it if needed) a spool directory that no other client, in this process or
   * another, is using.
   */
  static Spool open(Path dir, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException inThisProcess) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("spool directory " + dir + " is in use by another SentinelClient");
    }
    Spool spool = new Spool(dir, lockChannel, lock, segmentBytes);
    try {
      spool.findBacklog();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  private void findBacklog() throws IOException {
    List<Long> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        try {
          ids.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
        } catch (NumberFormatException notOurs) {
          // Someone else's file: left alone.
        }
      }
    }
    Collections.sort(ids);
    for (long id : ids) {
      Segment segment = new Segment(id, path(id));
      segments.put(id, segment);
      backlog.add(segment);
      nextId = id + 1;
    }
  }

  /** Appends one record; returns its segment. */
  synchronized long append(byte[] record) throws IOException {
    if (current == null || current.size >= segmentBytes) {
      roll();
    }
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + record.length);
    CRC32C crc = new CRC32C();
    crc.update(record);
    buffer.putInt(record.length).putInt((int) crc.getValue()).put(record);
    try {
      current.out.write(buffer.array()); // one write(2): a crash leaves whole records, or a torn last one
    } catch (IOException e) {
      // A partial record (a full disk, say) ends this segment for the reader: later records go to a new one.
      current.size = segmentBytes;
      throw e;
    }
    current.size += HEADER + record.length;
    current.pending++;
    return current.id;
  }

  /**
   * A new current segment; when the file cannot be created, the old one stays current (and full),
   * and the next append tries again.
   */
  private void roll() throws IOException {
    Segment next = new Segment(nextId, path(nextId));
    next.out = new FileOutputStream(next.path.toFile(), true);
    nextId++;
    segments.put(next.id, next);
    Segment previous = current;
    current = next;
    if (previous != null) {
      previous.out.close();
      previous.fullyRead = true;
      deleteIfSettled(previous);
    }
  }

  /** One event of the segment was acknowledged or given up for good. */
  synchronized void settle(long id) throws IOException {
    Segment segment = segments.get(id);
    if (segment == null) {
      return;
    }
    segment.pending--;
    if (segment == current) {
      if (segment.pending == 0) {
        // Everything written so far is settled: start the file over rather than open a new one on
        // an app thread at the next track.
        segment.out.getChannel().truncate(0);
        segment.size = 0;
      }
    } else {
      deleteIfSettled(segment);
    }
  }

  private void deleteIfSettled(Segment segment) throws IOException {
    if (segment.fullyRead && segment.pending == 0) {
      segments.remove(segment.id);
      Files.deleteIfExists(segment.path);
    }
  }

  /**
   * Moves backlog events into the queue while the queue is less than half full, so that events the
   * app tracks now keep room too; returns how many. The event that did not fit waits for the next
   * call; one that could never fit the queue goes to {@code unfit}. Called by the sender only, and
   * never holding this monitor while it takes the queue's lock: {@link #append} takes them the other
   * way round.
   */
  int restoreInto(EventQueue queue, Consumer<PaymentEvent> unfit) throws IOException {
    int restored = 0;
    while (true) {
      PaymentEvent event;
      Segment from;
      synchronized (this) {
        if (unplaced == null) {
          unplaced = nextBacklogEvent();
        }
        if (unplaced == null) {
          return restored;
        }
        event = unplaced;
        from = backlog.peekFirst();
        from.pending++; // held while offered, so the segment cannot be deleted meanwhile
      }
      EventQueue.Restore result = queue.offerRestored(event, from.id);
      synchronized (this) {
        if (result != EventQueue.Restore.ADDED) {
          from.pending--;
        }
        if (result == EventQueue.Restore.NO_ROOM) {
          return restored;
        }
        unplaced = null;
      }
      if (result == EventQueue.Restore.ADDED) {
        restored++;
      } else {
        unfit.accept(event);
      }
    }
  }

  /** The next readable event of the oldest backlog segment, finishing segments on the way. */
  private PaymentEvent nextBacklogEvent() throws IOException {
    while (!backlog.isEmpty()) {
      Segment segment = backlog.peekFirst();
      if (reading == null) {
        reading = ByteBuffer.wrap(Files.readAllBytes(segment.path));
      }
      byte[] record = nextRecord(reading);
      if (record != null) {
        try {
          return EventJson.read(record);
        } catch (IOException | RuntimeException unreadable) {
          continue;
        }
      }
      reading = null;
      backlog.pollFirst();
      segment.fullyRead = true;
      deleteIfSettled(segment);
    }
    return null;
  }

  /** The next intact record, or null at the end or at a torn or corrupt record. */
  static byte[] nextRecord(ByteBuffer in) {
    if (in.remaining() < HEADER) {
      return null;
    }
    int length = in.getInt();
    int checksum = in.getInt();
    if (length < 0 || length > in.remaining()) {
      return null;
    }
    byte[] record = new byte[length];
    in.get(record);
    CRC32C crc = new CRC32C();
    crc.update(record);
    return (int) crc.getValue() == checksum ? record : null;
  }

  /** Whether events of an earlier run are still waiting to be read. */
  synchronized boolean hasBacklog() {
    return unplaced != null || !backlog.isEmpty();
  }

  private Path path(long id) {
    return dir.resolve(String.format("%020d", id) + SUFFIX);
  }

  /** Closes the files; what is not settled stays on disk for the next run. */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (current != null) {
        current.out.close();
        if (current.pending == 0) {
          Files.deleteIfExists(current.path);
        }
      }
    } finally {
      lock.release();
      lockChannel.close();
    }
  }
}
