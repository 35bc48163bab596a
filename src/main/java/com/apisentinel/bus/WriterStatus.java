package com.apisentinel.bus;

/** The writer's backlog, for readiness checks and metrics. */
public record WriterStatus(boolean accepting, int queueDepth, int queueCapacity, int batchesInFlight) {
}
