#include "scenarios/discovery.hpp"

#include <cassert>

namespace swarmlab::scenarios {

void DirectDiscovery::add(std::size_t slot, const protocol::PeerAddress& address, bool seed) {
  present_[slot] = {address, seed};
}

void DirectDiscovery::set_seed(std::size_t slot, bool seed) {
  const auto found = present_.find(slot);
  if (found != present_.end()) found->second.seed = seed;
}

void DirectDiscovery::remove(std::size_t slot) {
  present_.erase(slot);
}

std::vector<protocol::PeerAddress> DirectDiscovery::sample(std::size_t self, net::Rng& rng) const {
  std::vector<protocol::PeerAddress> addresses;
  std::vector<const Entry*> seeds;
  std::vector<const Entry*> others;
  for (const auto& [slot, entry] : present_) {
    if (slot == self) continue;
    (entry.seed ? seeds : others).push_back(&entry);
  }
  rng.shuffle(std::span(seeds));
  rng.shuffle(std::span(others));
  for (std::size_t index = 0; index < seeds.size() && addresses.size() < seeds_max; ++index)
    addresses.push_back(seeds[index]->address);
  for (std::size_t index = 0; index < others.size() && addresses.size() < known_peers_max; ++index)
    addresses.push_back(others[index]->address);
  assert(addresses.size() <= known_peers_max);
  return addresses;
}

}  // namespace swarmlab::scenarios
