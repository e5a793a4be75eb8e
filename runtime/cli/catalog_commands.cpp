// `rivulet catalog export|list`: the built-in operator catalog, for the editor and for people.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog_io.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/plugin_options.hpp"

namespace rivulet::cli {
namespace {

int export_catalog(const std::string& file, const std::vector<std::string>& plugins) {
  // Refuse a wrong extension before building the catalog, naming the two that work.
  if (!file.ends_with(".json") && !file.ends_with(".rcatalog")) {
    throw UserError(file + ": unknown catalog file extension (use .json or .rcatalog)");
  }
  value_or_throw(graphs::save_catalog(registry_with_plugins(plugins).catalog(), file), file);
  return 0;
}

// The first sentence of a description keeps the table one line per operator; `catalog export`
// has the full text.
std::string first_sentence(const std::string& text) {
  auto end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

int list_catalog(const std::vector<std::string>& plugins) {
  graphs::Catalog catalog = registry_with_plugins(plugins).catalog();
  // The catalog's own order (sources, transforms, keying, windows and joins, alerts, sinks).
  std::vector<const graphs::OperatorSpec*> specs;
  for (const auto& spec : catalog.operators) specs.push_back(&spec);

  std::size_t kind_width = 4;
  std::size_t category_width = 8;
  for (auto* spec : specs) {
    kind_width = std::max(kind_width, spec->kind.size());
    category_width = std::max(category_width, spec->category.size());
  }
  auto row = [&](const std::string& kind, const std::string& category,
                 const std::string& description) {
    std::cout << kind << std::string(kind_width - kind.size() + 2, ' ') << category
              << std::string(category_width - category.size() + 2, ' ') << description << '\n';
  };
  row("KIND", "CATEGORY", "DESCRIPTION");
  for (auto* spec : specs) row(spec->kind, spec->category, first_sentence(spec->description));
  std::cout.flush();
  return 0;
}

void add_catalog_commands(CLI::App& app, Invocation& invocation) {
  CLI::App* catalog =
      app.add_subcommand("catalog", "Export or list the operator catalog (built-ins and plugins)");
  catalog->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto plugins = std::make_shared<std::vector<std::string>>();
  CLI::App* exporter = catalog->add_subcommand(
      "export", "Write the operator catalog to FILE (.json text or .rcatalog binary)");
  exporter->add_option("FILE", *file, "Output catalog file")->required();
  add_plugin_option(*exporter, plugins);
  on_selected(exporter, invocation, [file, plugins] { return export_catalog(*file, *plugins); });

  CLI::App* list = catalog->add_subcommand("list", "Print the operator kinds as a table");
  add_plugin_option(*list, plugins);
  on_selected(list, invocation, [plugins] { return list_catalog(*plugins); });
}

const CommandRegistration registration{"catalog", &add_catalog_commands};

}  // namespace
}  // namespace rivulet::cli
