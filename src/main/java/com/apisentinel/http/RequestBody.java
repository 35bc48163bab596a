package com.apisentinel.http;

import com.apisentinel.body.MalformedBodyException;
import com.apisentinel.body.StrictJson;
import com.apisentinel.body.Utf8;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Reads a JSON request body with its limits enforced while reading: an oversized body fails the
 * request the moment it crosses the limit instead of being buffered first (vertx-web's BodyHandler
 * keeps reading after its limit). Gzip is decoded here, not by the server's codec, so that the limit
 * counts decompressed bytes (a gzip bomb stops at the limit), a broken gzip stream is a 400 rather
 * than a dropped connection, and an encoding other than gzip is a 415 rather than silently decoded.
 * What is read must be UTF-8 (RFC 3629, checked strictly) and say so if it names a charset.
 */
final class RequestBody {

  /** Account, session and key bodies are a few fields; nothing legitimate comes near this. */
  private static final int MAX_OBJECT_BYTES = 16 * 1024;

  private RequestBody() {
  }

  /** A small JSON object body (not ingest), parsed strictly. */
  static Future<JsonObject> readObject(RoutingContext ctx) {
    return readJson(ctx, MAX_OBJECT_BYTES).map(StrictJson::parseObject);
  }

  /** For endpoints whose body is optional: no body at all reads as {@code {}}. */
  static Future<JsonObject> readOptionalObject(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean chunked = ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    boolean empty = !chunked && (length == null || length.equals("0"));
    return empty ? Future.succeededFuture(new JsonObject()) : readObject(ctx);
  }


  /** Expects the request paused (see {@link HttpVerticle}); resumes it. */
  static Future<byte[]> readJson(RoutingContext ctx, int maxBytes) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(contentType)) {
      return Future.failedFuture(ProblemException.unsupportedMediaType("Content-Type must be application/json"));
    }
    if (!isUtf8OrUnsaid(contentType)) {
      return Future.failedFuture(ProblemException.unsupportedMediaType("the body must be UTF-8 (charset=utf-8)"));
    }
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    boolean gzip = encoding != null && (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip"));
    if (encoding != null && !gzip && !encoding.equalsIgnoreCase("identity")) {
      ctx.response().putHeader(HttpHeaders.ACCEPT_ENCODING, "gzip");
      return Future.failedFuture(ProblemException.unsupportedMediaType("Content-Encoding must be gzip or absent"));
    }
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    // Compressed JSON is always smaller than the limit it expands to; a larger gzip body is refused unread too.
    if (declared != null && parseLength(declared) > maxBytes) {
      return Future.failedFuture(ProblemException.payloadTooLarge(maxBytes));
    }
    return collect(request, maxBytes).map(bytes -> gzip ? Gzip.decode(bytes, maxBytes) : bytes).map(RequestBody::utf8);
  }

  private static byte[] utf8(byte[] body) {
    if (!Utf8.isValid(body)) {
      throw new MalformedBodyException("the body is not valid UTF-8 (RFC 3629: no overlong forms or encoded surrogates)");
    }
    return body;
  }

  /** No charset parameter, or charset=utf-8: JSON is UTF-8 (RFC 8259), and nothing else is read. */
  private static boolean isUtf8OrUnsaid(String contentType) {
    int charset = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
    if (charset < 0) {
      return true;
    }
    String value = contentType.substring(charset + 8).split(";", 2)[0].trim().replace("\"", "");
    return value.equalsIgnoreCase("utf-8") || value.equalsIgnoreCase("utf8");
  }

  private static Future<byte[]> collect(HttpServerRequest request, int maxBytes) {
    Promise<byte[]> body = Promise.promise();
    Buffer buffer = Buffer.buffer();
    request.handler(chunk -> {
      if (buffer.length() + chunk.length() > maxBytes) {
        request.pause();
        body.tryFail(ProblemException.payloadTooLarge(maxBytes));
      } else {
        buffer.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(failure -> body.tryFail(new MalformedBodyException("the request body could not be read")));
    request.endHandler(v -> body.tryComplete(buffer.getBytes()));
    request.resume();
    return body.future();
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
