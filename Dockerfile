# syntax=docker/dockerfile:1
# Foyer in a container: a build stage with every dependency, and a slim runtime with only the production
# dependencies and what the build produced. .ci/check-production-start copies exactly what the runtime stage copies
# (the COPY --from=build lines) and starts it, so keep those lines the single list of what Foyer needs at run time.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY drizzle ./drizzle
COPY src ./src
COPY web ./web
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    FOYER_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/src/auth/passwords/common-passwords.txt ./src/auth/passwords/
# `foyer setup-link`, `foyer backup /data/backup.tar.gz` … inside the container.
RUN printf '#!/bin/sh\nexec node /app/dist/src/main.js "$@"\n' > /usr/local/bin/foyer && chmod +x /usr/local/bin/foyer \
    && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/src/main.js", "serve"]
