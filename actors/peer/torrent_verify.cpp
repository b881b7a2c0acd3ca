// Verification: a complete piece is hashed through DiskIo before it counts as ours. On success it
// is announced (HAVE) to every peer and its senders earn trust; on failure it is discarded and
// downloaded again, and its senders are blamed: banned at once when the culprit is certain, else
// they lose trust points until they reach limits::trust_points_ban_level. The digests of a failed
// piece's blocks are kept (BlockBlame), and when the piece passes, whoever sent a block that
// differs from the good one is banned and the other senders are cleared.
#include "actors/peer/torrent.hpp"

#include "actors/peer/endpoint_conversion.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;

void Torrent::start_verification(PieceIndex piece) {
  assert(pieces_.contains(piece));
  assert(!picker_.have().test(piece));
  host_.spawn(verify_piece(piece));
}

asio::awaitable<void> Torrent::verify_piece(PieceIndex piece) {
  const auto index = static_cast<storage::PieceIndex>(piece.value());
  const auto verified = co_await disk_->verify_piece(index);
  if (stopping_) co_return;
  // A block whose write never happened makes the check fail through no fault of its sender.
  const bool unwritten = unwritten_pieces_.erase(piece) > 0;
  const auto block_length = static_cast<std::uint32_t>(limits::block_size_bytes);
  if (verified && *verified) {
    bool judged = false;
    if (block_blame_.remembers(piece)) {
      const auto good = co_await disk_->block_digests(index, block_length);
      if (stopping_) co_return;
      if (good) {
        judge_block_senders(piece, *good);
        judged = true;
      }
    }
    on_piece_passed(piece, judged);
    co_return;
  }
  const bool blame_senders = !unwritten && verified.has_value();
  if (blame_senders) {
    const std::vector<PeerKey> senders = block_senders(piece);
    const auto digests = co_await disk_->block_digests(index, block_length);
    if (stopping_) co_return;
    if (digests && digests->size() == senders.size())
      block_blame_.on_failed(piece, senders, *digests);
  }
  // Forget the bad data before anyone may send the piece again.
  co_await disk_->discard_piece(index);
  if (stopping_) co_return;
  on_piece_failed(piece, blame_senders);
}

std::vector<PeerKey> Torrent::block_senders(PieceIndex piece) const {
  const PieceDownload* download = picker_.download(piece);
  assert(download != nullptr);
  std::vector<PeerKey> senders;
  senders.reserve(static_cast<std::size_t>(download->block_count().value()));
  for (BlockIndex block(0); block < BlockIndex(download->block_count().value()); ++block)
    senders.push_back(download->sender(block));
  return senders;
}

void Torrent::judge_block_senders(PieceIndex piece, std::span<const storage::Sha1Digest> good) {
  const BlockBlame::Verdict verdict = block_blame_.on_passed(piece, good);
  for (const PeerKey liar : verdict.liars) {
    const net::Address* address = address_of(liar);
    if (address != nullptr && !book_.is_banned(*address)) ban(*address);
  }
  for (const auto& [sender, failures] : verdict.cleared) {
    if (const net::Address* address = address_of(sender)) {
      trust_.forgive(*address, failures);
      parole_.erase(*address);
    }
  }
}

void Torrent::on_piece_passed(PieceIndex piece, bool senders_judged) {
  const PieceDownload* download = picker_.download(piece);
  assert(download != nullptr);
  const std::vector<PeerKey> contributors = download->contributors();
  credit(contributors);
  // A good piece of its own ends a peer's parole.
  if (contributors.size() == 1) {
    if (const net::Address* address = address_of(contributors.front())) parole_.erase(*address);
  }
  const HashSuccess success = picker_.on_hash_passed(piece);
  const std::int64_t size_bytes = pieces_.piece_size(piece).value();
  bytes_verified_ += size_bytes;
  if (is_wanted(picker_.priority(piece))) bytes_left_ -= size_bytes;
  assert(bytes_left_ >= 0);
  if (auto* observer = session_.observer) {
    observer->on_piece_verified(host_.now(), session_.actor_id,
                                static_cast<std::uint32_t>(piece.value()));
  }
  // Without block digests to judge by: peers that sent blocks of a failed attempt but none of the
  // good one sent the bad data. They lost trust when the attempt failed; a lone suspect is
  // certainly the culprit.
  if (!senders_judged && success.suspects.size() == 1) blame(success.suspects);
  for (auto& [key, connection] : connections_)
    connection->on_piece_verified(piece);
  if (picker_.is_complete()) on_complete();
}

