package com.apisentinel.bus;

import com.apisentinel.account.Customer;
import com.apisentinel.auth.IssuedKey;
import com.apisentinel.auth.TokenPair;

/** A new customer, its first API key (full value shown this once only) and a login session. */
public record Registration(Customer customer, IssuedKey apiKey, TokenPair tokens) {
}
