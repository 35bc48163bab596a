package com.apisentinel.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulation's own customers: registered through the public API before the load starts (each
 * with its first API key and a password for logins), then moved to the load plan with the admin
 * API. Fed to virtual users round-robin, as many apps of many merchants would send.
 */
final class Customers {

  static final String PASSWORD = "load test password";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Customer(String email, String apiKey, String accessToken) {
  }

  private final List<Customer> customers;
  private final AtomicInteger next = new AtomicInteger();

  private Customers(List<Customer> customers) {
    this.customers = List.copyOf(customers);
  }

  static Customers register(int count) {
    HttpClient http = HttpClient.newHttpClient();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Customer> registered = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String email = "load-" + run + "-" + i + "@example.com";
      String body = "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"companyName\":\"Load " + i + "\"}";
      String response = send(http, HttpRequest.newBuilder(URI.create(LoadSettings.BASE_URL + "/api/v1/customers/register"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 201);
      JsonNode json = read(response);
      String customerId = json.path("customer").path("id").asText();
      registered.add(new Customer(email, json.path("apiKey").path("key").asText(), json.path("accessToken").asText()));
      if (!LoadSettings.ADMIN_TOKEN.isEmpty()) {
        send(http, HttpRequest.newBuilder(URI.create(LoadSettings.BASE_URL + "/api/v1/admin/customers/" + customerId
                + "/tier")).header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + LoadSettings.ADMIN_TOKEN)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"tier\":\"" + LoadSettings.TIER + "\"}")).build(), 200);
      }
    }
    return new Customers(registered);
  }

  /** An endless feeder: email, apiKey and accessToken of the next customer in turn. */
  Iterator<Map<String, Object>> feeder() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        Customer customer = customers.get(Math.floorMod(next.getAndIncrement(), customers.size()));
        return Map.of("email", customer.email(), "apiKey", customer.apiKey(), "accessToken", customer.accessToken());
      }
    };
  }

  private static String send(HttpClient http, HttpRequest request, int expected) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach " + request.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }
}
