"""Local development: `make run` uses these settings with the embedded SQLite default."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
