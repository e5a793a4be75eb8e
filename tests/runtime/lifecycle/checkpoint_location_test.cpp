// Where `rivulet run` keeps checkpoints: the flag wins; a graph's directory is used against an
// external cluster; on the embedded broker a graph that asks for checkpoints gets a temporary
// directory (with a note when it named one); nothing asked, nothing taken.

#include "runtime/lifecycle/checkpoint_location.hpp"

#include <gtest/gtest.h>

namespace rivulet::runtime::lifecycle {
namespace {

graphs::Graph graph(std::string directory, std::int64_t interval_ms) {
  graphs::Graph g;
  g.runtime.checkpoint_directory = std::move(directory);
  g.runtime.checkpoint_interval_ms = interval_ms;
  return g;
}

TEST(CheckpointLocationTest, TheFlagWinsEverywhere) {
  for (bool embedded : {true, false}) {
    const auto location = choose_checkpoint_location("flag-dir", {graph("g-dir", 1000)}, embedded);
    EXPECT_EQ(location.directory, "flag-dir");
    EXPECT_FALSE(location.temporary);
    EXPECT_TRUE(location.note.empty());
  }
}

TEST(CheckpointLocationTest, AGraphsDirectoryIsUsedAgainstAnExternalCluster) {
  const auto location =
      choose_checkpoint_location("", {graph("", 0), graph("g-dir", 1000), graph("h", 0)}, false);
  EXPECT_EQ(location.directory, "g-dir");
  EXPECT_FALSE(location.temporary);
}

TEST(CheckpointLocationTest, OnTheEmbeddedBrokerAGraphsDirectoryBecomesTemporaryWithANote) {
  const auto location = choose_checkpoint_location("", {graph("g-dir", 1000)}, true);
  EXPECT_TRUE(location.directory.empty());
  EXPECT_TRUE(location.temporary);
  EXPECT_NE(location.note.find("not 'g-dir'"), std::string::npos) << location.note;
}

TEST(CheckpointLocationTest, AnIntervalAloneGetsATemporaryDirectoryWithoutNote) {
  for (bool embedded : {true, false}) {
    const auto location = choose_checkpoint_location("", {graph("", 500)}, embedded);
    EXPECT_TRUE(location.temporary);
    EXPECT_TRUE(location.note.empty());
  }
}

TEST(CheckpointLocationTest, NothingAskedNothingTaken) {
  const auto location = choose_checkpoint_location("", {graph("", 0)}, true);
  EXPECT_TRUE(location.directory.empty());
  EXPECT_FALSE(location.temporary);
}

}  // namespace
}  // namespace rivulet::runtime::lifecycle
