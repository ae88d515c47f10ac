"""The review console at /console: server-rendered pages over the same flows as the API."""
