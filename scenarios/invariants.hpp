// The safety invariants of a simulated run, checked as the actors report (an Observer), beside the
// system rather than inside it:
//   - a peer never announces (HAVE) or serves (sends a block of) a piece it has not verified or
//     started with;
//   - no peer receives more payload from another than that one sent to it.
// The first violation is kept with a readable report, and `on_violation` is called so that the
// engine can stop the world at once. Liveness is the engine's to check (it knows the faults).
// Part of scenarios/.
#pragma once

#include "record/observer.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace swarmlab::scenarios {

class InvariantChecker final : public record::Observer {
 public:
  // Resolves a remote address to a host id (nullopt: outside the run).
  using Resolver = std::function<std::optional<record::ActorId>(const protocol::PeerAddress&)>;

  // Reports give times relative to `start_time`, the start of the run.
  InvariantChecker(std::uint32_t piece_count, Resolver resolver, std::function<void()> on_violation,
                   record::TimePoint start_time = {});

  const std::optional<std::string>& violation() const { return violation_; }
  // Reports a violation found elsewhere (the engine's liveness check); the first one is kept.
  void fail(std::string report);
  // Blocks checked so far (a check that never ran cannot fail).
  std::uint64_t blocks_checked() const { return blocks_checked_; }

  void on_host_joined(record::TimePoint, record::ActorId,
                      std::span<const std::uint8_t> bitfield) override;
  void on_piece_verified(record::TimePoint, record::ActorId, std::uint32_t piece) override;
  void on_have_sent(record::TimePoint, record::ActorId, const protocol::PeerAddress&,
                    std::uint32_t piece) override;
  void on_block(record::TimePoint, record::ActorId, const protocol::PeerAddress&, record::Side,
                const record::BlockRef&) override;

 private:
  std::vector<bool>& pieces_of(record::ActorId host);
  bool holds(record::ActorId host, std::uint32_t piece);
  double seconds_of(record::TimePoint time) const;

  std::uint32_t piece_count_;
  Resolver resolver_;
  std::function<void()> on_violation_;
  record::TimePoint start_time_;
  std::optional<std::string> violation_;
  // Verified pieces per host id.
  std::vector<std::vector<bool>> pieces_;
  // Payload bytes by (sender << 32 | receiver): sent as the sender reported, received as the
  // receiver did. Looked up only, never iterated.
  std::unordered_map<std::uint64_t, std::uint64_t> sent_bytes_;
  std::unordered_map<std::uint64_t, std::uint64_t> received_bytes_;
  std::uint64_t blocks_checked_ = 0;
};

}  // namespace swarmlab::scenarios
