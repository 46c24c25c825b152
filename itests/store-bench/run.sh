#!/usr/bin/env bash
# Runs the store benchmark: builds the store and this module when their sources changed, then runs
# org.stateos.store.bench.StoreBench with the given options (--help lists them).
#   itests/store-bench/run.sh                        # 4 GiB file under /var/tmp, median of 3
#   itests/store-bench/run.sh --file=/mnt/x/b.img --size=8G --seconds=20
#
# Builds with a reactor `package` (never `install`): the shared ~/.m2 is not written, so other builds on the
# machine keep the artifacts they resolved. The class path is the reactor's own output (target/classes of this
# module, the store jar the same reactor just packaged) plus the third-party jars Maven resolves from ~/.m2,
# written by dependency:build-classpath into target/classpath.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v fio >/dev/null || { echo "fio is not installed (apt-get install fio)" >&2; exit 2; }

stamp="$here/target/classpath.txt"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/bundles/store/src/main" "$root/bundles/api/src/main" "$here/src" "$here/pom.xml" \
    "$root/bundles/store/pom.xml" -newer "$stamp" -type f -print -quit)" ]; then
  echo "building the store and the benchmark (mvn package, offline)..." >&2
  # One reactor: package the store (and what it needs) and this module, then write this module's class path.
  # Inside the reactor, dependency:build-classpath names the store jar under bundles/store/target, not ~/.m2.
  (cd "$root" && mvn -B -q -o package dependency:build-classpath -pl itests/store-bench -am -DskipTests \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
fi
cp="$here/target/classes:$(cat "$stamp")"
exec java -Xms1g -Xmx1g -XX:+UseParallelGC -XX:MaxDirectMemorySize=1g -cp "$cp" org.stateos.store.bench.StoreBench "$@"
