# The runtime-hub image used by docker-compose.yml: hub (`start`) and `worker` are its commands.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
EXPOSE 8765
ENTRYPOINT ["node", "packages/hub/dist/cli/main.js"]
CMD ["start", "--host", "0.0.0.0"]
