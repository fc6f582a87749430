"""The built-in offline demo model: a fresh instance answers without any key.

It streams a fixed-shape markdown answer word by word with small delays, so the whole
streaming path (SSE, stop, markdown, usage) can be tried with no provider configured.
"""

import asyncio
import re
from collections.abc import AsyncIterator

LABEL = "Demo model (offline)"
WORD_DELAY = 0.02  # seconds between words; tests set it to 0


def answer_for(prompt: str) -> str:
    topic = " ".join(prompt.split()[:12]) or "your message"
    if len(topic) > 80:
        topic = topic[:80] + "…"
    topic = re.sub(r"[`*_]", "", topic)  # keep the italics intact; markup is escaped later
    return (
        f"This is the **demo model**, running offline inside Parley. You wrote: *{topic}*\n\n"
        "It does not understand text; it shows how answers look:\n\n"
        "- answers stream in word by word,\n"
        "- **markdown** is rendered, and\n"
        "- code blocks get a copy button:\n\n"
        "```python\n"
        "from openai import OpenAI\n\n"
        'client = OpenAI(base_url="https://api.openai.com/v1", api_key="sk-...")\n'
        "```\n\n"
        "An administrator connects real models in **Admin panel → Models**."
    )


async def stream(prompt: str) -> AsyncIterator[str]:
    for piece in re.findall(r"\S+\s*|\s+", answer_for(prompt)):
        if WORD_DELAY:
            await asyncio.sleep(WORD_DELAY)
        yield piece
