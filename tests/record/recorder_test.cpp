#include "record/recorder.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace swarmlab::record {
namespace {

using testing::add_small_swarm;
using testing::address_of;
using testing::at_ms;
using testing::query;
using testing::query_value;
using testing::Rows;
using testing::sample;
using testing::ScratchDirectory;
using testing::small_run;

constexpr std::array<std::uint8_t, 1> all_eight_pieces{0xff};

// The story of a small run: the seed and the tracker are there from the start, leecher 2 joins at
// 1 s and downloads every piece from the seed, leecher 3 joins at 1.5 s with nothing, the seed
// leaves at 5 s, and the run ends at 6 s. Samples are taken every second.
void play_small_run(Recorder& recorder, std::uint64_t seed = 42) {
  recorder.begin_run(small_run(seed));
  add_small_swarm(recorder);
  recorder.on_host_joined(at_ms(0), 1, all_eight_pieces);
  recorder.on_host_joined(at_ms(0), 9, {});
  recorder.on_host_joined(at_ms(1000), 2, {});
  recorder.record_samples(at_ms(1000),
                          std::vector<HostSample>{sample(1, 0, 0, 8), sample(2, 0, 0, 0)});
  recorder.on_host_joined(at_ms(1500), 3, {});
  recorder.on_announce(at_ms(1000), 2, "http://10.0.0.9/announce", AnnounceEvent::started, true, 1);
  recorder.on_tracker_request(at_ms(1000), 9, TrackerRequest::announce, address_of(2, 51000), {},
                              AnnounceEvent::started);
  recorder.on_connected(at_ms(1100), 2, address_of(1), Direction::outgoing);
  recorder.on_connected(at_ms(1200), 2, protocol::PeerAddress::ipv4({192, 168, 1, 1}, 7000),
                        Direction::incoming);
  recorder.on_choke(at_ms(1300), 1, address_of(2, 51001), Side::local, false);
  recorder.on_interest(at_ms(1300), 2, address_of(1), Side::local, true);
  for (std::uint32_t piece = 0; piece < 8; ++piece) {
    const std::int64_t time_ms = 2000 + 100 * piece;
    recorder.on_request(at_ms(time_ms), 2, address_of(1), Side::local, {piece, 0, 16384});
    recorder.on_block(at_ms(time_ms + 50), 2, address_of(1), Side::remote, {piece, 0, 16384});
    recorder.on_piece_verified(at_ms(time_ms + 60), 2, piece);
    recorder.on_have_sent(at_ms(time_ms + 70), 2, address_of(1), piece);
  }
  recorder.record_samples(at_ms(3000),
                          std::vector<HostSample>{sample(1, 131072, 0, 8), sample(2, 0, 131072, 8),
                                                  sample(3, 0, 0, 0)});
  recorder.on_completed(at_ms(4000), 2);
  recorder.on_host_left(at_ms(5000), 1, "seeding time over");
  recorder.on_fault(at_ms(5000), std::nullopt, "partition crowd | seeds");
  recorder.finish_run(at_ms(6000), "00ff00ff", Outcome::completed);
}

RecorderOptions wire_detail() {
  RecorderOptions options;
  options.detail = EventDetail::wire;
  return options;
}

TEST(Recorder, WritesTheRunRow) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  {
    Recorder recorder(path, wire_detail());
    play_small_run(recorder);
    EXPECT_FALSE(recorder.run_active());
  }
  const Rows runs = query(path,
                          "SELECT id, scenario_name, scenario_text, seed, "
                          "json_extract(parameters, '$.swarm.peers'), backend, piece_count, "
                          "total_size_bytes, sample_interval_ns, duration_ns, trace_hash, "
                          "length(rows_hash), outcome, outcome_detail FROM runs");
  const Rows expected{{"1", "unit_swarm", "[swarm]\npeers = 3\n", "42", "3", "sim", "8", "131072",
                       "1000000000", "6000000000", "00ff00ff", "40", "completed", "NULL"}};
  EXPECT_EQ(runs, expected);
  EXPECT_EQ(query_value(path, "SELECT version <> '' FROM runs"), "1");
  EXPECT_EQ(query_value(path, "SELECT started_wall LIKE '____-__-__T__:__:__Z' FROM runs"), "1");
  EXPECT_EQ(query_value(path, "SELECT finished_wall >= started_wall FROM runs"), "1");
}

