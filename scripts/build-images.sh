#!/usr/bin/env bash
# build-images.sh - the three images without a registry, a base image or a Docker daemon (buildah, FROM scratch):
#   bolometer/node-agent:dev   jlinked JRE (modules from jdeps) + the shared libraries it and its native libraries
#   bolometer/coordinator:dev  load (ldd) + CA certificates + the jar; user 65532; the JDK release (FROM
#                              eclipse-temurin:N-…), JVM flags and environment of the module's Dockerfile (read from
#                              it: one source of truth); when the ENTRYPOINT names -XX:AOTCache=FILE, FILE is made by
#                              a training run of the image's own java and jar against the bench's fake cluster
#                              (bench/…/AotTrainingMain) and checked with -XX:AOTMode=on inside the image's root
#   bolometer/sample-app:dev   the static Go sample app; user 65532
# written as docker-archive files target/images/{node-agent,coordinator,sample-app}.tar, ready for
# `ctr images import` (scripts/real-node.sh) or `docker load` / `skopeo copy docker-archive:… docker://…`.
#
# Usage: scripts/build-images.sh [node-agent|coordinator|sample-app ...]   (default: all three)
# Needs: the jars (make build), the Go toolchain (scripts/ensure-go.sh), the JDKs the Dockerfiles name (jlink, jdeps:
# 17 for the coordinator, 25 for the agent; found under /usr/lib/jvm), Maven (the AOT training run), buildah
# (installed from Debian's packages when missing and run as root).
# Env: IMAGE_TAG (default dev), IMAGE_PREFIX (default bolometer/), JDK<N>_HOME (default: the JDK N under /usr/lib/jvm,
# or JAVA_HOME / the one javac belongs to when that is release N).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/images
WORK=$ROOT/target/images/work
TAG=${IMAGE_TAG:-dev}
PREFIX=${IMAGE_PREFIX:-bolometer/}
log() { printf 'build-images: %s\n' "$*" >&2; }
die() { printf 'build-images: ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v buildah >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "buildah not found: apt-get install -y buildah (Debian; needs root), or use make docker-build where Docker runs"
  log "installing buildah from Debian's packages"
  { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends buildah; } >"${TMPDIR:-/tmp}/build-images-apt.log" 2>&1 \
    || die "could not install buildah (see ${TMPDIR:-/tmp}/build-images-apt.log)"
fi
# The JDK of feature release $1: JDK<N>_HOME, else JAVA_HOME (or javac's) when it is that release, else the first
# JDK of that release under /usr/lib/jvm. Prints its home; needs jlink and jdeps.
jdk_home() {
  local feature=$1 var="JDK$1_HOME" home candidate
  home=${!var:-}
  if [ -z "$home" ]; then
    for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" /usr/lib/jvm/*; do
      if [ -z "$candidate" ] || [ ! -f "$candidate/release" ]; then continue; fi
      if grep -Eq "^JAVA_VERSION=\"$feature([.+\"])" "$candidate/release"; then home=$candidate; break; fi
    done
  fi
  if [ -z "$home" ] || [ ! -x "$home/bin/jlink" ] || [ ! -x "$home/bin/jdeps" ]; then
    die "no JDK $feature with jlink/jdeps (set $var; the Dockerfile's runtime stage names Java $feature)"
  fi
  printf '%s\n' "$home"
}
# The JDK feature release a Dockerfile's runtime stage names (FROM eclipse-temurin:N-…).
dockerfile_java_feature() {
  local feature; feature=$(sed -n 's/^FROM eclipse-temurin:\([0-9][0-9]*\)-.*/\1/p' "$1" | tail -1)
  [ -n "$feature" ] || die "$1: no FROM eclipse-temurin:N-… runtime stage"
  printf '%s\n' "$feature"
}

# buildah keeps its own storage under target/ (no system-wide state); vfs works inside containers and VMs alike
BUILDAH=(buildah --root "$WORK/storage" --runroot "$WORK/run" --storage-driver "${BUILDAH_DRIVER:-vfs}")
mkdir -p "$OUT" "$WORK"

# The ENTRYPOINT (a JSON array, passed to buildah as it is) and ENV lines of a Dockerfile, continuation lines joined.
dockerfile_joined() { sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' "$1"; }
dockerfile_entrypoint() {
  local ep
  ep=$(dockerfile_joined "$1" | sed -n 's/^ENTRYPOINT[[:space:]]*\(\[.*\]\)[[:space:]]*$/\1/p')
  [ "$(printf '%s\n' "$ep" | grep -c .)" = 1 ] || die "$1: expected one ENTRYPOINT [...] line"
  printf '%s\n' "$ep"
}
dockerfile_env() {
  sed -n 's/^ENV \([A-Za-z_][A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p' "$1"
}

# Copies every shared library that the given ELF files load (ldd, recursively resolved by ldd itself) into
# $rootfs at the same path, plus the dynamic loader.
copy_shared_libraries() {
  local rootfs=$1; shift
  local lib
  for lib in $(for f in "$@"; do ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'; done | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# A minimal root file system every image shares: /etc/passwd and /etc/group naming 65532, /tmp.
base_rootfs() {
  local rootfs=$1
  rm -rf "$rootfs"; mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  chown 65532:65532 "$rootfs/home/nonroot"
}

# commit_image NAME ROOTFS ENTRYPOINT_JSON [CMD_JSON] [ENV...] -> $OUT/NAME.tar tagged ${PREFIX}NAME:$TAG
commit_image() {
  local name=$1 rootfs=$2 entrypoint=$3 cmd=${4:-} ref="${PREFIX}$1:$TAG" c e
  shift 4 || shift $#
  c=$("${BUILDAH[@]}" from --quiet scratch)
  "${BUILDAH[@]}" copy --quiet "$c" "$rootfs/" / >/dev/null
  "${BUILDAH[@]}" config --user 65532:65532 --workingdir / --entrypoint "$entrypoint" \
    --label org.opencontainers.image.source=https://github.com/bolometer/bolometer \
    --label org.opencontainers.image.title="bolometer-$name" "$c"
  [ -n "$cmd" ] && "${BUILDAH[@]}" config --cmd "$cmd" "$c"
  for e in "$@"; do "${BUILDAH[@]}" config --env "$e" "$c"; done
  "${BUILDAH[@]}" config --port 8080 --port 8081 "$c"
  "${BUILDAH[@]}" commit --quiet --rm "$c" "$ref" >/dev/null
  rm -f "$OUT/$name.tar"
  "${BUILDAH[@]}" push --quiet "$ref" "docker-archive:$OUT/$name.tar:$ref" >/dev/null
  log "$ref -> target/images/$name.tar ($(du -h "$OUT/$name.tar" | cut -f1))"
}

java_image() { # name module jar
  local name=$1 module=$2 jar=$3 rootfs="$WORK/$1/rootfs" jre modules entrypoint dockerfile="$ROOT/$2/Dockerfile"
  [ -f "$ROOT/$jar" ] || die "$jar missing: run make build first"
  local feature home; feature=$(dockerfile_java_feature "$dockerfile"); home=$(jdk_home "$feature")
  local JAVA_HOME=$home
  log "$name: Java $feature from $JAVA_HOME"
  base_rootfs "$rootfs"
  # The modules the jar needs, from jdeps, plus what reflection and service loading reach that jdeps can't see:
  # jdk.crypto.ec (TLS to the API server and S3), jdk.unsupported (Netty, Jackson), java.naming (fabric8's
  # DNS look-ups), jdk.management (JMX-free OS metrics of Micrometer), jdk.zipfs (jar file systems).
  modules=$("$JAVA_HOME/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps -q "$ROOT/$jar" 2>/dev/null)
  [ -n "$modules" ] || die "jdeps printed no modules for $jar"
  modules="$modules,jdk.crypto.ec,jdk.unsupported,java.naming,jdk.management,jdk.zipfs"
  jre="$rootfs/opt/java"
  local compress=zip-6; [ "$feature" -ge 21 ] || compress=2
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress="$compress" --output "$jre"
  # java.desktop comes with the modules (Jackson reads java.beans annotations), its native AWT, sound and image
  # libraries are never loaded by a headless server, and they would bring X11 and font libraries along
  find "$jre/lib" \( -name 'libawt*' -o -name 'libsplashscreen.so' -o -name 'libfontmanager.so' -o -name 'libjsound.so' \
    -o -name 'libjavajpeg.so' -o -name 'liblcms.so' -o -name 'libmlib_image.so' -o -name 'libjawt.so' \) -delete
  # Debian's JDK links the trust store to /etc/ssl/certs/java/cacerts: copy the file itself (Temurin's is a file)
  rm -f "$jre/lib/security/cacerts"; cp -L "$JAVA_HOME/lib/security/cacerts" "$jre/lib/security/cacerts"
  # the CA bundle for native TLS (the AWS CRT reads the system bundle)
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$rootfs/etc/ssl/certs"; cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  fi
  mkdir -p "$rootfs/opt/bolometer"; cp "$ROOT/$jar" "$rootfs/opt/bolometer/"
  # Native libraries the jar unpacks at run time (the AWS CRT's JNI library) need the same C libraries.
  local natives="$WORK/$name/natives"; rm -rf "$natives"; mkdir -p "$natives"
  # (jar, not unzip: the JDK is all a build machine is sure to have)
  local entries; entries=$("$JAVA_HOME/bin/jar" tf "$ROOT/$jar" | grep -E '(^|/)linux/x86_64/glibc/[^/]+\.so$|^META-INF/native/[^/]*linux[^/]*x86_64[^/]*\.so$' || true)
  # shellcheck disable=SC2086
  [ -z "$entries" ] || (cd "$natives" && "$JAVA_HOME/bin/jar" xf "$ROOT/$jar" $entries)
  copy_shared_libraries "$rootfs" $(find "$jre" "$natives" -name '*.so' -o -path '*/bin/java' | sort)
  # the name service switch for getpwuid/host look-ups (files only: no DNS plugin needed for IPs)
  for lib in libnss_files.so.2 libresolv.so.2; do
    [ -f "/lib/x86_64-linux-gnu/$lib" ] && { mkdir -p "$rootfs/lib/x86_64-linux-gnu"; cp -L "/lib/x86_64-linux-gnu/$lib" "$rootfs/lib/x86_64-linux-gnu/"; }
  done
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n' >"$rootfs/etc/hosts"
  entrypoint=$(dockerfile_entrypoint "$dockerfile")
  local envs=(); while IFS= read -r e; do [ -n "$e" ] && envs+=("$e"); done < <(dockerfile_env "$dockerfile")
  local aot; aot=$(printf '%s\n' "$entrypoint" | grep -o '"-XX:AOTCache=[^"]*"' | sed 's/^"-XX:AOTCache=//; s/"$//' || true)
  [ -z "$aot" ] || aot_cache "$rootfs" "$aot" "$dockerfile" "$(basename "$jar")"
  # eclipse-temurin puts java on PATH; so does this image
  commit_image "$name" "$rootfs" "$entrypoint" "" "PATH=/opt/java/bin:/usr/bin:/bin" "JAVA_HOME=/opt/java" "${envs[@]}"
}

# aot_cache ROOTFS FILE DOCKERFILE JAR: the AOT cache FILE (a path inside the image), made by a training run of the
# image's own java and jar with the Dockerfile's flags against the bench's fake cluster (the cache is only valid for
# the runtime and jar that made it), then checked inside the image's root with -XX:AOTMode=on (which refuses to
# start when the cache does not fit the runtime, the jar or the flags).
aot_cache() {
  local rootfs=$1 file=$2 dockerfile=$3 jarname=$4 go log="$WORK/aot-training.log"
  go=$(bash "$ROOT/scripts/ensure-go.sh") || die "no Go toolchain (scripts/ensure-go.sh): the training pods are Go"
  log "training the AOT cache $file (log: $log)"
  rm -f "$rootfs$file"
  # The training program is built in a copy of the sources: a Maven build in the tree itself would rewrite the
  # shaded jars under */target while a test JVM that called this script (the *NodeIT tier) has them open.
  local src="$WORK/aot-src"
  rm -rf "$src"; mkdir -p "$src"
  (cd "$ROOT" && tar -c --exclude=./.git --exclude=./target --exclude='./*/target' \
      --exclude=./examples/sample-app/bin -f - .) | (cd "$src" && tar -x -f -) || die "cannot copy the sources to $src"
  (cd "$src" && mvn -B -ntp -q -Paot-training -pl bench -am package -DskipTests -Dgo.binary="$go" \
      -Dtraining.args="--java-home=$rootfs/opt/java --jar=$rootfs/opt/bolometer/$jarname --out=$rootfs$file \
      --dockerfile=${dockerfile#"$ROOT"/} --work=$WORK/aot-training") >"$log" 2>&1 \
    || die "the AOT training run failed (see $log)"
  [ -s "$rootfs$file" ] || die "the AOT training run wrote no $file (see $log)"
  local flags; flags=$(dockerfile_joined "$dockerfile" | sed -n 's/^ENTRYPOINT[[:space:]]*\[\(.*\)\][[:space:]]*$/\1/p' \
    | grep -o '"[^"]*"' | tr -d '"' | sed '1d; /^-jar$/,$d')
  # (no /proc in the chroot, so the launcher can't resolve $ORIGIN: the library path says where the runtime is)
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH=/opt/java/lib:/opt/java/lib/server chroot "$rootfs" /opt/java/bin/java $flags -XX:AOTMode=on -jar "/opt/bolometer/$jarname" --help >/dev/null 2>"$WORK/aot-check.log" \
    || die "the image's java does not take its AOT cache $file (see $WORK/aot-check.log)"
  log "AOT cache $file: $(du -h "$rootfs$file" | cut -f1), taken by the image's java"
}

sample_app_image() {
  local rootfs="$WORK/sample-app/rootfs" bin="$WORK/sample-app/sample-app" go
  # built here, static (CGO_ENABLED=0, as the sample app's Dockerfile does): bin/sample-app may be a test build
  go=$(bash "$ROOT/scripts/ensure-go.sh") || die "no Go toolchain (scripts/ensure-go.sh)"
  (cd "$ROOT/examples/sample-app" && CGO_ENABLED=0 "$go" build -trimpath -ldflags=-s -o "$bin" .) \
    || die "building examples/sample-app failed"
  local linked; linked=$(ldd "$bin" 2>&1 || true)   # ldd exits 1 for a static binary
  grep -q 'not a dynamic' <<<"$linked" || die "$bin is not static"
  base_rootfs "$rootfs"
  cp "$bin" "$rootfs/sample-app"
  commit_image sample-app "$rootfs" '["/sample-app"]' '["-addr", ":6060"]'
}

WANT=("$@"); [ ${#WANT[@]} -gt 0 ] || WANT=(node-agent coordinator sample-app)
for w in "${WANT[@]}"; do
  start=$(date +%s)
  case "$w" in
    node-agent) java_image node-agent node-agent node-agent/target/bolometer-node-agent.jar ;;
    coordinator) java_image coordinator coordinator coordinator/target/bolometer-coordinator.jar ;;
    sample-app) sample_app_image ;;
    *) die "unknown image '$w' (node-agent, coordinator, sample-app)" ;;
  esac
  log "$w built in $(( $(date +%s) - start )) s"
done
