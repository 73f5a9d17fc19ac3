# syntax=docker/dockerfile:1
# Switchyard gateway image. The build steps live in scripts/container-build.sh, which
# test/e2e/packed-install.test.ts runs the same way (no container engine runs in CI here).

# 1. Build: compile TypeScript, build the dashboard and pack exactly what npm would publish.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Dev dependencies (TypeScript) for the compile; no install scripts are needed to compile.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The dashboard's sources: npm's prepare builds them into dist/ui/ with Vite.
COPY ui ./ui
COPY scripts/container-build.sh ./scripts/container-build.sh
RUN sh scripts/container-build.sh pack /out

# 2. Runtime: the packed build and production dependencies only, run as the unprivileged `node` user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production
COPY --from=build /out/switchyard-gateway.tgz /tmp/build/
COPY package-lock.json scripts/container-build.sh scripts/healthcheck.mjs /tmp/build/
RUN sh /tmp/build/container-build.sh install /tmp/build/switchyard-gateway.tgz /tmp/build/package-lock.json /app \
  && cp /tmp/build/healthcheck.mjs /app/healthcheck.mjs \
  && rm -rf /tmp/build /root/.npm \
  && mkdir -p /data /config \
  && chown node:node /data
# /app stays root-owned and read-only to the process; state goes to /data (a volume).
USER node
WORKDIR /data
ENV SWITCHYARD_CONFIG=/config/switchyard.yaml \
    SWITCHYARD_STORAGE_URL=sqlite:/data/switchyard.db
VOLUME ["/data"]
EXPOSE 4141
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
# Binding 0.0.0.0 needs client keys in the config (the gateway refuses otherwise).
CMD ["node", "/app/bin/switchyard.js", "start", "--host", "0.0.0.0", "--port", "4141"]
