#include "actors/tracker/swarm.hpp"

#include <cassert>

namespace swarmlab::tracker {

Swarm::Swarm(std::uint64_t hash_seed, net::TimePoint created)
    : last_activity_(created),
      tables_{PeerTable(hash_seed, PeerAddress::Family::ipv4),
              PeerTable(net::mix64(hash_seed), PeerAddress::Family::ipv6)} {}

SwarmUpdate Swarm::update(const PeerAnnounce& announce, net::TimePoint now, bool may_add) {
  // A stopped peer may announce port 0 (it no longer listens); nobody is stored with port 0.
  assert(announce.address.port != 0 || announce.event == AnnounceEvent::stopped);
  assert(last_activity_ <= now);
  last_activity_ = now;
  PeerTable& table = tables_[slot(announce.address.family)];
  const std::size_t peers_before = table.size();
  const std::uint32_t seeders_before = table.seeder_count();
  const SwarmUpdate result = apply(table, announce, now, may_add);
  peer_count_ = static_cast<std::uint32_t>(peer_count_ + table.size() - peers_before);
  seeder_count_ = seeder_count_ + table.seeder_count() - seeders_before;
  assert(peer_count_ >= table.size() && seeder_count_ >= table.seeder_count());
  return result;
}

SwarmUpdate Swarm::apply(PeerTable& table, const PeerAnnounce& announce, net::TimePoint now,
                         bool may_add) {
  if (announce.event == AnnounceEvent::stopped) return stop(table, announce);
  if (const auto index = table.find_by_peer_id(announce.peer_id)) {
    return update_known(table, *index, announce, now);
  }
  const bool completes = announce.event == AnnounceEvent::completed;
  if (const auto index = table.find_by_address(announce.address)) {
    // The client restarted on the same address and port with a new peer id.
    const bool was_seeder = table.seeder(*index);
    table.change_peer_id(*index, announce.peer_id);
    table.refresh(*index, now, announce.seeder, announce.key);
    if (completes && !was_seeder) ++completed_;
    return SwarmUpdate::refreshed;
  }
  if (!may_add) return SwarmUpdate::swarm_full;
  table.insert(StoredPeer{.address = announce.address,
                          .peer_id = announce.peer_id,
                          .last_seen = now,
                          .key = announce.key,
                          .seeder = announce.seeder});
  if (completes) ++completed_;
  return SwarmUpdate::added;
}

SwarmUpdate Swarm::stop(PeerTable& table, const PeerAnnounce& announce) {
  bool removed = false;
  if (const auto index = table.find_by_peer_id(announce.peer_id)) {
    const auto& key = table.key(*index);
    const bool proven = table.has_address(*index, announce.address) || !key || key == announce.key;
    if (proven) {
      table.remove(*index);
      removed = true;
    }
  }
  // Whatever sits on the requester's own address goes too: that address is leaving.
  if (const auto index = table.find_by_address(announce.address)) {
    table.remove(*index);
    removed = true;
  }
  return removed ? SwarmUpdate::removed : SwarmUpdate::absent;
}

SwarmUpdate Swarm::update_known(PeerTable& table, PeerTable::Index index,
                                const PeerAnnounce& announce, net::TimePoint now) {
  const bool was_seeder = table.seeder(index);
  if (!table.has_address(index, announce.address)) {
    const auto& key = table.key(index);
    const bool proven = !key || key == announce.key;
    if (!proven) return SwarmUpdate::peer_id_taken;
    // The address moved. Whatever else sat on the new address is gone from there.
    if (const auto other = table.find_by_address(announce.address)) {
      table.remove(*other);
      // Removal may have moved our peer into the freed slot.
      index = *table.find_by_peer_id(announce.peer_id);
    }
    table.change_address(index, announce.address);
  }
  table.refresh(index, now, announce.seeder, announce.key);
  if (announce.event == AnnounceEvent::completed && !was_seeder) ++completed_;
  assert(table.has_address(index, announce.address));
  return SwarmUpdate::refreshed;
}

void Swarm::sample(std::size_t count, const Requester& requester, FamilyPolicy policy,
                   net::TimePoint live_since, net::Rng& rng, std::vector<ListedPeer>& out) const {
  const std::size_t start = out.size();
  const PeerTable& own = tables_[slot(requester.address.family)];
  own.sample(count, own.exclusion_of(requester), live_since, rng, out);
  assert(out.size() - start <= count);
  if (policy == FamilyPolicy::same_then_other) {
    const std::size_t listed = out.size() - start;
    const PeerTable& other = tables_[1 - slot(requester.address.family)];
    // In the other family only the peer id can be the requester's (a dual-stack client).
    PeerTable::Exclusion excluded;
    if (const auto index = other.find_by_peer_id(requester.peer_id)) excluded.first = *index;
    if (listed < count) other.sample(count - listed, excluded, live_since, rng, out);
  }
  assert(out.size() - start <= count);
}

std::size_t Swarm::expire(net::TimePoint cutoff) {
  const std::size_t removed = tables_[0].expire(cutoff) + tables_[1].expire(cutoff);
  peer_count_ = static_cast<std::uint32_t>(tables_[0].size() + tables_[1].size());
  seeder_count_ = tables_[0].seeder_count() + tables_[1].seeder_count();
  return removed;
}

SwarmCounts Swarm::counts() const {
  assert(seeder_count_ <= peer_count_);
  return SwarmCounts{
      .seeders = seeder_count_, .leechers = peer_count_ - seeder_count_, .completed = completed_};
}

}  // namespace swarmlab::tracker
