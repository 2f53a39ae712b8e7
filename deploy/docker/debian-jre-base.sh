#!/usr/bin/env bash
# Builds a base image for `make image` from Debian's packages alone, as a `docker save` tarball:
# OpenJDK 17's headless JRE and the libraries it depends on, unpacked into one layer. For machines
# that reach Debian's package mirrors but no container registry, and for `make image-check`; the
# release base stays the Temurin JRE that pom.xml pins by digest.
#
#   deploy/docker/debian-jre-base.sh [OUT]     default OUT: target/debian-jre17-base.tar
#
# Needs apt (a Debian or Ubuntu machine whose package lists are current: apt-get update), dpkg-deb,
# tar and sha256sum; no root, no Docker engine. Package scripts are not run, so the JRE's trust
# store (made by ca-certificates-java's postinst) is absent: TLS from this base needs one mounted.
set -euo pipefail

OUT="${1:-target/debian-jre17-base.tar}"
PACKAGE=openjdk-17-jre-headless
ARCH="$(dpkg --print-architecture)"
JAVA_HOME="/usr/lib/jvm/java-17-openjdk-$ARCH"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/rootfs" "$work/image"

# The package and everything it depends on (no recommends), real packages only.
mapfile -t packages < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "$PACKAGE" | grep -E '^[a-z0-9]' | sort -u)
echo "debian-jre-base: ${#packages[@]} packages from $PACKAGE"
(cd "$work/debs" && apt-get download -qq "${packages[@]}" 2>/dev/null)
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$work/rootfs"
done

# What the maintainer scripts would have done and a container needs.
ln -sf "$JAVA_HOME/bin/java" "$work/rootfs/usr/bin/java"
mkdir -p "$work/rootfs/tmp"
chmod 1777 "$work/rootfs/tmp"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" \
  -cf "$work/layer.tar" .
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir -p "$work/image/$layer_sha"
mv "$work/layer.tar" "$work/image/$layer_sha/layer.tar"

cat >"$work/config.json" <<JSON
{"architecture":"$ARCH","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"debian-jre-base.sh: $PACKAGE and its dependencies"}]}
JSON
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/image/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["debian-jre17-base:local"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_sha" "$layer_sha" >"$work/image/manifest.json"

mkdir -p "$(dirname "$OUT")"
# Entries by name, as `docker save` writes them (no "./" entry, which readers refuse).
tar --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$OUT" \
  manifest.json "$config_sha.json" "$layer_sha"
jre_deb="$(basename "$work"/debs/"$PACKAGE"_*.deb)"
echo "debian-jre-base: $OUT ($(du -h "$OUT" | cut -f1), from $jre_deb)"
