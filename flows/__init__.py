"""Prefect around the night. Only this package imports Prefect.

A district machine runs offline and unattended: Prefect's usage reporting is off, on the server
(`PREFECT_SERVER_ANALYTICS_ENABLED`) and in the client (`DO_NOT_TRACK`, which also keeps its
telemetry notice off the terminal). Prefect's temporary local API gets 90 s to start, not 20: on a
machine busy with OCR it took longer, and the night failed before it began. Set here, before any
module of the package imports Prefect.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
