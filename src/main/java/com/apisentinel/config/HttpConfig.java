package com.apisentinel.config;

import java.time.Duration;

public record HttpConfig(String host, int port, int instances, int maxBodyBytes, Duration shutdownTimeout) {
}
