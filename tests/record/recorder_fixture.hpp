// A small synthetic swarm for recorder tests: a run of 8 pieces, a seed (host 1), two leechers
// (hosts 2 and 3) and a tracker (host 9), each host on 10.0.0.<id>.
#pragma once

#include "record/recorder.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace swarmlab::record::testing {

inline net::TimePoint at_ms(std::int64_t milliseconds) {
  return net::time_zero + std::chrono::milliseconds(milliseconds);
}

inline protocol::PeerAddress address_of(ActorId host, std::uint16_t port = 6881) {
  return protocol::PeerAddress::ipv4({10, 0, 0, static_cast<std::uint8_t>(host)}, port);
}

inline RunInfo small_run(std::uint64_t seed = 42) {
  RunInfo run;
  run.scenario_name = "unit_swarm";
  run.scenario_text = "[swarm]\npeers = 3\n";
  run.seed = seed;
  run.parameters_json = R"({"swarm":{"peers":3},"seed":)" + std::to_string(seed) + "}";
  run.piece_count = 8;
  run.piece_length_bytes = 16384;
  run.total_size_bytes = 8 * 16384;
  run.sample_interval = std::chrono::seconds(1);
  return run;
}

inline HostInfo host_info(ActorId id, HostRole role, std::string group, std::string bandwidth) {
  HostInfo host;
  host.id = id;
  host.role = role;
  host.group = std::move(group);
  host.bandwidth_class = std::move(bandwidth);
  host.upload_bytes_per_second = 1'000'000 * std::uint64_t{id};
  host.download_bytes_per_second = 2'000'000 * std::uint64_t{id};
  host.addresses = {address_of(id)};
  return host;
}

inline HostSample sample(ActorId host, std::uint64_t uploaded_bytes, std::uint64_t downloaded_bytes,
                         std::uint32_t pieces_have) {
  HostSample row;
  row.host = host;
  row.uploaded_bytes = uploaded_bytes;
  row.downloaded_bytes = downloaded_bytes;
  row.pieces_have = pieces_have;
  return row;
}

inline void add_small_swarm(Recorder& recorder) {
  recorder.add_host(host_info(1, HostRole::seed, "seeds", "fast"));
  recorder.add_host(host_info(2, HostRole::leecher, "crowd", "slow"));
  recorder.add_host(host_info(3, HostRole::leecher, "crowd", "fast"));
  recorder.add_host(host_info(9, HostRole::tracker, "trackers", "fast"));
}

}  // namespace swarmlab::record::testing
