// On real loopback sockets: two swarmlab peers that know only an opentracker URL (HTTP, then UDP)
// find each other through it and transfer a torrent. Skipped when opentracker is not installed.
#include "actors/peer/storage/inline_disk_io.hpp"
#include "actors/peer/storage/memory_storage.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/tracker_client.hpp"
#include "tests/peer_swarm/loopback_world.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace swarmlab::peer_tracker_test {
namespace {

namespace storage = peer::storage;
using namespace std::chrono_literals;

constexpr const char* opentracker_path = "/usr/bin/opentracker";
constexpr auto tracker_start_timeout = 5s;
constexpr auto transfer_timeout = 30s;
constexpr auto stop_timeout = 10s;

// A port free on 127.0.0.1 for both TCP and UDP at the time of the call.
std::uint16_t free_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ::close(tcp);
      continue;
    }
    const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    const bool udp_free = ::bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(udp);
    ::close(tcp);
    if (udp_free) return ntohs(address.sin_port);
  }
  return 0;
}

bool accepts_connections(std::uint16_t port) {
  const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool connected = ::connect(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(tcp);
  return connected;
}

std::string hex(const protocol::InfoHash& info_hash) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (const std::uint8_t byte : info_hash) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

// Two peers on loopback with tracker clients; the clients stop and end before the world goes.
class TrackedPair {
 public:
  TrackedPair(const protocol::InfoHash& info_hash, const std::string& url) {
    storage::StorageLayout layout =
        storage::make_single_file_layout("pair.bin", 64 * 1024, 1024 * 1024 + 333);
    layout.piece_hashes = storage::content_piece_hashes(layout, payload_);
    layout_ = std::make_shared<const storage::StorageLayout>(std::move(layout));
    for (const bool seed : {true, false}) {
      peer::Peer& peer = world_.add_peer({});
      auto memory = std::make_unique<storage::MemoryStorage>(layout_);
      if (seed) {
        EXPECT_TRUE(storage::write_content(*memory, payload_));
      }
      torrents_.push_back(
          &peer.add_torrent({.info_hash = info_hash,
                             .disk = std::make_unique<storage::InlineDiskIo>(std::move(memory)),
                             .config = {.existing_data = seed ? peer::ExistingData::trust_complete
                                                              : peer::ExistingData::none}}));
      EXPECT_TRUE(peer.start());
      clients_.push_back(std::make_unique<peer::TrackerClient>(
          *torrents_.back(), peer::TrackerClient::Tiers{{url}}, peer::TrackerClientOptions{}));
      clients_.back()->start();
    }
  }

  ~TrackedPair() {
    for (auto& client : clients_)
      client->stop();
    world_.run_until(
        [&] {
          for (const auto& client : clients_) {
            if (client->running()) return false;
          }
          return true;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(stop_timeout));
    if (!all_stopped()) world_.io_context().stop();
  }

  bool all_stopped() const {
    for (const auto& client : clients_) {
      if (client->running()) return false;
    }
    return true;
  }

  peer_test::LoopbackWorld& world() { return world_; }
  peer::Torrent& torrent(std::size_t index) { return *torrents_.at(index); }
  peer::TrackerClient& client(std::size_t index) { return *clients_.at(index); }

 private:
  storage::Payload payload_ = storage::Payload::from_seed(17, 0);
  std::shared_ptr<const storage::StorageLayout> layout_;
  peer_test::LoopbackWorld world_{61};
  std::vector<peer::Torrent*> torrents_;
  std::vector<std::unique_ptr<peer::TrackerClient>> clients_;
};

std::string describe(const peer::TrackerClient& client) {
  if (!client.last_outcome()) return "no announce";
  const peer::AnnounceOutcome& outcome = *client.last_outcome();
  return outcome.tracker_url +
         (outcome.succeeded ? " answered with " + std::to_string(outcome.peer_count) + " peers"
                            : " failed: " + outcome.error);
}

void expect_transfer_through_opentracker(bool udp) {
  if (!std::filesystem::exists(opentracker_path)) GTEST_SKIP() << "opentracker is not installed";
  const protocol::InfoHash info_hash = protocol::sha1(std::string_view("opentracker pair"));
  const test::TempDir directory;
  test::write_file(directory / "whitelist", hex(info_hash) + "\n");
  // Run as root it reads the list as the unprivileged user it switches to.
  std::filesystem::permissions(
      directory.path(), std::filesystem::perms::others_read | std::filesystem::perms::others_exec,
      std::filesystem::perm_options::add);
  const std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  // Run as root it chroots to -d before reading the whitelist: "/" keeps the path valid.
  test::BackgroundProcess tracker({opentracker_path, "-i", "127.0.0.1", "-p", std::to_string(port),
                                   "-P", std::to_string(port), "-d", "/", "-w",
                                   (directory / "whitelist").string()});
  ASSERT_TRUE(tracker.started());
  const auto deadline = std::chrono::steady_clock::now() + tracker_start_timeout;
  while (!accepts_connections(port) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(accepts_connections(port)) << tracker.errors();

  const std::string url = udp ? "udp://127.0.0.1:" + std::to_string(port)
                              : "http://127.0.0.1:" + std::to_string(port) + "/announce";
  {
    TrackedPair pair(info_hash, url);
    const bool completed = pair.world().run_until(
        [&] { return pair.torrent(1).is_complete(); },
        std::chrono::duration_cast<std::chrono::milliseconds>(transfer_timeout));
    EXPECT_TRUE(completed) << tracker.errors() << describe(pair.client(0)) << "; "
                           << describe(pair.client(1));
    for (std::size_t index = 0; index < 2; ++index) {
      ASSERT_TRUE(pair.client(index).last_success().has_value())
          << (pair.client(index).last_outcome() ? pair.client(index).last_outcome()->error : "");
    }
    EXPECT_GT(pair.torrent(1).counters().payload_downloaded_bytes, 0u);
    EXPECT_EQ(pair.torrent(1).bytes_left(), 0);
  }
  tracker.stop();
}

TEST(OpentrackerLoopback, TwoPeersFindEachOtherOverHttpAndTransfer) {
  expect_transfer_through_opentracker(/*udp=*/false);
}

TEST(OpentrackerLoopback, TwoPeersFindEachOtherOverUdpAndTransfer) {
  expect_transfer_through_opentracker(/*udp=*/true);
}

}  // namespace
}  // namespace swarmlab::peer_tracker_test
