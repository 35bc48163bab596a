package com.apisentinel.sdk;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A batch as the request body: {@code {"events": [...]}}, gzipped. Payment events compress about
 * five to one, which is what a mobile or metered uplink pays for. Level 1 (fastest): the sender
 * thread serialises tens of thousands of events a second, and higher levels win little on JSON this
 * repetitive. One encoder per sender thread, its buffer reused.
 */
final class BatchEncoder {

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

  byte[] gzip(PaymentEvent[] events) {
    buffer.reset();
    try (GZIPOutputStream gzip = new FastGzip(buffer); JsonGenerator g = EventJson.JSON.createGenerator(gzip)) {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (PaymentEvent event : events) {
        EventJson.write(g, event);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return buffer.toByteArray();
  }

  /** GZIPOutputStream at the fastest level (its deflater is protected, so it is set here). */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 8192);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
