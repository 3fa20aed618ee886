# merge-window server image: Node 20 with git and GnuPG, run as a non-root user, git mirrors on a volume.
# The RUN steps marked "step" are the README's bare-metal steps (Deploy), in the same order; a test checks it.
FROM node:20-slim
# step: system packages
RUN apt-get update && apt-get install -y --no-install-recommends git gnupg ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json app.yml ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY config ./config
# step: dependencies (npm ci's prepare script compiles dist/ too)
RUN npm ci
# step: build
RUN npm run build
# step: cache directory
RUN mkdir -p /var/cache/merge-window && chown node:node /var/cache/merge-window
ENV NODE_ENV=production LOG_FORMAT=json MERGE_WINDOW_CACHE=/var/cache/merge-window HOST=0.0.0.0 PORT=3000
VOLUME /var/cache/merge-window
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/app/main.js"]
