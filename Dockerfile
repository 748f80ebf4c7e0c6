# One image for every role: `portal gateway|relay|projector|migrate` (see compose.yaml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY projections projections
COPY gateway gateway
COPY workers workers
RUN pip install --no-cache-dir . && useradd --system portal
USER portal
ENTRYPOINT ["portal"]
