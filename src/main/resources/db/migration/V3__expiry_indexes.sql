-- Revocations and refresh tokens are useless once expired: these indexes serve the every-second
-- revocation poll (expires_at > now()) and the purge of expired rows.
CREATE INDEX token_revocations_expiry ON token_revocations (expires_at);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
