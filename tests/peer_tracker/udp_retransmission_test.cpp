// BEP 15's retransmission schedule against a UDP tracker that never answers: the request is sent
// again after base * 2^n (n = 0..8), then the tracker is given up and the round counts as failed.
#include "actors/peer/peer.hpp"
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/tracker_client.hpp"
#include "protocol/tracker_udp.hpp"
#include "sim/world.hpp"

#include <gtest/gtest.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <variant>

namespace swarmlab::peer_tracker_test {
namespace {

namespace asio = boost::asio;
namespace storage = peer::storage;
using namespace std::chrono_literals;

struct Arrival {
  net::TimePoint time{};
  bool is_connect = false;
};

asio::awaitable<void> record_arrivals(net::Host& host, net::Datagram& socket,
                                      std::vector<Arrival>& arrivals) {
  std::array<std::uint8_t, 2048> buffer{};
  for (;;) {
    net::Endpoint sender;
    const std::size_t size =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable);
    const auto request = protocol::tracker_udp::decode_request(std::span(buffer.data(), size));
    arrivals.push_back(
        {host.now(),
         request && std::holds_alternative<protocol::tracker_udp::ConnectRequest>(*request)});
  }
}

TEST(UdpRetransmission, FollowsFifteenTimesTwoToTheNWithTheConfiguredBase) {
  constexpr net::Duration base = 100ms;
  constexpr std::int32_t retransmissions = 8;
  constexpr net::Duration latency = 10ms;
  sim::WorldConfig world_config;
  world_config.seed = 11;
  auto world_owner = std::make_unique<sim::World>(world_config);
  sim::World& world = *world_owner;
  sim::HostConfig host_config;
  host_config.link.latency = latency;
  sim::Host& silent = world.add_host(host_config);
  sim::Host& client_host = world.add_host(host_config);
  auto socket = silent.open_udp({silent.addresses().front(), 6969});
  ASSERT_TRUE(socket);
  std::vector<Arrival> arrivals;
  silent.spawn(record_arrivals(silent, *socket, arrivals));

  auto layout = std::make_shared<const storage::StorageLayout>(
      storage::make_single_file_layout("silent.bin", 16 * 1024, 100'000));
  peer::Peer peer(client_host, peer::PeerConfig{.listen_port = 6881});
  peer::Torrent& torrent =
      peer.add_torrent({.info_hash = protocol::sha1(std::string_view("silent")),
                        .disk = std::make_unique<storage::InlineDiskIo>(
                            std::make_unique<storage::MemoryStorage>(layout)),
                        .config = {}});
  ASSERT_TRUE(peer.start());
  peer::TrackerClientOptions options;
  options.udp_timeout_base = base;
  options.udp_retransmissions_max = retransmissions;
  options.retry_delay_min = 24h;  // one round only
  const std::string url = "udp://" + silent.addresses().front().to_string() + ":6969";
  auto client =
      std::make_unique<peer::TrackerClient>(torrent, peer::TrackerClient::Tiers{{url}}, options);
  client->start();

  // Every wait of the schedule, plus the last one's travel.
  const net::Duration schedule = base * ((1 << (retransmissions + 1)) - 1);
  world.run_until(net::time_zero + schedule - 1ms);
  EXPECT_EQ(client->failed_rounds(), 0);
  world.run_until(net::time_zero + schedule + 2 * latency);
  ASSERT_EQ(arrivals.size(), static_cast<std::size_t>(retransmissions + 1));
  for (std::size_t n = 1; n < arrivals.size(); ++n) {
    EXPECT_TRUE(arrivals[n].is_connect);
    EXPECT_EQ(arrivals[n].time - arrivals[n - 1].time, base * (1 << (n - 1))) << "n = " << n;
  }
  EXPECT_EQ(client->failed_rounds(), 1);
  ASSERT_TRUE(client->last_outcome().has_value());
  EXPECT_FALSE(client->last_outcome()->succeeded);
  EXPECT_EQ(client->last_outcome()->error, "timed out");
  EXPECT_EQ(client->last_outcome()->at - arrivals.front().time + world.latency(client_host, silent),
            schedule);

  // Tasks end before what they use goes away.
  socket->close();
  peer.stop();
  client->stop();
  world.run_for(10s);
  EXPECT_FALSE(client->running());
  world_owner.reset();
}

}  // namespace
}  // namespace swarmlab::peer_tracker_test
