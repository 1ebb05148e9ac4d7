"""Benchmarks: scripts run by hand against PostgreSQL and Redis; see bench/README.md."""
