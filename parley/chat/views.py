"""The chat home page (a placeholder until the chat issue fills it in)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "chat/home.html", {"title": "Chat"})
