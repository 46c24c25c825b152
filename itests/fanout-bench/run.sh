#!/usr/bin/env bash
# Fan-out benchmark (issue 5): one 2.5 Mbit/s 720p30 stream, N WHEP viewers from itests/load-client; the node and
# the client pinned to separate cores; the floor (SRTP protect + UDP send per packet) and Janus in the same run.
#   itests/fanout-bench/run.sh                          # floor, StateOS ramp 25..1000, Janus ramp, table + JSON
#   itests/fanout-bench/run.sh --max=400 --seconds=15   # a shorter ramp
#   itests/fanout-bench/run.sh --only=stateos --label=after
# Options: run with --help. Needs: ffmpeg, taskset, iproute2 (ip netns), root (network namespace), and for the
# Janus half Debian's janus package:  apt-get install -y janus   (the Janus half is skipped with a note otherwise).
# Everything runs inside the network namespace "fanout" (only loopback), so the fixed ports 8080/1935/8189 and
# Janus's 8088 never meet another node on this machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/target"
for a in "$@"; do
  if [ "$a" = "--help" ] || [ "$a" = "-h" ]; then
    sed -n '2,10p' "$0"; echo; echo "Options are passed to org.stateos.fanoutbench.FanoutBench:"
    grep -A17 'USAGE = """' "$here/src/main/java/org/stateos/fanoutbench/Options.java" | sed '1d;/"""/,$d'
    exit 0
  fi
done
for tool in ffmpeg taskset ip java; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
command -v janus >/dev/null || echo "note: janus is not installed (apt-get install -y janus): the Janus half will be skipped" >&2

# 1. Build what the bench runs, when its sources changed: the signed distribution, the load client, the driver.
stamp="$out/.built"
mkdir -p "$out"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/bundles" "$root/features" "$root/karaf-assembly/src" \
     "$root/itests/load-client/src" "$here/src" "$here/pom.xml" -newer "$stamp" -type f -print -quit)" ]; then
  echo "building the distribution, the load client and the bench (offline, no tests)..." >&2
  (cd "$root" && mvn -B -o -q package -pl karaf-assembly,itests/load-client,itests/fanout-bench -am -DskipTests)
  touch "$stamp"
fi
tarball="$(ls "$root"/karaf-assembly/target/*.tar.gz | head -1)"
client="$(ls "$root"/itests/load-client/target/stateos-load-client-*-cli.jar | head -1)"

# 2. The pre-encoded file, made once: x264 720p30, 2.5 Mbit/s CBR (nal-hrd), 2 s GOP, SPS/PPS repeated at every
#    keyframe (so RTP receivers such as Janus get them in-band), baseline profile (42e01f as WebRTC offers), AAC.
#    Noise on the test pattern keeps the encoder at its rate instead of padding.
media="$out/fanout-720p30-2500k.mp4"
if [ ! -s "$media" ]; then
  echo "encoding $media (60 s, once)..." >&2
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=8:allf=t" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 60 \
    -c:v libx264 -preset veryfast -profile:v baseline -level 3.1 -pix_fmt yuv420p \
    -b:v 2500k -minrate 2500k -maxrate 2500k -bufsize 2500k \
    -x264-params "keyint=60:min-keyint=60:scenecut=0:repeat-headers=1:nal-hrd=cbr" \
    -c:a aac -b:a 96k -ar 48000 -ac 2 -movflags +faststart "$media.tmp.mp4"
  mv "$media.tmp.mp4" "$media"
fi

# 3. The network namespace (loopback only) and the driver in it. The driver pins every child itself:
#    node / Janus / floor sender on --server-core (0), ffmpeg + load client + floor sink on --client-core (1).
ip netns add fanout 2>/dev/null || true
ip netns exec fanout ip link set lo up
# Janus (libnice) never gathers candidates on loopback: give the namespace a veth pair with a local address. Packets
# to a local address still travel over loopback, as the node's do.
if ! ip netns exec fanout ip link show fanout0 >/dev/null 2>&1; then
  ip netns exec fanout ip link add fanout0 type veth peer name fanout1
  ip netns exec fanout ip addr add 10.255.0.1/32 dev fanout0
  ip netns exec fanout ip link set fanout1 up
  ip netns exec fanout ip link set fanout0 up
fi
exec ip netns exec fanout taskset -c 1 java -Xmx256m \
  -Dfanout.out="$out" -Dfanout.tarball="$tarball" -Dfanout.clientJar="$client" -Dfanout.media="$media" \
  -Dfanout.janusConfig="$here/janus" \
  -cp "$here/target/classes:$here/target/lib/*" org.stateos.fanoutbench.FanoutBench "$@"
