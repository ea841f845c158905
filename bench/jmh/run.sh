#!/usr/bin/env bash
# Builds and runs the JMH microbenchmarks of fifokit's hot paths. Extra arguments go to JMH,
# e.g.  bench/jmh/run.sh PipeCalls -p size=64 -prof gc
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
(cd "$root" && ./mvnw -q -B -ntp -DskipTests -pl bench/jmh -am package >&2)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$here/target/benchmarks.jar" "$@"
