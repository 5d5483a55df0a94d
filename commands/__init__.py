"""The commands of the daftar CLI, one module per group (see cli.py)."""
