#include "record/recorder.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

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

constexpr std::uint32_t many_events = 100'000;

// Block i goes from host 1 to host 2 at i microseconds: piece i / 4, offset (i % 4) * 16 KiB.
void send_many_blocks(Recorder& recorder, std::uint32_t count) {
  for (std::uint32_t index = 0; index < count; ++index) {
    const auto time = net::time_zero + std::chrono::microseconds(index);
    recorder.on_block(time, 2, address_of(1), Side::remote,
                      {index / 4, (index % 4) * 16384, 16384});
  }
}

TEST(RecorderBatching, ManyEventsAcrossManyTransactionsArriveIntact) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("many.sqlite");
  RecorderOptions options;
  options.detail = EventDetail::wire;
  // 100,000 rows in transactions of 1,000, plus a partial last one committed by finish_run.
  options.rows_per_transaction = 1000;
  {
    Recorder recorder(path, options);
    recorder.begin_run(small_run());
    add_small_swarm(recorder);
    send_many_blocks(recorder, many_events + 7);
    recorder.finish_run(at_ms(1000), "", Outcome::completed);
  }
  const std::uint64_t count = many_events + 7;
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM events"), std::to_string(count));
  // Every row exactly once: the sums of distinct values match the closed forms.
  EXPECT_EQ(query_value(path, "SELECT count(DISTINCT time_ns) FROM events"), std::to_string(count));
  EXPECT_EQ(query_value(path, "SELECT sum(time_ns) FROM events"),
            std::to_string(1000 * (count - 1) * count / 2));
  std::uint64_t piece_sum = 0;
  for (std::uint64_t index = 0; index < count; ++index)
    piece_sum += index / 4;
  EXPECT_EQ(query_value(path, "SELECT sum(piece) FROM events"), std::to_string(piece_sum));
  // Report order is time order, and every row names the right block and the resolved sender.
  EXPECT_EQ(query_value(path,
                        "SELECT count(*) FROM events WHERE rowid - 1 <> time_ns / 1000 OR "
                        "piece <> (time_ns / 1000) / 4 OR offset_bytes <> "
                        "((time_ns / 1000) % 4) * 16384 OR remote_host_id <> 1 OR "
                        "kind <> 'block_received' OR host_id <> 2"),
            "0");
  EXPECT_EQ(query_value(path, "PRAGMA integrity_check"), "ok");
}

TEST(RecorderBatching, DetailLevelDecidesWhichEventsAreWritten) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("detail.sqlite");
  RecorderOptions options;
  options.detail = EventDetail::lifecycle;
  {
    Recorder recorder(path, options);
    recorder.begin_run(small_run());
    add_small_swarm(recorder);
    recorder.on_host_joined(at_ms(0), 2, {});
    recorder.on_connected(at_ms(1), 2, address_of(1), Direction::outgoing);
    recorder.on_choke(at_ms(2), 2, address_of(1), Side::remote, false);
    send_many_blocks(recorder, 10);
    recorder.on_piece_verified(at_ms(3), 2, 5);
    recorder.finish_run(at_ms(4), "", Outcome::completed);
  }
  EXPECT_EQ(query(path, "SELECT kind FROM events ORDER BY rowid"),
            (Rows{{"joined"}, {"connected"}}));
  // Availability still counts the piece that the events table leaves out.
  EXPECT_EQ(query_value(path, "SELECT hex(substr(copies, 21, 4)) FROM availability"), "01000000");
}

TEST(RecorderBatching, EventsOutsideARunAreIgnored) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("outside.sqlite");
  {
    Recorder recorder(path);
    recorder.on_connected(at_ms(1), 2, address_of(1), Direction::outgoing);
    recorder.begin_run(small_run());
    recorder.finish_run(at_ms(2), "", Outcome::completed);
    recorder.on_completed(at_ms(3), 2);
  }
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM events"), "0");
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM runs"), "1");
}

}  // namespace
}  // namespace swarmlab::record
