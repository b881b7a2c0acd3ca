// Benchmark: the tracker's request handling alone, without sockets: UDP announce datagrams through
// UdpRequestHandler and HTTP announce targets through HttpRequestHandler, for the same load as
// bench/tracker_load (peer k announces for torrent k mod N). Prints announces per second of one
// core and the time per announce; asserts nothing.
//
//   build/bench/tracker_handler [--announces N] [--torrents N] [--peers N]
#include "actors/tracker/http_request_handler.hpp"
#include "actors/tracker/udp_request_handler.hpp"
#include "protocol/tracker_http.hpp"
#include "protocol/tracker_udp.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace tracker = swarmlab::tracker;
namespace udp = swarmlab::protocol::tracker_udp;
namespace tracker_http = swarmlab::protocol::tracker_http;
using swarmlab::protocol::PeerAddress;
using Clock = std::chrono::steady_clock;

struct Options {
  std::uint32_t announces = 1'000'000;
  std::uint32_t torrents = 1000;
  std::uint32_t peers = 50'000;
};

swarmlab::protocol::PeerId peer_id(std::uint32_t peer) {
  swarmlab::protocol::PeerId id{};
  const std::string text = fmt::format("-BN0001-{:012}", peer);
  std::copy(text.begin(), text.end(), id.begin());
  return id;
}

std::vector<swarmlab::protocol::InfoHash> torrents(const Options& options) {
  std::vector<swarmlab::protocol::InfoHash> hashes;
  for (std::uint32_t index = 0; index < options.torrents; ++index) {
    hashes.push_back(swarmlab::protocol::sha1("bench torrent " + std::to_string(index)));
  }
  return hashes;
}

tracker::TrackerConfig config() {
  tracker::TrackerConfig config;
  config.rate_limit.requests_per_second = 0;
  return config;
}

void report(std::string_view what, std::uint32_t count, Clock::duration elapsed,
            std::uint64_t reply_bytes) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  fmt::print("{:<6} {:>10.0f} announces/s  {:>6.2f} us each  (mean reply {} bytes)\n", what,
             count / seconds, seconds * 1e6 / count, reply_bytes / count);
}

void run_udp(const Options& options) {
  const auto hashes = torrents(options);
  const auto tracker_config = config();
  swarmlab::net::Rng rng(1);
  tracker::TrackerCore core(tracker_config, rng, nullptr);
  tracker::UdpRequestHandler handler(core, rng);
  const PeerAddress client = PeerAddress::ipv4({127, 0, 0, 1}, 40000);
  swarmlab::net::TimePoint now(1000s);
  const std::uint64_t connection_id = handler.connection_ids().issue(client, now);
  std::vector<std::uint8_t> reply;
  std::uint64_t reply_bytes = 0;
  const auto start = Clock::now();
  for (std::uint32_t index = 0; index < options.announces; ++index) {
    const std::uint32_t peer = index % options.peers;
    udp::AnnounceRequest request;
    request.connection_id = connection_id;
    request.transaction_id = index;
    request.info_hash = hashes[peer % hashes.size()];
    request.peer_id = peer_id(peer);
    request.left_bytes = peer % 3 == 0 ? 0 : 1'000'000;
    request.key = peer;
    request.num_want = 50;
    request.port = static_cast<std::uint16_t>(10000 + peer % 50000);
    const auto packet = udp::encode(request);
    handler.handle(packet, client, now, reply);
    reply_bytes += reply.size();
  }
  report("udp", options.announces, Clock::now() - start, reply_bytes);
}

void run_http(const Options& options) {
  const auto hashes = torrents(options);
  const auto tracker_config = config();
  swarmlab::net::Rng rng(1);
  tracker::TrackerCore core(tracker_config, rng, nullptr);
  tracker::HttpRequestHandler handler(core);
  const PeerAddress client = PeerAddress::ipv4({127, 0, 0, 1}, 40000);
  std::uint64_t reply_bytes = 0;
  const auto start = Clock::now();
  for (std::uint32_t index = 0; index < options.announces; ++index) {
    const std::uint32_t peer = index % options.peers;
    tracker_http::AnnounceRequest request;
    request.info_hash = hashes[peer % hashes.size()];
    request.peer_id = peer_id(peer);
    request.port = static_cast<std::uint16_t>(10000 + peer % 50000);
    request.left_bytes = peer % 3 == 0 ? 0 : 1'000'000;
    request.compact = true;
    request.numwant = 50;
    const std::string target = tracker_http::build_announce_url("/announce", request);
    reply_bytes +=
        handler.handle(true, target, client, swarmlab::net::TimePoint(1000s)).body.size();
  }
  report("http", options.announces, Clock::now() - start, reply_bytes);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string_view name = argv[index];
    const auto value = static_cast<std::uint32_t>(std::stoul(argv[index + 1]));
    if (name == "--announces") {
      options.announces = value;
    } else if (name == "--torrents") {
      options.torrents = value;
    } else if (name == "--peers") {
      options.peers = value;
    } else {
      fmt::print(stderr, "usage: tracker_handler [--announces N] [--torrents N] [--peers N]\n");
      return 2;
    }
  }
  if (options.torrents == 0 || options.peers < options.torrents || options.announces == 0) {
    fmt::print(stderr, "tracker_handler: need announces > 0 and peers >= torrents > 0\n");
    return 2;
  }
  fmt::print("tracker_handler: {} announces, {} torrents, {} peers (request encoding included)\n",
             options.announces, options.torrents, options.peers);
  run_udp(options);
  run_http(options);
  return 0;
}
