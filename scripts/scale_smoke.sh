#!/usr/bin/env bash
# Smoke-test the compose `scale` profile's gateways from the image, as far as a machine without
# a Docker engine allows: builds the image with podman, then runs gateway-0 and gateway-1 from it
# (deploy/gateway-*.toml, read-only root, the compose healthcheck) against the Discord stand-in
# and a real PostgreSQL started from Debian's package (tests/test_compose.py).
#   scripts/scale_smoke.sh [IMAGE]        (default localhost/gd-tutor:scale; REBUILD=0 skips the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
IMAGE=${1:-localhost/gd-tutor:scale}
BUILD=${BUILD:-../shared/container/build-and-run.sh}  # podman and a local Debian base image
export WORK=${WORK:-$(dirname "$(mktemp -u)")/container-scale}
export CONTAINERS_CONF=$WORK/containers.conf CONTAINERS_STORAGE_CONF=$WORK/storage.conf
if [ "${REBUILD:-1}" != 0 ]; then
  RUN=0 PYTHON_STANDIN=1 "$BUILD" . "$IMAGE"
fi
PYTHON=${PYTHON:-.venv/bin/python}
GD_TUTOR_IMAGE=$IMAGE "$PYTHON" -m pytest -q -rs -k image tests/test_compose.py
