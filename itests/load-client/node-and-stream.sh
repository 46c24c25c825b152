# Sourced by hour-drift.sh and server-latency.sh: one ESR (a copy of the built distribution, 256 MiB store) and
# the stamping publisher looping a pre-encoded 720p30 clip with -c copy, in network namespace $NS.
# Expects: OUT, NS, STREAM, DIST, PUBLISHER_JAR, CLIP_SECONDS; the caller has `set -m` (each background job its
# own process group). Defines in_ns, PIDS and an EXIT trap that ends every job it started.

mkdir -p "$OUT"
rm -rf "$OUT/esr"
cp -a "$DIST" "$OUT/esr"        # a copy: later builds must not change the running node
echo "device.size.bytes = 268435456" > "$OUT/esr/etc/org.stateos.store.cfg"
if [ -n "${IO_REALTIME_PRIORITY:-}" ]; then   # e.g. 0: the esr-io threads at the normal policy, for an A/B
  sed -i "s/^io.realtime.priority *=.*/io.realtime.priority = $IO_REALTIME_PRIORITY/" "$OUT/esr/etc/org.stateos.node.cfg"
fi
ip netns add "$NS" 2>/dev/null || true
ip netns exec "$NS" ip link set lo up
in_ns() { ip netns exec "$NS" "$@"; }
# NODE_CPUS / CLIENT_CPUS (taskset lists, e.g. 1 and 0): pin the node, and the publisher + load client, to separate
# cores, as the fan-out bench does; unset, everything shares every core. CLIENT_NICE (e.g. 19): the load client's
# nice value, so that on a box too small to give it cores of its own it takes a core only when the node leaves one.
node_in_ns() { in_ns ${NODE_CPUS:+taskset -c "$NODE_CPUS"} "$@"; }
client_in_ns() { in_ns ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} "$@"; }
niced_client_in_ns() { in_ns ${CLIENT_NICE:+nice -n "$CLIENT_NICE"} ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} "$@"; }

if [ ! -f "$OUT/clip.mp4" ]; then   # 720p30 H264 (no B-frames, 2 s GOP, 2.5 Mbit/s): the -c copy source
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -t "$CLIP_SECONDS" \
    -c:v libx264 -preset veryfast -bf 0 -g 60 -b:v 2500k -maxrate 2500k -bufsize 2500k -pix_fmt yuv420p \
    "$OUT/clip.mp4"
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
node_in_ns script -qfec "env JAVA_OPTS= TERM=vt100 $OUT/esr/bin/karaf" /dev/null <"$OUT/console.in" >"$OUT/esr.out" 2>&1 &
PIDS+=($!)
for i in $(seq 1 120); do in_ns curl -fs http://127.0.0.1:8080/api/status >/dev/null && break; sleep 1; done

client_in_ns java -cp "$PUBLISHER_JAR" org.stateos.loadclient.latency.StampingPublisher \
  --rtmp "rtmp://127.0.0.1/live/$STREAM" --file "$OUT/clip.mp4" --loop >"$OUT/publisher.out" 2>&1 &
PIDS+=($!)
for i in $(seq 1 60); do in_ns curl -fs http://127.0.0.1:8080/api/streams | grep -q "\"$STREAM\"" && break; sleep 1; done
