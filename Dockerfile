# One image for web, worker and beat; docker-compose.yml runs it with PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, exactly as pinned in pyproject.toml, so a code change reuses this layer.
COPY pyproject.toml dev.py ./
RUN python dev.py requirements > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Production settings insist on these to load; collectstatic connects to neither.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_SECRET_KEY=build-only \
    DATABASE_URL=sqlite:////tmp/build-only.sqlite3 \
    REDIS_URL=redis://build-only:6379/0 \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /app shortbook \
    && mkdir -p /app/var \
    && chown -R shortbook /app/var
USER shortbook

ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
# No per-message deflate on the stream: see bench/README.md, stream_fanout.
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--ws-per-message-deflate", "false"]
