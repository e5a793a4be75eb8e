# Sourced by scripts/demo.sh and scripts/screenshots.sh: starts a `rivulet node` (hosting the
# embedded Kafka broker) on a free loopback port with a temporary data dir, and deploys the
# card-fraud use case to it as two jobs: the detection pipeline (examples/card-fraud/) and the
# card-transaction generator (`rivulet generate fraud --save-graph`, event time 10x the wall
# clock so one-minute windows close every 6 s). Sets node_address, generator_job, fraud_job;
# demo_node_stop ends it all (also from an EXIT trap) and removes the data dir.
#   needs: rivulet (path of the CLI), example (the examples/card-fraud dir)
demo_work=$(mktemp -d)
demo_node_pid=
demo_node_stop() {
  if [ -n "$demo_node_pid" ] && kill -0 "$demo_node_pid" 2>/dev/null; then
    # SIGTERM stops the jobs with savepoints; a node that does not stop in 20 s is killed.
    kill -TERM "$demo_node_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$demo_node_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$demo_node_pid" 2>/dev/null || true
    wait "$demo_node_pid" 2>/dev/null || true
  fi
  demo_node_pid=
  rm -rf "$demo_work"
}

"$rivulet" node --listen 127.0.0.1:0 --data-dir "$demo_work/data" 2> "$demo_work/node.log" &
demo_node_pid=$!
node_address=
for _ in $(seq 1 300); do
  node_address=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$demo_work/node.log" | head -1)
  [ -n "$node_address" ] && break
  if ! kill -0 "$demo_node_pid" 2>/dev/null; then
    cat "$demo_work/node.log" >&2
    echo "rivulet node did not start" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$node_address" ] || { echo "rivulet node did not report its address" >&2; exit 1; }
echo "runtime node at $node_address (log: $demo_work/node.log)" >&2
"$rivulet" generate fraud --speedup 10 --malformed-rate 0.002 --save-graph "$demo_work/generator.json"
# The pipeline first: the node creates the topics it reads with its source's partitions.
fraud_job=$("$rivulet" deploy "$example/card-fraud.json" --name card-fraud --node "$node_address")
generator_job=$("$rivulet" deploy "$demo_work/generator.json" --name fraud-generator --node "$node_address")
echo "deployed $generator_job (generator) and $fraud_job (fraud detection)" >&2
