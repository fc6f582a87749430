"""Driving allauth's email pages from tests: their URLs and the code in a mail."""

import re

from django.contrib.auth import get_user

LOGIN = "/accounts/login/"
CONFIRM = "/accounts/login/code/confirm/"
SIGNUP = "/accounts/signup/"
VERIFY = "/accounts/confirm-email/"
CODE_IN_MAIL = re.compile(r"^ {4}([A-Z0-9]{4}-[A-Z0-9]{4})$", re.M)


def code_from(message) -> str:
    return CODE_IN_MAIL.search(message.body).group(1)


def logged_in_user(client):
    return get_user(client)
