#include "actors/tracker/peer_table.hpp"

#include <cassert>
#include <utility>

namespace swarmlab::tracker {

PeerTable::PeerTable(std::uint64_t hash_seed, PeerAddress::Family family)
    : listed_(family),
      by_peer_id_(0, SeededHash{hash_seed}),
      by_address_(0, SeededHash{hash_seed ^ 1}) {}

// Reads only the table's own fields: an announce's path must not pull the peer's identity into
// the cache just to check it (check_pairing does, where the identity is read anyway).
void PeerTable::check_index(Index index) const {
  assert(index < identities_.size());
  assert(listed_.size() == identities_.size());
  assert(by_peer_id_.size() == identities_.size());
  assert(by_address_.size() == identities_.size());
  (void)index;
}

// The peer's listed record and identity describe the same peer, as the indices say.
void PeerTable::check_pairing(Index index) const {
  check_index(index);
  assert(listed_.seen_seconds(index) == coarse_seconds(identities_[index].last_seen));
  assert(by_peer_id_.find(identities_[index].peer_id)->second == index);
  assert(by_address_.find(listed_.address(index))->second == index);
  (void)index;
}

StoredPeer PeerTable::at(Index index) const {
  check_pairing(index);
  const Identity& identity = identities_[index];
  return StoredPeer{.address = listed_.address(index),
                    .peer_id = identity.peer_id,
                    .last_seen = identity.last_seen,
                    .key = identity.key,
                    .seeder = listed_.seeder(index)};
}

std::optional<PeerTable::Index> PeerTable::find_by_peer_id(const PeerId& peer_id) const {
  const auto found = by_peer_id_.find(peer_id);
  if (found == by_peer_id_.end()) return std::nullopt;
  // That identities_[found->second] holds this peer id is check_pairing's to show: reading it
  // here would cost every announce a cache miss.
  check_index(found->second);
  return found->second;
}

std::optional<PeerTable::Index> PeerTable::find_by_address(const PeerAddress& address) const {
  const auto found = by_address_.find(address);
  if (found == by_address_.end()) return std::nullopt;
  assert(listed_.has_address(found->second, address));
  return found->second;
}

void PeerTable::insert(const StoredPeer& peer) {
  assert(peer.address.family == family());
  assert(size() < (std::size_t{1} << 32) - 1);
  const auto index = static_cast<Index>(size());
  const bool id_added = by_peer_id_.emplace(peer.peer_id, index).second;
  const bool address_added = by_address_.emplace(peer.address, index).second;
  assert(id_added);
  assert(address_added);
  (void)id_added;
  (void)address_added;
  listed_.push_back(peer.address, coarse_seconds(peer.last_seen), peer.seeder);
  identities_.push_back(
      Identity{.peer_id = peer.peer_id, .key = peer.key, .last_seen = peer.last_seen});
  if (peer.seeder) ++seeder_count_;
  check_pairing(index);
}

void PeerTable::remove(Index index) {
  check_pairing(index);
  if (listed_.seeder(index)) --seeder_count_;
  by_peer_id_.erase(identities_[index].peer_id);
  by_address_.erase(listed_.address(index));
  const auto last = static_cast<Index>(size() - 1);
  if (index != last) {
    listed_.copy(last, index);
    identities_[index] = identities_[last];
    by_peer_id_[identities_[index].peer_id] = index;
    by_address_[listed_.address(index)] = index;
  }
  listed_.pop_back();
  identities_.pop_back();
  if (index != last) check_pairing(index);
  assert(seeder_count_ <= size());
}

void PeerTable::refresh(Index index, net::TimePoint now, bool seeder,
                        std::optional<std::uint64_t> key) {
  check_index(index);
  assert(listed_.seen_seconds(index) <= coarse_seconds(now));
  if (listed_.seeder(index) != seeder) {
    if (seeder) {
      ++seeder_count_;
    } else {
      --seeder_count_;
    }
  }
  listed_.set_seeder(index, seeder);
  listed_.set_seen_seconds(index, coarse_seconds(now));
  // Only written: a refresh never waits for the identity to come into the cache.
  Identity& identity = identities_[index];
  identity.last_seen = now;
  if (key) identity.key = key;
  assert(seeder_count_ <= size());
}

void PeerTable::change_peer_id(Index index, const PeerId& peer_id) {
  check_index(index);
  assert(!by_peer_id_.contains(peer_id));
  Identity& identity = identities_[index];
  by_peer_id_.erase(identity.peer_id);
  by_peer_id_.emplace(peer_id, index);
  identity.peer_id = peer_id;
  // A restarted client is a new client: a key it had before proves nothing now.
  identity.key.reset();
  check_pairing(index);
}

void PeerTable::change_address(Index index, const PeerAddress& address) {
  check_index(index);
  assert(address.family == family());
  assert(!by_address_.contains(address));
  by_address_.erase(listed_.address(index));
  by_address_.emplace(address, index);
  listed_.set_address(index, address);
  check_pairing(index);
}

PeerTable::Exclusion PeerTable::exclusion_of(const Requester& requester) const {
  Exclusion exclusion;
  if (const auto index = find_by_peer_id(requester.peer_id)) exclusion.first = *index;
  // One peer per address: when the peer found by id has the requester's address (the usual case,
  // right after the requester announced), it is also the one the address would find.
  if (exclusion.first != no_index && listed_.has_address(exclusion.first, requester.address)) {
    exclusion.second = exclusion.first;
  } else if (const auto index = find_by_address(requester.address)) {
    exclusion.second = *index;
  }
  assert(exclusion.second == no_index || listed_.has_address(exclusion.second, requester.address));
  assert(exclusion.first == no_index || exclusion.first < size());
  assert(exclusion.second == no_index || exclusion.second < size());
  return exclusion;
}

void PeerTable::sample(std::size_t count, Exclusion excluded, net::TimePoint live_since,
                       net::Rng& rng, std::vector<ListedPeer>& out) const {
  const std::size_t size = this->size();
  const std::uint32_t live_since_seconds = coarse_seconds(live_since);
  const auto eligible = [&](Index index) {
    return index != excluded.first && index != excluded.second &&
           live(index, live_since, live_since_seconds);
  };
  const std::size_t wanted_end = out.size() + count;
  if (count >= size) {
    // Every peer fits: no need to draw.
    for (Index index = 0; index < size; ++index) {
      if (eligible(index)) out.emplace_back(*this, index);
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
    if (eligible(picked)) out.emplace_back(*this, picked);
  }
  assert(out.size() <= wanted_end);
}

std::size_t PeerTable::expire(net::TimePoint cutoff) {
  const std::uint32_t cutoff_seconds = coarse_seconds(cutoff);
  std::size_t removed = 0;
  Index index = 0;
  while (index < size()) {
    if (!live(index, cutoff, cutoff_seconds)) {
      remove(index);  // the last peer moves here and is examined next
      ++removed;
    } else {
      ++index;
    }
  }
  assert(seeder_count_ <= size());
  return removed;
}

}  // namespace swarmlab::tracker
