package com.apisentinel.quota;

import java.util.UUID;

/** Something that counts against a customer's monthly quota: a request's events. */
public interface Metered {

  UUID customerId();

  int events();
}
