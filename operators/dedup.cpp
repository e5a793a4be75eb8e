#include "operators/dedup.hpp"

#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("dedup", "transform",
                  "Drops records whose key was already seen within a time horizon. The first "
                  "record of each key passes; later ones within 'horizon' of event time are "
                  "dropped (key by the record id to drop redelivered events). A key is forgotten "
                  "once the watermark is 'horizon' past its first record; a duplicate arriving "
                  "later passes as new.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; the key identifies duplicates.")})
      // Still partitioned by the same key: an alert or window may follow without re-keying.
      .outputs(
          {keyed_output("out", same_as_input("in"), "First occurrences, unchanged, still keyed.")})
      .parameters({
          duration("horizon", hours(1),
                   "How long, in event time, a key is remembered; state grows with the number "
                   "of distinct keys per horizon.")
              .min(1),
      });
}

OperatorFactory dedup_factory() { return {}; }

}  // namespace rivulet::operators
