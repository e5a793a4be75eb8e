# A runtime node's control API (`rivulet node`): deploy graphs, list and inspect jobs, stop them
# with a savepoint, read the catalog, and receive metrics, edge previews and job events pushed to
# capabilities the client passes. Clients (the `rivulet` CLI, the editor) need graphs/ and
# Cap'n Proto RPC only. The plain C++ side is graphs/control_types.hpp, converted by
# graphs/control_wire.*.
#
# Same evolution rules as graph.capnp: never renumber or retype a field or method; only append
# with the next ordinal; never reuse a removed ordinal. A change that an older peer would misread
# bumps `currentControlVersion`; a node refuses a client newer than itself at login with a
# message naming both versions.
#
# Errors: a method that can fail returns `error` (empty when it succeeded) rather than throwing,
# so that a client shows the node's own sentence. Exceptions mean the connection or the message
# itself is broken.
@0xfd258d269864fbe3;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rivulet::graphs::wire");

using G = import "graph.capnp";
using C = import "catalog.capnp";

const currentControlVersion :UInt32 = 1;

# What a connection offers before it has logged in: nothing else is reachable without it.
interface Gateway {
  # `token` is the contents of the node's token file (ignored when the node has none).
  # Succeeds with `node`; otherwise `error` says why (wrong token, newer client).
  login @0 (clientVersion :UInt32, token :Text)
        -> (node :RuntimeNode, serverVersion :UInt32, error :Text);
}

interface RuntimeNode {
  info @0 () -> (info :NodeInfo);
  # Either `job` or every problem found (validation problems name node and field).
  deploy @1 (graphs :List(G.Graph), options :DeployOptions) -> (job :Text, problems :List(Problem));
  jobs @2 () -> (jobs :List(JobSummary));
  status @3 (job :Text) -> (detail :JobDetail, error :Text);
  # Empty savepointDir: under the node's data dir. Returns the savepoint's directory.
  stop @4 (job :Text, savepointDir :Text, drain :Bool) -> (savepoint :Text, error :Text);
  cancel @5 (job :Text) -> (error :Text);
  savepoint @6 (job :Text) -> (savepoint :Text, error :Text);
  catalog @7 () -> (catalog :C.Catalog, error :Text);
  # Pushes a metrics sample every intervalMs (at least 100) until `handle` is dropped or the job
  # ends (then listener.ended). A sample the listener has not yet acknowledged is never queued
  # behind another: the node skips the tick and counts it in the next push.
  subscribe @8 (job :Text, listener :MetricsListener, intervalMs :UInt32)
            -> (handle :Handle, error :Text);
  # A rate-limited sample of the records crossing one edge, until `handle` is dropped.
  preview @9 (job :Text, edge :EdgeRef, listener :PreviewListener, maxRecordsPerSecond :UInt32)
          -> (handle :Handle, error :Text);
  # Events with sequence > after, oldest first (the node keeps the most recent ones).
  events @10 (job :Text, after :UInt64) -> (events :List(JobEvent), error :Text);
  # The same, pushed as they happen until `handle` is dropped.
  watchEvents @11 (job :Text, after :UInt64, listener :EventListener)
              -> (handle :Handle, error :Text);
  # One metrics sample now (rates since this connection's previous `metrics` call).
  metrics @12 (job :Text) -> (metrics :JobMetrics, error :Text);
}

# Dropping the last reference ends what it stands for; it has no methods.
interface Handle {}

interface MetricsListener {
  # skippedSamples: ticks left out since the previous push because this listener was slow.
  push @0 (metrics :JobMetrics, skippedSamples :UInt32) -> ();
  ended @1 (reason :Text) -> ();
}

interface PreviewListener {
  push @0 (records :PreviewRecords) -> ();
  ended @1 (reason :Text) -> ();
}

interface EventListener {
  push @0 (events :List(JobEvent)) -> ();
  ended @1 (reason :Text) -> ();
}

struct NodeInfo {
  version @0 :Text;
  bootstrapServers @1 :Text;
  started @2 :Int64;           # ms since the Unix epoch
  dataDir @3 :Text;
}

