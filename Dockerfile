# syntax=docker/dockerfile:1
# dispute-bot: the bot as a service. `docker build -t dispute-bot .` with Docker, or
# `make image-test`, which builds it with buildah and smoke-tests it (docs/operations.md).
#
# BASE_IMAGE needs python3 (3.11+) with the venv module; both stages use the same one.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# Another package index (a mirror), when PyPI is not the one to use.
ARG PIP_INDEX=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY handlers ./handlers
# The default config and the first dossier, shipped inside the wheel (package data).
COPY config ./config
COPY seeds ./seeds
# The wheel, installed with its dependencies into a virtual environment that the runtime
# stage copies whole. Without the `draft` extra: the bot never imports spaCy, and drafting
# articles (`dispute-bot draft`) is an editor's tool, run where the extra is installed. An optional `pip_cert` secret is a CA bundle for a TLS-inspecting proxy.
RUN --mount=type=secret,id=pip_cert \
    --mount=type=cache,target=/root/.cache/pip \
    set -eu; \
    if [ -s /run/secrets/pip_cert ]; then export PIP_CERT=/run/secrets/pip_cert; fi; \
    python3 -m venv /opt/venv; \
    /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels ${PIP_INDEX:+--index-url "$PIP_INDEX"} .; \
    /opt/venv/bin/pip install ${PIP_INDEX:+--index-url "$PIP_INDEX"} /wheels/dispute_bot-*.whl; \
    /opt/venv/bin/dispute-bot --help > /dev/null

FROM ${BASE_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The defaults and the first dossier are in the package; another dossier is mounted and named
# with DISPUTE_BOT_SEEDS (or a config file with DISPUTE_BOT_CONFIG).
# The digest's SQLite file lives in /app/data (mount a volume there) unless DATABASE_URL is set.
RUN mkdir -p /app/data && chown bot:bot /app/data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER bot
# 3000: Slack's HTTP mode (PORT); 8080: /healthz, /readyz, /metrics (HEALTH_PORT).
EXPOSE 3000 8080
# Python is PID 1 and handles SIGTERM itself: it finishes the replies in flight and exits 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dispute-bot", "health"]
ENTRYPOINT ["dispute-bot"]
CMD ["serve"]
