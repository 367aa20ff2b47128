# The api, worker and migrate image (see docker-compose.yml). Not built on the development
# machines, which have no Docker engine.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The API listens on 127.0.0.1 unless HOST says otherwise: in a container, only 0.0.0.0 is
# reachable through a published port. The processes log JSON lines on stdout (LOG_LEVEL).
ENV HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The worker bundles workflows/ from its TypeScript-compiled JavaScript at start.
USER node
CMD ["node", "dist/api/main.js"]
