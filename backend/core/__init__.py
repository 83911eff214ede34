"""What every app shares: errors and the API error handler, permissions, pagination,
middleware, the query language, idempotency and the admin base. It imports no app."""
