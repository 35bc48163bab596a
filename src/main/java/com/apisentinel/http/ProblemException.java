package com.apisentinel.http;

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

  static ProblemException payloadTooLarge(long limit) {
    return new ProblemException(new Problem(413, "payload-too-large", "Payload too large",
        "the request body exceeds " + limit + " bytes (counted after decompression)"));
  }

  static ProblemException unsupportedMediaType(String detail) {
    return new ProblemException(new Problem(415, "unsupported-media-type", "Unsupported media type", detail));
  }
}
