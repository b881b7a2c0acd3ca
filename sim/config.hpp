// What a simulated world is made of, as plain values: the world's settings (seed, core latency,
// stream and datagram behaviour, link scheduling unit) and each host's (addresses, access link,
// region). Units are in the names; durations are std::chrono nanoseconds.
#pragma once

#include "net/endpoint.hpp"
#include "net/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace swarmlab::sim {

using namespace std::chrono_literals;
using net::Duration;

// A host's access link to the core. A rate of 0 means unlimited (no serialisation time).
struct LinkConfig {
  std::uint64_t upload_bytes_per_second = 0;
  std::uint64_t download_bytes_per_second = 0;
  // One way, between the host and the core.
  Duration latency{0};
  // Datagram bytes that may wait at either end of the link; more are dropped. 0: no limit.
  // (Stream data never waits here: the streams' windows hold it back at the sender.)
  std::uint64_t queue_limit_bytes = 0;
};

// Datagram impairments, drawn per datagram from the world's network generator.
struct UdpFaults {
  double loss_probability = 0;
  double duplicate_probability = 0;
  // A reordered datagram is held back by an extra delay uniform in (0, reorder_delay_max].
  double reorder_probability = 0;
  Duration reorder_delay_max = 10ms;
  // Every datagram gets an extra delay uniform in [0, jitter_max].
  Duration jitter_max{0};
};

struct UdpConfig {
  UdpFaults faults;
  // Datagrams a socket holds for its reader before it drops new ones.
  std::uint32_t receive_queue_datagrams_max = 4096;
};

struct StreamConfig {
  // A connect to a host that is down, absent or cut off fails with timed_out after this.
  Duration connect_timeout = 10s;
  // A stream whose path is broken stalls; after this long stalled, the connection resets.
  Duration stall_timeout = 30s;
  // Bytes written but not yet handed to the uplink; a write waits while this is full, so a fast
  // writer is paced by the network.
  std::uint64_t send_buffer_bytes = 64 * 1024;
  // Bytes in flight plus bytes received but not yet read (TCP's receive window).
  std::uint64_t receive_window_bytes = 1024 * 1024;
  std::uint32_t listen_backlog_max = 1024;
};

// Latency through the core between two hosts' access links.
struct CoreLatency {
  enum class Model : std::uint8_t {
    fixed,          // `fixed` for every pair
    region_matrix,  // region_matrix[from_region * region_count + to_region]
    pair_uniform,   // per host pair, uniform in [pair_min, pair_max], stable for the run
  };
  Model model = Model::fixed;
  Duration fixed{0};
  std::uint32_t region_count = 0;
  std::vector<Duration> region_matrix;
  Duration pair_min{0};
  Duration pair_max{0};
};

struct WorldConfig {
  std::uint64_t seed = 1;
  CoreLatency core;
  StreamConfig stream;
  UdpConfig udp;
  // Stream data crosses links in chunks of at most this many bytes; it is also the round-robin
  // quantum of every link. A turn does not leave a runt of chunk_runt_bytes_max or less behind
  // (sim/limits.hpp): a 16 KiB block message and its 13-byte header cross as one chunk.
  std::uint32_t chunk_bytes = 16 * 1024;
  // 0: every link's turn is chunk_bytes, whatever its rate (flows interleave message by message,
  // as behind a modem's FIFO). Otherwise a link's quantum is what it sends in about this long,
  // from link_turn_bytes_min (one Ethernet frame) up to chunk_bytes: slow links interleave their
  // flows finely, as a fair-queuing router does, and a small message waits less behind uploads.
  Duration link_turn{0};
};

struct HostConfig {
  // Empty: one IPv4 address (and one IPv6 address if `ipv6`) derived from the host id.
  std::vector<net::Address> addresses;
  bool ipv6 = false;
  LinkConfig link;
  std::uint32_t region = 0;
  // Overrides the world's datagram impairments for datagrams this host sends.
  std::optional<UdpFaults> udp_faults;
};

}  // namespace swarmlab::sim
