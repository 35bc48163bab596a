package com.apisentinel.http;

import com.apisentinel.body.MalformedBodyException;
import com.apisentinel.body.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Reads a JSON request body with its limit enforced while reading: the server decompresses gzip
 * before the bytes arrive here, so the limit counts decompressed bytes (a gzip bomb stops at the
 * limit), and an oversized body fails the request the moment it crosses the limit instead of
 * being buffered first. vertx-web's BodyHandler is not used because it keeps reading after the limit.
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
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
      ctx.response().putHeader(HttpHeaders.ACCEPT_ENCODING, "gzip");
      return Future.failedFuture(ProblemException.unsupportedMediaType("Content-Encoding must be gzip or absent"));
    }
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (encoding == null && declared != null && parseLength(declared) > maxBytes) {
      return Future.failedFuture(ProblemException.payloadTooLarge(maxBytes));
    }
    return collect(request, maxBytes);
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
    request.exceptionHandler(failure -> body.tryFail(new MalformedBodyException(
        "the request body could not be read (invalid gzip data?)")));
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
