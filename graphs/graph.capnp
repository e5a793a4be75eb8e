# The pipeline graph: the contract between the editor and the runtime.
#
# Evolution rules (Cap'n Proto): never renumber or retype a field; only append new fields with
# the next ordinal; never reuse a removed ordinal (rename it to `obsoleteXxx` instead). A change
# that old readers would misread bumps `currentFormatVersion`, and readers refuse a newer version
# with a message naming both versions.
@0xade4ae9a18c932f1;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rivulet::graphs::wire");

const currentFormatVersion :UInt32 = 1;

struct Graph {
  formatVersion @0 :UInt32;
  name @1 :Text;
  description @2 :Text;
  nodes @3 :List(Node);
  edges @4 :List(Edge);
  runtime @5 :RuntimeConfig;
}

struct Node {
  id @0 :Text;            # stable across edits: state and savepoints are keyed by it
  kind @1 :Text;          # operator kind from the catalog, e.g. "kafka_source"
  label @2 :Text;         # display label in the editor
  parameters @3 :List(Parameter);
  parallelism @4 :UInt32 = 1;
  position @5 :Position;  # editor canvas position
}

struct Position {
  x @0 :Float64;
  y @1 :Float64;
}

struct Parameter {
  name @0 :Text;
  value @1 :Value;
}

# A typed parameter value. The catalog's parameter type says which member is expected.
struct Value {
  union {
    boolValue @0 :Bool;
    intValue @1 :Int64;
    floatValue @2 :Float64;
    stringValue @3 :Text;
    durationMs @4 :Int64;
    stringList @5 :List(Text);   # also field lists, expression lists and aggregate lists
    expression @6 :Text;
    schema @7 :List(Field);      # a record schema, declared at sources
  }
}

struct Field {
  name @0 :Text;
  type @1 :FieldType;
  nullable @2 :Bool;
}

enum FieldType {
  int64 @0;
  float64 @1;
  bool @2;
  string @3;
  timestamp @4;   # milliseconds since the Unix epoch
}

struct Endpoint {
  node @0 :Text;
  port @1 :Text;
}

struct Partitioning {
  union {
    forward @0 :Void;          # instance i feeds instance i
    hash @1 :List(Text);       # by key fields: same key, same downstream instance
    broadcast @2 :Void;        # every record to every instance
    rebalance @3 :Void;        # round robin
  }
}

struct Edge {
  from @0 :Endpoint;
  to @1 :Endpoint;
  partitioning @2 :Partitioning;
}

enum StateBackend {
  memory @0;
  rocksdb @1;
}

struct RestartStrategy {
  union {
    none @0 :Void;
    fixedDelay :group {
      attempts @1 :UInt32;
      delayMs @2 :Int64;
    }
    exponentialBackoff :group {
      initialDelayMs @3 :Int64;
      maxDelayMs @4 :Int64;
      multiplier @5 :Float64;
      maxAttempts @6 :UInt32;
    }
  }
}

struct RuntimeConfig {
  checkpointIntervalMs @0 :Int64;     # 0: checkpoints off
  stateBackend @1 :StateBackend;
  restartStrategy @2 :RestartStrategy;
  checkpointDirectory @3 :Text;
  checkpointsRetained @4 :UInt32 = 3;
  # Consecutive periodic checkpoints that may fail (could not begin or complete, timed out)
  # before the job fails and its restart strategy applies; a completed checkpoint resets the
  # count (Flink's execution.checkpointing.tolerable-failed-checkpoints).
  tolerableFailedCheckpoints @5 :UInt32 = 3;
}
