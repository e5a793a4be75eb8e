#pragma once
// Conversion between the control API's plain values (graphs/control_types.hpp) and their
// Cap'n Proto form (graphs/control.capnp), shared by the node's RPC server and every client so
// both sides read and write the contract the same way.
//
// from_wire throws (graphs::wire_convert::WireError, or kj::Exception from Cap'n Proto) on a
// message that does not make sense, e.g. an enum value from a newer peer; the RPC code turns that
// into an error for the one call. Graphs and the catalog come back as Results because their own
// format versions are checked here, with the same message as for files.

#include <capnp/serialize.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/control.capnp.h"
#include "graphs/control_types.hpp"
#include "graphs/graph.hpp"
#include "graphs/result.hpp"

namespace rivulet::graphs::control {

inline constexpr std::uint32_t kCurrentControlVersion = 1;

// The node's answer to a client announcing `client_version`: an error naming both versions
// when the client is newer than the node (or sends no version at all).
Status check_client_version(std::uint32_t client_version);

void to_wire(const NodeInfo& info, wire::NodeInfo::Builder out);
NodeInfo from_wire(wire::NodeInfo::Reader in);

void to_wire(const DeployOptions& options, wire::DeployOptions::Builder out);
DeployOptions from_wire(wire::DeployOptions::Reader in);

void to_wire(const std::vector<Problem>& problems, capnp::List<wire::Problem>::Builder out);
std::vector<Problem> from_wire(capnp::List<wire::Problem>::Reader in);

void to_wire(const std::vector<JobSummary>& jobs, capnp::List<wire::JobSummary>::Builder out);
std::vector<JobSummary> from_wire(capnp::List<wire::JobSummary>::Reader in);

void to_wire(const JobDetail& detail, wire::JobDetail::Builder out);
Result<JobDetail> from_wire(wire::JobDetail::Reader in);

void to_wire(const std::vector<JobEvent>& events, capnp::List<wire::JobEvent>::Builder out);
std::vector<JobEvent> from_wire(capnp::List<wire::JobEvent>::Reader in);

void to_wire(const JobMetrics& metrics, wire::JobMetrics::Builder out);
JobMetrics from_wire(wire::JobMetrics::Reader in);

void to_wire(const EdgeRef& edge, wire::EdgeRef::Builder out);
EdgeRef from_wire(wire::EdgeRef::Reader in);

void to_wire(const PreviewRecords& records, wire::PreviewRecords::Builder out);
PreviewRecords from_wire(wire::PreviewRecords::Reader in);

void to_wire(const std::vector<Graph>& graphs, capnp::List<wire::Graph>::Builder out);
// Refuses a graph in a newer format than this build reads, naming its position.
Result<std::vector<Graph>> from_wire(capnp::List<wire::Graph>::Reader in);

// The catalog goes over the wire through its file encoding, so that its own version check and
// limits apply exactly as for an exported catalog file. A WireCatalog is that encoding as a
// message of its own; set it into results with `results.setCatalog(wire_catalog.root())`.
class WireCatalog {
 public:
  [[nodiscard]] static Result<WireCatalog> encode(const Catalog& catalog);
  wire::Catalog::Reader root() const { return reader_->getRoot<wire::Catalog>(); }

 private:
  kj::Array<capnp::word> words_;
  std::unique_ptr<capnp::FlatArrayMessageReader> reader_;
};
Result<Catalog> from_wire(wire::Catalog::Reader in);

}  // namespace rivulet::graphs::control
