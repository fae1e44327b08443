# The kn-ts control-plane image: one image, one entry point per component
# (`node bin/control-plane.js controller|gateway`).
#
# By hand, with a registry in reach (the first two stages run `npm ci`):
#   docker build -t dev.local/kn-ts/control-plane:<package version> .
# `kn quickstart kind` needs no network inside the build: it stages a context from the local install
# (what the runtime stage copies, with production node_modules only), reads each
# `COPY --from=<stage> /path/x dest` of the runtime stage as `COPY x dest`, builds only that stage
# with `docker build --network=none`, and loads the image into the kind node
# (src/quickstart/image.ts). Keep the runtime stage to plain COPY lines of top-level files/folders.

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