void Torrent::on_piece_failed(PieceIndex piece, bool blame_senders) {
  const HashFailure failure = picker_.on_hash_failed(piece);
  ++hash_failures_;
  counters_.wasted_bytes += static_cast<std::uint64_t>(pieces_.piece_size(piece).value());
  if (auto* observer = session_.observer) {
    std::vector<protocol::PeerAddress> senders;
    senders.reserve(failure.contributors.size());
    for (const PeerKey key : failure.contributors) {
      const auto found = key_addresses_.find(key);
      if (found != key_addresses_.end()) senders.push_back(to_peer_address({found->second, 0}));
    }
    observer->on_hash_failed(host_.now(), session_.actor_id,
                             static_cast<std::uint32_t>(piece.value()), senders);
  }
  if (blame_senders) {
    for (const PeerKey key : failure.contributors) {
      const net::Address* address = address_of(key);
      if (address != nullptr && !book_.is_banned(*address)) parole_.insert(*address);
    }
    blame(failure.contributors);
  }
  on_blocks_released();
}

void Torrent::on_complete() {
  if (completed_at_) return;
  const net::TimePoint now = host_.now();
  completed_at_ = now;
  if (auto* observer = session_.observer) observer->on_completed(now, session_.actor_id);
  for (auto& [key, connection] : connections_) {
    if (connection->peer_is_seed()) {
      connection->close(CloseReason::seed_to_seed);
    } else {
      connection->update_interest();
    }
  }
  // Make the content durable (files) now that it is whole; a failure shows on the next check.
  host_.spawn(
      [](storage::DiskIo& disk) -> asio::awaitable<void> { co_await disk.flush(); }(*disk_));
  set_state(TorrentState::seeding);
  // The choke loop sleeps until its next round: a seeding time counts from now, not from then.
  if (config_.seeding.kind == SeedingPolicy::Kind::duration) choke_timer_.cancel();
}

const net::Address* Torrent::address_of(PeerKey peer) const {
  const auto found = key_addresses_.find(peer);
  return found == key_addresses_.end() ? nullptr : &found->second;
}

void Torrent::credit(std::span<const PeerKey> peers) {
  std::vector<net::Address> senders;
  for (const PeerKey key : peers) {
    if (const net::Address* address = address_of(key)) senders.push_back(*address);
  }
  trust_.credit(senders);
}

void Torrent::blame(std::span<const PeerKey> peers) {
  std::vector<net::Address> senders;
  for (const PeerKey key : peers) {
    if (const net::Address* address = address_of(key)) senders.push_back(*address);
  }
  std::sort(senders.begin(), senders.end());
  senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
  // A banned sender explains the failure; the others are not held to account for it.
  const bool explained = std::any_of(senders.begin(), senders.end(),
                                     [&](const net::Address& a) { return book_.is_banned(a); });
  if (explained) return;
  if (const auto culprit = trust_.blame(senders)) ban(*culprit);
}

void Torrent::ban(const net::Address& address) {
  assert(!book_.is_banned(address));
  book_.ban(address);
  parole_.erase(address);
  ++banned_count_;
  if (auto* observer = session_.observer) {
    observer->on_banned(host_.now(), session_.actor_id, to_peer_address({address, 0}),
                        describe(CloseReason::bad_data));
  }
  for (auto& [key, connection] : connections_) {
    if (connection->remote().address == address) connection->close(CloseReason::bad_data);
  }
  assert(book_.is_banned(address));
}

}  // namespace swarmlab::peer
