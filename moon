#!/usr/bin/env bash
# Starts Moon in the foreground: ./moon [config-file] [--option value ...]
#
# Finds a JDK 25 (JAVA_HOME, then the usual JVM folders, then `java` on PATH), builds the server
# on first use or when sources changed, and runs it with the JVM settings described in
# docs/jvm.md. MOON_JAVA_OPTS adds JVM options (for example -Xmx8g).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
required=25

# Version of the JDK at $1 (its major number), from its release file or by asking it.
jdk_major() {
  local home=$1 v=""
  if [[ -f "$home/release" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -1)
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  echo "${v:-0}"
}

find_jdk() {
  local c
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && -x "$JAVA_HOME/bin/javac" ]] \
     && (( $(jdk_major "$JAVA_HOME") >= required )); then
    echo "$JAVA_HOME"; return 0
  fi
  # The usual JVM folders (Debian/Ubuntu/Fedora, SDKMAN, IntelliJ, macOS), lowest fitting version first.
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    local m; m=$(jdk_major "$c")
    (( m >= required )) && echo "$m $c"
  done | sort -n | head -1 | cut -d' ' -f2- | grep . && return 0
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if (( $(jdk_major "$c") >= required )); then echo "$c"; return 0; fi
  fi
  return 1
}

if ! jdk=$(find_jdk); then
  echo "moon: no JDK $required or newer found (looked at JAVA_HOME, /usr/lib/jvm and PATH); install one, e.g. Temurin $required" >&2
  exit 1
fi
export JAVA_HOME="$jdk"

jar="$here/moon-server/target/moon-server-0.1.0-SNAPSHOT.jar"
lib="$here/moon-server/target/lib"
needs_build() {
  [[ -f "$jar" && -d "$lib" ]] || return 0
  [[ -n "$(find "$here/pom.xml" "$here"/moon-protocol "$here"/moon-storage "$here"/moon-server \
      \( -path '*/target' -prune -o -path '*/src/test' -prune \) -o \( -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -print \) \
      2>/dev/null | head -1)" ]]
}
if needs_build; then
  echo "moon: building the server (first run or sources changed) ..." >&2
  (cd "$here" && ./mvnw -q -B -DskipTests -pl moon-server -am package) >&2 || {
    echo "moon: build failed; run ./mvnw -pl moon-server -am package to see why" >&2; exit 1; }
fi

# JVM settings, explained in docs/jvm.md.
# One malloc arena: the data path allocates on the Java heap, so native allocations (JIT
# compiler, Netty chunks) are rare and uncontended; per-thread arenas kept megabytes of freed
# native memory resident after a burst of writes.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
jvm_opts=(
  -XX:+UseG1GC
  -XX:MaxGCPauseMillis=10
  -XX:+UseCompactObjectHeaders
  -XX:+UseStringDeduplication
  -XX:MaxRAMPercentage=75
  -Xms8m
  -XX:G1HeapRegionSize=1m
  -XX:MinHeapFreeRatio=5
  -XX:MaxHeapFreeRatio=10
  -XX:TrimNativeHeapInterval=5000
  -XX:G1PeriodicGCInterval=60000
  -XX:-UsePerfData
  -Xss512k
  -XX:+ExitOnOutOfMemoryError
  --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.leakDetection.level=disabled
  -Dmoon.executable="$here/moon"
)
# Transparent huge pages for the Java heap, where the kernel hands them out on request
# (docs/jvm.md): fewer TLB misses on every key lookup. MOON_THP=no leaves them off.
if [[ "${MOON_THP:-yes}" != no ]] \
   && grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  jvm_opts+=(-XX:+UseTransparentHugePages)
fi
# With maxmemory set (command line or config file), the heap is sized from it: the limit, not the
# JVM, must be what stops growth (maxmemory x1.5 + 256 MB, as MemoryLimit.heapNeeded checks).
# An explicit -Xmx in MOON_JAVA_OPTS wins.
to_bytes() { # redis.conf memory value -> bytes
  awk -v v="$1" 'BEGIN{ v=tolower(v); n=v+0; u=v; sub(/^[0-9.]+/, "", u);
    m=1; if(u=="k")m=1000; else if(u=="kb")m=1024; else if(u=="m")m=1000000; else if(u=="mb")m=1048576;
    else if(u=="g")m=1000000000; else if(u=="gb")m=1073741824; printf "%.0f", n*m }'
}
maxmemory=""
conf="${1:-}"
[[ "$conf" == "--check-config" ]] && conf="${2:-}" # moon --check-config FILE sizes the heap as FILE would
if [[ -n "$conf" && "$conf" != --* && -r "$conf" ]]; then
  maxmemory=$(awk 'tolower($1)=="maxmemory"{v=$2} END{print v}' "$conf" | tr -d '"')
fi
prev=""
for a in "$@"; do
  [[ "$prev" == "--maxmemory" ]] && maxmemory=$a
  prev=$a
done
if [[ -n "$maxmemory" && " ${MOON_JAVA_OPTS:-} " != *" -Xmx"* ]]; then
  mm=$(to_bytes "$maxmemory")
  if [[ "$mm" =~ ^[0-9]+$ && "$mm" -gt 0 ]]; then
    jvm_opts+=("-Xmx$(( (mm + mm / 2 + (256 << 20)) >> 20 ))m")
  fi
fi

# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" "${jvm_opts[@]}" ${MOON_JAVA_OPTS:-} \
  -cp "$jar:$lib/*" io.moon.server.Main "$@"
