FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LEADGATE_HOST=0.0.0.0 \
    LEADGATE_PORT=8000 \
    LEADGATE_WORKERS=2 \
    LEADGATE_DATABASE_URL=sqlite+aiosqlite:////data/leadgate.db

RUN useradd --create-home --uid 10001 leadgate && mkdir /data && chown leadgate /data
WORKDIR /srv/leadgate
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

USER leadgate
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('LEADGATE_PORT', '8000'), timeout=2)"
CMD ["leadgate", "serve"]
