# Parley: one image, `parley serve` on port 8000. Dependencies come from uv.lock (--frozen):
# the image runs exactly the versions the tests ran. See docs/operating.md.
FROM python:3.11-slim

# uv, pinned: the same version that wrote uv.lock.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /usr/local/bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY parley ./parley
RUN uv sync --frozen --no-dev

RUN useradd --system --uid 10001 --no-create-home --home-dir /app parley \
    && mkdir -p /data \
    && chown parley:parley /data

ENV PATH=/app/.venv/bin:$PATH \
    PARLEY_DATA_DIR=/data
VOLUME ["/data"]
USER parley
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["parley", "serve", "--host", "0.0.0.0", "--port", "8000"]
