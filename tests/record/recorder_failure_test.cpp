#include "record/recorder.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

namespace swarmlab::record {
namespace {

using testing::add_small_swarm;
using testing::address_of;
using testing::at_ms;
using testing::query;
using testing::query_value;
using testing::Rows;
using testing::ScratchDirectory;
using testing::small_run;

void write_blocks(Recorder& recorder, std::uint32_t count) {
  for (std::uint32_t index = 0; index < count; ++index) {
    recorder.on_block(at_ms(index), 2, address_of(1), Side::remote, {index, 0, 16384});
  }
}

RecorderOptions wire_batches_of(std::size_t rows) {
  RecorderOptions options;
  options.detail = EventDetail::wire;
  options.rows_per_transaction = rows;
  return options;
}

TEST(RecorderFailure, UnfinishedRunIsMarkedInterruptedWithItsRows) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("interrupted.sqlite");
  {
    Recorder recorder(path, wire_batches_of(100));
    recorder.begin_run(small_run());
    add_small_swarm(recorder);
    write_blocks(recorder, 250);
    // The engine unwinds (an exception, a signal handler returning) without finish_run.
  }
  EXPECT_EQ(query(path, "SELECT outcome, duration_ns, trace_hash, rows_hash FROM runs"),
            (Rows{{"interrupted", "249000000", "NULL", "NULL"}}));
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM events"), "250");
  EXPECT_EQ(query_value(path, "PRAGMA integrity_check"), "ok");
}

TEST(RecorderFailureDeathTest, CrashMidTransactionKeepsCommittedRowsAndTheFileUsable) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("crash.sqlite");
  // The child process dies with 50 rows in an open transaction, after two committed batches.
  EXPECT_EXIT(
      {
        Recorder recorder(path, wire_batches_of(100));
        recorder.begin_run(small_run());
        add_small_swarm(recorder);
        write_blocks(recorder, 250);
        ::_exit(3);
      },
      ::testing::ExitedWithCode(3), "");
  EXPECT_EQ(query_value(path, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query(path, "SELECT id, outcome FROM runs"), (Rows{{"1", "running"}}));
  // The hosts (4 rows) went into the first batch with 96 events; then a batch of 100.
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM hosts"), "4");
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM events"), "196");
  EXPECT_EQ(query_value(path, "SELECT max(piece) FROM events"), "195");
  // The file takes the next run as usual.
  {
    Recorder recorder(path);
    EXPECT_EQ(recorder.begin_run(small_run()), 2);
    recorder.finish_run(at_ms(1), "", Outcome::completed);
  }
  EXPECT_EQ(query(path, "SELECT id, outcome FROM runs ORDER BY id"),
            (Rows{{"1", "running"}, {"2", "completed"}}));
}

TEST(RecorderFailure, FullDiskStopsWritingAndFailsTheRun) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("full.sqlite");
  RecorderOptions options = wire_batches_of(500);
  options.open.size_max_bytes = 256 * 1024;
  Recorder recorder(path, options);
  recorder.begin_run(small_run());
  add_small_swarm(recorder);
  // Far more than 256 KiB of rows: observer callbacks must not throw.
  EXPECT_NO_THROW(write_blocks(recorder, 20'000));
  ASSERT_TRUE(recorder.failure().has_value());
  EXPECT_EQ(recorder.failure()->primary_code(), SQLITE_FULL);
  EXPECT_NE(std::string(recorder.failure()->what()).find(path), std::string::npos);
  EXPECT_NE(std::string(recorder.failure()->what()).find("full"), std::string::npos)
      << recorder.failure()->what();
  EXPECT_THROW(recorder.flush(), Error);
  EXPECT_THROW(recorder.finish_run(at_ms(20'000), "", Outcome::completed), Error);
  EXPECT_FALSE(recorder.run_active());
  // The rows up to the last committed batch remain, and the run says why it failed.
  EXPECT_EQ(query_value(path, "PRAGMA integrity_check"), "ok");
  const Rows run = query(path, "SELECT outcome, outcome_detail LIKE '%full%' FROM runs");
  EXPECT_EQ(run, (Rows{{"failed", "1"}}));
  const std::string events = query_value(path, "SELECT count(*) FROM events");
  EXPECT_GT(std::stoi(events), 0);
  EXPECT_LT(std::stoi(events), 20'000);
  EXPECT_EQ((std::stoi(events) + 4) % 500, 0) << "only whole batches are committed";
}

TEST(RecorderFailure, InvalidParametersAreRefused) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("params.sqlite");
  Recorder recorder(path);
  RunInfo run = small_run();
  run.parameters_json = "{not json";
  EXPECT_THROW(recorder.begin_run(run), Error);
  EXPECT_FALSE(recorder.run_active());
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM runs"), "0");
  EXPECT_EQ(query_value(path,
                        "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name "
                        "LIKE 'events_by_%'"),
            "2");
}

TEST(RecorderFailureDeathTest, AddingAHostTwiceIsABug) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("twice.sqlite");
  EXPECT_DEATH(
      {
        Recorder recorder(path);
        recorder.begin_run(small_run());
        add_small_swarm(recorder);
        recorder.add_host(testing::host_info(2, HostRole::leecher, "crowd", "slow"));
      },
      "added twice");
}

}  // namespace
}  // namespace swarmlab::record
