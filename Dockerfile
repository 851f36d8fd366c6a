# gd-tutor: the Discord bot on CPU-only PyTorch.
#   docker build -t gd-tutor .
#   docker run -d --env-file .env -v gd-tutor-data:/data --read-only --tmpfs /tmp gd-tutor
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg \
    MPLCONFIGDIR=/tmp/matplotlib

# Japanese replies get Japanese words in their pictures: a small CJK font (about 12 MB).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-ipafont-gothic \
 && rm -rf /var/lib/apt/lists/*

# Dependencies in a layer of their own: rebuilt only when pyproject.toml or constraints.txt
# change. torch comes from PyTorch's CPU index (no CUDA libraries); the rest from PyPI, pinned.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
WORKDIR /src
COPY pyproject.toml constraints.txt ./
RUN pip install --no-deps --index-url "$TORCH_INDEX" --constraint constraints.txt torch \
 && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > deps.txt \
 && pip install --constraint constraints.txt --requirement deps.txt setuptools \
 && rm deps.txt

# The project itself, without dependencies; the source folder is not kept.
COPY README.md ./
COPY solver ./solver
COPY bot ./bot
RUN pip install --no-deps --no-build-isolation . \
 && cd / && rm -rf /src

# An unprivileged user; it owns /data, where the SQLite file and the heartbeat live.
RUN groupadd --gid 10001 app \
 && useradd --uid 10001 --gid app --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin app \
 && mkdir /data && chown app:app /data
WORKDIR /app
COPY container/image-config.toml ./config.toml
VOLUME ["/data"]
USER app:app

HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "--healthcheck"]
CMD ["python", "-m", "bot"]