TEST(Recorder, WritesHostsWithTheirTimes) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  {
    Recorder recorder(path);
    play_small_run(recorder);
  }
  const Rows hosts = query(path,
                           "SELECT host_id, role, group_name, bandwidth_class, "
                           "upload_bytes_per_second, download_bytes_per_second, address, "
                           "initial_pieces, join_ns, leave_ns, complete_ns FROM hosts ORDER BY "
                           "host_id");
  const Rows expected{
      {"1", "seed", "seeds", "fast", "1000000", "2000000", "10.0.0.1:6881", "8", "0", "5000000000",
       "NULL"},
      {"2", "leecher", "crowd", "slow", "2000000", "4000000", "10.0.0.2:6881", "0", "1000000000",
       "NULL", "4000000000"},
      {"3", "leecher", "crowd", "fast", "3000000", "6000000", "10.0.0.3:6881", "0", "1500000000",
       "NULL", "NULL"},
      {"9", "tracker", "trackers", "fast", "9000000", "18000000", "10.0.0.9:6881", "0", "0", "NULL",
       "NULL"},
  };
  EXPECT_EQ(hosts, expected);
  EXPECT_EQ(query(path, "SELECT host_id, download_s FROM download_times"), (Rows{{"2", "3.0"}}));
}

TEST(Recorder, WritesEventsWithResolvedRemotes) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  {
    Recorder recorder(path, wire_detail());
    play_small_run(recorder);
  }
  // The first events in report order.
  const Rows first = query(path,
                           "SELECT time_ns, host_id, kind, remote_host_id, remote_address, "
                           "peer_count, extra FROM events ORDER BY rowid LIMIT 10");
  const Rows expected{
      {"0", "1", "joined", "NULL", "NULL", "NULL", "NULL"},
      {"0", "9", "joined", "NULL", "NULL", "NULL", "NULL"},
      {"1000000000", "2", "joined", "NULL", "NULL", "NULL", "NULL"},
      {"1500000000", "3", "joined", "NULL", "NULL", "NULL", "NULL"},
      {"1000000000", "2", "announce", "NULL", "http://10.0.0.9/announce", "1", "started"},
      // Resolved by IP although the port is an ephemeral one.
      {"1000000000", "9", "tracker_announce", "2", "NULL", "NULL", "started"},
      {"1100000000", "2", "connected", "1", "NULL", "NULL", "outgoing"},
      // Outside the run: kept as an address.
      {"1200000000", "2", "connected", "NULL", "192.168.1.1:7000", "NULL", "incoming"},
      {"1300000000", "1", "unchoke_sent", "2", "NULL", "NULL", "NULL"},
      {"1300000000", "2", "interested_sent", "1", "NULL", "NULL", "NULL"},
  };
  EXPECT_EQ(first, expected);
  EXPECT_EQ(query(path,
                  "SELECT kind, count(*), sum(piece), sum(length_bytes) FROM events "
                  "WHERE kind IN ('request_sent', 'block_received', 'piece_verified', 'have_sent') "
                  "GROUP BY kind ORDER BY kind"),
            (Rows{{"block_received", "8", "28", "131072"},
                  {"have_sent", "8", "28", "NULL"},
                  {"piece_verified", "8", "28", "NULL"},
                  {"request_sent", "8", "28", "131072"}}));
  EXPECT_EQ(query(path,
                  "SELECT time_ns, host_id, kind, extra FROM events WHERE kind IN "
                  "('completed', 'left', 'fault') ORDER BY rowid"),
            (Rows{{"4000000000", "2", "completed", "NULL"},
                  {"5000000000", "1", "left", "seeding time over"},
                  {"5000000000", "NULL", "fault", "partition crowd | seeds"}}));
}

