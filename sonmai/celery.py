"""The Celery application. Periodic jobs are declared here, in code, next to the app."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonmai.settings")

app = Celery("sonmai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Filled by the apps that own periodic work; each entry wraps one idempotent job function.
app.conf.beat_schedule = {}


@app.on_configure.connect
def _prepare_filesystem_broker(sender: Celery, **kwargs: object) -> None:
    """Create the folders of the embedded file broker before anything connects to it."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
