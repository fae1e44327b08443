# The kn-ts control-plane image: one image, one entry point per component
# (`node bin/control-plane.js controller|gateway`). `kn quickstart kind` builds it as
#   docker build -t dev.local/kn-ts/control-plane:<package version> -f Dockerfile .
# and loads it into the kind node.

# --- build: compile TypeScript to dist/ and write oclif.manifest.json ----------------------------
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
RUN npm run build

# --- production dependencies only -------------------------------------------------------------
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------------
FROM node:24-slim
ENV NODE_ENV=production \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY manifests ./manifests
COPY --from=build /src/dist ./dist
COPY --from=build /src/oclif.manifest.json ./
# Non-root (distroless's "nonroot" uid); the manifests also set runAsNonRoot and a read-only root.
USER 65532:65532
EXPOSE 8080 9000 9090
ENTRYPOINT ["node", "bin/control-plane.js"]
