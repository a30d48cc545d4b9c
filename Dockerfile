# Build
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/roster /roster

# Run: one binary (templates and CSS are compiled in), data on a volume.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /data --shell /usr/sbin/nologin roster \
 && mkdir -p /data && chown roster /data
COPY --from=build /roster /usr/local/bin/roster
USER roster
ENV ROSTER_DATA_DIR=/data ROSTER_BIND=0.0.0.0:3000
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000"]
ENTRYPOINT ["roster"]
CMD ["serve"]
