// `swarmlab run` stopped by SIGTERM (or SIGINT) part-way: the run still ends cleanly, its row says
// 'interrupted' rather than 'running' for ever, the database is left whole, and the exit code is
// the signal's, as a shell reports it.
#include "tests/record/scratch.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

namespace swarmlab::apps {
namespace {

using namespace std::chrono_literals;
using record::testing::query_value;

TEST(RunCommand, SignalEndsTheRunAndItIsRecordedAsInterrupted) {
  const test::TempDir dir;
  const std::string database = (dir / "crowd.sqlite").string();
  // The 1,000-peer crowd takes minutes: the signal comes long before its end.
  test::BackgroundProcess run(
      {SWARMLAB_EXECUTABLE, "run",
       std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/flash_crowd.toml", "--db", database,
       "--quiet"});
  ASSERT_TRUE(run.wait_for("running flash_crowd", 20s)) << run.errors();
  std::this_thread::sleep_for(1s);
  const int status = run.stop(20s);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << run.errors();
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << run.output() << run.errors();
  EXPECT_NE(run.output().find("outcome: interrupted"), std::string::npos) << run.output();
  EXPECT_NE(run.errors().find("stopped by SIGTERM; the run is recorded as interrupted"),
            std::string::npos)
      << run.errors();
  // Closed as a finished run is: no write-ahead log left beside it (checked before reading it,
  // which makes one).
  EXPECT_FALSE(std::filesystem::exists(database + "-wal"));
  EXPECT_EQ(query_value(database, "SELECT outcome FROM runs"), "interrupted");
  EXPECT_EQ(query_value(database, "SELECT finished_wall IS NOT NULL FROM runs"), "1");
}

}  // namespace
}  // namespace swarmlab::apps
