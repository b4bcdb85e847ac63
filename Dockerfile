# Multi-stage build of both programs as static binaries, with an index of
# the bundled seeds baked in, so that the image serves something as it is:
#   docker build -t newsearch . && docker run -p 8080:8080 newsearch
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/indexer ./cmd/indexer \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/searchd ./cmd/searchd \
 && cp -r seeds /out/seeds \
 && /out/indexer -seeds /out/seeds -index /out/index -log-format text \
 && mkdir -p /out/cache /out/work

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/indexer /out/searchd /usr/local/bin/
# The bundled seeds and their index, owned by the unprivileged user the
# programs run as (a new named volume mounted on /index starts as a copy).
COPY --from=build --chown=65532:65532 /out/seeds /seeds
COPY --from=build --chown=65532:65532 /out/index /index
# The local copies of an index kept in object storage (docker-compose.replicas.yml).
COPY --from=build --chown=65532:65532 /out/cache /cache
COPY --from=build --chown=65532:65532 /out/work /work
# The defaults of -seeds and -index, whatever the working directory.
ENV NEWSEARCH_SEEDS=/seeds NEWSEARCH_INDEX=/index
WORKDIR /
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/searchd"]
