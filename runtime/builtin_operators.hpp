#pragma once
// The link-time seam between the runtime and the operators that ship with Rivulet.
//
// runtime/ never includes operators/: the command line and the node's job manager need the
// built-in operator kinds, but only by this declaration. The definition is in the operators
// library (operators/builtin_catalog.cpp), which only the executables (`rivulet`, tests,
// benchmarks) link: a program that calls this without linking rivulet_operators fails to link,
// it never runs without operators. A test of the runtime alone registers its own test kinds
// into an OperatorRegistry and does not call it.

#include "runtime/operator_registry.hpp"

namespace rivulet::runtime {

// Every built-in operator kind, registered once on first use (thread-safe) and immutable
// after. Copy it to add plugins (runtime/plugin_loader.hpp).
const OperatorRegistry& builtin_operators();

}  // namespace rivulet::runtime
