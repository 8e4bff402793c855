"""Settings for the test suite: the real settings, with fast hashing and no outside effects."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
# The suite never reads the checkout's development .env (make run writes it): what a test sees
# comes from the environment and this file, and so does every manage.py the tests start.
os.environ.setdefault("SONMAI_ENV_FILE", os.devnull)

from sonmai.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = tempfile.mkdtemp(prefix="sonmai-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="sonmai-test-static-")
# No role must use two-factor unless a test says so (tests/units/test_two_factor.py), whatever
# the environment: the cast signs in with force_login and a password alone.
TWO_FACTOR_ROLES = []
BACKUP_DIR = Path(tempfile.mkdtemp(prefix="sonmai-test-backups-"))
