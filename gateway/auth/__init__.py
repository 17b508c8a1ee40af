"""Staff login (argon2), short-lived JWTs with rotating refresh tokens, JWKS, patient tokens."""
