package com.apisentinel.bus;

/** A new customer, its first API key (full value shown this once only) and a login session. */
public record Registration(Customer customer, IssuedKey apiKey, TokenPair tokens) {
}
