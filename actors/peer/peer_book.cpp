#include "actors/peer/peer_book.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {
namespace {

net::Duration retry_delay(std::int32_t failures) {
  assert(failures >= 1);
  const std::int32_t doublings = std::min(failures - 1, 16);
  const net::Duration delay = limits::reconnect_delay_base * (std::int64_t{1} << doublings);
  return std::min<net::Duration>(delay, limits::reconnect_delay_max);
}

}  // namespace

PeerBook::PeerBook(std::size_t size_max) : size_max_(size_max) {
  assert(size_max > 0);
}

bool PeerBook::add(const net::Endpoint& endpoint) {
  if (entries_.size() >= size_max_) return false;
  if (endpoint.port == 0 || banned_.contains(endpoint.address)) return false;
  const auto [entry, inserted] = entries_.try_emplace(endpoint);
  if (!inserted) return false;
  ready_.push_back(endpoint);
  assert(entry->second.state == State::ready);
  return true;
}

void PeerBook::remove_from_ready(const net::Endpoint& endpoint) {
  const auto found = std::find(ready_.begin(), ready_.end(), endpoint);
  assert(found != ready_.end());
  *found = ready_.back();
  ready_.pop_back();
}

void PeerBook::set_state(const net::Endpoint& endpoint, Entry& entry, State state) {
  if (entry.state == State::ready) remove_from_ready(endpoint);
  if (entry.state == State::waiting) {
    const auto erased = waiting_.erase({entry.retry_at, endpoint});
    assert(erased == 1);
  }
  entry.state = state;
  if (state == State::ready) ready_.push_back(endpoint);
  if (state == State::waiting) waiting_.insert({entry.retry_at, endpoint});
}

void PeerBook::wait(const net::Endpoint& endpoint, Entry& entry, net::TimePoint now) {
  assert(entry.failures >= 1);
  if (entry.state == State::waiting) set_state(endpoint, entry, State::connecting);
  entry.retry_at = now + retry_delay(entry.failures);
  set_state(endpoint, entry, State::waiting);
}

void PeerBook::promote_due(net::TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const net::Endpoint endpoint = waiting_.begin()->second;
    Entry& entry = entries_.at(endpoint);
    assert(entry.state == State::waiting);
    set_state(endpoint, entry, State::ready);
  }
}

std::optional<net::Endpoint> PeerBook::take_next(net::TimePoint now, net::Rng& rng) {
  promote_due(now);
  if (ready_.empty()) return std::nullopt;
  const net::Endpoint endpoint = ready_[rng.below(ready_.size())];
  Entry& entry = entries_.at(endpoint);
  set_state(endpoint, entry, State::connecting);
  assert(entry.state == State::connecting);
  return endpoint;
}

void PeerBook::on_connect_failed(const net::Endpoint& endpoint, net::TimePoint now) {
  const auto found = entries_.find(endpoint);
  if (found == entries_.end()) return;
  Entry& entry = found->second;
  if (entry.state != State::connecting) return;
  ++entry.failures;
  if (entry.failures >= limits::connect_attempts_max) {
    set_state(endpoint, entry, State::retired);
    return;
  }
  wait(endpoint, entry, now);
}

void PeerBook::on_connected(const net::Endpoint& endpoint) {
  if (endpoint.port == 0) return;
  auto found = entries_.find(endpoint);
  if (found == entries_.end()) {
    if (!add(endpoint)) return;
    found = entries_.find(endpoint);
  }
  Entry& entry = found->second;
  if (entry.state == State::banned || entry.state == State::retired) return;
  entry.failures = 0;
  set_state(endpoint, entry, State::connected);
}

void PeerBook::on_closed(const net::Endpoint& endpoint, CloseReason reason, net::TimePoint now) {
  const auto found = entries_.find(endpoint);
  if (found == entries_.end()) return;
  Entry& entry = found->second;
  if (entry.state != State::connected && entry.state != State::connecting) return;
  // A duplicate was closed in favour of another connection to the same peer; if that one holds
  // the address, it stays connected.
  if (reason == CloseReason::duplicate && entry.state == State::connected) return;
  if (!allows_reconnect(reason)) {
    set_state(endpoint, entry, State::retired);
    return;
  }
  entry.failures = std::max(entry.failures, 0) + 1;
  wait(endpoint, entry, now);
}

void PeerBook::ban(const net::Address& address) {
  banned_.insert(address);
  for (auto it = entries_.lower_bound(net::Endpoint{address, 0});
       it != entries_.end() && it->first.address == address; ++it) {
    set_state(it->first, it->second, State::banned);
  }
  assert(is_banned(address));
}

bool PeerBook::is_banned(const net::Address& address) const {
  return banned_.contains(address);
}

std::optional<PeerBook::State> PeerBook::state(const net::Endpoint& endpoint) const {
  const auto found = entries_.find(endpoint);
  if (found == entries_.end()) return std::nullopt;
  return found->second.state;
}

std::optional<net::TimePoint> PeerBook::next_retry_at() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.begin()->first;
}

std::size_t PeerBook::count(State state) const {
  if (state == State::ready) return ready_.size();
  if (state == State::waiting) return waiting_.size();
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(),
                    [&](const auto& entry) { return entry.second.state == state; }));
}

}  // namespace swarmlab::peer
