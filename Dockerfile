# One image serves every role: croupier operator | gameserver | router.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/croupier .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/croupier /croupier
USER 65532:65532
ENTRYPOINT ["/croupier"]
