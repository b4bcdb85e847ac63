# Multi-stage build of both programs as static binaries.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/indexer ./cmd/indexer \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/searchd ./cmd/searchd \
 && mkdir -p /out/index

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/indexer /out/searchd /usr/local/bin/
# The index volume starts owned by the unprivileged user the programs run as.
COPY --from=build --chown=65532:65532 /out/index /index
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/searchd"]
