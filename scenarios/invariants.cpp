#include "scenarios/invariants.hpp"

#include <fmt/core.h>

#include <cassert>
#include <chrono>

namespace swarmlab::scenarios {

namespace {

// A sender reports a block once its write completes, which on a fast path can come just after the
// receiver has read it: allow the blocks of one write in flight.
constexpr std::uint64_t in_flight_allowance_bytes = 2 * 16 * 1024;

std::uint64_t pair_key(record::ActorId sender, record::ActorId receiver) {
  return (std::uint64_t{sender} << 32) | receiver;
}

}  // namespace

InvariantChecker::InvariantChecker(std::uint32_t piece_count, Resolver resolver,
                                   std::function<void()> on_violation, record::TimePoint start_time)
    : piece_count_(piece_count),
      resolver_(std::move(resolver)),
      on_violation_(std::move(on_violation)),
      start_time_(start_time) {
  assert(resolver_);
}

double InvariantChecker::seconds_of(record::TimePoint time) const {
  return std::chrono::duration<double>(time - start_time_).count();
}

void InvariantChecker::fail(std::string report) {
  if (violation_) return;
  violation_ = std::move(report);
  if (on_violation_) on_violation_();
}

std::vector<bool>& InvariantChecker::pieces_of(record::ActorId host) {
  if (host >= pieces_.size()) pieces_.resize(host + 1);
  std::vector<bool>& pieces = pieces_[host];
  if (pieces.empty()) pieces.assign(piece_count_, false);
  return pieces;
}

bool InvariantChecker::holds(record::ActorId host, std::uint32_t piece) {
  return piece < piece_count_ && pieces_of(host)[piece];
}

void InvariantChecker::on_host_joined(record::TimePoint, record::ActorId host,
                                      std::span<const std::uint8_t> bitfield) {
  std::vector<bool>& pieces = pieces_of(host);
  for (std::uint32_t piece = 0; piece < piece_count_; ++piece) {
    const std::size_t byte = piece / 8;
    pieces[piece] = byte < bitfield.size() && (bitfield[byte] & (0x80u >> (piece % 8))) != 0;
  }
}

void InvariantChecker::on_piece_verified(record::TimePoint, record::ActorId host,
                                         std::uint32_t piece) {
  assert(piece < piece_count_);
  pieces_of(host)[piece] = true;
}

void InvariantChecker::on_have_sent(record::TimePoint time, record::ActorId host,
                                    const protocol::PeerAddress&, std::uint32_t piece) {
  if (holds(host, piece)) return;
  fail(fmt::format("at {:.3f} s host {} announced piece {} (HAVE) without having verified it",
                   seconds_of(time), host, piece));
}

void InvariantChecker::on_block(record::TimePoint time, record::ActorId host,
                                const protocol::PeerAddress& remote, record::Side side,
                                const record::BlockRef& block) {
  ++blocks_checked_;
  const std::optional<record::ActorId> other = resolver_(remote);
  if (side == record::Side::local) {
    if (!holds(host, block.piece)) {
      fail(fmt::format("at {:.3f} s host {} sent a block of piece {} without having verified it",
                       seconds_of(time), host, block.piece));
    }
    if (other) sent_bytes_[pair_key(host, *other)] += block.length_bytes;
    return;
  }
  if (!other) return;
  const std::uint64_t key = pair_key(*other, host);
  const std::uint64_t received = received_bytes_[key] += block.length_bytes;
  const auto sent = sent_bytes_.find(key);
  const std::uint64_t sent_total = sent == sent_bytes_.end() ? 0 : sent->second;
  if (received > sent_total + in_flight_allowance_bytes) {
    fail(
        fmt::format("at {:.3f} s host {} has received {} payload bytes from host {}, which sent "
                    "it only {}",
                    seconds_of(time), host, received, *other, sent_total));
  }
}

}  // namespace swarmlab::scenarios
