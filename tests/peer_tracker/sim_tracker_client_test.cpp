// The tracker client in simulated swarms: peers that know only a tracker URL find each other and
// complete (HTTP and UDP), the tracker sees started, completed and stopped, tiers fail over, the
// regular interval is kept, and a stop is bounded when the tracker has gone.
#include "tests/peer_tracker/sim_tracker_swarm.hpp"

#include <gtest/gtest.h>

namespace swarmlab::peer_tracker_test {
namespace {

using namespace std::chrono_literals;
using record::AnnounceEvent;

constexpr net::Duration completion_limit = 600s;

void expect_full_lifecycle(SimTrackerSwarm& swarm, std::size_t leechers) {
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  // The last leecher to complete may not have announced it yet: give its announce a round trip.
  for (int second = 0; second < 60 && swarm.tracker_counts().completed < leechers; ++second) {
    swarm.world().run_for(1s);
  }
  const std::size_t peers = leechers + 1;
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::started), peers);
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::completed), leechers);
  EXPECT_EQ(swarm.tracker_counts().completed, leechers);
  EXPECT_EQ(swarm.tracker_counts().seeders, peers);
  for (std::size_t index = 0; index < peers; ++index) {
    EXPECT_TRUE(swarm.client(index).running());
    ASSERT_TRUE(swarm.client(index).last_success().has_value());
    EXPECT_EQ(swarm.client(index).last_success()->tracker_url, swarm.live_url());
  }
  swarm.stop_all(10s);
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::stopped), peers);
  EXPECT_EQ(swarm.tracker_counts().seeders, 0u);
  EXPECT_EQ(swarm.tracker_counts().leechers, 0u);
  for (std::size_t index = 0; index < peers; ++index)
    EXPECT_FALSE(swarm.client(index).running());
}

TEST(SimTrackerClient, HttpPeersFindEachOtherThroughTheTrackerAndComplete) {
  SimTrackerSwarm swarm({.leecher_count = 6, .protocol = TrackerProtocol::http});
  expect_full_lifecycle(swarm, 6);
}

TEST(SimTrackerClient, UdpPeersFindEachOtherThroughTheTrackerAndComplete) {
  SimTrackerSwarm swarm({.leecher_count = 6, .protocol = TrackerProtocol::udp});
  expect_full_lifecycle(swarm, 6);
}

TEST(SimTrackerClient, FailsOverFromADeadFirstTierToTheSecond) {
  SimTrackerSwarm swarm({.leecher_count = 3, .dead_tracker = DeadTracker::first_tier});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  std::size_t dead_attempts = 0;
  for (const auto& announce : swarm.recorder().client) {
    if (announce.url != swarm.dead_url()) continue;
    ++dead_attempts;
    EXPECT_FALSE(announce.succeeded);
  }
  // Every round starts with the first tier (BEP 12), so each peer tried the dead one first.
  EXPECT_GE(dead_attempts, swarm.peer_count());
  for (std::size_t index = 0; index < swarm.peer_count(); ++index) {
    EXPECT_EQ(swarm.client(index).last_success()->tracker_url, swarm.live_url());
    EXPECT_EQ(swarm.client(index).tiers().front().front(), swarm.dead_url());
  }
}

TEST(SimTrackerClient, UdpFailsOverWithinTheConfiguredRetransmissionSchedule) {
  peer::TrackerClientOptions client;
  client.udp_timeout_base = 100ms;
  client.udp_retransmissions_max = 2;
  SimTrackerSwarm swarm({.leecher_count = 2,
                         .protocol = TrackerProtocol::udp,
                         .dead_tracker = DeadTracker::first_tier,
                         .client = client});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  for (std::size_t index = 0; index < swarm.peer_count(); ++index)
    EXPECT_EQ(swarm.client(index).last_success()->tracker_url, swarm.live_url());
}

// A silent UDP tracker first, a live one in the next tier, default options: the live one is
// reached after two tries (45 s), not after BEP 15's full schedule (over two hours); and from
// then on every announce goes to it first, `stopped` included.
TEST(SimTrackerClient, ADeadUdpFirstTierIsGivenUpSoonAndNotAskedAgain) {
  SimTrackerSwarm swarm({.leecher_count = 2,
                         .protocol = TrackerProtocol::udp,
                         .dead_tracker = DeadTracker::first_tier});
  swarm.world().run_until(net::time_zero + 50s);
  for (std::size_t index = 0; index < swarm.peer_count(); ++index) {
    ASSERT_TRUE(swarm.client(index).last_success().has_value()) << index;
    EXPECT_EQ(swarm.client(index).last_success()->tracker_url, swarm.live_url());
  }
  const std::size_t dead_attempts_before = swarm.recorder().client.size();
  swarm.world().run_for(600s);  // regular announces
  swarm.stop_all(10s);
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::stopped), swarm.peer_count());
  std::size_t dead_attempts_after = 0;
  for (std::size_t announce = dead_attempts_before; announce < swarm.recorder().client.size();
       ++announce) {
    dead_attempts_after += swarm.recorder().client[announce].url == swarm.dead_url() ? 1 : 0;
  }
  EXPECT_EQ(dead_attempts_after, 0u);
}

