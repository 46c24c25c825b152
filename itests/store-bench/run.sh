#!/usr/bin/env bash
# Runs the store benchmark: builds the store and this module when their sources changed, then runs
# org.stateos.store.bench.StoreBench with the given options (--help lists them).
#   itests/store-bench/run.sh                        # 4 GiB file under /var/tmp, median of 3
#   itests/store-bench/run.sh --file=/mnt/x/b.img --size=8G --seconds=20
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v fio >/dev/null || { echo "fio is not installed (apt-get install fio)" >&2; exit 2; }

stamp="$here/target/classes/.built"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/bundles/store/src/main" "$here/src" "$here/pom.xml" -newer "$stamp" -type f -print -quit)" ]; then
  echo "building the store and the benchmark..." >&2
  (cd "$root" && mvn -q -Dmaven.test.skip=true install -pl itests/store-bench -am)
  touch "$stamp"
fi
exec java -Xms1g -Xmx1g -XX:+UseParallelGC -XX:MaxDirectMemorySize=1g \
  -cp "$here/target/classes:$here/target/lib/*" org.stateos.store.bench.StoreBench "$@"
