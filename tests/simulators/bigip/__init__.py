"""BIG-IP 14.1.2.1 iControl REST simulator (see server.py for the command line)."""
