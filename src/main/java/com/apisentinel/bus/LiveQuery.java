package com.apisentinel.bus;

import java.util.UUID;

/** Asks the metrics verticle for a customer's rolling windows; replies {@link LiveWindowsView}. */
public record LiveQuery(UUID customerId) {
}
