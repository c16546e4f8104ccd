# Energy Twin image: built dist/, production dependencies only, runs as the unprivileged `node` user,
# needs no network at start (no npm at run time). Data (embedded database, users, the plant's flows,
# credential key) in the /data volume. See docs/operations.md.
#
#   docker build -t energy-twin:0.1.0 .
#   docker run -d -p 127.0.0.1:1880:1880 -v twin-data:/data energy-twin:0.1.0
#
# Node.js 20 is what the tests run on here; 22 and 24 are supported (engines): --build-arg NODE_IMAGE=node:22.x-bookworm-slim.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# 1. Build: all dependencies (TypeScript), then dist/. --ignore-scripts: the `prepare` script would
#    build before the sources are copied; no production dependency needs an install script to run.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/ scripts/
COPY lib/ lib/
COPY nodes/ nodes/
COPY ui/ ui/
RUN npm run build

# 2. Production dependencies alone (no TypeScript, mocha, playwright …).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=1880 \
    HOST=0.0.0.0 \
    TWIN_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
# the dashboard widgets, built from ui/ by Vite (Node-RED serves them from the package's resources/)
COPY --from=build /app/resources/ resources/
COPY package.json settings.js ./
COPY flows/ flows/
COPY examples/ examples/
# HOST=0.0.0.0 inside the container only: publish the port on 127.0.0.1 for a TLS proxy on the host
# (docker-compose.yml), or on the plant network on purpose.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1880
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/lib/runtime/healthcheck-cli.js"]
# SIGTERM reaches node directly (no npm in between): the flows flush their buffers before exit.
CMD ["node", "dist/lib/runtime/cli.js"]
