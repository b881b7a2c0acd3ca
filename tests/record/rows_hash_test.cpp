#include "record/recorder.hpp"

#include "recorder_fixture.hpp"
#include "scratch.hpp"

#include <gtest/gtest.h>

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

// A short run whose rows depend on `variant` only through one block's offset.
void play(Recorder& recorder, std::uint32_t variant) {
  recorder.begin_run(small_run());
  add_small_swarm(recorder);
  recorder.on_host_joined(at_ms(0), 2, {});
  recorder.on_block(at_ms(1), 2, address_of(1), Side::remote, {0, variant, 16384});
  recorder.on_piece_verified(at_ms(2), 2, 0);
  recorder.record_samples(at_ms(3), std::vector<HostSample>{testing::sample(2, 0, 16384, 1)});
  recorder.finish_run(at_ms(3), "", Outcome::completed);
}

TEST(RowsHash, SameRowsSameDigestAndAnyDifferenceChangesIt) {
  ScratchDirectory scratch;
  const std::string path = scratch.file("hash.sqlite");
  {
    RecorderOptions options;
    options.detail = EventDetail::wire;
    Recorder recorder(path, options);
    play(recorder, 0);
    play(recorder, 0);
    play(recorder, 16384);
  }
  const Rows hashes = query(path, "SELECT rows_hash FROM runs ORDER BY id");
  ASSERT_EQ(hashes.size(), 3u);
  EXPECT_EQ(hashes[0][0].size(), 40u);
  EXPECT_EQ(hashes[0], hashes[1]) << "the run id and the wall-clock times are not part of it";
  EXPECT_NE(hashes[0], hashes[2]);
}

}  // namespace
}  // namespace swarmlab::record