TEST(SimTrackerClient, TheTrackerThatAnsweredMovesToTheFrontOfItsTier) {
  SimTrackerSwarm swarm({.leecher_count = 3, .dead_tracker = DeadTracker::same_tier});
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  swarm.world().run_for(300s);  // a few regular announces
  std::size_t dead_attempts_total = 0;
  for (const auto& announce : swarm.recorder().client)
    dead_attempts_total += announce.url == swarm.dead_url() ? 1 : 0;
  // The shuffle put the dead URL first for some peers (the seed fixes which).
  EXPECT_GE(dead_attempts_total, 1u);
  for (std::size_t index = 0; index < swarm.peer_count(); ++index) {
    const auto& client = swarm.client(index);
    EXPECT_EQ(client.tiers().front().front(), swarm.live_url());
    EXPECT_GE(client.success_count(), 3u);
    // Once the live URL leads the tier, the dead one is never tried again.
    std::size_t dead_attempts = 0;
    for (const auto& announce :
         swarm.recorder().client_announces_of(static_cast<record::ActorId>(index)))
      dead_attempts += announce.url == swarm.dead_url() ? 1 : 0;
    EXPECT_LE(dead_attempts, 1u);
  }
}

TEST(SimTrackerClient, RegularAnnouncesFollowTheTrackersInterval) {
  SimTrackerSwarm swarm({.leecher_count = 1, .interval = 120s, .min_interval = 60s});
  // The seed's client starts at time zero: started, then one announce every 120 s.
  swarm.world().run_until(net::time_zero + 1190s);
  const auto announces = swarm.recorder().client_announces_of(0);
  ASSERT_EQ(announces.size(), 10u);
  EXPECT_EQ(announces.front().event, AnnounceEvent::started);
  for (std::size_t index = 1; index < announces.size(); ++index) {
    EXPECT_TRUE(announces[index].succeeded);
    EXPECT_EQ(announces[index].event, AnnounceEvent::none);
    const net::Duration gap = announces[index].time - announces[index - 1].time;
    EXPECT_GE(gap, 120s);
    EXPECT_LT(gap, 121s);
  }
  EXPECT_EQ(swarm.client(0).success_count(), 10u);
}

// A peer that stops while its first announce is on the way abandons it: nothing is recorded as
// a failed announce (tracker outages are read from failures).
TEST(SimTrackerClient, AnAnnounceCutShortByStopIsNotAFailure) {
  SimTrackerSwarm swarm({.leecher_count = 1, .protocol = TrackerProtocol::udp});
  swarm.world().run_until(net::time_zero + 1ms);
  ASSERT_TRUE(swarm.client(0).running());
  swarm.client(0).stop();
  swarm.world().run_until(net::time_zero + 30s);
  EXPECT_FALSE(swarm.client(0).running());
  EXPECT_EQ(swarm.client(0).success_count(), 0u);
  EXPECT_TRUE(swarm.recorder().client_announces_of(0).empty());
  // The other peer, not stopped, announced as usual.
  EXPECT_EQ(swarm.client(1).success_count(), 1u);
}

// A leecher that stops the moment it completes still tells the tracker: `completed`, then
// `stopped` (BEP 3; the tracker's completed count is how swarms are measured).
TEST(SimTrackerClient, StoppingAtCompletionStillAnnouncesCompleted) {
  SimTrackerSwarm swarm({.leecher_count = 1});
  // Index 0 is the seed, 1 the leecher.
  swarm.torrent(1).add_state_listener([&](peer::TorrentState state) {
    if (state == peer::TorrentState::seeding) swarm.client(1).stop();
  });
  ASSERT_TRUE(swarm.run_until_complete(completion_limit));
  swarm.world().run_for(10s);
  EXPECT_FALSE(swarm.client(1).running());
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::completed), 1u);
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::stopped), 1u);
  EXPECT_EQ(swarm.tracker_counts().completed, 1u);
}

TEST(SimTrackerClient, StopIsBoundedWhenTheTrackerHasGone) {
  // The default UDP schedule would wait over an hour for a silent tracker.
  SimTrackerSwarm swarm({.leecher_count = 1, .protocol = TrackerProtocol::udp});
  swarm.world().run_until(net::time_zero + 30s);
  ASSERT_EQ(swarm.client(0).success_count(), 1u);
  swarm.world().crash(swarm.tracker_host().id());
  const net::TimePoint stopped_at = swarm.world().now();
  swarm.client(0).stop();
  swarm.world().run_until(stopped_at + peer::tracker_client_limits::stopped_timeout_default - 1ms);
  EXPECT_TRUE(swarm.client(0).running());
  swarm.world().run_until(stopped_at + peer::tracker_client_limits::stopped_timeout_default + 1ms);
  EXPECT_FALSE(swarm.client(0).running());
  EXPECT_EQ(swarm.recorder().served_with(AnnounceEvent::stopped), 0u);
}

}  // namespace
}  // namespace swarmlab::peer_tracker_test
