# One image for web, worker and beat. The sandbox needs bubblewrap and a
# runtime that uid 65534 can read; the worker container needs to create
# namespaces (see docker-compose.yml and docs/sandbox.md).
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-seccomp util-linux \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY grader ./grader
COPY workers ./workers
COPY assignments ./assignments
RUN pip install --no-cache-dir . \
 && grader sandbox provision

ENV GRADER_DATA_DIR=/data
EXPOSE 8000
CMD ["grader", "web", "--host", "0.0.0.0", "--port", "8000"]
