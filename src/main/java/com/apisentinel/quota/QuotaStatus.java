package com.apisentinel.quota;

import java.time.Instant;

/** A limited plan's monthly event quota as the writer knows it after a request: for the X-Quota-* headers. */
public record QuotaStatus(long limit, long remaining, Instant resetsAt) {
}
