package com.apisentinel.http;

import com.apisentinel.body.MalformedBodyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** A gzip request body, inflated up to a limit: beyond it 413, broken data 400. */
final class Gzip {

  private Gzip() {
  }

  static byte[] decode(byte[] compressed, int maxBytes) {
    ByteArrayOutputStream inflated = new ByteArrayOutputStream(Math.min(maxBytes, compressed.length * 8));
    byte[] buffer = new byte[16 * 1024];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), buffer.length)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (inflated.size() + n > maxBytes) {
          throw ProblemException.payloadTooLarge(maxBytes); // a gzip bomb stops here, never inflated whole
        }
        inflated.write(buffer, 0, n);
      }
    } catch (IOException broken) {
      throw new MalformedBodyException("the gzip data is invalid or truncated");
    }
    return inflated.toByteArray();
  }
}
