"""Simulators used by the test suite (BIG-IP iControl REST, vCenter) and their shared TLS helpers."""
