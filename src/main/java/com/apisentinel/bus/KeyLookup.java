package com.apisentinel.bus;

/** Asks who owns the API key with this SHA-256 hash (hex). The key itself never travels. */
public record KeyLookup(String keyHash) {
}
