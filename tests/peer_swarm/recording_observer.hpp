// An observer that keeps what the peers report, for assertions: disconnect reasons, bans,
// verified and failed pieces, completions. One instance may serve several peers (reports carry the
// actor id).
#pragma once

#include "record/observer.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace swarmlab::peer_test {

class RecordingObserver final : public record::Observer {
 public:
  struct Disconnect {
    record::ActorId self = 0;
    protocol::PeerAddress remote;
    std::string reason;
  };

  void on_connected(net::TimePoint, record::ActorId self, const protocol::PeerAddress&,
                    record::Direction) override {
    ++connections[self];
  }
  void on_disconnected(net::TimePoint, record::ActorId self, const protocol::PeerAddress& remote,
                       std::string_view reason) override {
    disconnects.push_back({self, remote, std::string(reason)});
  }
  void on_piece_verified(net::TimePoint, record::ActorId self, std::uint32_t piece) override {
    verified.insert({self, piece});
  }
  void on_hash_failed(net::TimePoint, record::ActorId self, std::uint32_t piece,
                      std::span<const protocol::PeerAddress> senders) override {
    hash_failures.push_back({self, piece});
    failed_senders.emplace_back(senders.begin(), senders.end());
  }
  void on_banned(net::TimePoint, record::ActorId self, const protocol::PeerAddress& remote,
                 std::string_view) override {
    bans.push_back({self, remote});
  }
  void on_completed(net::TimePoint time, record::ActorId self) override {
    completed.emplace(self, time);
  }
  void on_block(net::TimePoint, record::ActorId self, const protocol::PeerAddress&,
                record::Side side, const record::BlockRef&) override {
    if (side == record::Side::remote) ++blocks_received[self];
  }

  // How many disconnects carried `reason` (as describe(CloseReason) spells it).
  std::size_t disconnects_with(std::string_view reason) const {
    std::size_t count = 0;
    for (const Disconnect& disconnect : disconnects)
      count += disconnect.reason == reason ? 1 : 0;
    return count;
  }

  std::map<record::ActorId, std::size_t> connections;
  std::vector<Disconnect> disconnects;
  std::set<std::pair<record::ActorId, std::uint32_t>> verified;
  std::vector<std::pair<record::ActorId, std::uint32_t>> hash_failures;
  // The senders of each failed piece, in the order of hash_failures.
  std::vector<std::vector<protocol::PeerAddress>> failed_senders;
  std::vector<std::pair<record::ActorId, protocol::PeerAddress>> bans;
  std::map<record::ActorId, net::TimePoint> completed;
  std::map<record::ActorId, std::size_t> blocks_received;
};

}  // namespace swarmlab::peer_test
