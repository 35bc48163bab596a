package com.apisentinel.support;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A newly registered customer's two credentials, and calls made with either. */
public record Account(String accessToken, String apiKey) {

  public static Account register(TestServer server) {
    JsonObject registration = server.register();
    return new Account(registration.getString("accessToken"), registration.getJsonObject("apiKey").getString("key"));
  }

  /** Any method, with a JSON body or none. */
  public static HttpResponse<String> call(TestServer server, String method, String path, String bearer,
                                          JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + bearer)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return TestServer.send(request.build());
  }
}
