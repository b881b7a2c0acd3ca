#include "actors/tracker/peer_table.hpp"

#include <cassert>
#include <utility>

namespace swarmlab::tracker {

PeerTable::PeerTable(std::uint64_t hash_seed)
    : by_peer_id_(0, SeededHash{hash_seed}), by_address_(0, SeededHash{hash_seed ^ 1}) {}

void PeerTable::check_index(Index index) const {
  assert(index < peers_.size());
  assert(by_peer_id_.size() == peers_.size());
  assert(by_address_.size() == peers_.size());
  (void)index;
}

std::optional<PeerTable::Index> PeerTable::find_by_peer_id(const PeerId& peer_id) const {
  const auto found = by_peer_id_.find(peer_id);
  if (found == by_peer_id_.end()) return std::nullopt;
  assert(SameKey{}(peers_[found->second].peer_id, peer_id));
  return found->second;
}

std::optional<PeerTable::Index> PeerTable::find_by_address(const PeerAddress& address) const {
  const auto found = by_address_.find(address);
  if (found == by_address_.end()) return std::nullopt;
  assert(SameKey{}(peers_[found->second].address, address));
  return found->second;
}

void PeerTable::insert(const StoredPeer& peer) {
  assert(peers_.size() < (std::size_t{1} << 32) - 1);
  const auto index = static_cast<Index>(peers_.size());
  const bool id_added = by_peer_id_.emplace(peer.peer_id, index).second;
  const bool address_added = by_address_.emplace(peer.address, index).second;
  assert(id_added);
  assert(address_added);
  (void)id_added;
  (void)address_added;
  peers_.push_back(peer);
  if (peer.seeder) ++seeder_count_;
  check_index(index);
}

void PeerTable::remove(Index index) {
  check_index(index);
  const StoredPeer& gone = peers_[index];
  if (gone.seeder) --seeder_count_;
  by_peer_id_.erase(gone.peer_id);
  by_address_.erase(gone.address);
  const auto last = static_cast<Index>(peers_.size() - 1);
  if (index != last) {
    peers_[index] = std::move(peers_[last]);
    by_peer_id_[peers_[index].peer_id] = index;
    by_address_[peers_[index].address] = index;
  }
  peers_.pop_back();
  assert(seeder_count_ <= peers_.size());
}

void PeerTable::refresh(Index index, net::TimePoint now, bool seeder,
                        std::optional<std::uint64_t> key) {
  check_index(index);
  StoredPeer& peer = peers_[index];
  assert(peer.last_seen <= now);
  if (peer.seeder != seeder) {
    if (seeder) {
      ++seeder_count_;
    } else {
      --seeder_count_;
    }
  }
  peer.seeder = seeder;
  peer.last_seen = now;
  if (key) peer.key = key;
  assert(seeder_count_ <= peers_.size());
}

void PeerTable::change_peer_id(Index index, const PeerId& peer_id) {
  check_index(index);
  assert(!by_peer_id_.contains(peer_id));
  by_peer_id_.erase(peers_[index].peer_id);
  by_peer_id_.emplace(peer_id, index);
  peers_[index].peer_id = peer_id;
  // A restarted client is a new client: a key it had before proves nothing now.
  peers_[index].key.reset();
  check_index(index);
}

void PeerTable::change_address(Index index, const PeerAddress& address) {
  check_index(index);
  assert(!by_address_.contains(address));
  by_address_.erase(peers_[index].address);
  by_address_.emplace(address, index);
  peers_[index].address = address;
  check_index(index);
}

PeerTable::Exclusion PeerTable::exclusion_of(const Requester& requester) const {
  Exclusion exclusion;
  if (const auto index = find_by_peer_id(requester.peer_id)) exclusion.first = *index;
  // One peer per address: when the peer found by id has the requester's address (the usual case,
  // right after the requester announced), it is also the one the address would find.
  if (exclusion.first != no_index &&
      SameKey{}(peers_[exclusion.first].address, requester.address)) {
    exclusion.second = exclusion.first;
  } else if (const auto index = find_by_address(requester.address)) {
    exclusion.second = *index;
  }
  assert(exclusion.second == no_index || peers_[exclusion.second].address == requester.address);
  assert(exclusion.first == no_index || exclusion.first < peers_.size());
  assert(exclusion.second == no_index || exclusion.second < peers_.size());
  return exclusion;
}

void PeerTable::sample(std::size_t count, Exclusion excluded, net::TimePoint live_since,
                       net::Rng& rng, std::vector<ListedPeer>& out) const {
  const std::size_t size = peers_.size();
  const auto eligible = [&](Index index) {
    return index != excluded.first && index != excluded.second &&
           peers_[index].last_seen >= live_since;
  };
  const std::size_t wanted_end = out.size() + count;
  if (count >= size) {
    // Every peer fits: no need to draw.
    for (Index index = 0; index < size; ++index) {
      if (eligible(index)) out.push_back(&peers_[index]);
    }
    assert(out.size() <= wanted_end);
    return;
  }
  // Position i of a virtual permutation of 0..size-1 holds displaced.at(i) if present, else i.
  boost::unordered_flat_map<Index, Index> displaced;
  displaced.reserve(2 * count + 2);
  const auto value_at = [&](Index position) {
    const auto found = displaced.find(position);
    return found == displaced.end() ? position : found->second;
  };
  for (Index position = 0; position < size && out.size() < wanted_end; ++position) {
    const auto chosen = static_cast<Index>(position + rng.below(size - position));
    const Index picked = value_at(chosen);
    displaced[chosen] = value_at(position);
    if (eligible(picked)) out.push_back(&peers_[picked]);
  }
  assert(out.size() <= wanted_end);
}

std::size_t PeerTable::expire(net::TimePoint cutoff) {
  std::size_t removed = 0;
  Index index = 0;
  while (index < peers_.size()) {
    if (peers_[index].last_seen < cutoff) {
      remove(index);  // the last peer moves here and is examined next
      ++removed;
    } else {
      ++index;
    }
  }
  assert(seeder_count_ <= peers_.size());
  return removed;
}

}  // namespace swarmlab::tracker
