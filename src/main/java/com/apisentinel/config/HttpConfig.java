package com.apisentinel.config;

import java.time.Duration;
import java.util.Set;

/**
 * @param corsOrigins        browser origins (scheme://host[:port]) allowed to call the API from their pages
 * @param requestReadTimeout the longest a connection may take to send a request's head once it is
 *     ready for one, and then the request's body (slow clients, slowloris)
 */
public record HttpConfig(String host, int port, int instances, int maxBodyBytes, Duration shutdownTimeout,
                         Duration requestReadTimeout, Set<String> corsOrigins) {
}
