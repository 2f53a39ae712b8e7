#!/usr/bin/env bash
# `make image-check`: builds the image as `make image` does, but on a base made here from Debian's
# packages (debian-jre-base.sh), so that no container registry is needed; then checks the image
# tarball's configuration (entrypoint, user, ports, labels) and files, and, when run as root,
# runs its entrypoint with --version in a chroot of its layers as the image's user.
set -euo pipefail
cd "$(dirname "$0")/../.."

MVN="${MVN:-mvn -B -ntp}"
BASE=target/debian-jre17-base.tar
OUT=target/jib-image-check.tar
fail() { echo "image-check: FAILED: $*" >&2; exit 1; }

[[ -f "$BASE" ]] || deploy/docker/debian-jre-base.sh "$BASE"
$MVN -q -DskipTests package jib:buildTar -Dimage.base="tar://$PWD/$BASE" \
  -Djib.to.image=nimble-kafka-worker:check -Djib.outputPaths.tar="$OUT"

work="$(mktemp -d)"
cleanup() {
  mountpoint -q "$work/root/proc" 2>/dev/null && umount "$work/root/proc"
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tar" "$work/root"
tar -xf "$OUT" -C "$work/tar"
config="$(tr -d '\n' <"$work/tar/config.json")"

has() { [[ "$config" == *"$1"* ]] || fail "the image config lacks $1"; }
has '"Entrypoint":["java","-XX:MaxRAMPercentage=75","-XX:+ExitOnOutOfMemoryError","-Djava.io.tmpdir=/tmp","-cp","@/app/jib-classpath-file","dev.nimblekafka.cli.Main"]'
has '"Cmd":["worker"]'
has '"User":"10001:10001"'
has '"8080/tcp":{}'
has '"8081/tcp":{}'
has '"WorkingDir":"/app"'
for label in title description licenses version revision source base.name; do
  has "\"org.opencontainers.image.$label\":"
done
echo "image-check: config: entrypoint, user 10001:10001, ports 8080 and 8081, OCI labels"

layers="$(sed -n 's/.*"Layers":\[\([^]]*\)\].*/\1/p' "$work/tar/manifest.json" | tr -d '"' | tr ',' ' ')"
for layer in $layers; do
  tar -xzf "$work/tar/$layer" -C "$work/root" 2>/dev/null
done
for file in app/jib-classpath-file app/bom.json app/LICENSE \
  app/classes/dev/nimblekafka/cli/Main.class app/resources/logback.xml; do
  [[ -f "$work/root/$file" ]] || fail "the image lacks /$file"
done
[[ -z "$(find "$work/root/app" ! -type l -perm -o+w | head -1)" ]] ||
  fail "files under /app are writable by others"
echo "image-check: layers: $(echo $layers | wc -w), /app holds the classes, libraries, SBOM and licence"

mkdir -p "$work/root/proc"
if [[ "$(id -u)" != 0 ]] || ! mount -t proc proc "$work/root/proc" 2>/dev/null; then
  echo "image-check: not run in a chroot (needs root and a /proc mount); the checks above passed"
  exit 0
fi
mapfile -t entrypoint < <(sed -n 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/p' "$work/tar/config.json" |
  tr -d '"' | tr ',' '\n')
version="$(env -i PATH=/usr/bin:/bin /usr/sbin/chroot --userspec=10001:10001 "$work/root" \
  "${entrypoint[@]}" --version)" || fail "the entrypoint did not run as 10001"
[[ "$version" == "nimble-kafka-worker "* && "$version" != *" dev" ]] ||
  fail "unexpected --version output: $version"
echo "image-check: the entrypoint runs as uid 10001 on the base: $version"
echo "image-check: passed"
