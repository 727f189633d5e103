# One image serves every role: croupier operator | gameserver | router |
# matchmaker, and croupier-gameserver, the game pod alone, for game pods.
#
# `make image` builds this same image without a container engine, with a
# digest that one commit always reproduces (hack/tools/image). This file
# is for building it with Docker or Podman; it lays out the same files,
# user and entrypoint, and a test of hack/tools/image keeps the two alike.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# croupier runs every role; croupier-gameserver, the game pod alone, is
# what the operator's game pods run.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/ . ./gameserver/cmd/croupier-gameserver
# Debian's CA bundle, for TLS to Redis; a home for the user and a /tmp.
RUN mkdir -p /rootfs/etc/ssl/certs /rootfs/home/nonroot /rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && cp hack/tools/image/rootfs/etc/passwd hack/tools/image/rootfs/etc/group /rootfs/etc/ \
 && chmod 1777 /rootfs/tmp && chmod 700 /rootfs/home/nonroot

# An empty base: no shell, no package manager, nothing but the binaries.
FROM scratch
ARG VERSION=dev
ARG REVISION=""
LABEL org.opencontainers.image.title="croupier" \
      org.opencontainers.image.source="https://github.com/croupier-dev/croupier" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /rootfs/ /
COPY --from=build --chown=65532:65532 /rootfs/home/nonroot /home/nonroot
COPY --from=build /out/croupier /croupier
COPY --from=build /out/croupier-gameserver /croupier-gameserver
USER 65532:65532
ENTRYPOINT ["/croupier"]
