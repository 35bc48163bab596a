package com.apisentinel.config;

/** Every setting, parsed and validated once at start-up, then passed to whoever needs it. */
public record SentinelConfig(Profile profile, HttpConfig http, DatabaseConfig database, WriterConfig writer,
                             SecurityConfig security, Plans plans) {
}
