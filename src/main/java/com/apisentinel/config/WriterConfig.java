package com.apisentinel.config;

import java.time.Duration;

public record WriterConfig(int maxBatchEvents, Duration maxDelay, int queueCapacity, int connections,
                           Duration ackTimeout, Duration commitTimeout) {
}
