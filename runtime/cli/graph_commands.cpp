// `rivulet graph validate|show|convert`: graph files in any of the three formats.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog_io.hpp"
#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/plugin_options.hpp"

namespace rivulet::cli {
namespace {

constexpr const char* kFormats = ".rgraph (binary), .rgraphp (packed) or .json (text)";

int validate_graph(const std::string& file, const std::string& catalog_file,
                   const std::vector<std::string>& plugins) {
  graphs::Graph graph = value_or_throw(graphs::load_graph(file), file);
  graphs::Catalog catalog = catalog_file.empty()
                                ? registry_with_plugins(plugins).catalog()
                                : value_or_throw(graphs::load_catalog(catalog_file), catalog_file);
  graphs::ValidationReport report = graphs::validate(graph, catalog);
  for (const graphs::Problem& problem : report.problems) {
    std::cerr << problem.to_string() << '\n';
  }
  std::cerr.flush();
  if (!report.ok()) {
    std::size_t errors = report.error_count();
    throw UserError(file + ": " + std::to_string(errors) + (errors == 1 ? " error" : " errors"));
  }
  std::cout << "ok: " << graph.nodes.size() << (graph.nodes.size() == 1 ? " node, " : " nodes, ")
            << graph.edges.size() << (graph.edges.size() == 1 ? " edge" : " edges") << std::endl;
  return 0;
}

int show_graph(const std::string& file) {
  graphs::Graph graph = value_or_throw(graphs::load_graph(file), file);
  std::string text = value_or_throw(graphs::encode_graph(graph, graphs::GraphFormat::Json), file);
  std::cout << text;
  if (!text.empty() && text.back() != '\n') std::cout << '\n';
  std::cout.flush();
  return 0;
}

int convert_graph(const std::string& in, const std::string& out) {
  // Check the output name first, so a typo does not cost a parse of a large input.
  value_or_throw(graphs::format_for_path(out), out);
  graphs::Graph graph = value_or_throw(graphs::load_graph(in), in);
  value_or_throw(graphs::save_graph(graph, out), out);
  return 0;
}

void add_graph_commands(CLI::App& app, Invocation& invocation) {
  CLI::App* graph = app.add_subcommand("graph", "Validate, show and convert graph files");
  graph->require_subcommand(1);
  graph->footer(std::string("Graph files: ") + kFormats + ", chosen by extension.");

  struct Arguments {
    std::string file;
    std::string catalog;
    std::string in;
    std::string out;
  };
  auto args = std::make_shared<Arguments>();
  auto plugins = std::make_shared<std::vector<std::string>>();

  CLI::App* validate = graph->add_subcommand(
      "validate", "Check a graph against the operator catalog; print every problem");
  validate->add_option("FILE", args->file, "Graph file")->required();
  validate->add_option("--catalog", args->catalog,
                       "Catalog file (.json or .rcatalog); default: the built-in operators");
  add_plugin_option(*validate, plugins);
  on_selected(validate, invocation,
              [args, plugins] { return validate_graph(args->file, args->catalog, *plugins); });

  CLI::App* show = graph->add_subcommand("show", "Print a graph as its lossless JSON text form");
  show->add_option("FILE", args->file, "Graph file")->required();
  on_selected(show, invocation, [args] { return show_graph(args->file); });

  CLI::App* convert =
      graph->add_subcommand("convert", "Convert a graph file between formats (by extension)");
  convert->add_option("IN", args->in, "Input graph file")->required();
  convert->add_option("OUT", args->out, "Output graph file")->required();
  on_selected(convert, invocation, [args] { return convert_graph(args->in, args->out); });
}

const CommandRegistration registration{"graph", &add_graph_commands};

}  // namespace
}  // namespace rivulet::cli
