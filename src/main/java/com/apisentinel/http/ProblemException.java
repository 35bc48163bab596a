package com.apisentinel.http;

import io.vertx.core.Future;
import java.util.Optional;

/** Fails a route with a ready-made problem document. */
public final class ProblemException extends RuntimeException {

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  static ProblemException notFound() {
    return new ProblemException(new Problem(404, "not-found", "Not found", "no such resource"));
  }

  /** The value, or a 404: another customer's ids look exactly like ids that do not exist. */
  static <T> Future<T> orNotFound(Optional<T> value) {
    return value.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound()));
  }

  /** Nothing, or a 404 when there was nothing of this customer's to act on. */
  static Future<Void> orNotFound(boolean found) {
    return found ? Future.succeededFuture() : Future.failedFuture(notFound());
  }

  static ProblemException payloadTooLarge(long limit) {
    return new ProblemException(new Problem(413, "payload-too-large", "Payload too large",
        "the request body exceeds " + limit + " bytes (counted after decompression)"));
  }

  static ProblemException unsupportedMediaType(String detail) {
    return new ProblemException(new Problem(415, "unsupported-media-type", "Unsupported media type", detail));
  }
}
