// file_sink: the exact text written, flushing on barriers and end of input, append vs
// overwrite, and missing directories.

#include "operators/file_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "runtime/batch_builder.hpp"
#include "source_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;

class NullCollector : public runtime::Collector {
 public:
  void emit(std::size_t, runtime::BatchPtr) override { ADD_FAILURE() << "a sink emitted"; }
  bool has_capacity() const override { return true; }
};

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rivulet_file_sink_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    path_ = (dir_ / "nested" / "out.jsonl").string();
    node_.id = "sink";
    node_.kind = "file_sink";
    node_.set_parameter("path", path_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<runtime::Operator> open() {
    runtime::OperatorBuildContext context{node_, spec_, {schema_}, {}, {}, 0, 1, ""};
    auto sink = make_file_sink(context);
    EXPECT_TRUE(sink.ok()) << (sink.ok() ? "" : sink.error().message);
    if (!sink.ok()) return nullptr;
    graphs::Status opened = (*sink)->open(runtime::OperatorContext{});
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    return std::move(*sink);
  }

  runtime::BatchPtr batch(int first, int rows) {
    runtime::BatchBuilder b(std::make_shared<const graphs::Schema>(schema_));
    for (int i = first; i < first + rows; ++i) {
      std::string id = "c";  // not "c" + ...: GCC 12 raises a false -Wrestrict on that
      id += std::to_string(i);
      b.append_string(0, id);
      b.append_float64(1, i + 0.5);
      if (i % 2 == 0) {
        b.append_null(2);
      } else {
        b.append_bool(2, true);
      }
      b.end_row(i);
    }
    return b.finish();
  }

  std::string contents() const {
    std::ifstream f(path_);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  std::filesystem::path dir_;
  std::string path_;
  graphs::Node node_;
  graphs::OperatorSpec spec_ = file_sink_spec();
  graphs::Schema schema_{{"card_id", FieldType::String},
                         {"total", FieldType::Float64},
                         {"flag", FieldType::Bool, true}};
  NullCollector out_;
};

TEST_F(FileSinkTest, WritesJsonLinesAndFlushesOnBarrierAndEnd) {
  auto sink = open();
  ASSERT_TRUE(sink);
  sink->process(0, batch(0, 2), out_);
  EXPECT_EQ(contents(), "");  // buffered until a barrier or the end
  testing::MemoryState state;
  ASSERT_TRUE(sink->snapshot(1, state).ok());
  EXPECT_EQ(contents(),
            "{\"card_id\":\"c0\",\"total\":0.5,\"flag\":null}\n"
            "{\"card_id\":\"c1\",\"total\":1.5,\"flag\":true}\n");
  sink->process(0, batch(2, 1), out_);
  sink->on_end_of_input(out_);
  EXPECT_EQ(contents(),
            "{\"card_id\":\"c0\",\"total\":0.5,\"flag\":null}\n"
            "{\"card_id\":\"c1\",\"total\":1.5,\"flag\":true}\n"
            "{\"card_id\":\"c2\",\"total\":2.5,\"flag\":null}\n");
  sink->close();
}

TEST_F(FileSinkTest, OverwriteTruncatesAndAppendAdds) {
  for (const char* mode : {"overwrite", "append", "overwrite"}) {
    node_.set_parameter("mode", std::string(mode));
    auto sink = open();
    sink->process(0, batch(7, 1), out_);
    sink->close();
  }
  EXPECT_EQ(contents(), "{\"card_id\":\"c7\",\"total\":7.5,\"flag\":true}\n");
  node_.set_parameter("mode", std::string("append"));
  auto sink = open();
  sink->process(0, batch(8, 1), out_);
  sink->close();
  EXPECT_EQ(contents(),
            "{\"card_id\":\"c7\",\"total\":7.5,\"flag\":true}\n"
            "{\"card_id\":\"c8\",\"total\":8.5,\"flag\":null}\n");
}

TEST_F(FileSinkTest, CsvUsesTheSharedEncoder) {
  node_.set_parameter("format", std::string("csv"));
  auto sink = open();
  sink->process(0, batch(1, 2), out_);
  sink->close();
  EXPECT_EQ(contents(), "c1,1.5,true\nc2,2.5,\n");
}

TEST_F(FileSinkTest, UnwritablePathIsAClearError) {
  node_.set_parameter("path", std::string("/proc/no/such/dir/out.jsonl"));
  runtime::OperatorBuildContext context{node_, spec_, {schema_}, {}, {}, 0, 1, ""};
  auto sink = make_file_sink(context);
  ASSERT_TRUE(sink.ok());
  graphs::Status opened = (*sink)->open(runtime::OperatorContext{});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("node 'sink' (file_sink): cannot"), std::string::npos)
      << opened.error().message;
}

}  // namespace
}  // namespace rivulet::operators
