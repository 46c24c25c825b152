#!/usr/bin/env bash
# Latency drift over a long session (issue 5): one ESR, the stamping publisher (a pre-encoded 720p30 clip looped
# with -c copy) and one load-client viewer, in their own network namespace, for MINUTES minutes. The viewer logs
# every stamped access unit's glass-to-glass latency; the node's server-added latency is read once a minute.
# At the end (or at any time, on a partial log) hour-drift-summary.sh compares the first and last 5 minutes.
#
#   itests/load-client/hour-drift.sh [OUT_DIR (/tmp/latency-hour)] [MINUTES (65)]
#
# Needs: root (ip netns), ffmpeg, curl, a built karaf-assembly/target/assembly and the load client's cli jar
#   mvn -B -o -q package -pl karaf-assembly,itests/load-client -am -DskipTests
set -euo pipefail
set -m   # job control: every background job gets its own process group (pgid = its pid), see cleanup
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}   # the source tree (set it when running a copy of this script)
OUT=${1:-/tmp/latency-hour}
MINUTES=${2:-65}
NS=${NS:-latency-hour}
STREAM=hour
JAR=$ROOT/itests/load-client/target/stateos-load-client-0.1.0-SNAPSHOT-cli.jar
DIST=$ROOT/karaf-assembly/target/assembly
[ -f "$JAR" ] && [ -x "$DIST/bin/karaf" ] || { echo "build first: $JAR, $DIST" >&2; exit 2; }

mkdir -p "$OUT"
rm -rf "$OUT/esr"
cp -a "$DIST" "$OUT/esr"        # a copy: later builds must not change the running node
cp "$JAR" "$OUT/load-client.jar"
echo "device.size.bytes = 268435456" > "$OUT/esr/etc/org.stateos.store.cfg"
ip netns add "$NS" 2>/dev/null || true
ip netns exec "$NS" ip link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

if [ ! -f "$OUT/clip.mp4" ]; then   # 60 s of 720p30 H264 (no B-frames, 2 s GOP, 2.5 Mbit/s): the -c copy source
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -t 60 -c:v libx264 \
    -preset veryfast -bf 0 -g 60 -b:v 2500k -maxrate 2500k -bufsize 2500k -pix_fmt yuv420p "$OUT/clip.mp4"
fi

PIDS=()
# Each job runs in its own process group (set -m), so one kill ends it with its children (karaf's sh + java,
# the publisher + its two ffmpeg).
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The console gets a pseudo-terminal (script(1)) and a stdin that stays open, as the test harness gives it: with
# stdin on /dev/null, Karaf's local console thread was seen spinning a whole core (jline redisplay loop).
rm -f "$OUT/console.in"; mkfifo "$OUT/console.in"
sleep 2147483647 >"$OUT/console.in" &
PIDS+=($!)
in_ns script -qfec "env JAVA_OPTS= TERM=vt100 $OUT/esr/bin/karaf" /dev/null <"$OUT/console.in" >"$OUT/esr.out" 2>&1 &
PIDS+=($!)
for i in $(seq 1 120); do in_ns curl -fs http://127.0.0.1:8080/api/status >/dev/null && break; sleep 1; done

in_ns java -cp "$OUT/load-client.jar" org.stateos.loadclient.latency.StampingPublisher \
  --rtmp "rtmp://127.0.0.1/live/$STREAM" --file "$OUT/clip.mp4" --loop >"$OUT/publisher.out" 2>&1 &
PIDS+=($!)
for i in $(seq 1 60); do in_ns curl -fs http://127.0.0.1:8080/api/streams | grep -q "\"$STREAM\"" && break; sleep 1; done

date -u +"start %FT%TZ  load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/run.txt"
in_ns java -jar "$OUT/load-client.jar" --url "http://127.0.0.1:8080/whep/$STREAM" --viewers 1 \
  --seconds $((MINUTES * 60)) --latency-log "$OUT/latency.log" --report json >"$OUT/report.json" 2>"$OUT/client.err" &
CLIENT=$!
PIDS+=($CLIENT)
in_ns curl -fs -X DELETE http://127.0.0.1:8080/api/webrtc/latency >/dev/null || true
while kill -0 $CLIENT 2>/dev/null; do     # server-added latency, one JSON line per minute (the interval = that minute)
  sleep 60
  echo "$(date -u +%FT%TZ) $(cut -d' ' -f1-3 /proc/loadavg) $(in_ns curl -fs http://127.0.0.1:8080/api/webrtc/latency | tr -d '\n')" \
    >>"$OUT/server-latency.log" || true
done
date -u +"end %FT%TZ  load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.txt"
"$(dirname "$0")/hour-drift-summary.sh" "$OUT/latency.log" | tee "$OUT/summary.txt"
