"""Parley's settings without the `ninja` app, to measure what importing it costs at startup
(bench/cli_startup.py). Not a supported configuration: the API docs page needs the app."""

from parley.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "ninja"]  # noqa: F405