TEST(Recorder, WritesSamplesAndAvailability) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  {
    Recorder recorder(path);
    play_small_run(recorder);
  }
  EXPECT_EQ(query(path,
                  "SELECT time_ns, host_id, uploaded_bytes, downloaded_bytes, pieces_have, "
                  "unchoked_peers FROM samples ORDER BY time_ns, host_id"),
            (Rows{{"1000000000", "1", "0", "0", "8", "NULL"},
                  {"1000000000", "2", "0", "0", "0", "NULL"},
                  {"3000000000", "1", "131072", "0", "8", "NULL"},
                  {"3000000000", "2", "0", "131072", "8", "NULL"},
                  {"3000000000", "3", "0", "0", "0", "NULL"}}));
  // At 1 s only the seed holds pieces (the tracker is not counted as present); at 3 s leecher 2
  // holds every piece too; at the end the seed has left.
  EXPECT_EQ(query(path,
                  "SELECT time_ns, hosts_present, copies_min, copies_max, rarest_piece, "
                  "pieces_at_min, length(copies) FROM availability ORDER BY time_ns"),
            (Rows{{"1000000000", "2", "1", "1", "0", "8", "32"},
                  {"3000000000", "3", "2", "2", "0", "8", "32"},
                  {"6000000000", "2", "1", "1", "0", "8", "32"}}));
  // The copies BLOB: piece_count little-endian 32-bit integers.
  EXPECT_EQ(query_value(path, "SELECT hex(copies) FROM availability WHERE time_ns = 3000000000"),
            "0200000002000000020000000200000002000000020000000200000002000000");
}

TEST(Recorder, AvailabilityFollowsJoinsVerificationsAndDepartures) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  Recorder recorder(path);
  recorder.begin_run(small_run());
  add_small_swarm(recorder);
  recorder.on_host_joined(at_ms(0), 1, all_eight_pieces);
  recorder.on_host_joined(at_ms(0), 9, {});
  // Leecher 3 joins holding pieces 0 and 7 (bits 0x80 and 0x01).
  const std::array<std::uint8_t, 1> ends{0x81};
  recorder.on_host_joined(at_ms(0), 3, ends);
  recorder.on_piece_verified(at_ms(100), 2, 3);
  recorder.record_samples(at_ms(1000), {});
  recorder.on_host_left(at_ms(1500), 1, "crash");
  recorder.record_samples(at_ms(2000), {});
  recorder.finish_run(at_ms(2000), "", Outcome::time_limit);
  // At 1 s: pieces 0 and 7 have 2 copies, piece 3 has 2 (seed and leecher 2), the rest 1; the
  // tracker holds nothing and is not counted. At 2 s the seed is gone.
  EXPECT_EQ(query(path,
                  "SELECT time_ns, hosts_present, copies_min, copies_max, rarest_piece, "
                  "pieces_at_min, copies_mean, hex(copies) FROM availability ORDER BY time_ns"),
            (Rows{{"1000000000", "3", "1", "2", "1", "5", "1.375",
                   "0200000001000000010000000200000001000000010000000100000002000000"},
                  {"2000000000", "2", "0", "1", "1", "5", "0.375",
                   "0100000000000000000000000100000000000000000000000000000001000000"}}));
}

TEST(Recorder, RowsOfOneHost) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("run.sqlite");
  {
    Recorder recorder(path, wire_detail());
    play_small_run(recorder);
  }
  // The index on (run_id, host_id, time_ns) serves "events of one peer".
  const Rows plan = query(path,
                          "EXPLAIN QUERY PLAN SELECT * FROM events WHERE run_id = 1 AND "
                          "host_id = 2 ORDER BY time_ns");
  ASSERT_FALSE(plan.empty());
  EXPECT_NE(plan.back().back().find("events_by_host"), std::string::npos) << plan.back().back();
  EXPECT_EQ(query_value(path, "SELECT count(*) FROM events WHERE run_id = 1 AND host_id = 2"),
            "38");
}

}  // namespace
}  // namespace swarmlab::record
