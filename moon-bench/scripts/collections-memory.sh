#!/usr/bin/env bash
# Resident memory per small collection, Moon against a real Redis on this machine.
#
# Warms each server up with N/10 collections of the kind on other keys (then FLUSHALL), as
# compare-redis.sh measures memory on servers that already ran its benchmarks; then loads N
# collections of each kind into both servers through redis-cli --pipe and reports the
# growth of the resident set (VmRSS) per collection, after MEMORY PURGE on both, twice 5 s apart (Redis: jemalloc
# purge; Moon: a full collection that hands free heap back). Kinds (the issue's shapes):
#   hash   10 fields of 6-7 bytes with values of 6-7 bytes      (HSET h:i f0 v0 ... f9 v9)
#   list   10 elements of 6-7 bytes                              (RPUSH l:i item0 ... item9)
#   set    10 integers                                          (SADD s:i i*10 ... i*10+9)
#   zset   10 members of 6-7 bytes with small integer scores    (ZADD z:i 0 m0 ... 9 m9)
#
# Usage (from the project root): moon-bench/scripts/collections-memory.sh [--count N] [--shards S]
# Environment: REDIS_SERVER (default: redis-server on PATH), KINDS (default: "hash list set zset").
set -u
COUNT=100000 SHARDS=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2;;
    --shards) SHARDS=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server)}
work=$(mktemp -d -t moon-collmem.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; sleep 0.5; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { local p; for p in $(shuf -i 20000-60000 -n 50); do ss -ltn "sport = :$p" | grep -q LISTEN || { echo "$p"; return; }; done; }
pid_on_port() { ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
wait_up() { local i; for i in $(seq 1 600); do [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == PONG ]] && return 0; sleep 0.2; done; return 1; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

# Each kind gets freshly started servers: a heap or an allocator that already grew for one kind
# would hide the next kind's cost.
start_servers() {
  rport=$(free_port); rm -rf "$work/redis"; mkdir -p "$work/redis"
  "$REDIS_SERVER" --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis" >"$work/redis.log" 2>&1 &
  pids+=($!); rlaunch=$!
  mport=$(free_port); rm -rf "$work/moon"; mkdir -p "$work/moon"
  ./moon --port "$mport" --dir "$work/moon" --shards "$SHARDS" --save '' --appendonly no >"$work/moon.log" 2>&1 &
  pids+=($!); mlaunch=$!
  wait_up "$rport" || { echo "redis did not start" >&2; exit 1; }
  wait_up "$mport" || { echo "moon did not start; its log:" >&2; tail -20 "$work/moon.log" >&2; exit 1; }
  rpid=$(pid_on_port "$rport"); mpid=$(pid_on_port "$mport")
}
stop_servers() {
  kill "$rlaunch" "$mlaunch" 2>/dev/null; sleep 1
}

# RESP for one command per line of space-separated words (no spaces inside words)
resp() { awk '{ printf "*%d\r\n", NF; for (i = 1; i <= NF; i++) printf "$%d\r\n%s\r\n", length($i), $i }'; }
gen() { # kind [count prefix] -> file
  local kind=$1 n=${2:-$COUNT} pre=${3:-} f="$work/$1${3:-}.resp"
  case $kind in
    hash) awk -v n="$n" -v p="$pre" 'BEGIN{ for(i=0;i<n;i++){ s="HSET " p "h:" i; for(j=0;j<10;j++) s=s " field" j " value" j; print s } }';;
    list) awk -v n="$n" -v p="$pre" 'BEGIN{ for(i=0;i<n;i++){ s="RPUSH " p "l:" i; for(j=0;j<10;j++) s=s " item-" j; print s } }';;
    set)  awk -v n="$n" -v p="$pre" 'BEGIN{ for(i=0;i<n;i++){ s="SADD " p "s:" i; for(j=0;j<10;j++) s=s " " (i*10+j); print s } }';;
    zset) awk -v n="$n" -v p="$pre" 'BEGIN{ for(i=0;i<n;i++){ s="ZADD " p "z:" i; for(j=0;j<10;j++) s=s " " j " member" j; print s } }';;
  esac | resp >"$f"
  echo "$f"
}
mem() { # port pid file warmfile -> "bytes-per-collection encoding"
  local port=$1 pid=$2 file=$3 warm=$4 before after n enc
  # warm-up, as compare-redis.sh measures memory after its throughput runs: the same commands on
  # other keys, then everything deleted. What a running server has already paid (compiled code,
  # grown buffer pools) is not a cost of the collections measured next.
  timeout 300 redis-cli -p "$port" --pipe <"$warm" >/dev/null 2>&1
  redis-cli -p "$port" flushall >/dev/null; redis-cli -p "$port" memory purge >/dev/null 2>&1; sleep 2
  before=$(rss_kb "$pid"); [[ -n "${MEM_DEBUG:-}" ]] && cp "/proc/$pid/smaps" "$MEM_DEBUG/$port.before"
  timeout 300 redis-cli -p "$port" --pipe <"$file" >/dev/null 2>&1
  # steady state: the JVM's compiler threads hold native memory for a few seconds after a burst
  redis-cli -p "$port" memory purge >/dev/null 2>&1; sleep 5
  redis-cli -p "$port" memory purge >/dev/null 2>&1; sleep 5
  after=$(rss_kb "$pid"); n=$(redis-cli -p "$port" dbsize); [[ -n "${MEM_DEBUG:-}" ]] && cp "/proc/$pid/smaps" "$MEM_DEBUG/$port.after"
  enc=$(redis-cli -p "$port" object encoding "$(redis-cli -p "$port" randomkey)")
  [[ "$n" == "$COUNT" ]] || { echo "0 dbsize=$n"; return; }
  awk -v a="$after" -v b="$before" -v n="$n" -v e="$enc" 'BEGIN{printf "%.1f %s\n", (a-b)*1024/n, e}'
}
echo "redis $("$REDIS_SERVER" --version | awk '{print $3}'); moon --shards $SHARDS; $COUNT collections per kind, fresh servers per kind"
printf "%-6s %14s %-12s %14s %-12s %8s\n" kind redis_B/coll encoding moon_B/coll encoding ratio
worst=""
for kind in ${KINDS:-hash list set zset}; do
  f=$(gen "$kind"); w=$(gen "$kind" $((COUNT / 10 + 1)) warm)
  start_servers
  read -r rb re <<<"$(mem "$rport" "$rpid" "$f" "$w")"
  read -r mb me <<<"$(mem "$mport" "$mpid" "$f" "$w")"
  ratio=$(awk -v r="$rb" -v m="$mb" 'BEGIN{ if (m>0) printf "%.2f", r/m; else print 0 }')
  printf "%-6s %14s %-12s %14s %-12s %8s\n" "$kind" "$rb" "$re" "$mb" "$me" "$ratio"
  worst+="$kind x$ratio "
  stop_servers
done
echo "summary: redis/moon bytes per collection: $worst(>1 means Moon uses less)"
