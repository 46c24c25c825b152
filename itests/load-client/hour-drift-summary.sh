#!/usr/bin/env bash
# Summarises a glass-to-glass latency log (load client --latency-log: "viewer arrival_epoch_ms latency_ms" per
# access unit, the first 3 s already left out): median per minute, then the median of the first 5 minutes against
# the last 5 minutes of the log (goal: within 50 ms). Works on a partial log of a run still going.
#   itests/load-client/hour-drift-summary.sh /tmp/latency-hour/latency.log
set -euo pipefail
LOG=${1:?latency log}
median() { sort -n | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
pct() { sort -n | awk -v p="$1" '{v[NR]=$1} END {if (NR==0) print "nan"; else {i=int(NR*p/100+0.999999); if(i<1)i=1; print v[i]}}'; }
grep -v '^#' "$LOG" > "$LOG.data" || true
FIRST=$(head -1 "$LOG.data" | cut -d' ' -f2)
LAST=$(tail -1 "$LOG.data" | cut -d' ' -f2)
[ -n "$FIRST" ] || { echo "no data in $LOG"; exit 1; }
echo "log: $LOG  access units: $(wc -l < "$LOG.data")  span: $(( (LAST - FIRST) / 1000 )) s"
echo "minute  AUs    p50_ms   p95_ms   p99_ms   max_ms"
awk -v f="$FIRST" '{print int(($2-f)/60000), $3}' "$LOG.data" | sort -n -k1,1 -s > "$LOG.min"
for m in $(cut -d' ' -f1 "$LOG.min" | uniq); do
  vals=$(awk -v m="$m" '$1==m {print $2}' "$LOG.min")
  printf "%6d %5d %8s %8s %8s %8s\n" "$m" "$(echo "$vals" | wc -l)" "$(echo "$vals" | median)" \
    "$(echo "$vals" | pct 95)" "$(echo "$vals" | pct 99)" "$(echo "$vals" | sort -n | tail -1)"
done
A=$(awk -v f="$FIRST" '$2 < f + 300000 {print $3}' "$LOG.data" | median)
B=$(awk -v l="$LAST" '$2 > l - 300000 {print $3}' "$LOG.data" | median)
echo "median first 5 min: $A ms   median last 5 min: $B ms   drift: $(awk -v a="$A" -v b="$B" 'BEGIN {printf "%.1f", b-a}') ms (goal: |drift| < 50 ms)"
echo "all: p50 $(awk '{print $3}' "$LOG.data" | median) ms  p95 $(awk '{print $3}' "$LOG.data" | pct 95) ms  p99 $(awk '{print $3}' "$LOG.data" | pct 99) ms"
rm -f "$LOG.data" "$LOG.min"
# The node's server-added latency, one line a minute (hour-drift.sh writes server-latency.log next to the log).
SERVER=$(dirname "$LOG")/server-latency.log
if [ -f "$SERVER" ]; then
  echo "server-added latency per minute (interval since the previous read), with the load average:"
  echo "time                  load1   frames  p50_ms  p99_ms  max_ms"
  sed -E 's/^([^ ]+) ([^ ]+) .*"interval":\{"count":([0-9]+),"p50Micros":([0-9]+),"p95Micros":[0-9]+,"p99Micros":([0-9]+),"maxMicros":([0-9]+).*/\1 \2 \3 \4 \5 \6/' "$SERVER" \
    | awk '{printf "%s %6s %8d %7.2f %7.2f %7.2f\n", $1, $2, $3, $4/1000, $5/1000, $6/1000}'
fi
