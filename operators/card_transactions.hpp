#pragma once
// `card_transactions`: the fraud-detection use case's generator (operators/scenarios/
// card_transactions_model.hpp), a source of labelled card transactions.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec card_transactions_spec();
runtime::OperatorFactory card_transactions_factory();

}  // namespace rivulet::operators
