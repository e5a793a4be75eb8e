# The operator catalog: every operator kind's spec. Written by `rivulet catalog export`, read by
# the graph validator and the editor, so neither links the runtime. Same evolution rules as
# graph.capnp.
@0xefd35ba248c82385;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rivulet::graphs::wire");

using G = import "graph.capnp";

const currentCatalogVersion :UInt32 = 1;

struct Catalog {
  formatVersion @0 :UInt32;
  operators @1 :List(OperatorSpec);
}

enum PortKind {
  records @0;   # any stream of records
  keyed @1;     # a stream partitioned by key (output of key_by); keyed inputs accept only this
}

enum ParameterType {
  bool @0;
  int @1;
  float @2;
  string @3;
  enum @4;            # a string from allowedValues
  duration @5;
  stringList @6;
  fieldList @7;       # names of fields of the input schema
  expression @8;      # one expression over the input schema
  expressionList @9;  # "expr AS name" items
  aggregateList @10;  # "count(*) AS n", "sum(amount) AS total", ...
  schema @11;         # a record schema
}

# How an output port's record schema is derived.
struct SchemaRule {
  union {
    none @0 :Void;
    sameAsInput @1 :Text;          # input port name
    fromParameter @2 :Text;        # a `schema` parameter
    projection @3 :Text;           # an expressionList parameter: only the listed fields
    extendInput :group {           # input fields plus (or replaced by) computed fields
      port @4 :Text;
      expressions @5 :Text;        # an expressionList parameter
    }
    windowAggregate :group {       # key fields, window_start, window_end, then the aggregates
      port @6 :Text;
      keys @7 :Text;               # a fieldList parameter (empty: keys of the keyed input)
      aggregates @8 :Text;         # an aggregateList parameter
    }
    join :group {                  # left fields, then right fields (clashes prefixed "right_")
      left @9 :Text;
      right @10 :Text;
      # Right fields become nullable (an outer join) when this enum parameter has this value.
      rightNullableParameter @14 :Text;
      rightNullableValue @15 :Text;
    }
    fixed @11 :List(G.Field);
    appendFixed :group {           # input fields followed by fixed ones
      port @12 :Text;
      fields @13 :List(G.Field);
    }
  }
}

struct PortSpec {
  name @0 :Text;
  kind @1 :PortKind;
  required @2 :Bool = true;        # inputs only: must be connected
  description @3 :Text;
  schema @4 :SchemaRule;           # outputs only
  droppedWhenUnconnected @5 :Text; # outputs only: what is counted and dropped if unconnected
  keyedBy @6 :Text;                # keyed outputs only: keyed by this field-list parameter
}

struct ParameterSpec {
  name @0 :Text;
  type @1 :ParameterType;
  required @2 :Bool;
  hasDefault @3 :Bool;
  default @4 :G.Value;
  allowedValues @5 :List(Text);    # enum parameters
  hasMinimum @6 :Bool;
  minimum @7 :Float64;
  hasMaximum @8 :Bool;
  maximum @9 :Float64;
  documentation @10 :Text;
  inputPort @11 :Text;             # expression/field parameters: checked against this input
  resultType @12 :Text;            # expression parameters: required type ("bool"), "" = any
  # "key=value" list parameters (client properties): the keys a graph may set, and the keys
  # whose value is a file path (relative, no "..": resolved inside a directory the node sets).
  # Both empty: any key.
  allowedKeys @13 :List(Text);
  pathKeys @14 :List(Text);
  # Set: the parameter applies only while another parameter of the same operator has one of
  # these values (slide only for window = sliding); otherwise it is hidden in the editor, neither
  # validated nor required, and a setting of it is ignored with a warning.
  appliesWhen @15 :ParameterCondition;
}

struct ParameterCondition {
  parameter @0 :Text;              # an enum, bool or string parameter of the same operator
  values @1 :List(Text);           # its values (bools as "true" / "false") for which it applies
}

struct OperatorSpec {
  kind @0 :Text;
  category @1 :Text;               # source, transform, keying, window, join, alert, sink
  description @2 :Text;
  inputs @3 :List(PortSpec);
  outputs @4 :List(PortSpec);
  parameters @5 :List(ParameterSpec);
  stateful @6 :Bool;
  maxParallelism @7 :UInt32;       # 0: unbounded
  partitionState @8 :Bool;         # state per input partition: restorable at any parallelism
}
