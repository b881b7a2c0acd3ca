#include "actors/peer/block_blame.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace swarmlab::peer {

std::uint64_t BlockBlame::prefix(const protocol::Sha1Digest& digest) {
  std::uint64_t value = 0;
  std::memcpy(&value, digest.data(), sizeof value);
  return value;
}

void BlockBlame::on_failed(PieceIndex piece, std::span<const PeerKey> senders,
                           std::span<const protocol::Sha1Digest> digests) {
  assert(senders.size() == digests.size());
  if (block_count_ + senders.size() > blocks_max) return;
  Attempt attempt;
  attempt.senders.assign(senders.begin(), senders.end());
  attempt.digests.reserve(digests.size());
  for (const protocol::Sha1Digest& digest : digests)
    attempt.digests.push_back(prefix(digest));
  block_count_ += senders.size();
  attempts_[piece].push_back(std::move(attempt));
}

BlockBlame::Verdict BlockBlame::on_passed(PieceIndex piece,
                                          std::span<const protocol::Sha1Digest> good) {
  Verdict verdict;
  const auto found = attempts_.find(piece);
  if (found == attempts_.end()) return verdict;
  std::map<PeerKey, std::int32_t> attempts_by_sender;
  for (const Attempt& attempt : found->second) {
    block_count_ -= attempt.senders.size();
    std::vector<PeerKey> senders;
    for (std::size_t block = 0; block < attempt.senders.size(); ++block) {
      const PeerKey sender = attempt.senders[block];
      if (sender == PeerKey::none()) continue;
      senders.push_back(sender);
      // A block beyond the good copy's (the layout cannot change) would be a caller's bug.
      assert(block < good.size());
      if (block >= good.size() || attempt.digests[block] != prefix(good[block]))
        verdict.liars.push_back(sender);
    }
    std::sort(senders.begin(), senders.end());
    senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
    for (const PeerKey sender : senders)
      ++attempts_by_sender[sender];
  }
  attempts_.erase(found);
  std::sort(verdict.liars.begin(), verdict.liars.end());
  verdict.liars.erase(std::unique(verdict.liars.begin(), verdict.liars.end()), verdict.liars.end());
  for (const auto& [sender, attempts] : attempts_by_sender) {
    if (!std::binary_search(verdict.liars.begin(), verdict.liars.end(), sender))
      verdict.cleared.emplace_back(sender, attempts);
  }
  return verdict;
}

}  // namespace swarmlab::peer
