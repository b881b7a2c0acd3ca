#include "sim/link.hpp"

#include "sim/limits.hpp"
#include "sim/scheduler.hpp"

#include <algorithm>

namespace swarmlab::sim {

namespace {
constexpr std::uint64_t nanoseconds_per_second = 1'000'000'000;
__extension__ typedef unsigned __int128 Wide;
}  // namespace

std::uint32_t QuantumRule::bytes_for(std::uint64_t rate_bytes_per_second) const {
  if (turn.count() == 0 || rate_bytes_per_second == 0) return bytes_max;
  const Wide bytes = static_cast<Wide>(rate_bytes_per_second) *
                     static_cast<std::uint64_t>(turn.count()) / nanoseconds_per_second;
  const std::uint32_t floor = std::min(link_turn_bytes_min, bytes_max);
  if (bytes >= bytes_max) return bytes_max;
  return std::max(floor, static_cast<std::uint32_t>(bytes));
}

Link::Link(Scheduler& scheduler, std::uint64_t rate_bytes_per_second, QuantumRule quantum)
    : scheduler_(scheduler),
      rate_bytes_per_second_(rate_bytes_per_second),
      quantum_rule_(quantum),
      quantum_bytes_(quantum.bytes_for(rate_bytes_per_second)) {
  assert(quantum_bytes_ > 0);
}

Link::~Link() {
  scheduler_.cancel(free_event_);
  // Clients detach before the link goes (hosts outlive their flows).
  assert(ring_.empty());
}

Duration Link::serialisation_time(std::uint64_t bytes) {
  if (rate_bytes_per_second_ == 0) return Duration(0);
  const Wide numerator = static_cast<Wide>(bytes) * nanoseconds_per_second + carry_;
  const auto nanoseconds = static_cast<std::uint64_t>(numerator / rate_bytes_per_second_);
  carry_ = static_cast<std::uint64_t>(numerator % rate_bytes_per_second_);
  return Duration(static_cast<std::int64_t>(nanoseconds));
}

void Link::activate(LinkClient& client) {
  if (!client.in_ring()) ring_.push_back(client);
  if (!busy() && !starting_) start_next();
}

void Link::detach(LinkClient& client) {
  if (client.in_ring()) {
    if (&ring_.front() == &client) turn_budget_bytes_ = 0;
    ring_.erase(client);
  }
  if (transmitting_ == &client) transmitting_ = nullptr;
}

void Link::start_next() {
  assert(!busy());
  assert(!starting_);
  starting_ = true;
  // Each pass either transmits a unit or takes a client out of the ring, so this ends once the
  // clients run out of data (an unlimited link drains them all at this instant).
  while (!busy() && !ring_.empty()) {
    LinkClient& client = ring_.front();
    const bool fresh_turn = turn_budget_bytes_ == 0;
    if (fresh_turn) turn_budget_bytes_ = quantum_bytes_;
    const std::uint32_t bytes = client.link_take(turn_budget_bytes_, fresh_turn);
    if (bytes == 0) {
      turn_budget_bytes_ = 0;
      if (fresh_turn || !client.link_backlogged()) {
        ring_.erase(client);
      } else {
        ring_.rotate();
      }
      continue;
    }
    assert(fresh_turn || bytes <= turn_budget_bytes_);
    turn_budget_bytes_ = bytes >= turn_budget_bytes_ ? 0 : turn_budget_bytes_ - bytes;
    if (turn_budget_bytes_ == 0) ring_.rotate();
    transmitted_bytes_ += bytes;
    const Duration duration = serialisation_time(bytes);
    if (duration.count() == 0) {
      client.link_done(bytes);
      continue;
    }
    transmitting_ = &client;
    transmitting_bytes_ = bytes;
    transmission_start_ = scheduler_.now();
    scheduler_.schedule_after(free_event_, duration);
  }
  starting_ = false;
}

void Link::transmission_end() {
  LinkClient* client = transmitting_;
  const std::uint32_t bytes = transmitting_bytes_;
  transmitting_ = nullptr;
  transmitting_bytes_ = 0;
  if (client != nullptr) client->link_done(bytes);
  if (!busy()) start_next();
}

void Link::set_rate(std::uint64_t rate_bytes_per_second) {
  if (rate_bytes_per_second == rate_bytes_per_second_) return;
  carry_ = 0;
  quantum_bytes_ = quantum_rule_.bytes_for(rate_bytes_per_second);
  if (busy()) {
    // The part of the unit not yet on the wire goes at the new rate.
    const TimePoint end = scheduler_.time_of(free_event_);
    const auto remaining_nanoseconds = static_cast<std::uint64_t>((end - scheduler_.now()).count());
    const Wide remaining_bytes_scaled =
        static_cast<Wide>(remaining_nanoseconds) * rate_bytes_per_second_;
    rate_bytes_per_second_ = rate_bytes_per_second;
    Duration remaining(0);
    if (rate_bytes_per_second_ != 0) {
      remaining =
          Duration(static_cast<std::int64_t>(remaining_bytes_scaled / rate_bytes_per_second_));
    }
    scheduler_.schedule_after(free_event_, remaining);
    return;
  }
  rate_bytes_per_second_ = rate_bytes_per_second;
}

void Link::reset() {
  while (!ring_.empty())
    ring_.pop_front();
  transmitting_ = nullptr;
  transmitting_bytes_ = 0;
  turn_budget_bytes_ = 0;
  scheduler_.cancel(free_event_);
}

}  // namespace swarmlab::sim