struct DeployOptions {
  name @0 :Text;
  overrides @1 :List(Text);    # "NODE.PARAM=VALUE"
  fromSavepoint @2 :Text;
  allowNonRestoredState @3 :Bool;
}

enum Severity {
  error @0;
  warning @1;
}

struct Problem {
  severity @0 :Severity;
  nodeId @1 :Text;             # empty for graph-level problems and edges
  hasEdge @2 :Bool;
  edge @3 :UInt32;             # index into the graph's edges when hasEdge
  field @4 :Text;              # e.g. "parameters.threshold"
  message @5 :Text;
  edgeText @6 :Text;           # "source.out -> filter.in"
}

enum JobState {
  created @0;
  running @1;
  restarting @2;
  stopping @3;
  finished @4;
  failed @5;
  cancelled @6;
}

struct JobSummary {
  id @0 :Text;
  name @1 :Text;
  state @2 :JobState;
  started @3 :Int64;
  restarts @4 :UInt32;
}

struct RestartRecord {
  at @0 :Int64;
  cause @1 :Text;
}

enum CheckpointStatus {
  inProgress @0;
  completed @1;
  failed @2;
}

struct CheckpointRecord {
  id @0 :UInt64;
  started @1 :Int64;
  durationMs @2 :Int64;
  alignmentMs @3 :Int64;
  bytes @4 :UInt64;
  status @5 :CheckpointStatus;
  failure @6 :Text;
  savepoint @7 :Bool;
}

struct JobDetail {
  summary @0 :JobSummary;
  message @1 :Text;
  restarts @2 :List(RestartRecord);
  hasLastCheckpoint @3 :Bool;
  lastCheckpoint @4 :CheckpointRecord;
  graphs @5 :List(G.Graph);    # exactly what was deployed (after overrides)
  options @6 :DeployOptions;
  checkpoints @7 :List(CheckpointRecord);  # the most recent ones (savepoints too), oldest first
}

enum JobEventKind {
  started @0;
  checkpointCompleted @1;
  checkpointFailed @2;
  restarted @3;
  failed @4;
  finished @5;
  cancelled @6;
  savepointTaken @7;
}

struct JobEvent {
  sequence @0 :UInt64;
  at @1 :Int64;
  kind @2 :JobEventKind;
  message @3 :Text;
  checkpointId @4 :UInt64;
}

struct PartitionLag {
  topic @0 :Text;
  partition @1 :Int32;
  lag @2 :Int64;
}

struct TaskSample {
  nodeId @0 :Text;
  subtask @1 :UInt32;
  parallelism @2 :UInt32;
  state @3 :Text;
  recordsIn @4 :UInt64;
  recordsOut @5 :UInt64;
  bytesIn @6 :UInt64;
  bytesOut @7 :UInt64;
  recordsInPerSecond @8 :Float64;
  recordsOutPerSecond @9 :Float64;
  bytesInPerSecond @10 :Float64;
  bytesOutPerSecond @11 :Float64;
  busyMsPerSecond @12 :Float64;
  backpressuredMsPerSecond @13 :Float64;
  idleMsPerSecond @14 :Float64;
  inputFill @15 :List(Float64);
  watermarkMs @16 :Int64;
  watermarkLagMs @17 :Int64;
  kafkaLag @18 :List(PartitionLag);
  lateRecords @19 :UInt64;
  deadLetters @20 :UInt64;
  skippedRecords @21 :UInt64;
  committedRecords @22 :UInt64;
}

struct JobMetrics {
  job @0 :Text;
  at @1 :Int64;
  tasks @2 :List(TaskSample);
  checkpoints @3 :List(CheckpointRecord);
  restarts @4 :List(RestartRecord);
}

struct EdgeRef {
  fromNode @0 :Text;
  fromPort @1 :Text;
  toNode @2 :Text;
  toPort @3 :Text;
}

struct Row {
  values @0 :List(Text);
}

struct PreviewRecords {
  schema @0 :List(G.Field);
  rows @1 :List(Row);
  skipped @2 :UInt64;
}
